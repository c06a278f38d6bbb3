"""Lists in the articles: bulleted lists ("•" items) and inline lists (``lead-in: a; b; c.``).

A list starts at a lead-in sentence that ends with a colon (``Такие платформы обеспечивают:``);
bullets that follow without a new lead-in belong to the same list, even when a figure or a
continuation paragraph sits between them (the PDF extraction interleaves them). The first list
of an article may have a lead-in that ends with a full stop (``... икки йўналишда амалга
ошмоқда.``). An item is the first sentence after its bullet.

Two list forms have no colon-ended lead-in and are kept only when their heading names what the
items are (a noun of the items' scheme, ``data/nlp/list-heads.yaml``): numbered items ``1. ...``
to ``n. ...`` (any order, description lines between) under a heading line, and a figure's block
of three or more short lines that each denote a concept of one scheme, under the nearest figure
caption before it. Such a list is about the entity its heading names or, when the heading names
none but speaks of clusters, about clusters in general (cluster theory).

Each item ``denotes`` the SKOS concept whose label (pref/alt/hidden, any language) occurs in the
item's text; the list's scheme is the one whose concepts match most items. Which schemes lists
may belong to is :data:`LIST_SCHEMES`; the words themselves live in ``ontology/vocab/*.ttl``.

The module also holds the small SKOS helpers other extractors share (:func:`scheme_concepts`,
:func:`best_concept`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kg.corpus.document import Document
from kg.errors import InputError
from kg.extract.kinds import NLP_DIR, key_matches
from kg.extract.records import Enumeration, EnumerationItem, Evidence
from kg.namespace import ID, SDMX_ATTRIBUTE, data_iri
from kg.paths import VOCAB_DIR

EXTRACTOR = "enumerations"
LIST_CONFIDENCE = 0.9
ITEM_CONFIDENCE = 0.9

#: Schemes whose concepts bulleted and inline lists are matched against, in tie-break order.
LIST_SCHEMES: tuple[str, ...] = (
    "development-direction",
    "cluster-feature",
    "platform-function",
    "mechanism",
    "benefit",
    "integration-channel",
    "challenge",
    "conclusion",
    "cluster-characteristic",
    "innovation-problem",
)
LIST_HEADS = NLP_DIR / "list-heads.yaml"
NUMBERED_RE = re.compile(r"(?m)^[ \t]*(\d{1,2})[.)][ \t]+(?=\S)")
#: at most this many characters of description lines between two numbered items of a list
MAX_NUMBERED_GAP = 400
#: a figure block: at least this many lines, each of at most this many words
MIN_FIGURE_LINES = 3
MAX_FIGURE_WORDS = 12
MAX_HEADING_WORDS = 20

BULLET_RE = re.compile(r"(?m)^[ \t]*[•▪●◦‣][ \t]*")
#: End of an item: ";" or a full stop before a capital/quote, a line break or the end.
ITEM_END_RE = re.compile(r";|\.(?=[ \t]+[A-ZА-ЯЁЎҚҒҲ“«\"]|[ \t]*\n|[ \t]*$)|\n")
LEAD_COLON_RE = re.compile(r":[ \t]*(?=\n)")
_ITEM_CHARS = r"(?:[^:;\n•.]|\.(?![ \t]|$))+"
INLINE_RE = re.compile(
    rf":[ \t]*(?P<body>{_ITEM_CHARS};(?:{_ITEM_CHARS};)+{_ITEM_CHARS}\.)(?=\s|$)", re.MULTILINE
)


# -- SKOS helpers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """A SKOS concept with its labels normalised for matching."""

    iri: URIRef
    labels: tuple[str, ...]  # normalised (see :func:`normalise`), longest first
    unit: URIRef | None  # sdmx-attribute:unitMeasure, for indicators


def normalise(text: str) -> str:
    """Lower-case, ``ё`` -> ``е``, one apostrophe, no hyphen-space splits; keeps the length."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[’'ʻ`ʼ]", "‘", text)
    return re.sub(r"\s", " ", text)


def _norm_label(label: str) -> str:
    return re.sub(r" +", " ", normalise(label)).strip()


@lru_cache(maxsize=8)
def _vocab_from_files(vocab_dir: str) -> Graph:
    graph = Graph()
    for path in sorted(Path(vocab_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def vocab_graph(lexicon: object | None) -> Graph:
    """The SKOS vocabularies: the lexicon's (``lexicon.vocab``) or ``ontology/vocab/*.ttl``."""
    graph = getattr(lexicon, "vocab", None)
    return graph if isinstance(graph, Graph) else _vocab_from_files(str(VOCAB_DIR))


_CONCEPT_CACHE: dict[tuple[int, str], tuple[Concept, ...]] = {}


def scheme_iri(scheme: str) -> URIRef:
    """``id:scheme/{scheme}``."""
    return data_iri("scheme", scheme)


def scheme_concepts(lexicon: object | None, scheme: str) -> tuple[Concept, ...]:
    """The concepts of ``id:scheme/{scheme}`` with their labels, sorted by IRI."""
    graph = vocab_graph(lexicon)
    key = (id(graph), scheme)
    if key not in _CONCEPT_CACHE:
        concepts = []
        for iri in sorted(set(graph.subjects(SKOS.inScheme, scheme_iri(scheme))), key=str):
            if not isinstance(iri, URIRef) or (iri, RDF.type, SKOS.Concept) not in graph:
                continue
            labels = {
                _norm_label(str(o))
                for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                for o in graph.objects(iri, p)
                if isinstance(o, Literal) and str(o).strip()
            }
            unit = graph.value(iri, SDMX_ATTRIBUTE.unitMeasure)
            concepts.append(
                Concept(
                    iri,
                    tuple(sorted(labels, key=lambda s: (-len(s), s))),
                    unit if isinstance(unit, URIRef) else None,
                )
            )
        _CONCEPT_CACHE[key] = tuple(concepts)
    return _CONCEPT_CACHE[key]


def scheme_label(lexicon: object | None, scheme: str, lang: str = "en") -> str:
    """The preferred label of a scheme in ``lang`` (falls back to the slug)."""
    graph = vocab_graph(lexicon)
    for label in graph.objects(scheme_iri(scheme), SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return scheme


def label_positions(text: str, label: str) -> list[int]:
    """Start offsets of a normalised ``label`` in ``text`` (word-bounded at its start)."""
    norm = normalise(text)
    pattern = r"\s+".join(re.escape(word) for word in label.split(" "))
    return [m.start() for m in re.finditer(r"(?<![\w‘])" + pattern, norm)]


def best_concept(text: str, concepts: tuple[Concept, ...]) -> tuple[Concept, int] | None:
    """The concept with the longest label found in ``text`` (earliest on ties), and that length."""
    best: tuple[int, int, str, Concept] | None = None
    for concept in concepts:
        for label in concept.labels:
            positions = label_positions(text, label)
            if positions:
                candidate = (-len(label), positions[0], str(concept.iri), concept)
                if best is None or candidate[:3] < best[:3]:
                    best = candidate
                break  # labels are longest first
    return (best[3], -best[0]) if best else None


# -- lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    text: str


@dataclass
class _List:
    lead_start: int
    lead_end: int
    items: list[_Item]
    inline: bool
    headed: bool = False  # numbered or a figure: its heading must name the items' scheme


@dataclass(frozen=True)
class ListHeads:
    """The list-heading words (``data/nlp/list-heads.yaml``)."""

    nouns: dict[str, dict[str, frozenset[str]]]  # scheme -> language -> nouns
    general: dict[str, frozenset[str]]  # language -> cluster nouns
    general_subject: URIRef
    captions: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def list_heads(path: Path = LIST_HEADS) -> ListHeads:
    """The list-heading words per scheme and language."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    subject = str(data["general_subject"])
    if not subject.startswith("id:"):
        raise InputError(f"general_subject must be an id: IRI, not {subject!r}", where=str(path))
    return ListHeads(
        {scheme: {lang: frozenset(map(str, words)) for lang, words in by_lang.items()}
         for scheme, by_lang in data["schemes"].items()},
        {lang: frozenset(map(str, words)) for lang, words in data["general"].items()},
        URIRef(str(ID) + subject.removeprefix("id:")),
        {lang: re.compile(rf"^[ \t]*{pattern}[ \t]*") for lang, pattern in
         data["captions"].items()},
    )  # fmt: skip


def _names(text: str, nouns: frozenset[str], lang: str) -> bool:
    """Does ``text`` have a word whose dictionary key is one of ``nouns`` (an Uzbek key of four
    letters or more also matches the stems it begins)?"""
    return any(key_matches(noun, word, lang)
               for word in re.findall(r"[^\W\d_][\w‘’'-]*", text) for noun in nouns)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to drop surrounding blanks and a trailing ``.``/``;``/``:``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;:"):
        end -= 1
    return start, end


def _bullet_items(text: str) -> list[tuple[int, _Item]]:
    """(bullet offset, item) for every bullet with a non-empty first sentence."""
    items = []
    for m in BULLET_RE.finditer(text):
        end_match = ITEM_END_RE.search(text, m.end())
        end = end_match.start() if end_match else len(text)
        start, end = _trim(text, m.end(), end)
        if end > start:
            items.append((m.start(), _Item(start, end, text[start:end])))
    return items


def _lead_in(doc: Document, gap_start: int, gap_end: int, first: bool) -> tuple[int, int] | None:
    """The lead-in span in ``text[gap_start:gap_end]``: the last colon-ended sentence."""
    text = doc.text
    colons = [m.start() for m in LEAD_COLON_RE.finditer(text, gap_start, gap_end)]
    if colons:
        colon = colons[-1]
        start = max(doc.sentence_at(colon).start, gap_start)
        start, _ = _trim(text, start, colon)
        return start, colon + 1
    if first and gap_end > gap_start:
        sentence = doc.sentence_at(max(gap_end - 2, 0))
        start, end = _trim(text, max(sentence.start, gap_start), min(sentence.end, gap_end))
        if end > start:
            return start, min(end + 1, gap_end) if text[end : end + 1] == "." else end
    return None


def _bullet_lists(doc: Document) -> list[_List]:
    lists: list[_List] = []
    previous_end = 0
    for bullet_start, item in _bullet_items(doc.text):
        lead = _lead_in(doc, previous_end, bullet_start, first=not lists)
        if lead is not None or not lists:
            if lead is None:
                lead = (item.start, item.end)
            lists.append(_List(lead[0], lead[1], [item], inline=False))
        else:
            lists[-1].items.append(item)
        previous_end = item.end
    return lists


def _heading_before(text: str, line_start: int) -> tuple[int, int] | None:
    """The line before ``line_start`` when it is a heading (at most :data:`MAX_HEADING_WORDS`
    words, no closing full stop or semicolon) or a colon-ended lead-in."""
    end = text.rfind("\n", 0, line_start)
    if end < 0:
        return None
    start, end = _trim(text, text.rfind("\n", 0, end) + 1, end)
    line = text[start:end]
    closed = text[end : end + 1] in (".", ";")
    if not line or closed or len(line.split()) > MAX_HEADING_WORDS or BULLET_RE.match(line):
        return None
    return start, end


def _numbered_lists(doc: Document) -> list[_List]:
    """Items ``1. ...`` to ``n. ...`` (in any order) under a heading line."""
    text = doc.text
    lists: list[_List] = []
    run: list[tuple[int, int, _Item]] = []  # (number, line start, item)

    def close() -> None:
        if len(run) >= 2 and sorted(n for n, _, _ in run) == list(range(1, len(run) + 1)):
            lead = _heading_before(text, run[0][1])
            if lead is not None:
                lists.append(_List(lead[0], lead[1], [i for _, _, i in run], False, True))
        run.clear()

    for m in NUMBERED_RE.finditer(text):
        end_match = ITEM_END_RE.search(text, m.end())
        start, end = _trim(text, m.end(), end_match.start() if end_match else len(text))
        if end <= start:
            continue
        number = int(m.group(1))
        if run and (
            number == 1
            or m.start() - run[-1][2].end > MAX_NUMBERED_GAP
            or BULLET_RE.search(text, run[-1][2].end, m.start())
        ):
            close()
        run.append((number, m.start(), _Item(start, end, text[start:end])))
    close()
    return lists


def _figure_blocks(doc: Document) -> list[_List]:
    """Runs of short lines (no bullet, number or closing punctuation) headed by the nearest
    figure caption before them, in the language of the run's first line."""
    text = doc.text
    heads = list_heads()
    lists: list[_List] = []
    run: list[_Item] = []
    captions: dict[str, tuple[int, int]] = {}  # language -> the last caption's heading so far

    def close() -> None:
        if len(run) >= MIN_FIGURE_LINES:
            lead = captions.get(doc.sentence_at(run[0].start).lang)
            if lead is not None:
                lists.append(_List(lead[0], lead[1], list(run), False, True))
        run.clear()

    offset = 0
    for line in text.split("\n"):
        start, end = _trim(text, offset, offset + len(line))
        body = text[start:end]
        short = (
            bool(body) and body[:1].isupper() and len(body.split()) <= MAX_FIGURE_WORDS
            and text[end : end + 1] not in (".", ";", ":")
            and not body.endswith((",", "!", "?", "-", "–"))
            and not BULLET_RE.match(body) and not NUMBERED_RE.match(body)
            and not any(c.match(body) for c in heads.captions.values())
        )  # fmt: skip
        if short:
            run.append(_Item(start, end, body))
        else:
            close()
            for lang, caption in heads.captions.items():
                m = caption.match(line)
                if m is not None:
                    found = _trim(text, offset + m.end(), offset + len(line))
                    if found[1] > found[0]:
                        captions[lang] = found
        offset += len(line) + 1
    close()
    return lists


def _inline_lists(doc: Document) -> list[_List]:
    lists = []
    for m in INLINE_RE.finditer(doc.text):
        items = []
        offset = m.start("body")
        for part in re.finditer(r"[^;]+", m.group("body")):
            start, end = _trim(doc.text, offset + part.start(), offset + part.end())
            if end > start:
                items.append(_Item(start, end, doc.text[start:end]))
        colon = m.start()
        lead_start, _ = _trim(doc.text, doc.sentence_at(colon).start, colon)
        lists.append(_List(lead_start, colon + 1, items, inline=True))
    return lists


Match = tuple[Concept, int] | None


def _choose_scheme(lexicon: object | None, items: list[_Item]) -> tuple[str, list[Match]] | None:
    best: tuple[int, str, list[Match]] | None = None
    for scheme in LIST_SCHEMES:
        concepts = scheme_concepts(lexicon, scheme)
        matches = [best_concept(item.text, concepts) for item in items]
        score = sum(1 for m in matches if m)
        if score and (best is None or score > best[0]):
            best = (score, scheme, matches)
    return (best[1], best[2]) if best else None


def _about(lexicon: object | None, text: str, base: int) -> URIRef | None:
    match = getattr(lexicon, "match", None)
    if match is None:
        return None
    for found in match(text, base, schemes=["entity"]):
        entity: URIRef = found.entity
        return entity
    return None


def _headed_about(
    lexicon: object | None, doc: Document, lst: _List, scheme: str, matches: list[Match]
) -> tuple[bool, URIRef | None]:
    """(keep, about) of a numbered list or figure: its heading must name the scheme and,
    for a figure, every line denote a concept; about the entity the heading names, else, when
    it speaks of clusters, clusters in general."""
    heads = list_heads()
    lead = doc.text[lst.lead_start : lst.lead_end]
    lang = doc.sentence_at(lst.lead_start).lang
    nouns = heads.nouns.get(scheme, {}).get(lang, frozenset())
    if not nouns or not _names(lead, nouns, lang) or not all(matches):
        return False, None
    about = _about(lexicon, lead, lst.lead_start)
    if about is None and _names(lead, heads.general.get(lang, frozenset()), lang):
        about = heads.general_subject
    return True, about


def extract(doc: Document, lexicon: object | None) -> list[Enumeration]:
    """Every bulleted and inline list of ``doc`` whose items match a list scheme."""
    out: list[Enumeration] = []
    keys: set[str] = set()
    found = sorted(_bullet_lists(doc) + _inline_lists(doc) + _numbered_lists(doc)
                   + _figure_blocks(doc), key=lambda lst: lst.lead_start)  # fmt: skip
    for lst in found:
        chosen = _choose_scheme(lexicon, lst.items)
        if chosen is None:
            continue
        scheme, matches = chosen
        if lst.headed:
            keep, about = _headed_about(lexicon, doc, lst, scheme, matches)
            if not keep:
                continue
        else:
            about = _about(lexicon, doc.text[lst.lead_start : lst.lead_end], lst.lead_start)
        key = f"{scheme}s" + ("-inline" if lst.inline else "")
        base_key, n = key, 2
        while key in keys:
            key, n = f"{base_key}-{n}", n + 1
        keys.add(key)
        items = tuple(
            EnumerationItem(
                position=i,
                text=item.text,
                denotes=match[0].iri if match else None,
                evidence=Evidence(
                    doc.source_id,
                    item.start,
                    item.end,
                    EXTRACTOR,
                    ITEM_CONFIDENCE if match else 0.5,
                ),
            )
            for i, (item, match) in enumerate(zip(lst.items, matches, strict=True), start=1)
        )
        label = scheme_label(lexicon, scheme)
        out.append(
            Enumeration(
                key=key,
                label=f"{label[:1].upper()}{label[1:]}: {'inline ' if lst.inline else ''}"
                f"list of {len(items)} items",
                scheme=scheme_iri(scheme),
                about=about,
                items=items,
                evidence=Evidence(
                    doc.source_id, lst.lead_start, lst.lead_end, EXTRACTOR, LIST_CONFIDENCE
                ),
            )
        )
    return out


__all__ = [
    "Concept",
    "best_concept",
    "extract",
    "label_positions",
    "normalise",
    "scheme_concepts",
    "scheme_iri",
    "scheme_label",
    "vocab_graph",
]
