"""Deterministic, seeded generator of synthetic clusterkg graphs (N-Quads, streamed).

The output has the shape of ``docs/model.md``: a lexicon graph with the named entities (types,
labels in ``en``/``ru``, the ``ck:partOfPlace`` hierarchy of places), and one named graph per
synthetic source article holding the source document node (``nif:isString`` = the synthetic
text), mentions, reified binary facts, memberships, Data Cube observations, enumerations and
comparison tables, each with its ``oa:Annotation`` evidence whose selectors point into the text
(``SUBSTR(nif:isString, start+1, end-start) = exact`` holds for every quote).

Lines are written directly (no rdflib graph is built); literals are escaped by pyoxigraph's
N-Triples term serialisation, IRIs are ASCII slugs. Memory use is bounded by one source, so
10M triples stream to disk. The same seed and size give byte-identical output.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode as OxNamedNode

BASE = "https://w3id.org/clusterkg/"
CK = BASE + "ontology#"
ID = BASE + "id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"

GENERATOR_VERSION = "1"

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str | int) -> int:
    """``"10k"`` -> 10000, ``"1M"`` -> 1000000, ``"2500"`` -> 2500."""
    if isinstance(text, int):
        return text
    match = _SIZE_RE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (use e.g. 10k, 1M, 2500)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[unit])


def format_size(n: int) -> str:
    """1000000 -> ``"1M"``, 10000 -> ``"10k"``, 2500 -> ``"2.5k"``."""
    for factor, unit in ((1_000_000, "M"), (1_000, "k")):
        if n >= factor:
            value = n / factor
            return f"{value:g}{unit}"
    return str(n)


def _i(iri: str) -> str:
    return f"<{iri}>"


def _h(*parts: object) -> str:
    """Same as ``kg.namespace.short_hash`` (kept local so the generator imports no rdflib)."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def _lit(text: str, lang: str | None = None) -> str:
    return str(OxLiteral(text, language=lang))


_XSD_INTEGER = _i(XSD + "nonNegativeInteger")
_XSD_DECIMAL = _i(XSD + "decimal")
_XSD_STRING_NODE = OxNamedNode(XSD + "string")


def _nni(n: int) -> str:
    return f'"{n}"^^{_XSD_INTEGER}'


def _pos(n: int) -> str:
    return f'"{n}"^^<{XSD}positiveInteger>'


def _dec(text: str) -> str:
    return f'"{text}"^^{_XSD_DECIMAL}'


# ---------------------------------------------------------------- terms used on every line
A = _i(RDF + "type")
P = {
    name: _i(iri)
    for name, iri in {
        "subject": RDF + "subject",
        "predicate": RDF + "predicate",
        "object": RDF + "object",
        "label": RDFS + "label",
        "prefLabel": SKOS + "prefLabel",
        "altLabel": SKOS + "altLabel",
        "evidence": CK + "evidence",
        "derived": PROV + "wasDerivedFrom",
        "extractedBy": CK + "extractedBy",
        "confidence": CK + "confidence",
        "motivatedBy": OA + "motivatedBy",
        "hasBody": OA + "hasBody",
        "hasTarget": OA + "hasTarget",
        "hasSource": OA + "hasSource",
        "hasSelector": OA + "hasSelector",
        "exact": OA + "exact",
        "prefix": OA + "prefix",
        "suffix": OA + "suffix",
        "start": OA + "start",
        "end": OA + "end",
        "rawStart": CK + "rawStart",
        "rawEnd": CK + "rawEnd",
        "surfaceForm": CK + "surfaceForm",
        "title": DCTERMS + "title",
        "language": DCTERMS + "language",
        "citation": DCTERMS + "bibliographicCitation",
        "creator": DCTERMS + "creator",
        "fileName": CK + "fileName",
        "sha256": CK + "sha256",
        "isString": NIF + "isString",
        "organization": ORG + "organization",
        "member": ORG + "member",
        "role": ORG + "role",
        "helix": CK + "tripleHelixSector",
        "dataSet": QB + "dataSet",
        "indicator": CK + "indicator",
        "refArea": CK + "refArea",
        "statSubject": CK + "statSubject",
        "refPeriod": CK + "refPeriod",
        "value": CK + "value",
        "unit": CK + "unit",
        "valueQualifier": CK + "valueQualifier",
        "partOfPlace": CK + "partOfPlace",
        "listScheme": CK + "listScheme",
        "itemCount": CK + "itemCount",
        "inEnumeration": CK + "inEnumeration",
        "position": CK + "position",
        "itemText": CK + "itemText",
        "denotes": CK + "denotes",
        "inTable": CK + "inTable",
        "dimension": CK + "dimension",
        "enterpriseModel": CK + "enterpriseModel",
        "cellText": CK + "cellText",
        "mentions": CK + "mentions",
    }.items()
}
C = {
    name: _i(iri)
    for name, iri in {
        "Statement": RDF + "Statement",
        "Fact": CK + "Fact",
        "Annotation": OA + "Annotation",
        "SpecificResource": OA + "SpecificResource",
        "TextQuoteSelector": OA + "TextQuoteSelector",
        "TextPositionSelector": OA + "TextPositionSelector",
        "describing": OA + "describing",
        "identifying": OA + "identifying",
        "SourceDocument": CK + "SourceDocument",
        "ScholarlyArticle": SCHEMA + "ScholarlyArticle",
        "Context": NIF + "Context",
        "Membership": ORG + "Membership",
        "Observation": QB + "Observation",
        "Enumeration": CK + "Enumeration",
        "EnumerationItem": CK + "EnumerationItem",
        "ComparisonTable": CK + "ComparisonTable",
        "ComparisonCell": CK + "ComparisonCell",
        "SoftwareAgent": PROV + "SoftwareAgent",
        "DataSet": QB + "DataSet",
    }.items()
}
DATASET = _i(ID + "dataset/statistics")
LEXICON_GRAPH = _i(ID + "graph/lexicon")

# ------------------------------------------------------------------ controlled vocabularies
SECTORS = [
    "aerospace",
    "information-technology",
    "medical-devices",
    "alternative-energy",
    "chemistry",
    "biotechnology",
    "semiconductors",
    "automotive",
    "agriculture",
    "agro-industry",
    "microelectronics",
    "software",
    "pharmaceuticals",
    "green-tech",
    "artificial-intelligence",
    "digital-economy",
]
ROLES_BY_HELIX = {
    "business": ["member-firm", "anchor-firm", "supplier", "consumer", "financier", "association"],
    "science": ["research-partner", "education-partner"],
    "government": ["regulator", "public-authority", "cluster-manager"],
}
ORG_TYPES = [  # (class local name, triple-helix sector, weight)
    ("Company", "business", 30),
    ("SME", "business", 15),
    ("StartUp", "business", 10),
    ("TransnationalCorporation", "business", 4),
    ("University", "science", 10),
    ("ResearchInstitute", "science", 8),
    ("GovernmentBody", "government", 5),
    ("RegionalAuthority", "government", 3),
    ("VentureCapitalFirm", "business", 4),
    ("Bank", "business", 3),
    ("IndustryAssociation", "business", 3),
    ("Technopark", "business", 2),
]
CLUSTER_TYPES = [
    "RegionalInnovationCluster",
    "IndustrialCluster",
    "AgroIndustrialCluster",
    "TechnologyCluster",
    "TransnationalCluster",
    "SmartCluster",
    "InnovationEcosystem",
]
INDICATORS = [  # (slug, unit, english phrase)
    ("share-of-patents", "percent", "share of patents"),
    ("number-of-companies", "count", "number of companies"),
    ("number-of-venture-firms", "count", "number of venture firms"),
    ("number-of-high-tech-companies", "count", "number of high-tech companies"),
    ("jobs-created", "count", "jobs created"),
    ("annual-state-support", "usd-per-year", "annual state support"),
    ("number-of-clusters", "count", "number of clusters"),
    ("share-of-workforce", "percent", "share of the workforce"),
    ("share-of-gdp", "percent", "share of GDP"),
    ("share-of-enterprises", "percent", "share of enterprises"),
]
QUALIFIERS = ["exact", "exact", "exact", "approximately", "more-than", "less-than"]
LIST_SCHEMES = {  # scheme -> its concepts (ontology/vocab), for enumerations
    "mechanism": ["knowledge-exchange", "joint-rnd", "networking", "competition-enhancement"],
    "innovation-problem": [
        "fragmented-innovation-infrastructure", "low-international-cooperation",
        "lack-of-systemic-clusters", "weak-regulation-and-incentives",
        "skills-shortage-and-technology-lag",
    ],
    "cluster-characteristic": [
        "geographic-localisation", "common-field-and-shared-infrastructure",
        "links-between-firms-science-and-government", "presence-of-competition",
        "innovation-oriented-joint-activity", "long-term-stable-links", "long-term-perspective",
    ],
    "benefit": ["economies-of-scale-and-synergy", "access-to-skills", "access-to-finance"],
    "challenge": ["lack-of-coordination", "intra-cluster-competition",
                  "dependence-on-state-support"],
    "integration-channel": ["international-partnerships", "tnc-interaction", "fairs-and-forums"],
}  # fmt: skip
DIMENSIONS = [
    "production-basis", "production-structure", "competition", "territorial-location",
    "economic-indicators", "labour-market", "state-regulation", "cooperation-mechanism",
]  # fmt: skip
ENTERPRISE_MODELS = ["traditional", "cluster-type"]
THEORIES = [
    "industrial-districts",
    "porter-cluster-theory",
    "triple-helix",
    "open-innovation",
    "global-innovation-networks",
    "digital-platforms",
]
EXTRACTORS = ["mentions", "statistics", "enumerations", "tables", "relations", "curation"]

# Real entities of the corpus come first in each pool, so stored queries whose parameters name
# them (e.g. id:cluster/silicon-valley) find data; synthetic ones follow.
REAL_PLACES = [  # (slug, english, russian, class, parent slug)
    ("world", "World", "Мир", "Region", None),
    ("european-union", "European Union", "Европейский союз", "Region", "world"),
    ("usa", "United States", "США", "Country", "world"),
    ("uzbekistan", "Uzbekistan", "Узбекистан", "Country", "world"),
    ("russia", "Russia", "Россия", "Country", "world"),
    ("germany", "Germany", "Германия", "Country", "european-union"),
    ("france", "France", "Франция", "Country", "european-union"),
    ("china", "China", "Китай", "Country", "world"),
    ("california", "California", "Калифорния", "Region", "usa"),
    ("tashkent", "Tashkent", "Ташкент", "City", "uzbekistan"),
    ("bavaria", "Bavaria", "Бавария", "Region", "germany"),
]
REAL_CLUSTERS = [  # (slug, english, russian, class, place slug, sector)
    (
        "silicon-valley",
        "Silicon Valley",
        "Кремниевая долина",
        "TechnologyCluster",
        "california",
        "information-technology",
    ),
    (
        "boston-biotechnology-cluster",
        "Boston biotechnology cluster",
        "Бостонский кластер",
        "TechnologyCluster",
        "usa",
        "biotechnology",
    ),
    (
        "german-automotive-cluster",
        "German automotive cluster",
        "Автокластер в Германии",
        "IndustrialCluster",
        "bavaria",
        "automotive",
    ),
    (
        "tashkent-it-park",
        "Tashkent IT Park",
        "IT-парк Ташкента",
        "RegionalInnovationCluster",
        "tashkent",
        "software",
    ),
]
REAL_ORGS = [  # (slug, english, russian, class)
    ("stanford-university", "Stanford University", "Стэнфордский университет", "University"),
    ("ibm", "IBM", "Ай-би-эм", "TransnationalCorporation"),
    ("apple-inc", "Apple Inc", "Эппл", "TransnationalCorporation"),
    ("cisco-systems", "Cisco Systems", "Циско Системс", "TransnationalCorporation"),
    ("intel", "Intel", "Интел", "Company"),
    ("volkswagen", "Volkswagen", "Фольксваген", "TransnationalCorporation"),
    ("european-commission", "European Commission", "Европейская комиссия", "GovernmentBody"),
    ("oxford-research", "Oxford Research", "Оксфорд Рисерч", "ConsultingCompany"),
    (
        "mit",
        "Massachusetts Institute of Technology",
        "Массачусетский технологический институт",
        "University",
    ),
    (
        "ministry-of-economy-of-uzbekistan",
        "Ministry of Economy of Uzbekistan",
        "Министерство экономики Узбекистана",
        "GovernmentBody",
    ),
]

_LAT = [
    "ka",
    "ro",
    "ta",
    "vel",
    "mi",
    "sa",
    "no",
    "ra",
    "dan",
    "lo",
    "ber",
    "zu",
    "ki",
    "ton",
    "ma",
    "li",
    "sor",
    "ve",
    "na",
    "gor",
]
_CYR = [
    "ка",
    "ро",
    "та",
    "вел",
    "ми",
    "са",
    "но",
    "ра",
    "дан",
    "ло",
    "бер",
    "зу",
    "ки",
    "тон",
    "ма",
    "ли",
    "сор",
    "ве",
    "на",
    "гор",
]


@dataclass
class Entity:
    """A named entity of the synthetic lexicon."""

    kind: str
    slug: str
    en: str
    ru: str
    cls: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return f"<{ID}{self.kind}/{self.slug}>"

    def label(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en


def _name(rng: random.Random, index: int) -> tuple[str, str, str]:
    """A pronounceable synthetic name in Latin and Cyrillic script, unique by ``index``."""
    picks = [rng.randrange(len(_LAT)) for _ in range(rng.randint(2, 3))]
    lat = "".join(_LAT[p] for p in picks).capitalize()
    cyr = "".join(_CYR[p] for p in picks).capitalize()
    return lat, cyr, f"{index}"


class Pool:
    """Entities of one kind with a Zipf-like popularity (the first ones are used most)."""

    def __init__(self, entities: list[Entity], skew: float = 0.9):
        self.entities = entities
        total = 0.0
        self.cum: list[float] = []
        for rank in range(len(entities)):
            total += 1.0 / (rank + 1) ** skew
            self.cum.append(total)

    def pick(self, rng: random.Random) -> Entity:
        return rng.choices(self.entities, cum_weights=self.cum)[0]


@dataclass
class Plan:
    """One planned sentence of a source: its text, the entities it names, and its fact."""

    kind: str
    text: str
    entities: list[Entity]
    data: dict[str, object]


class Generator:
    """Writes a synthetic dataset of about ``triples`` quads; see the module docstring."""

    FACTS_PER_SOURCE = 150
    AVG_TRIPLES_PER_PLAN = 40  # a low estimate: the last source is cut when the budget is spent

    def __init__(self, triples: int, seed: int = 42, ontology: bool = True):
        self.ontology = ontology
        self.target = triples
        self.seed = seed
        self.rng = random.Random(f"clusterkg-bench/{GENERATOR_VERSION}/{seed}")
        self.count = 0
        self.buf: list[str] = []
        self.list_no = 0
        self.sources = 0
        self._make_entities()

    # ------------------------------------------------------------------ entities (lexicon)
    def _make_entities(self) -> None:
        rng, n = self.rng, self.target
        places = [
            Entity("place", s, en, ru, cls, {"parent": p or ""})
            for s, en, ru, cls, p in REAL_PLACES
        ]
        countries = [e for e in places if e.cls == "Country"]
        n_regions = max(4, n // 8000)
        for i in range(n_regions):
            lat, cyr, suffix = _name(rng, i)
            parent = rng.choice(countries).slug
            places.append(
                Entity(
                    "place",
                    f"{lat.lower()}-region-{suffix}",
                    f"{lat} Region {suffix}",
                    f"{cyr} область {suffix}",
                    "Region",
                    {"parent": parent},
                )
            )
        regions = [
            e for e in places if e.cls == "Region" and e.extra["parent"] not in ("", "world")
        ]
        for i in range(max(4, n // 6000)):
            lat, cyr, suffix = _name(rng, i)
            parent = rng.choice(regions).slug
            places.append(
                Entity(
                    "place",
                    f"{lat.lower()}-city-{suffix}",
                    f"{lat} City {suffix}",
                    f"город {cyr} {suffix}",
                    "City",
                    {"parent": parent},
                )
            )
        clusters = [
            Entity("cluster", s, en, ru, cls, {"place": pl, "sector": sec})
            for s, en, ru, cls, pl, sec in REAL_CLUSTERS
        ]
        for i in range(max(6, n // 1500)):
            lat, cyr, suffix = _name(rng, i)
            sector = rng.choice(SECTORS)
            clusters.append(
                Entity(
                    "cluster",
                    f"{lat.lower()}-{sector}-cluster-{suffix}",
                    f"{lat} {sector.replace('-', ' ')} cluster {suffix}",
                    f"кластер «{cyr}» {suffix}",
                    rng.choice(CLUSTER_TYPES),
                    {"place": rng.choice(places[2:]).slug, "sector": sector},
                )
            )
        orgs = [Entity("org", s, en, ru, cls) for s, en, ru, cls in REAL_ORGS]
        type_weights = [w for _, _, w in ORG_TYPES]
        for i in range(max(20, n // 250)):
            lat, cyr, suffix = _name(rng, i)
            cls, _helix, _w = rng.choices(ORG_TYPES, weights=type_weights)[0]
            orgs.append(
                Entity(
                    "org",
                    f"{lat.lower()}-{cls.lower()}-{suffix}",
                    f"{lat} {cls} {suffix}",
                    f"{cyr} {suffix}",
                    cls,
                )
            )
        policies: list[Entity] = []
        for i in range(max(3, n // 10000)):
            lat, cyr, suffix = _name(rng, i)
            cls = rng.choice(["ClusterPolicy", "SmartSpecialisationStrategy", "Policy"])
            policies.append(
                Entity(
                    "policy",
                    f"{lat.lower()}-strategy-{suffix}",
                    f'"{lat}" strategy {suffix}',
                    f"стратегия «{cyr}» {suffix}",
                    cls,
                )
            )
        programmes: list[Entity] = []
        for i in range(max(3, n // 8000)):
            lat, cyr, suffix = _name(rng, i)
            programmes.append(
                Entity(
                    "programme",
                    f"{lat.lower()}-programme-{suffix}",
                    f"{lat} programme {suffix}",
                    f"программа «{cyr}» {suffix}",
                    "Programme",
                )
            )
        persons: list[Entity] = [
            Entity("person", "michael-porter", "Michael Porter", "Майкл Портер", "Person")
        ]
        for i in range(max(3, n // 20000)):
            lat, cyr, suffix = _name(rng, i)
            persons.append(
                Entity(
                    "person",
                    f"{lat.lower()}-author-{suffix}",
                    f"{lat} Author {suffix}",
                    f"{cyr} автор {suffix}",
                    "Person",
                )
            )
        theories = [
            Entity("theory", t, t.replace("-", " ").title(), t.replace("-", " "), "Theory")
            for t in THEORIES
        ]
        self.places, self.clusters, self.orgs = Pool(places), Pool(clusters), Pool(orgs)
        self.policies, self.programmes = Pool(policies), Pool(programmes)
        self.persons, self.theories = Pool(persons), Pool(theories)
        self.helix_of = {cls: helix for cls, helix, _ in ORG_TYPES}

    def _q(self, s: str, p: str, o: str, g: str) -> None:
        self.buf.append(f"{s} {p} {o} {g} .\n")
        self.count += 1

    def _emit_ontology(self) -> None:
        """The real ontology + SKOS vocabularies in ``id:graph/ontology`` (as the build has
        them), so that queries following ``rdfs:subClassOf*`` or concept labels find data.
        Blank nodes get labels by order of appearance, keeping the output deterministic."""
        from pyoxigraph import BlankNode, RdfFormat, parse

        from kg.paths import ONTOLOGY_FILE, VOCAB_DIR

        files = [ONTOLOGY_FILE, *sorted(VOCAB_DIR.glob("*.ttl"))]
        labels: dict[str, str] = {}
        counter = [0]
        seen: set[tuple[str, str, str]] = set()
        g = _i(ID + "graph/ontology")

        def term(t: object) -> str:
            if isinstance(t, BlankNode):
                if t.value not in labels:
                    counter[0] += 1
                    labels[t.value] = f"_:o{counter[0]}"
                return labels[t.value]
            return str(t)

        for path in files:
            if not path.is_file():
                continue
            labels.clear()  # blank nodes are local to a file
            for triple in parse(path=str(path), format=RdfFormat.TURTLE):
                key = (term(triple.subject), term(triple.predicate), term(triple.object))
                if key not in seen:  # files repeat some triples (e.g. scheme declarations)
                    seen.add(key)
                    self._q(*key, g)

    def _emit_lexicon(self) -> None:
        g = LEXICON_GRAPH
        for pool in (
            self.places,
            self.clusters,
            self.orgs,
            self.policies,
            self.programmes,
            self.persons,
            self.theories,
        ):
            for e in pool.entities:
                self._q(e.iri, A, _i(CK + e.cls), g)
                self._q(e.iri, P["prefLabel"], _lit(e.en, "en"), g)
                self._q(e.iri, P["prefLabel"], _lit(e.ru, "ru"), g)
                self._q(e.iri, P["prefLabel"], _lit(e.ru, "uz-Cyrl"), g)  # synthetic names:
                self._q(e.iri, P["prefLabel"], _lit(e.en, "uz-Latn"), g)  # same in each script
                parent = e.extra.get("parent")
                if parent:
                    self._q(e.iri, P["partOfPlace"], f"<{ID}place/{parent}>", g)
        for name in EXTRACTORS:
            self._q(f"<{ID}extractor/{name}>", A, C["SoftwareAgent"], g)
        self._q(DATASET, A, C["DataSet"], g)

    # ---------------------------------------------------------------------- planning
    def _plan(self, lang: str, forced: float | None = None) -> Plan | list[Plan]:
        rng = self.rng
        roll = rng.random() if forced is None else forced
        ru = lang == "ru"
        if roll < 0.25:
            cl, mem = self.clusters.pick(rng), self.orgs.pick(rng)
            helix = self.helix_of.get(mem.cls, "business")
            role = rng.choice(ROLES_BY_HELIX[helix])
            text = (
                f"{mem.ru} входит в {cl.ru} в роли «{role}»."
                if ru
                else f"{mem.en} is a {role.replace('-', ' ')} of the {cl.en}."
            )
            return Plan(
                "membership",
                text,
                [mem, cl],
                {"cluster": cl, "member": mem, "role": role, "helix": helix},
            )
        if roll < 0.40:
            cl = self.clusters.pick(rng)
            if rng.random() < 0.5:
                place = next(e for e in self.places.entities if e.slug == cl.extra["place"])
                text = (
                    f"{cl.ru} расположен в регионе {place.ru}."
                    if ru
                    else f"The {cl.en} is located in {place.en}."
                )
                return Plan(
                    "relation", text, [cl, place], {"s": cl.iri, "p": "locatedIn", "o": place.iri}
                )
            sector = cl.extra["sector"] if rng.random() < 0.7 else rng.choice(SECTORS)
            text = (
                f"{cl.ru} специализируется на отрасли {sector}."
                if ru
                else f"The {cl.en} specialises in {sector.replace('-', ' ')}."
            )
            return Plan(
                "relation",
                text,
                [cl],
                {"s": cl.iri, "p": "specialisesIn", "o": f"<{ID}sector/{sector}>"},
            )
        if roll < 0.52:
            funder = (self.policies if rng.random() < 0.5 else self.programmes).pick(rng)
            cl = self.clusters.pick(rng)
            text = (
                f'{funder.ru} финансирует {cl.ru} ("{rng.randint(1, 99)} млн").'
                if ru
                else f'The {funder.en} funds the {cl.en} ("{rng.randint(1, 99)} million").'
            )
            return Plan(
                "relation", text, [funder, cl], {"s": funder.iri, "p": "funds", "o": cl.iri}
            )
        if roll < 0.58:
            prog, org = self.programmes.pick(rng), self.orgs.pick(rng)
            text = (
                f"{prog.ru} реализуется организацией {org.ru}."
                if ru
                else f"The {prog.en} is carried out by {org.en}."
            )
            return Plan(
                "relation", text, [prog, org], {"s": prog.iri, "p": "carriedOutBy", "o": org.iri}
            )
        if roll < 0.72:
            a, b = self.orgs.pick(rng), self.orgs.pick(rng)
            if a is b:
                b = self.orgs.entities[(self.orgs.entities.index(a) + 1) % len(self.orgs.entities)]
            pred = rng.choice(
                [
                    "cooperatesWith",
                    "cooperatesWith",
                    "conductsJointRnDWith",
                    "exchangesKnowledgeWith",
                    "competesWith",
                ]
            )
            verb = re.sub("([A-Z])", r" \1", pred).lower()
            text = f"{a.ru} и {b.ru}: {verb}." if ru else f"{a.en} {verb} {b.en}."
            return Plan("relation", text, [a, b], {"s": a.iri, "p": pred, "o": b.iri})
        if roll < 0.76:
            gov = self.orgs.pick(rng)
            cl = self.clusters.pick(rng)
            text = f"{gov.ru} поддерживает {cl.ru}." if ru else f"{gov.en} supports the {cl.en}."
            return Plan("relation", text, [gov, cl], {"s": gov.iri, "p": "supports", "o": cl.iri})
        if roll < 0.92:
            slug, unit, phrase = rng.choice(INDICATORS)
            cl = self.clusters.pick(rng)
            place = next(e for e in self.places.entities if e.slug == cl.extra["place"])
            value = rng.randint(1, 99) if unit == "percent" else rng.randint(1, 5000) * 10
            qualifier = rng.choice(QUALIFIERS)
            period = str(rng.randint(1995, 2025)) if rng.random() < 0.7 else None
            surface = f"{value} %" if unit == "percent" else f"{value:,}".replace(",", " ")
            when = f" in {period}" if period else ""
            text = (
                f"Показатель {phrase} для {cl.ru} ({place.ru}) составил {surface}."
                if ru
                else f"The {phrase} of the {cl.en} ({place.en}) was {surface}{when}."
            )
            return Plan(
                "observation",
                text,
                [cl, place],
                {
                    "indicator": slug,
                    "unit": unit,
                    "value": value,
                    "qualifier": qualifier,
                    "period": period,
                    "area": place,
                    "subject": cl,
                    "surface": surface,
                },
            )
        if roll < 0.95:
            theory = self.theories.pick(rng)
            text = (
                f"Работа опирается на теорию {theory.ru}."
                if ru
                else f"The article builds on the theory of {theory.en}."
            )
            return Plan("cites", text, [theory], {"o": theory.iri})
        if roll < 0.975:
            scheme = rng.choice(sorted(LIST_SCHEMES))
            concepts = LIST_SCHEMES[scheme]
            items = rng.sample(concepts, rng.randint(2, len(concepts)))
            words = scheme.replace("-", " ")
            lead = f"Основные элементы ({words}):" if ru else f"The main items ({words}) are:"
            self.list_no += 1
            data = {"items": items, "key": f"list-{self.list_no}", "scheme": scheme}
            plans = [Plan("enumeration", lead, [], data)]
            for pos, item in enumerate(items, 1):
                plans.append(
                    Plan(
                        "item",
                        f"{pos}) {item.replace('-', ' ')};",
                        [],
                        {"position": pos, "concept": item, "scheme": scheme},
                    )
                )
            return plans
        dims = rng.sample(DIMENSIONS, rng.choice([1, 2, 3, 8]))
        self.list_no += 1
        key = f"table-{self.list_no}"
        plans = [
            Plan(
                "table",
                f"Table {self.list_no}. Traditional and cluster-type enterprises.",
                [],
                {"key": key},
            )
        ]
        for dim in dims:
            for model in ENTERPRISE_MODELS:
                plans.append(
                    Plan(
                        "cell",
                        f"{dim.replace('-', ' ')} | {model}: "
                        f"{rng.choice(['strict specialisation', 'open networks'])}",
                        [],
                        {"dimension": dim, "model": model},
                    )
                )
        return plans

    # ---------------------------------------------------------------------- emitting
    def _evidence(
        self,
        g: str,
        src: str,
        text: str,
        start: int,
        end: int,
        body: str,
        motivation: str,
        lang: str,
        raw_shift: int,
    ) -> str:
        """Write the oa:Annotation for text[start:end] and return its IRI."""
        ann_iri = f"{ID}annotation/{_h(src, start, end, body)}"
        ann, tgt = f"<{ann_iri}>", f"<{ann_iri}#target>"
        quote, pos = f"<{ann_iri}#quote>", f"<{ann_iri}#position>"
        q = self._q
        q(ann, A, C["Annotation"], g)
        q(ann, P["motivatedBy"], motivation, g)
        q(ann, P["hasBody"], body, g)
        q(ann, P["hasTarget"], tgt, g)
        q(tgt, A, C["SpecificResource"], g)
        q(tgt, P["hasSource"], src, g)
        q(tgt, P["hasSelector"], quote, g)
        q(tgt, P["hasSelector"], pos, g)
        q(quote, A, C["TextQuoteSelector"], g)
        q(quote, P["exact"], _lit(text[start:end], lang), g)
        q(quote, P["prefix"], _lit(text[max(0, start - 32) : start]), g)
        q(quote, P["suffix"], _lit(text[end : end + 32]), g)
        q(pos, A, C["TextPositionSelector"], g)
        q(pos, P["start"], _nni(start), g)
        q(pos, P["end"], _nni(end), g)
        q(pos, P["rawStart"], _nni(start + raw_shift), g)
        q(pos, P["rawEnd"], _nni(end + raw_shift), g)
        return ann

    def _fact_meta(self, node: str, g: str, ann: str, src: str, extractor: str) -> None:
        q = self._q
        q(node, P["evidence"], ann, g)
        q(node, P["derived"], src, g)
        q(node, P["extractedBy"], f"<{ID}extractor/{extractor}>", g)
        q(node, P["confidence"], _dec(f"{self.rng.randint(50, 100) / 100:.2f}"), g)

    def _reified(
        self,
        g: str,
        src: str,
        s: str,
        p: str,
        o: str,
        span: tuple[int, int],
        text: str,
        lang: str,
        shift: int,
        extractor: str,
    ) -> None:
        node = f"<{ID}fact/{_h(g, s, p, o)}>"
        q = self._q
        q(s, p, o, g)
        q(node, A, C["Statement"], g)
        q(node, A, C["Fact"], g)
        q(node, P["subject"], s, g)
        q(node, P["predicate"], p, g)
        q(node, P["object"], o, g)
        ann = self._evidence(g, src, text, span[0], span[1], node, C["describing"], lang, shift)
        self._fact_meta(node, g, ann, src, extractor)

    def _source(self, index: int, n_plans: int) -> None:
        rng = self.rng
        stem = f"{index:05d}_{_h('synthetic', self.seed, index)[:16]}"
        src, g = f"<{ID}source/{stem}>", f"<{ID}graph/{stem}>"
        lang = "ru" if rng.random() < 0.5 else "en"
        self.list_no = 0
        plans: list[Plan] = []
        calls = 0
        while len(plans) < n_plans:  # every source has a list and a table near its start
            forced = (0.1, 0.96, 0.99)[calls] if calls < 3 else None
            calls += 1
            made = self._plan(lang, forced)
            plans.extend(made if isinstance(made, list) else [made])
        # The text: a title line, then the planned sentences, paragraphs of 5 sentences.
        title = (
            f"Кластеры и инновации: синтетическая статья №{index}"
            if lang == "ru"
            else f'Clusters and "innovation": synthetic article no. {index}'
        )
        parts, spans, offset = [title, "\n\n"], [], len(title) + 2
        for k, plan in enumerate(plans):
            spans.append((offset, offset + len(plan.text)))
            sep = "\n\n" if k % 5 == 4 else " "
            parts.extend((plan.text, sep))
            offset += len(plan.text) + len(sep)
        text = "".join(parts)
        shift = rng.randint(0, 200)  # raw file offset of the clean text (header noise)
        q = self._q
        ck = lambda local: _i(CK + local)  # noqa: E731
        seen_facts: set[str] = set()
        mentioned: set[str] = set()
        enum_iri, enum_items, table_iri = "", 0, ""
        for plan, span in zip(plans, spans, strict=True):
            if self.count >= self.target - 10 and plan.kind not in ("item", "cell"):
                # budget spent: the rest of the text has no facts (lists/tables stay whole)
                break
            # mentions: one oa:identifying annotation per occurrence, one ck:mentions fact each
            for ent in plan.entities:
                label = ent.label(lang)
                at = plan.text.find(label)
                if at < 0:
                    continue
                start = span[0] + at
                ann = self._evidence(
                    g, src, text, start, start + len(label), ent.iri, C["identifying"], lang, shift
                )
                q(ann, P["surfaceForm"], _lit(label, lang), g)
                if ent.iri not in mentioned:  # evidence of ck:mentions = the first mention
                    mentioned.add(ent.iri)
                    self._reified(
                        g,
                        src,
                        src,
                        P["mentions"],
                        ent.iri,
                        (start, start + len(label)),
                        text,
                        lang,
                        shift,
                        "mentions",
                    )
            d = plan.data
            if plan.kind == "relation" or plan.kind == "cites":
                s = src if plan.kind == "cites" else str(d["s"])
                p = ck("cites" if plan.kind == "cites" else str(d["p"]))
                key = f"{s} {p} {d['o']}"
                if key in seen_facts:
                    continue
                seen_facts.add(key)
                self._reified(
                    g,
                    src,
                    s,
                    p,
                    str(d["o"]),
                    span,
                    text,
                    lang,
                    shift,
                    "relations" if plan.kind == "relation" else "curation",
                )
            elif plan.kind == "membership":
                cl, mem = d["cluster"], d["member"]
                assert isinstance(cl, Entity) and isinstance(mem, Entity)
                key = f"m {cl.iri} {mem.iri}"
                if key in seen_facts:
                    continue
                seen_facts.add(key)
                node = f"<{ID}membership/{_h(src, cl.iri, mem.iri)}>"
                q(node, A, C["Membership"], g)
                q(node, A, C["Fact"], g)
                q(node, P["organization"], cl.iri, g)
                q(node, P["member"], mem.iri, g)
                q(node, P["role"], f"<{ID}actor-role/{d['role']}>", g)
                q(node, P["helix"], f"<{ID}triple-helix-sector/{d['helix']}>", g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "relations")
                self._reified(
                    g, src, cl.iri, ck("hasMember"), mem.iri, span, text, lang, shift, "relations"
                )
            elif plan.kind == "observation":
                area, subj = d["area"], d["subject"]
                assert isinstance(area, Entity) and isinstance(subj, Entity)
                node = f"<{ID}observation/{_h(src, span[0], d['indicator'])}>"
                q(node, A, C["Observation"], g)
                q(node, A, C["Fact"], g)
                q(node, P["dataSet"], DATASET, g)
                q(node, P["indicator"], f"<{ID}indicator/{d['indicator']}>", g)
                q(node, P["refArea"], area.iri, g)
                q(node, P["statSubject"], subj.iri, g)
                if d["period"]:
                    q(node, P["refPeriod"], _lit(str(d["period"])), g)
                q(node, P["value"], _dec(str(d["value"])), g)
                q(node, P["unit"], f"<{ID}unit/{d['unit']}>", g)
                q(node, P["valueQualifier"], f"<{ID}qualifier/{d['qualifier']}>", g)
                q(node, P["surfaceForm"], _lit(str(d["surface"]), lang), g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "statistics")
            elif plan.kind == "enumeration":
                items = d["items"]
                assert isinstance(items, list)
                enum_iri = f"{ID}enumeration/{stem}/{d['key']}"
                enum_items = 0
                node = f"<{enum_iri}>"
                q(node, A, C["Enumeration"], g)
                q(node, A, C["Fact"], g)
                q(node, P["label"], _lit(plan.text, lang), g)
                q(node, P["listScheme"], f"<{ID}scheme/{d['scheme']}>", g)
                q(node, P["itemCount"], _nni(len(items)), g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "enumerations")
            elif plan.kind == "item":
                enum_items += 1
                node = f"<{enum_iri}/{d['position']}>"
                q(node, A, C["EnumerationItem"], g)
                q(node, A, C["Fact"], g)
                q(node, P["inEnumeration"], f"<{enum_iri}>", g)
                q(node, P["position"], _pos(int(str(d["position"]))), g)
                q(node, P["itemText"], _lit(plan.text, lang), g)
                q(node, P["denotes"], f"<{ID}{d['scheme']}/{d['concept']}>", g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "enumerations")
            elif plan.kind == "table":
                table_iri = f"{ID}table/{stem}/{d['key']}"
                node = f"<{table_iri}>"
                q(node, A, C["ComparisonTable"], g)
                q(node, A, C["Fact"], g)
                q(node, P["label"], _lit(plan.text, "en"), g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "tables")
            elif plan.kind == "cell":
                node = f"<{table_iri}/{d['dimension']}/{d['model']}>"
                q(node, A, C["ComparisonCell"], g)
                q(node, A, C["Fact"], g)
                q(node, P["inTable"], f"<{table_iri}>", g)
                q(node, P["dimension"], f"<{ID}comparison-dimension/{d['dimension']}>", g)
                q(node, P["enterpriseModel"], f"<{ID}enterprise-model/{d['model']}>", g)
                q(node, P["cellText"], _lit(plan.text, "en"), g)
                ann = self._evidence(
                    g, src, text, span[0], span[1], node, C["describing"], lang, shift
                )
                self._fact_meta(node, g, ann, src, "tables")
        # the source document node (evidence machinery; rule (c) of docs/model.md section 4)
        for ctype in ("SourceDocument", "ScholarlyArticle", "Context"):
            q(src, A, C[ctype], g)
        q(src, P["title"], _lit(title, lang), g)
        q(src, P["language"], _lit(lang), g)
        q(src, P["creator"], self.persons.pick(rng).iri, g)
        q(src, P["citation"], _lit(f"Synthetic Journal of Cluster Studies, {index % 40 + 1}"), g)
        q(src, P["fileName"], _lit(f"{stem}.txt"), g)
        q(src, P["sha256"], _lit(hashlib.sha256(text.encode("utf-8")).hexdigest()), g)
        q(src, P["isString"], _lit(text), g)

    def quads(self) -> Iterator[str]:
        """Yield chunks of N-Quads text (one chunk per source) until the target is reached."""
        if self.ontology:
            self._emit_ontology()
        self._emit_lexicon()
        yield "".join(self.buf)
        self.buf.clear()
        index = 0
        while self.count < self.target:
            remaining = self.target - self.count
            n = min(self.FACTS_PER_SOURCE, max(1, -(-remaining // self.AVG_TRIPLES_PER_PLAN)))
            self._source(index, n)
            index += 1
            yield "".join(self.buf)
            self.buf.clear()
        self.sources = index


def generate(
    triples: int | str, out: str | Path, seed: int = 42, ontology: bool = True
) -> dict[str, object]:
    """Write a synthetic graph of about ``triples`` quads to ``out`` atomically; return stats.

    ``ontology``: include the real ontology graph (about 3k triples, counted in the size);
    the output then depends on the checkout's ontology files as well as on the seed.
    """
    from kg.atomic import atomic_path

    n = parse_size(triples)
    gen = Generator(n, seed, ontology)
    out = Path(out)
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        _write(gen, fh)
    return {
        "triples": gen.count,
        "sources": gen.sources,
        "bytes": out.stat().st_size,
        "seed": seed,
        "target": n,
        "path": str(out),
    }


def _write(gen: Generator, fh: IO[str]) -> None:
    for chunk in gen.quads():
        fh.write(chunk)
