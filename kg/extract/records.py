"""What extractors return: plain records with their evidence, turned into RDF by ``kg.rdf``.

Every record carries an :class:`Evidence`: the source, the clean-text span of the quote, the
extractor that produced it and a confidence. IRIs are ``rdflib.URIRef`` values minted with
``kg.namespace``; the RDF writer mints the IRIs of facts and annotations from the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal, URIRef


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: a span [start, end) of a document's clean text."""

    source_id: str
    start: int
    end: int
    extractor: str  # "mentions", "statistics", "enumerations", "tables", "curation", ...
    confidence: float  # 0..1
    curator: str | None = None  # who accepted or corrected it (``clusterkg review``)


@dataclass(frozen=True)
class Mention:
    """A surface form of a known entity in the text (``oa:identifying`` annotation)."""

    entity: URIRef
    surface: str
    evidence: Evidence


@dataclass(frozen=True)
class Relation:
    """A binary fact ``subject predicate object`` stated by the quoted sentence."""

    subject: URIRef
    predicate: URIRef
    object: URIRef | Literal
    evidence: Evidence


@dataclass(frozen=True)
class Membership:
    """A member of a cluster (``org:Membership``) with its role and triple-helix sector."""

    cluster: URIRef
    member: URIRef
    role: URIRef | None
    helix_sector: URIRef | None
    evidence: Evidence


@dataclass(frozen=True)
class Observation:
    """A statistic: ``value`` (normalised, e.g. 87000 or 2000000000) in ``unit``."""

    indicator: URIRef  # id/indicator/...
    value: Decimal
    unit: URIRef  # id/unit/...
    qualifier: URIRef  # id/qualifier/exact | approximately | more-than | less-than
    ref_area: URIRef | None  # place the figure is about (id/place/...)
    subject: URIRef | None  # entity the figure is about (cluster, programme, ...)
    ref_period: str | None  # e.g. "2025" or None when the article gives none
    surface: str  # the number as written, e.g. "87 мингта"
    evidence: Evidence
    #: 0 for the first figure of its indicator in its sentence; n for the n-th after it
    #: (its identifier then also hashes the value, kg.rdf.facts.record_id)
    repeat: int = 0


@dataclass(frozen=True)
class EnumerationItem:
    """One item of a bulleted list, table row, or figure box; ``denotes`` a SKOS concept."""

    position: int  # 1-based
    text: str
    denotes: URIRef | None
    evidence: Evidence


@dataclass(frozen=True)
class Enumeration:
    """A list in an article (mechanisms, benefits, problems, ...), with its lead-in quote."""

    key: str  # stable slug within the source, e.g. "integration-mechanisms"
    label: str
    scheme: URIRef  # id/scheme/... the SKOS scheme its items belong to
    about: URIRef | None  # what the list is about (e.g. id/cluster/silicon-valley)
    items: tuple[EnumerationItem, ...]
    evidence: Evidence


@dataclass(frozen=True)
class TableCell:
    """A cell of a comparison table: the value of ``dimension`` for ``column``."""

    table: str  # stable slug within the source, e.g. "table-1"
    dimension: URIRef  # id/comparison-dimension/...
    column: URIRef  # id/enterprise-model/traditional | cluster-type
    text: str
    evidence: Evidence
    table_label: str | None = None  # the table's caption (rdfs:label of ck:ComparisonTable)
    table_evidence: Evidence | None = None  # the caption's span: evidence of the table node


@dataclass(frozen=True)
class EntityDescription:
    """A resource the lexicon does not know, minted from the text (``id:{kind}/{slug}``): its
    classes, labels (``("pref"|"alt", lang, text)``) and external identifiers."""

    entity: URIRef
    classes: tuple[URIRef, ...]
    labels: tuple[tuple[str, str, str], ...]
    matches: tuple[URIRef, ...]  # skos:exactMatch (GeoNames, ISO 3166 country authority)
    evidence: Evidence


@dataclass(frozen=True)
class ConceptDescription:
    """A SKOS concept minted from the text (a new statistical indicator): scheme, labels
    (``(lang, text)``, one per language), English definition and unit."""

    concept: URIRef
    scheme: URIRef
    labels: tuple[tuple[str, str], ...]
    definition: str
    unit: URIRef | None
    evidence: Evidence


Record = (
    Mention
    | Relation
    | Membership
    | Observation
    | Enumeration
    | TableCell
    | EntityDescription
    | ConceptDescription
)
