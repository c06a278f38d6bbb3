"""One article in, its records out: the per-article map of the build.

:func:`load_context` loads what every article needs (the lexicon, the curation folder) once
per process; :func:`extract_article` runs every extractor over one document and returns an
:class:`ArticleExtraction`. Nothing here depends on other articles, so articles can be
extracted in any order, in parallel processes, and the results merged afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.corpus.document import Document
from kg.extract import curation, enumerations, statistics, tables
from kg.extract.entities import extract_entities
from kg.extract.gazetteer import gazetteer
from kg.extract.kinds import head_nouns
from kg.extract.lexicon import Lexicon
from kg.extract.mentions import Candidate, candidates, find_mentions
from kg.extract.pronouns import resolve_pronouns
from kg.extract.recognisers import SUPPORTED, Recognisers, unsupported
from kg.extract.records import Enumeration, Membership, Record, Relation, TableCell
from kg.extract.relations import RelationExtractor, fact_key, list_relations
from kg.review import apply_decisions, read_decisions

#: the extractors run on every article, in this order ("curation" only with a curation folder)
EXTRACTORS = (
    "mentions",
    "entities",
    "statistics",
    "enumerations",
    "relations",
    "tables",
    "curation",
)


@dataclass
class ExtractionContext:
    """What extraction needs besides the article, loaded once per process.

    Picklable: the recognisers' models are left out of the pickle and load again in the
    receiving process on first use (:class:`kg.extract.recognisers.Recognisers`)."""

    lexicon: Lexicon
    curation_dir: Path | None = None
    recognisers: Recognisers = field(default_factory=Recognisers)
    #: the IRIs curated rows may name (the subjects of the lexicon's files, already parsed)
    known: curation.KnownSet | None = None

    @property
    def extractors(self) -> list[str]:
        """The names of the extractors that run (``curation`` needs a curation folder)."""
        return [n for n in EXTRACTORS if n != "curation" or self.curation_dir is not None]


@dataclass
class ArticleExtraction:
    """The records of one article and the counts the build summary adds up."""

    source_id: str
    records: list[Record] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each (unsupported language)
    entities: set[str] = field(default_factory=set)  # lexicon entities mentioned
    concepts: set[str] = field(default_factory=set)  # SKOS concepts mentioned
    sentences: int = 0
    mentions: int = 0
    characters: int = 0


def load_context(
    curation_dir: Path | None = None, languages: Iterable[str] = SUPPORTED
) -> ExtractionContext:
    """The lexicon, recognisers and curation folder every article is extracted with. The
    recognisers of ``languages`` load now (one that cannot be loaded raises
    ``RecogniserMissing``, naming its package); another language's loads with its first
    sentence. The process-wide gazetteer and head nouns are made ready here too, so that a
    build's forkserver holds them and every worker forked from it starts with them."""
    gazetteer()
    head_nouns()
    lexicon = Lexicon.load()
    return ExtractionContext(
        lexicon=lexicon, curation_dir=curation_dir, recognisers=Recognisers().load(languages),
        known=curation.KnownSet.of(lexicon.graph, lexicon.vocab),
    )


def extract_article(doc: Document, context: ExtractionContext) -> ArticleExtraction:
    """Every extractor's records for ``doc``."""
    lexicon = context.lexicon
    mentions = find_mentions(doc, lexicon)
    opened = extract_entities(doc, lexicon, context.recognisers, mentions)
    dropped = {id(m) for m in opened.dropped}
    types = {d.entity: set(d.classes) for d in opened.descriptions}
    relations = RelationExtractor(doc, lexicon, context.recognisers, types)
    mentions = [m for m in mentions if id(m) not in dropped] + opened.mentions
    mentions = sorted(
        mentions + resolve_pronouns(doc, mentions, lexicon.names_resource, relations.classes),
        key=lambda m: (m.evidence.start, m.evidence.end),
    )
    out = ArticleExtraction(
        source_id=doc.source_id,
        records=list(mentions),
        candidates=candidates(doc, lexicon, mentions),
        sentences=len(doc.sentences),
        mentions=len(mentions),
        characters=len(doc.text),
    )
    out.records.extend(opened.descriptions)
    missing = unsupported(doc)
    if missing:
        out.warnings.append(
            f"{doc.path}: no recogniser for {', '.join(missing)}: mentions from the lexicon only"
        )
    for m in mentions:
        (out.entities if lexicon.is_entity(m.entity) else out.concepts).add(str(m.entity))
    out.records.extend(statistics.extract(doc, lexicon, mentions))
    lists = enumerations.extract(doc, lexicon)
    figures = tables.extract(doc, lexicon)
    # a curated figure states the same list better (printed positions, explanations): it
    # replaces ours; the relations of our list's items stay (curated rows replace those below)
    out.records.extend(uncurated_lists(lists, figures))
    automatic: list[Relation | Membership] = relations.extract(mentions)
    automatic += list_relations(lists)
    out.records.extend(figures)
    curated: list[Relation | Membership] = []
    if context.curation_dir is not None:
        curated = curation.extract(doc, context.curation_dir, context.known)
    # a curated row states the same fact better (its quote, role, helix): it replaces ours
    known = {fact_key(r) for r in curated}
    out.records.extend(r for r in automatic if fact_key(r) not in known)
    # the curators' review decisions (accept / reject / correct) on the automatic output
    decisions = read_decisions(context.curation_dir, doc.source_id)
    out.records = apply_decisions(out.records, decisions, doc.source_id)
    out.records.extend(curated)
    return out


def uncurated_lists(
    lists: list[Enumeration], figures: list[TableCell | Enumeration]
) -> list[Enumeration]:
    """The lists no curated figure of the same scheme overlaps (an item span in common)."""
    curated = [f for f in figures if isinstance(f, Enumeration)]

    def covered(lst: Enumeration) -> bool:
        return any(
            f.scheme == lst.scheme
            and any(a.evidence.start < b.evidence.end and b.evidence.start < a.evidence.end
                    for a in lst.items for b in f.items)
            for f in curated
        )  # fmt: skip

    return [lst for lst in lists if not covered(lst)]
