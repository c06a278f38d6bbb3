"""Records of ``kg.extract.records`` -> RDF in an article graph, each fact with its evidence.

- :class:`Mention`: an ``oa:identifying`` annotation per occurrence (body = the entity, plus
  ``ck:surfaceForm``); per source and entity one reified ``source ck:mentions entity`` fact
  whose evidence is the first mention.
- :class:`Relation`: the asserted triple + its ``rdf:Statement`` ``id:fact/{hash}``.
- :class:`Membership`: ``org:Membership`` node + the reified shortcut ``ck:hasMember``.
- :class:`Observation`: ``qb:Observation`` in ``id:dataset/statistics``.
- :class:`Enumeration` (with items) and :class:`TableCell` (+ their table): n-ary fact nodes.
- :class:`EntityDescription`: a resource minted from the text; its ``rdf:type``,
  ``skos:prefLabel`` / ``skos:altLabel`` and ``skos:exactMatch`` triples, each reified with the
  evidence of the entity's first mention (docs/model.md section 4).
- :class:`ConceptDescription`: a SKOS concept minted from the text (a new indicator): type,
  scheme, labels, definition and unit, each reified with the evidence of its figure.

A fact node (same IRI) produced twice keeps the first record (in evidence order).
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import ORG, QB

from kg.corpus.document import Document
from kg.extract.records import (
    ConceptDescription,
    EntityDescription,
    Enumeration,
    Evidence,
    Membership,
    Mention,
    Observation,
    Relation,
    TableCell,
)
from kg.namespace import CK, OA, SDMX_ATTRIBUTE, data_iri, graph_iri, short_hash, source_iri
from kg.rdf.evidence import add_annotation, add_fact_evidence

STATISTICS_DATASET = data_iri("dataset", "statistics")
#: reference calendar years (the intervals of Data Cube's own examples): .../id/year/2025
YEAR_BASE = "http://reference.data.gov.uk/id/year/"
SDMX_REF_PERIOD = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")


def article_year(doc: Document) -> str | None:
    """The year of the article's date (``issued`` in sources.yaml), the default period of
    what it states in the present."""
    match = re.match(r"^(\d{4})", str(doc.meta.get("issued") or ""))
    return match.group(1) if match else None


def period_year(text: str | None) -> str | None:
    """The (last) four-digit year of a period as written ("2025", "2010-2020")."""
    years = re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", text or "")
    return years[-1] if years else None


def relation_iri(source_id: str, subject: object, predicate: object, obj: object) -> URIRef:
    """``id:fact/{hash}`` of a reified triple of an article graph (a language-tagged
    object keeps its tag in the key: "гектар"@ru and "гектар"@uz-Cyrl are two facts)."""
    if isinstance(obj, Literal) and obj.language:
        obj = f"{obj}@{obj.language}"
    return data_iri("fact", short_hash(graph_iri(source_id), subject, predicate, obj))


def record_id(record: object, source_id: str) -> str:
    """The stable identifier of a fact or minted resource, as its RDF IRI (``clusterkg
    review`` rows name it): content hashes, so rebuilds keep it."""
    source = source_iri(source_id)
    if isinstance(record, Relation):
        return str(relation_iri(source_id, record.subject, record.predicate, record.object))
    if isinstance(record, Membership):
        return str(data_iri("membership", short_hash(source, record.cluster, record.member)))
    if isinstance(record, Observation):
        start = record.evidence.start
        if record.repeat:  # a second figure of one indicator in one sentence
            key = short_hash(source, start, record.indicator, record.value, record.repeat)
            return str(data_iri("observation", key))
        return str(data_iri("observation", short_hash(source, start, record.indicator)))
    if isinstance(record, EntityDescription):
        return str(record.entity)
    raise TypeError(f"no identifier for {type(record).__name__}")


class FactWriter:
    """Writes the records of one article into its graph."""

    def __init__(self, graph: Graph, doc: Document):
        self.graph = graph
        self.doc = doc
        self.graph_id = graph_iri(doc.source_id)
        self.source = source_iri(doc.source_id)
        self.nodes: set[URIRef] = set()  # fact nodes written (first record wins)
        self.mentioned: set[URIRef] = set()
        self.counts: dict[str, int] = {}

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _lang(self, evidence: Evidence) -> str:
        return self.doc.lang_at(evidence.start)

    # -- binary relations ------------------------------------------------------------------
    def relation(self, subject: URIRef, predicate: URIRef, obj: object, ev: Evidence) -> URIRef:
        """Assert ``subject predicate obj`` and reify it with its evidence."""
        fact = relation_iri(self.doc.source_id, subject, predicate, obj)
        if fact in self.nodes:
            return fact
        self.nodes.add(fact)
        graph = self.graph
        graph.add((subject, predicate, obj))  # type: ignore[arg-type]
        graph.add((fact, RDF.type, RDF.Statement))
        graph.add((fact, RDF.subject, subject))
        graph.add((fact, RDF.predicate, predicate))
        graph.add((fact, RDF.object, obj))  # type: ignore[arg-type]
        add_fact_evidence(graph, self.doc, fact, ev)
        self._count("relations")
        return fact

    def add_relation(self, record: Relation) -> None:
        self.relation(record.subject, record.predicate, record.object, record.evidence)

    # -- mentions --------------------------------------------------------------------------
    def add_mention(self, record: Mention) -> None:
        ev = record.evidence
        ann = add_annotation(self.graph, self.doc, ev.start, ev.end, record.entity, OA.identifying)
        surface = self.doc.text[ev.start : ev.end]
        self.graph.add((ann, CK.surfaceForm, Literal(surface, lang=self._lang(ev))))
        self._count("mentions")
        if record.entity not in self.mentioned:
            self.mentioned.add(record.entity)
            self.relation(self.source, CK.mentions, record.entity, ev)

    # -- resources and concepts minted from the text --------------------------------------
    def add_entity(self, record: EntityDescription) -> None:
        """Type, labels and external identifiers of a new resource, each with evidence."""
        ev = record.evidence
        for cls in record.classes:
            self.relation(record.entity, RDF.type, cls, ev)
        for prop, lang, text in record.labels:
            label_prop = SKOS.prefLabel if prop == "pref" else SKOS.altLabel
            self.relation(record.entity, label_prop, Literal(text, lang=lang), ev)
        for target in record.matches:
            self.relation(record.entity, SKOS.exactMatch, target, ev)
        self._count("entities")

    def add_concept(self, record: ConceptDescription) -> None:
        """A new SKOS concept (indicator) with its scheme, labels, definition and unit."""
        ev, concept = record.evidence, record.concept
        self.relation(concept, RDF.type, SKOS.Concept, ev)
        self.relation(concept, SKOS.inScheme, record.scheme, ev)
        for lang, text in record.labels:
            self.relation(concept, SKOS.prefLabel, Literal(text, lang=lang), ev)
        self.relation(concept, SKOS.definition, Literal(record.definition, lang="en"), ev)
        if record.unit is not None:
            self.relation(concept, SDMX_ATTRIBUTE.unitMeasure, record.unit, ev)
        self._count("concepts")

    # -- n-ary facts -----------------------------------------------------------------------
    def add_membership(self, record: Membership) -> None:
        node = URIRef(record_id(record, self.doc.source_id))
        if node in self.nodes:
            return
        self.nodes.add(node)
        graph = self.graph
        graph.add((node, RDF.type, ORG.Membership))
        graph.add((node, ORG.organization, record.cluster))
        graph.add((node, ORG.member, record.member))
        if record.role is not None:
            graph.add((node, ORG.role, record.role))
        if record.helix_sector is not None:
            graph.add((node, CK.tripleHelixSector, record.helix_sector))
        year = article_year(self.doc)
        if year is not None:  # memberships are stated in the present: the article's date
            graph.add((node, ORG.memberDuring, URIRef(YEAR_BASE + year)))
        add_fact_evidence(graph, self.doc, node, record.evidence)
        self.relation(record.cluster, CK.hasMember, record.member, record.evidence)
        self._count("memberships")

    def add_observation(self, record: Observation) -> None:
        ev = record.evidence
        node = URIRef(record_id(record, self.doc.source_id))
        if node in self.nodes:
            return
        self.nodes.add(node)
        graph = self.graph
        graph.add((node, RDF.type, QB.Observation))
        graph.add((node, QB.dataSet, STATISTICS_DATASET))
        graph.add((node, CK.indicator, record.indicator))
        if record.ref_area is not None:
            graph.add((node, CK.refArea, record.ref_area))
        if record.subject is not None:
            graph.add((node, CK.statSubject, record.subject))
        if record.ref_period:
            graph.add((node, CK.refPeriod, Literal(record.ref_period)))
        year = period_year(record.ref_period) or article_year(self.doc)
        if year is not None:  # the period as stated, else the article's date
            graph.add((node, SDMX_REF_PERIOD, URIRef(YEAR_BASE + year)))
        graph.add((node, CK.value, Literal(record.value, datatype=XSD.decimal)))
        graph.add((node, CK.unit, record.unit))
        graph.add((node, CK.valueQualifier, record.qualifier))
        graph.add((node, CK.surfaceForm, Literal(record.surface, lang=self._lang(ev))))
        add_fact_evidence(graph, self.doc, node, ev)
        self._count("observations")

    def add_enumeration(self, record: Enumeration) -> None:
        stem = self.doc.source_id
        node = data_iri("enumeration", stem, record.key)
        if node in self.nodes:
            return
        self.nodes.add(node)
        graph = self.graph
        graph.add((node, RDF.type, CK.Enumeration))
        graph.add(
            (
                node,
                RDFS.label,
                Literal(record.label, lang=_label_lang(record.label, self._lang(record.evidence))),
            )
        )
        graph.add((node, CK.listScheme, record.scheme))
        if record.about is not None:
            graph.add((node, CK.about, record.about))
        graph.add((node, CK.itemCount, Literal(len(record.items), datatype=XSD.nonNegativeInteger)))
        add_fact_evidence(graph, self.doc, node, record.evidence)
        self._count("enumerations")
        for item in record.items:
            item_node = data_iri("enumeration", stem, record.key, str(item.position))
            if item_node in self.nodes:
                continue
            self.nodes.add(item_node)
            graph.add((item_node, RDF.type, CK.EnumerationItem))
            graph.add((item_node, CK.inEnumeration, node))
            graph.add(
                (item_node, CK.position, Literal(item.position, datatype=XSD.positiveInteger))
            )
            graph.add((item_node, CK.itemText, Literal(item.text, lang=self._lang(item.evidence))))
            if item.denotes is not None:
                graph.add((item_node, CK.denotes, item.denotes))
            add_fact_evidence(graph, self.doc, item_node, item.evidence)
            self._count("enumeration_items")

    def add_table_cell(self, record: TableCell) -> None:
        """A comparison cell; the table node (caption = label and evidence) on first use."""
        label = getattr(record, "table_label", None)
        table_ev = getattr(record, "table_evidence", None)
        stem = self.doc.source_id
        table = data_iri("table", stem, record.table)
        graph = self.graph
        if table not in self.nodes:
            self.nodes.add(table)
            ev = table_ev or record.evidence
            graph.add((table, RDF.type, CK.ComparisonTable))
            text = label or record.table
            lang = self._lang(ev) if label else "en"
            graph.add((table, RDFS.label, Literal(text, lang=lang)))
            add_fact_evidence(graph, self.doc, table, ev)
            self._count("tables")
        cell = data_iri("table", stem, record.table, _last(record.dimension), _last(record.column))
        if cell in self.nodes:
            return
        self.nodes.add(cell)
        graph.add((cell, RDF.type, CK.ComparisonCell))
        graph.add((cell, CK.inTable, table))
        graph.add((cell, CK.dimension, record.dimension))
        graph.add((cell, CK.enterpriseModel, record.column))
        graph.add((cell, CK.cellText, Literal(record.text, lang=self._lang(record.evidence))))
        add_fact_evidence(graph, self.doc, cell, record.evidence)
        self._count("table_cells")


def _last(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _label_lang(text: str, passage_lang: str) -> str:
    """English for ASCII labels written by the extractors, else the passage's language."""
    return "en" if text.isascii() else passage_lang
