"""The source document node of an article graph (docs/model.md section 3)."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.corpus.document import Document
from kg.extract.lexicon import Lexicon
from kg.namespace import CK, NIF, source_iri

SCHEMA_ARTICLE = URIRef("https://schema.org/ScholarlyArticle")


def add_source(graph: Graph, doc: Document, lexicon: Lexicon) -> URIRef:
    """Describe ``doc`` in its article graph; return the source IRI."""
    src = source_iri(doc.source_id)
    meta = doc.meta
    body_lang = str(meta.get("language") or (doc.sentences[0].lang if doc.sentences else "und"))
    for cls in (CK.SourceDocument, SCHEMA_ARTICLE, NIF.Context):
        graph.add((src, RDF.type, cls))
    title = meta.get("title") or meta.get("title_as_extracted")
    if title:
        graph.add((src, DCTERMS.title, Literal(str(title), lang=body_lang)))
    if meta.get("title_en"):
        graph.add((src, DCTERMS.title, Literal(str(meta["title_en"]), lang="en")))
    graph.add((src, DCTERMS.language, Literal(body_lang)))
    for lang in _as_list(meta.get("other_languages")):
        graph.add((src, CK.abstractLanguage, Literal(lang)))
    for author in _as_list(meta.get("authors")):
        for match in lexicon.match(author, schemes=["entity"]):
            if CK.Person in lexicon.types(match.entity):
                graph.add((src, DCTERMS.creator, match.entity))
    if meta.get("issued"):  # the article's date, as precise as the catalogue gives it
        issued = str(meta["issued"])
        kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(issued), XSD.string)
        graph.add((src, DCTERMS.issued, Literal(issued, datatype=kind)))
    if meta.get("venue"):
        graph.add((src, DCTERMS.bibliographicCitation, Literal(str(meta["venue"]))))
    graph.add((src, CK.fileName, Literal(Path(doc.path).name)))
    if meta.get("sha256"):
        graph.add((src, CK.sha256, Literal(str(meta["sha256"]))))
    graph.add((src, NIF.isString, Literal(doc.text)))
    return src


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.strip() and value.strip().lower() != "unknown":
        return [value]
    return []
