"""Annotations with W3C Web Annotation selectors, and the provenance of fact nodes.

An annotation ``id:annotation/{short_hash(source, start, end, body)}`` targets
``…#target`` (an ``oa:SpecificResource`` of the source) with two selectors: ``…#quote``
(``oa:TextQuoteSelector``: exact span with the passage's language tag, 32-character prefix and
suffix) and ``…#position`` (``oa:TextPositionSelector``: clean offsets ``oa:start``/``oa:end``
and raw-file offsets ``ck:rawStart``/``ck:rawEnd``).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg.corpus.document import Document
from kg.errors import CheckFailed
from kg.extract.records import Evidence
from kg.namespace import CK, OA, data_iri, short_hash, source_iri

CONTEXT = 32  # characters of oa:prefix / oa:suffix


def annotation_iri(source_id: str, start: int, end: int, body: URIRef) -> URIRef:
    """The IRI of the annotation of span [start, end) of a source with ``body``."""
    return data_iri("annotation", short_hash(source_iri(source_id), start, end, body))


def add_annotation(
    graph: Graph,
    doc: Document,
    start: int,
    end: int,
    body: URIRef,
    motivation: URIRef,
) -> URIRef:
    """Add the annotation of ``doc.text[start:end]`` with ``body``; return its IRI."""
    if not 0 <= start < end <= len(doc.text):
        raise CheckFailed(
            f"invalid evidence span [{start}, {end}) (text length {len(doc.text)})",
            where=doc.path,
        )
    ann = annotation_iri(doc.source_id, start, end, body)
    target, quote, position = (URIRef(f"{ann}#{part}") for part in ("target", "quote", "position"))
    graph.add((ann, RDF.type, OA.Annotation))
    graph.add((ann, OA.motivatedBy, motivation))
    graph.add((ann, OA.hasBody, body))
    graph.add((ann, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source_iri(doc.source_id)))
    graph.add((target, OA.hasSelector, quote))
    graph.add((target, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(doc.text[start:end], lang=doc.lang_at(start))))
    prefix, suffix = doc.text[max(0, start - CONTEXT) : start], doc.text[end : end + CONTEXT]
    if prefix:
        graph.add((quote, OA.prefix, Literal(prefix)))
    if suffix:
        graph.add((quote, OA.suffix, Literal(suffix)))
    raw_start, raw_end = doc.raw_span(start, end)
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))
    graph.add((position, CK.rawStart, Literal(raw_start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, CK.rawEnd, Literal(raw_end, datatype=XSD.nonNegativeInteger)))
    return ann


def extractor_iri(name: str) -> URIRef:
    """``id:extractor/{name}``."""
    return data_iri("extractor", name)


def confidence_literal(value: float) -> Literal:
    """``xsd:decimal`` in [0, 1] with at most 4 decimals (stable across rebuilds)."""
    clipped = min(max(float(value), 0.0), 1.0)
    text = f"{clipped:.4f}".rstrip("0")
    return Literal(Decimal(text + "0" if text.endswith(".") else text), datatype=XSD.decimal)


def add_fact_evidence(graph: Graph, doc: Document, node: URIRef, evidence: Evidence) -> URIRef:
    """Give a fact node its evidence annotation and provenance (docs/model.md section 4)."""
    ann = add_annotation(graph, doc, evidence.start, evidence.end, node, OA.describing)
    graph.add((node, RDF.type, CK.Fact))
    graph.add((node, CK.evidence, ann))
    graph.add((node, PROV.wasDerivedFrom, source_iri(doc.source_id)))
    graph.add((node, CK.extractedBy, extractor_iri(evidence.extractor)))
    graph.add((node, CK.confidence, confidence_literal(evidence.confidence)))
    if evidence.curator:
        graph.add((node, DCTERMS.contributor, Literal(evidence.curator)))
    return ann
