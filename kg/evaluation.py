"""Score a build against hand-written gold: entities, statistics and relations per article.

The gold format and the annotation guidelines are in ``data/dev-corpus/README.md``. Scoring is
strict and per article graph (``id:graph/{stem}``):

- an **entity** is found when the article graph links (``oa:hasBody`` of an annotation,
  ``ck:mentions``, or ``rdf:subject`` / ``rdf:object`` of a reified fact) a resource typed with
  the kind's class or one of its subclasses (the ontology's ``rdfs:subClassOf`` closure) and one
  of whose labels matches the gold name or an alias after :func:`normalise_name`;
- a **statistic** is found at three levels: an observation of the article graph carries the
  value; it also has the gold subject as ``ck:statSubject`` or ``ck:refArea``; it also has the
  gold indicator (the concept itself, or a label sharing a word of ``counted``);
- a **relation** is found when the article graph asserts ``s p o`` with ``s`` and ``o``
  resources of the gold subject and object and ``p`` the gold predicate or a subproperty; the
  inverse property (``owl:inverseOf``) reversed, and the reverse of a symmetric one, count.

Precision counts what the graph asserts: every linked resource of an entity class, every
observation, every asserted triple with a relation predicate. Every query binds its terms by
pyoxigraph substitution; nothing is pasted into query text.

``score_build(build_dir, gold_dir) -> Scores`` is the entry point; ``python -m benchmarks
extraction`` prints the table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.namespace import ID, ONTOLOGY_NS, PREFIXES
from kg.paths import DATA_DIR

if TYPE_CHECKING:
    import pyoxigraph

#: the development corpus and its gold (``gold/``)
DEV_CORPUS_DIR = DATA_DIR / "dev-corpus"
#: the ck: namespace as a plain string, not the checked kg.namespace.CK: a term named in a
#: hand-written gold file may be undeclared, which the scorer reports instead of crashing
CK = ONTOLOGY_NS

# -- the fixed vocabulary of the gold -------------------------------------------------------------

#: kind -> the ontology class of the gold (a resource of a subclass has the right type too)
KINDS: dict[str, str] = {
    "cluster": "Cluster",
    "company": "Company",
    "university": "University",
    "research-institute": "ResearchInstitute",
    "technopark": "Technopark",
    "special-economic-zone": "SpecialEconomicZone",
    "industrial-park": "IndustrialPark",
    "government-body": "GovernmentBody",
    "association": "IndustryAssociation",
    "financial-institution": "FinancialInstitution",
    "international-organisation": "InternationalOrganisation",
    "organisation": "Organisation",
    "person": "Person",
    "country": "Country",
    "region": "Region",
    "city": "City",
    "programme": "Programme",
    "project": "Project",
    "policy": "Policy",
    "document": "Document",
}
UNITS = frozenset(
    {"count", "percent", "rank", "ratio", "hectare", "km2", "tonne", "megawatt",
     "usd", "eur", "uzs", "twd", "cny", "dkk", "sek", "byn"}
)  # fmt: skip
QUALIFIERS = frozenset({"exact", "approximately", "more-than", "less-than"})
STATUSES = frozenset({"forecast", "plan", "target"})
#: ck: object properties that are evidence, mention or n-ary machinery, not relations
NOT_RELATIONS = frozenset(
    CK + name
    for name in (
        "mentions", "evidence", "extractedBy", "indicator", "refArea", "statSubject", "unit",
        "valueQualifier", "listScheme", "about", "inEnumeration", "hasItem", "denotes",
        "inTable", "hasCell", "dimension", "enterpriseModel", "tripleHelixSector",
    )
)  # fmt: skip
SOURCE_KEY = "source"  # a relation argument naming the article itself
ENTITY_KEYS = frozenset({"name", "aliases", "kind", "mentions", "anaphora", "wikidata", "note"})
STATISTIC_KEYS = frozenset(
    {"value", "unit", "counted", "indicator", "subject", "area", "period", "qualifier",
     "status", "surface", "quote", "occurrence", "note"}
)  # fmt: skip
RELATION_KEYS = frozenset({"subject", "predicate", "object", "quote", "occurrence", "note"})
CATEGORIES = ("entities", "statistics:value", "statistics", "statistics:indicator", "relations")
ALL = "all"

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
SOURCE_DOCUMENT = CK + "SourceDocument"
ONTOLOGY_GRAPH = ID + "graph/ontology"


# -- name normalisation ---------------------------------------------------------------------------

_KEEP_MARKS = {"\u0306"}  # the breve of й and ў; other combining marks (stress, accents) go
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_APOSTROPHES = re.compile("['‘’ʻʼ`´ʹ]")
_NON_WORD = re.compile(r"[^\w\s]|_")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Latin letters that look like Cyrillic ones, repaired inside words that are mainly Cyrillic
_LOOKALIKE = str.maketrans("aceopxykmthbi", "асеорхукмтнві")
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "о": "o",
    "ў": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ҳ": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
}  # fmt: skip


def normalise_name(text: str) -> str:
    """The comparison key of a name: case, marks, apostrophes, quotes, punctuation and script
    insensitive; word forms are kept (no lemmatisation).

    NFD with every combining mark removed except the breve (so stress marks and Latin accents
    go, й and ў stay), soft hyphens and zero-width characters removed, case folded, apostrophes
    of every kind removed (``O‘zbekiston`` = ``O'zbekiston`` = ``Oʻzbekiston`` = ``Ozbekiston``),
    other punctuation (quotes, hyphens, dashes, dots) read as a space, Latin look-alike letters
    inside Cyrillic words repaired, Cyrillic transliterated to Latin with the Uzbek rules
    (``Навоий`` = ``Navoiy``; initial е -> ye), whitespace collapsed.
    """
    text = _INVISIBLE.sub("", text)
    text = "".join(
        c for c in unicodedata.normalize("NFD", text)
        if not unicodedata.combining(c) or c in _KEEP_MARKS
    )  # fmt: skip
    text = unicodedata.normalize("NFC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    words = []
    for word in text.split():
        if _CYRILLIC.search(word):
            word = word.translate(_LOOKALIKE)
            head = "ye" if word[0] == "е" else _TRANSLIT.get(word[0], word[0])
            word = head + "".join(_TRANSLIT.get(c, c) for c in word[1:])
        words.append(word)
    return " ".join(words)


def _stems(text: str) -> frozenset[str]:
    """First five letters of each word of three letters or more (the indicator-word rule)."""
    return frozenset(w[:5] for w in normalise_name(text).split() if len(w) >= 3)


# -- the gold ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldEntity:
    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    anaphora: tuple[str, ...] = ()
    wikidata: str | None = None

    @cached_property
    def keys(self) -> frozenset[str]:
        """The normalised names a matching label may have."""
        return frozenset(normalise_name(n) for n in (self.name, *self.aliases))


@dataclass(frozen=True)
class GoldStatistic:
    value: Decimal
    unit: str
    subjects: tuple[str, ...]  # entity keys; any of them is the right subject
    quote: str
    surface: str = ""
    counted: tuple[str, ...] = ()
    indicator: str | None = None  # full IRI of a vocabulary indicator
    area: str | None = None
    period: str | None = None
    qualifier: str = "exact"
    status: str | None = None
    occurrence: int | None = None

    def describe(self) -> str:
        counted = ", ".join(self.counted)
        return f"{self.surface or self.value} ({counted}) of {'|'.join(self.subjects)}"


@dataclass(frozen=True)
class GoldRelation:
    subject: str  # entity key, "source", or a full IRI (a concept or a lexicon entity)
    predicate: str  # full IRI
    object: str
    quote: str = ""
    occurrence: int | None = None

    def describe(self) -> str:
        return f"{_short(self.subject)} {_short(self.predicate)} {_short(self.object)}"


@dataclass(frozen=True)
class Gold:
    """The gold of one article."""

    source: str  # file stem
    language: str
    entities: dict[str, GoldEntity] = field(default_factory=dict)
    statistics: tuple[GoldStatistic, ...] = ()
    relations: tuple[GoldRelation, ...] = ()
    path: str = ""


def _short(iri: str) -> str:
    for prefix, ns in (("ck", str(CK)), ("id", str(ID))):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand_curie(value: str, where: str) -> str:
    """``ck:locatedIn`` / ``id:sector/x`` / ``<iri>`` / ``https://...`` -> the full IRI."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^https?://\S+$", text):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and not re.search(r"[\s<>\"{}|^`\\]", local):
        return PREFIXES[prefix] + local
    raise InputError(f"not a prefixed name or IRI: {value!r}", where=where)


def _lines(node: Any) -> dict[Any, int]:
    """Line of each entity key and of each row index of the top-level lists (1-based)."""
    import yaml

    out: dict[Any, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return out
    for key_node, value_node in node.value:
        section = getattr(key_node, "value", None)
        if isinstance(value_node, yaml.MappingNode):
            for k, _ in value_node.value:
                out[(section, k.value)] = k.start_mark.line + 1
        elif isinstance(value_node, yaml.SequenceNode):
            for i, item in enumerate(value_node.value):
                out[(section, i)] = item.start_mark.line + 1
    return out


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v for v in items):
        raise InputError(f"{what} must be a string or a list of strings", where=where)
    return tuple(items)


def _unknown(data: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise InputError(f"unknown field(s): {', '.join(extra)}", where=where)


def _argument(value: Any, entities: dict[str, GoldEntity], where: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{what} must be an entity key or an IRI", where=where)
    if value == SOURCE_KEY or value in entities:
        return value
    if ":" in value:
        return expand_curie(value, where)
    raise InputError(f"{what} {value!r} is not an entity of this file", where=where)


def load_gold(path: Path) -> Gold:
    """Parse and check one gold file; problems raise :class:`InputError` naming file and line."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        lines = _lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except OSError as err:
        raise InputError(f"cannot read gold file: {err.strerror}", where=str(path)) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(f"not valid YAML: {getattr(err, 'problem', err)}", where=where) from None
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise InputError("a gold file is a mapping with a 'source' (file stem)", where=str(path))
    language = data.get("language")
    if language not in ("en", "ru", "uz-Cyrl", "uz-Latn"):
        raise InputError(f"language must be en, ru, uz-Cyrl or uz-Latn: {language!r}",
                         where=str(path))

    def at(section: str, key: Any) -> str:
        return f"{path}:{lines.get((section, key), 1)}"

    entities: dict[str, GoldEntity] = {}
    for key, item in (data.get("entities") or {}).items():
        where = at("entities", key)
        if not isinstance(item, dict):
            raise InputError(f"entity {key} must be a mapping", where=where)
        _unknown(item, ENTITY_KEYS, where)
        if item.get("kind") not in KINDS:
            raise InputError(f"entity {key}: unknown kind {item.get('kind')!r}", where=where)
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError(f"entity {key} has no name", where=where)
        entities[str(key)] = GoldEntity(
            key=str(key),
            name=item["name"],
            kind=item["kind"],
            aliases=_strings(item.get("aliases"), where, "aliases"),
            mentions=_strings(item.get("mentions"), where, "mentions"),
            anaphora=_strings(item.get("anaphora"), where, "anaphora"),
            wikidata=item.get("wikidata"),
        )
    statistics = []
    for i, item in enumerate(data.get("statistics") or []):
        where = at("statistics", i)
        if not isinstance(item, dict):
            raise InputError(f"statistics row {i + 1} must be a mapping", where=where)
        _unknown(item, STATISTIC_KEYS, where)
        try:
            value = Decimal(str(item.get("value")))
        except InvalidOperation:
            raise InputError(f"value is not a number: {item.get('value')!r}", where=where) from None
        if item.get("unit") not in UNITS:
            raise InputError(f"unknown unit {item.get('unit')!r}", where=where)
        qualifier = item.get("qualifier", "exact")
        if qualifier not in QUALIFIERS:
            raise InputError(f"unknown qualifier {qualifier!r}", where=where)
        if item.get("status") is not None and item["status"] not in STATUSES:
            raise InputError(f"unknown status {item['status']!r}", where=where)
        subjects = _strings(item.get("subject"), where, "subject")
        if not subjects or any(s not in entities for s in subjects):
            raise InputError(f"subject must name entities of this file: {subjects}", where=where)
        area = item.get("area")
        if area is not None and area not in entities:
            raise InputError(f"area {area!r} is not an entity of this file", where=where)
        if not isinstance(item.get("quote"), str) or not item["quote"]:
            raise InputError("a statistic needs its quote", where=where)
        indicator = item.get("indicator")
        statistics.append(
            GoldStatistic(
                value=value,
                unit=item["unit"],
                subjects=subjects,
                quote=item["quote"],
                surface=str(item.get("surface", "")),
                counted=_strings(item.get("counted"), where, "counted"),
                indicator=expand_curie(indicator, where) if indicator else None,
                area=area,
                period=None if item.get("period") is None else str(item["period"]),
                qualifier=qualifier,
                status=item.get("status"),
                occurrence=item.get("occurrence"),
            )
        )
    relations = []
    for i, item in enumerate(data.get("relations") or []):
        where = at("relations", i)
        if not isinstance(item, dict):
            raise InputError(f"relations row {i + 1} must be a mapping", where=where)
        _unknown(item, RELATION_KEYS, where)
        predicate = expand_curie(str(item.get("predicate", "")), where)
        if not predicate.startswith(str(CK)):
            raise InputError(f"the predicate must be a ck: property: {predicate}", where=where)
        if not isinstance(item.get("quote"), str) or not item["quote"]:
            raise InputError("a relation needs its quote", where=where)
        relations.append(
            GoldRelation(
                subject=_argument(item.get("subject"), entities, where, "subject"),
                predicate=predicate,
                object=_argument(item.get("object"), entities, where, "object"),
                quote=item["quote"],
                occurrence=item.get("occurrence"),
            )
        )
    return Gold(
        source=data["source"],
        language=language,
        entities=entities,
        statistics=tuple(statistics),
        relations=tuple(relations),
        path=str(path),
    )


def load_gold_dir(gold_dir: Path) -> list[Gold]:
    """Every ``*.yaml`` gold file of ``gold_dir``, sorted by name."""
    paths = sorted(Path(gold_dir).glob("*.yaml"))
    if not paths:
        raise InputError("no gold files (*.yaml)", where=str(gold_dir))
    return [load_gold(p) for p in paths]


def check_against_text(gold: Gold, text: str) -> list[str]:
    """Problems of a gold file against its text as written: mentions, quotes and numbers that
    are not in it, quotes that occur more than once without an ``occurrence``."""
    problems = []
    for entity in gold.entities.values():
        for mention in (*entity.mentions, *entity.anaphora):
            if mention not in text:
                problems.append(f"entity {entity.key}: {mention!r} is not in the text")
    rows: list[tuple[str, str, int | None]] = [
        (s.describe(), s.quote, s.occurrence) for s in gold.statistics
    ]
    rows += [(r.describe(), r.quote, r.occurrence) for r in gold.relations]
    for what, quote, occurrence in rows:
        count = text.count(quote)
        if count == 0:
            problems.append(f"{what}: quote not in the text: {quote!r}")
        elif occurrence is None and count > 1:
            problems.append(f"{what}: quote occurs {count} times; give its occurrence")
        elif occurrence is not None and not 1 <= occurrence <= count:
            problems.append(f"{what}: occurrence {occurrence} of {count}")
    for stat in gold.statistics:
        if stat.surface and stat.surface not in stat.quote:
            problems.append(f"{stat.describe()}: surface {stat.surface!r} is not in its quote")
    return problems


# -- scores --------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of one category: gold items found, and predictions that are correct."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.correct += other.correct
        self.misses += other.misses
        self.false_positives += other.false_positives


@dataclass
class Scores:
    """Tallies per (language, category), with ``all`` over every language."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    wrong_types: list[str] = field(default_factory=list)
    unscorable: list[str] = field(default_factory=list)  # gold rows with an undeclared predicate
    sources: list[str] = field(default_factory=list)

    def tally(self, language: str, category: str) -> Tally:
        return self.tallies.setdefault((language, category), Tally())

    @property
    def languages(self) -> list[str]:
        return [*sorted({lang for lang, _ in self.tallies if lang != ALL}), ALL]

    def add(self, language: str, category: str, tally: Tally) -> None:
        self.tally(language, category).add(tally)
        self.tally(ALL, category).add(tally)

    def rows(self) -> list[dict[str, Any]]:
        """One row per language and category: counts, precision, recall, F1 (None: no data)."""
        out = []
        for lang in self.languages:
            for cat in CATEGORIES:
                t = self.tallies.get((lang, cat))
                if t is None:
                    continue
                out.append({
                    "language": lang, "category": cat, "gold": t.gold, "found": t.found,
                    "predicted": t.predicted, "correct": t.correct,
                    "precision": _round(t.precision), "recall": _round(t.recall),
                    "f1": _round(t.f1),
                })  # fmt: skip
        return out

    def format_table(self) -> str:
        """The rows as a fixed-width text table."""
        head = f"{'language':<9} {'category':<21} {'gold':>5} {'found':>5} {'pred':>5} "
        head += f"{'corr':>5} {'P':>6} {'R':>6} {'F1':>6}"
        lines = [head, "-" * len(head)]
        for r in self.rows():
            cells = [_pct(r[k]) for k in ("precision", "recall", "f1")]
            lines.append(
                f"{r['language']:<9} {r['category']:<21} {r['gold']:>5} {r['found']:>5} "
                f"{r['predicted']:>5} {r['correct']:>5} {cells[0]:>6} {cells[1]:>6} {cells[2]:>6}"
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Rows plus, per language and category, the misses and false positives."""
        details = {
            f"{lang}/{cat}": {"misses": t.misses, "false_positives": t.false_positives}
            for (lang, cat), t in sorted(self.tallies.items())
            if lang != ALL
        }
        return {
            "sources": self.sources,
            "rows": self.rows(),
            "wrong_types": self.wrong_types,
            "unscorable": self.unscorable,
            "details": details,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


# -- the build side -------------------------------------------------------------------------------


_PREFIXES = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("ck", "oa", "owl", "qb", "rdf", "rdfs", "skos")
)
_LINKED = (
    _PREFIXES
    + """
SELECT DISTINCT ?g ?r WHERE { GRAPH ?g {
  { ?a oa:hasBody ?r } UNION { ?d ck:mentions ?r }
  UNION { ?st rdf:subject ?r } UNION { ?st rdf:object ?r }
  FILTER(isIRI(?r)) } }"""
)
_OBSERVATIONS = (
    _PREFIXES
    + """
SELECT ?g ?obs ?value ?subject ?area ?indicator WHERE { GRAPH ?g {
  ?obs a qb:Observation ; ck:value ?value .
  OPTIONAL { ?obs ck:statSubject ?subject }
  OPTIONAL { ?obs ck:refArea ?area }
  OPTIONAL { ?obs ck:indicator ?indicator } } }"""
)
_TRIPLES = (
    _PREFIXES
    + """
SELECT ?g ?o_graph ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o FILTER(isIRI(?o)) }
  GRAPH ?o_graph { ?p a owl:ObjectProperty } }"""
)
_TYPES = "SELECT ?r ?type WHERE { ?r a ?type }"
_LABELS = (
    _PREFIXES
    + """
SELECT ?r ?label WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel skos:hiddenLabel } ?r ?p ?label }"""
)
_SUBCLASSES = (
    _PREFIXES
    + """
SELECT ?o_graph ?cls ?sub WHERE { GRAPH ?o_graph { ?sub rdfs:subClassOf* ?cls } }"""
)
_SUBPROPERTIES = (
    _PREFIXES
    + """
SELECT ?o_graph ?prop ?sub WHERE { GRAPH ?o_graph {
  ?sub rdfs:subPropertyOf* ?prop . ?sub a owl:ObjectProperty } }"""
)
_PROPERTY_AXIOMS = (
    _PREFIXES
    + """
SELECT ?o_graph ?p ?inverse ?symmetric WHERE { GRAPH ?o_graph {
  ?p a owl:ObjectProperty .
  OPTIONAL { { ?p owl:inverseOf ?inverse } UNION { ?inverse owl:inverseOf ?p } }
  OPTIONAL { ?p a ?symmetric FILTER(?symmetric = owl:SymmetricProperty) } } }"""
)
_DECLARED = _PREFIXES + "SELECT ?o_graph ?cls WHERE { GRAPH ?o_graph { ?cls a owl:Class } }"


class BuildView:
    """What the scorer needs from a store, read once: the ontology's closures and, per article
    graph, the linked resources, observations and relation triples."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store
        onto = {"o_graph": ONTOLOGY_GRAPH}
        self.classes = {r["cls"] for r in self._select(_DECLARED, onto)}
        self.subclasses: dict[str, set[str]] = {}
        for r in self._select(_SUBCLASSES, onto):
            self.subclasses.setdefault(r["cls"], set()).add(r["sub"])
        self.subproperties: dict[str, set[str]] = {}
        for r in self._select(_SUBPROPERTIES, onto):
            self.subproperties.setdefault(r["prop"], set()).add(r["sub"])
        self.properties: set[str] = set()
        self.inverse: dict[str, set[str]] = {}
        self.symmetric: set[str] = set()
        for r in self._select(_PROPERTY_AXIOMS, onto):
            self.properties.add(r["p"])
            if r.get("inverse"):
                self.inverse.setdefault(r["p"], set()).add(r["inverse"])
            if r.get("symmetric"):
                self.symmetric.add(r["p"])
        self.types: dict[str, set[str]] = {}
        for r in self._select(_TYPES, {}):
            self.types.setdefault(r["r"], set()).add(r["type"])
        self.labels: dict[str, set[str]] = {}
        for r in self._select(_LABELS, {}):
            self.labels.setdefault(r["r"], set()).add(normalise_name(r["label"]))

    def _select(self, query: str, bound: dict[str, str]) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: lexical value}; ``bound`` IRIs by substitution."""
        import pyoxigraph

        subs: dict[pyoxigraph.Variable, Any] = {
            pyoxigraph.Variable(k): pyoxigraph.NamedNode(v) for k, v in bound.items()
        }
        solutions = self.store.query(
            query, use_default_graph_as_union=True, substitutions=subs or None
        )
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        out = []
        for sol in solutions:  # type: ignore[union-attr]
            row = {}
            for name in names:
                term = sol[name]
                if term is not None:
                    row[name] = term.value
            out.append(row)
        return out

    def gold_class(self, kind: str) -> str:
        """The ontology class of a gold kind."""
        return CK + KINDS[kind]

    def closure(self, cls: str) -> set[str]:
        return self.subclasses.get(cls, {cls})

    @cached_property
    def entity_classes(self) -> set[str]:
        """Every class a gold kind maps to, with its subclasses (the scope of entity FPs)."""
        out: set[str] = set()
        for kind in KINDS:
            out |= self.closure(self.gold_class(kind))
        return out - {SOURCE_DOCUMENT}

    def predicates_matching(self, predicate: str) -> tuple[set[str], set[str]]:
        """(forward, reversed): predicates that state ``s predicate o`` as ``s p o`` and as
        ``o p s`` (subproperties; subproperties of the inverses; symmetric ones)."""
        forward = set(self.subproperties.get(predicate, {predicate}))
        backward: set[str] = set()
        for inverse in self.inverse.get(predicate, ()):
            backward |= self.subproperties.get(inverse, {inverse})
        backward |= {p for p in forward if p in self.symmetric}
        return forward, backward

    def linked(self, graph: str) -> set[str]:
        return {r["r"] for r in self._select(_LINKED, {"g": graph})}

    def observations(self, graph: str) -> list[dict[str, str]]:
        return self._select(_OBSERVATIONS, {"g": graph})

    def relation_triples(self, graph: str) -> set[tuple[str, str, str]]:
        rows = self._select(_TRIPLES, {"g": graph, "o_graph": ONTOLOGY_GRAPH})
        return {
            (r["s"], r["p"], r["o"]) for r in rows
            if r["p"].startswith(str(CK)) and r["p"] not in NOT_RELATIONS
        }  # fmt: skip


def _value(lexical: str) -> Decimal | None:
    try:
        return Decimal(lexical)
    except InvalidOperation:
        return None


def _same_value(a: Decimal | None, b: Decimal) -> bool:
    return a is not None and abs(a - b) <= Decimal("1e-9") * max(Decimal(1), abs(b))


def score_store(store: pyoxigraph.Store, golds: Sequence[Gold]) -> Scores:
    """Score the article graphs of ``store`` against ``golds`` (one per article)."""
    view = BuildView(store)
    scores = Scores(sources=[g.source for g in golds])
    for gold in golds:
        _score_article(view, gold, scores)
    return scores


def score_build(build_dir: Path, gold_dir: Path) -> Scores:
    """Score the build in ``build_dir`` (its ``clusterkg.nq``) against the gold of ``gold_dir``."""
    from kg.store import open_store

    return score_store(open_store(Path(build_dir)), load_gold_dir(Path(gold_dir)))


def _score_article(view: BuildView, gold: Gold, scores: Scores) -> None:
    graph = ID + f"graph/{gold.source}"
    source = ID + f"source/{gold.source}"
    linked = view.linked(graph)
    observations = view.observations(graph)
    triples = view.relation_triples(graph)
    candidates = linked | {o.get(k, "") for o in observations for k in ("subject", "area")}
    candidates |= {t[0] for t in triples} | {t[2] for t in triples}
    candidates.discard("")

    # resources of each gold entity: a label matches and the type fits
    resources: dict[str, set[str]] = {key: set() for key in gold.entities}
    label_only: dict[str, set[str]] = {key: set() for key in gold.entities}
    for r in candidates:
        labels, types = view.labels.get(r, set()), view.types.get(r, set())
        for entity in gold.entities.values():
            if labels & entity.keys:
                if types & view.closure(view.gold_class(entity.kind)):
                    resources[entity.key].add(r)
                else:
                    label_only[entity.key].add(r)

    def of(argument: str) -> set[str]:
        if argument == SOURCE_KEY:
            return {source}
        return resources.get(argument, {argument})

    # the article's own source resource (the subject of its citations) is not an entity it names
    scores.add(gold.language, "entities", _entities(view, gold, linked - {source}, resources,
                                                    label_only, scores))  # fmt: skip
    for category, tally in _statistics(view, gold, observations, of).items():
        scores.add(gold.language, category, tally)
    scores.add(gold.language, "relations", _relations(view, gold, triples, of, scores))


def _entities(
    view: BuildView,
    gold: Gold,
    linked: set[str],
    resources: dict[str, set[str]],
    label_only: dict[str, set[str]],
    scores: Scores,
) -> Tally:
    tally = Tally(gold=len(gold.entities))
    matched: set[str] = set()
    for entity in gold.entities.values():
        found = resources[entity.key] & linked
        matched |= found
        if found:
            tally.found += 1
        else:
            tally.misses.append(f"{gold.source}: {entity.name} ({entity.kind})")
            for r in label_only[entity.key] & linked:
                types = ", ".join(sorted(_short(t) for t in view.types.get(r, ())))
                scores.wrong_types.append(
                    f"{gold.source}: {entity.name} should be {entity.kind}; {_short(r)} is {types}"
                )
    predicted = {r for r in linked if view.types.get(r, set()) & view.entity_classes}
    tally.predicted = len(predicted)
    tally.correct = len(predicted & matched)
    tally.false_positives = sorted(f"{gold.source}: {_short(r)}" for r in predicted - matched)
    return tally


def _statistics(
    view: BuildView, gold: Gold, observations: list[dict[str, str]], of: Any
) -> dict[str, Tally]:
    levels = {c: Tally(gold=len(gold.statistics)) for c in CATEGORIES if c.startswith("stat")}
    values = [_value(o["value"]) for o in observations]
    right = {c: [False] * len(observations) for c in levels}
    for stat in gold.statistics:
        subjects = set().union(*(of(s) for s in stat.subjects))
        stems = set().union(*(_stems(w) for w in stat.counted)) if stat.counted else set()
        best = 0
        for i, obs in enumerate(observations):
            if not _same_value(values[i], stat.value):
                continue
            level = 1
            right["statistics:value"][i] = True
            if obs.get("subject") in subjects or obs.get("area") in subjects:
                level = 2
                right["statistics"][i] = True
                indicator = obs.get("indicator", "")
                labels = view.labels.get(indicator, set())
                words = {w[:5] for label in labels for w in label.split() if len(w) >= 3}
                if indicator and (indicator == stat.indicator or words & stems):
                    level = 3
                    right["statistics:indicator"][i] = True
            best = max(best, level)
        for category, need in (("statistics:value", 1), ("statistics", 2),
                               ("statistics:indicator", 3)):  # fmt: skip
            if best >= need:
                levels[category].found += 1
            else:
                levels[category].misses.append(f"{gold.source}: {stat.describe()}")
    for category, tally in levels.items():
        tally.predicted = len(observations)
        tally.correct = sum(right[category])
        tally.false_positives = sorted(
            f"{gold.source}: {_short(o['obs'])} = {o['value']}"
            for o, ok in zip(observations, right[category], strict=True)
            if not ok
        )
    return levels


def _relations(
    view: BuildView, gold: Gold, triples: set[tuple[str, str, str]], of: Any, scores: Scores
) -> Tally:
    tally = Tally()
    correct: set[tuple[str, str, str]] = set()
    for relation in gold.relations:
        if relation.predicate not in view.properties:
            scores.unscorable.append(f"{gold.source}: {relation.describe()}")
            continue
        tally.gold += 1
        forward, backward = view.predicates_matching(relation.predicate)
        subjects, objects = of(relation.subject), of(relation.object)
        hits = {
            t for t in triples
            if (t[1] in forward and t[0] in subjects and t[2] in objects)
            or (t[1] in backward and t[0] in objects and t[2] in subjects)
        }  # fmt: skip
        correct |= hits
        if hits:
            tally.found += 1
        else:
            tally.misses.append(f"{gold.source}: {relation.describe()}")
    tally.predicted = len(triples)
    tally.correct = len(correct)
    tally.false_positives = sorted(
        f"{gold.source}: {_short(s)} {_short(p)} {_short(o)}" for s, p, o in triples - correct
    )
    return tally


def gold_from_curation(curation_dir: Path, languages: dict[str, str]) -> list[Gold]:
    """The curated relation rows (``data/curation/relations``) as relation gold with IRI
    arguments, one :class:`Gold` per article; ``languages`` maps a file stem to its language."""
    from kg.extract.curation import fact_rows, relations_dir

    by_source: dict[str, list[GoldRelation]] = {}
    for stem, row in fact_rows(relations_dir(Path(curation_dir))):
        where = row.where
        by_source.setdefault(stem, []).append(
            GoldRelation(
                subject=expand_curie(str(row.data.get("subject", "")), where),
                predicate=expand_curie(str(row.data.get("predicate", "")), where),
                object=expand_curie(str(row.data.get("object", "")), where),
                quote=str(row.data.get("quote", "")),
            )
        )
    return [
        Gold(source=stem, language=languages.get(stem, "ru"), relations=tuple(rows))
        for stem, rows in sorted(by_source.items())
    ]


def iter_problems(golds: Iterable[Gold], corpus_dir: Path) -> Iterable[str]:
    """Every problem of the gold files against the texts of ``corpus_dir``."""
    for gold in golds:
        path = Path(corpus_dir) / f"{gold.source}.txt"
        if not path.is_file():
            yield f"{gold.path}: no text {path.name}"
            continue
        for problem in check_against_text(gold, path.read_text(encoding="utf-8")):
            yield f"{gold.path}: {problem}"
