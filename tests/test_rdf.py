"""The RDF of the build follows docs/model.md: evidence for every article triple, selectors,
IRIs, no blank nodes in data graphs; and build_dataset writes every record type."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import ORG, PROV, QB

from kg.corpus import load_corpus
from kg.extract.lexicon import Lexicon
from kg.extract.records import (
    Enumeration,
    EnumerationItem,
    Evidence,
    Membership,
    Observation,
    Relation,
    TableCell,
)
from kg.namespace import CK, NIF, OA, PREFIXES, data_iri, graph_iri, short_hash, source_iri
from kg.pipeline import evidence_coverage
from kg.rdf import build_dataset

FIXTURES = Path(__file__).parent / "fixtures"
PREFIX = "\n".join(
    [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    + [f"PREFIX {k}: <{PREFIXES['id']}{k}/>" for k in ("graph", "cluster", "source")]
)
A000 = "000_294bae6919eed714"
A003 = "003_2c5d2ceac335d1da"

# docs/model.md section 4, as SPARQL: the article-graph triples that no rule covers
UNEVIDENCED = (
    PREFIX
    + """
SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?src a ck:SourceDocument . ?s ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ;
                                     rdf:object ?o ; ck:evidence ?a } }
  FILTER NOT EXISTS { GRAPH ?g { ?s a ck:Fact ; ck:evidence ?a2 } }
  FILTER NOT EXISTS {
    GRAPH ?g { ?s a ?machinery }
    VALUES ?machinery { ck:SourceDocument rdf:Statement oa:Annotation oa:SpecificResource
                        oa:TextQuoteSelector oa:TextPositionSelector }
  }
}"""
)
ARTICLE_TRIPLES = (
    PREFIX
    + """
SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?src a ck:SourceDocument . ?s ?p ?o } }"""
)


@pytest.fixture(scope="module")
def store(build_dir: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(build_dir / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def docs():
    return {d.source_id: d for d in load_corpus()}


def rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    return list(store.query(query))


def test_every_article_triple_carries_evidence(store: ox.Store) -> None:
    (total,) = rows(store, ARTICLE_TRIPLES)
    assert int(total["n"].value) > 10000
    missing = rows(store, UNEVIDENCED)
    assert [(r["s"].value, r["p"].value, str(r["o"])) for r in missing] == []


def test_no_blank_nodes_outside_the_ontology_graph(store: ox.Store) -> None:
    query = (
        PREFIX
        + """
    SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }
      FILTER (?g != graph:ontology) }"""
    )
    assert rows(store, query)[0]["n"].value == "0"


def test_every_fact_has_exactly_one_of_each_provenance_property(store: ox.Store) -> None:
    query = (
        PREFIX
        + """
    SELECT ?fact (COUNT(DISTINCT ?e) AS ?ne) (COUNT(DISTINCT ?d) AS ?nd)
           (COUNT(DISTINCT ?x) AS ?nx) (COUNT(DISTINCT ?c) AS ?nc) WHERE {
      GRAPH ?g { ?fact a ck:Fact .
        OPTIONAL { ?fact ck:evidence ?e } OPTIONAL { ?fact prov:wasDerivedFrom ?d }
        OPTIONAL { ?fact ck:extractedBy ?x } OPTIONAL { ?fact ck:confidence ?c } }
    } GROUP BY ?fact"""
    )
    result = rows(store, query)
    assert len(result) > 300
    bad = [
        r["fact"].value for r in result if {r[k].value for k in ("ne", "nd", "nx", "nc")} != {"1"}
    ]
    assert bad == []


def test_quotes_are_the_text_at_their_offsets(store: ox.Store, docs) -> None:
    query = (
        PREFIX
        + """
    SELECT ?source ?exact ?start ?end ?rawStart ?rawEnd ?prefix WHERE {
      GRAPH ?g { ?t oa:hasSource ?source ; oa:hasSelector ?q, ?pos .
        ?q a oa:TextQuoteSelector ; oa:exact ?exact . OPTIONAL { ?q oa:prefix ?prefix }
        ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ;
             ck:rawStart ?rawStart ; ck:rawEnd ?rawEnd } }"""
    )
    result = rows(store, query)
    assert len(result) > 500
    for r in result:
        doc = docs[r["source"].value.rsplit("/", 1)[-1]]
        start, end = int(r["start"].value), int(r["end"].value)
        assert doc.text[start:end] == r["exact"].value
        assert r["exact"].language == doc.lang_at(start).lower()
        raw = doc.raw_text[int(r["rawStart"].value) : int(r["rawEnd"].value)]
        assert re.sub(r"[\s\-]", "", raw) == re.sub(r"[\s\-]", "", r["exact"].value)
        if r["prefix"] is not None:
            assert r["prefix"].value == doc.text[max(0, start - 32) : start]


def test_substr_invariant_in_sparql(store: ox.Store) -> None:
    query = (
        PREFIX
        + """
    SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {
      ?t oa:hasSource ?src ; oa:hasSelector ?q, ?pos .
      ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
      ?src nif:isString ?text .
      FILTER (SUBSTR(?text, ?start + 1, ?end - ?start) != STR(?exact)) } }"""
    )
    assert rows(store, query)[0]["n"].value == "0"


def test_source_documents(store: ox.Store, docs) -> None:
    query = (
        PREFIX
        + """
    SELECT ?src ?text ?lang ?file ?sha (GROUP_CONCAT(STR(?creator)) AS ?creators) WHERE {
      GRAPH ?g { ?src a ck:SourceDocument, schema:ScholarlyArticle, nif:Context ;
        nif:isString ?text ; dcterms:language ?lang ; ck:fileName ?file ; ck:sha256 ?sha .
        OPTIONAL { ?src dcterms:creator ?creator } } } GROUP BY ?src ?text ?lang ?file ?sha"""
    )
    result = {r["src"].value.rsplit("/", 1)[-1]: r for r in rows(store, query)}
    assert set(result) == {A000, A003}
    for sid, r in result.items():
        assert r["text"].value == docs[sid].text
        assert r["file"].value == f"{sid}.txt"
        assert r["sha"].value == docs[sid].meta["sha256"]
    assert result[A000]["lang"].value == "uz-Cyrl" and result[A003]["lang"].value == "ru"
    assert result[A003]["creators"].value == str(data_iri("person", "nozimakhon-usmanova"))


def test_mention_annotation_pattern(store: ox.Store) -> None:
    query = (
        PREFIX
        + """
    SELECT ?ann ?exact ?surface WHERE { GRAPH graph:000_294bae6919eed714 {
      ?ann a oa:Annotation ; oa:motivatedBy oa:identifying ;
           oa:hasBody cluster:silicon-valley ; ck:surfaceForm ?surface ;
           oa:hasTarget ?t . ?t oa:hasSelector ?q . ?q oa:exact ?exact } }"""
    )
    result = rows(store, query)
    # 7 by name, 5 by anaphora ("мазкур кластер", "Мазкур кластер", a sentence-opening bare
    # "Кластер ҳудудида")
    assert len(result) == 12
    by_name = [r for r in result if r["exact"].value == "Силикон водийси"]
    assert len(by_name) == 7
    for r in result:
        assert re.fullmatch(
            r"https://w3id\.org/clusterkg/id/annotation/[0-9a-f]{12}", r["ann"].value
        )
        assert r["exact"].value == r["surface"].value
        assert r in by_name or re.fullmatch(r"(мазкур )?кластер\w*", r["exact"].value.lower())
        assert r["exact"].language == "uz-cyrl"
    facts = (
        PREFIX
        + """
    SELECT ?fact WHERE { GRAPH graph:000_294bae6919eed714 {
      ?fact a rdf:Statement ; rdf:subject source:000_294bae6919eed714 ;
            rdf:predicate ck:mentions ; rdf:object cluster:silicon-valley } }"""
    )
    (fact,) = rows(store, facts)
    expected = short_hash(
        graph_iri(A000), source_iri(A000), CK.mentions, data_iri("cluster", "silicon-valley")
    )
    assert fact["fact"].value == str(data_iri("fact", expected))


def test_build_dataset_writes_every_record_type() -> None:
    (doc,) = load_corpus(FIXTURES / "corpus_new")
    lexicon = Lexicon.load()
    sid = doc.source_id
    text = doc.text

    def ev(quote: str, extractor: str = "curation") -> Evidence:
        start = text.index(quote)
        return Evidence(sid, start, start + len(quote), extractor, 0.8)

    cluster = data_iri("cluster", "silicon-valley")
    stanford = data_iri("org", "stanford-university")
    records = [
        Relation(cluster, CK.locatedIn, data_iri("place", "usa"), ev("Силиконовой долиной (США)")),
        Membership(
            cluster,
            stanford,
            data_iri("actor-role", "research-partner"),
            data_iri("triple-helix-sector", "science"),
            ev("Стэнфордского университета"),
        ),
        Observation(
            data_iri("indicator", "number-of-companies"),
            Decimal(1300),
            data_iri("unit", "count"),
            data_iri("qualifier", "more-than"),
            data_iri("place", "south-korea"),
            None,
            None,
            "более 1300",
            ev("более 1300 компаний", "statistics"),
        ),
        Enumeration(
            "mechanisms",
            "Mechanisms",
            data_iri("scheme", "mechanism"),
            None,
            (
                EnumerationItem(
                    1,
                    "Обмен знаниями",
                    data_iri("mechanism", "knowledge-exchange"),
                    ev("Обмен знаниями", "enumerations"),
                ),
            ),
            ev("Совместные исследования и разработки.", "enumerations"),
        ),
        TableCell(
            "table-1",
            data_iri("comparison-dimension", "competition"),
            data_iri("enterprise-model", "traditional"),
            "государство",
            ev("государство совместно"),
            "Таблица",
            ev("Модель кластера"),
        ),
    ]
    ds = build_dataset([doc], records, lexicon)
    graph = ds.graph(graph_iri(sid))
    source = source_iri(sid)
    fact = data_iri(
        "fact", short_hash(graph_iri(sid), cluster, CK.locatedIn, data_iri("place", "usa"))
    )
    assert (cluster, CK.locatedIn, data_iri("place", "usa")) in graph
    assert (fact, RDF.type, RDF.Statement) in graph and (fact, RDF.type, CK.Fact) in graph
    assert (fact, CK.confidence, Literal(Decimal("0.8"), datatype=XSD.decimal)) in graph
    assert (fact, CK.extractedBy, data_iri("extractor", "curation")) in graph
    assert (fact, PROV.wasDerivedFrom, source) in graph
    membership = data_iri("membership", short_hash(source, cluster, stanford))
    assert (membership, RDF.type, ORG.Membership) in graph
    assert (cluster, CK.hasMember, stanford) in graph
    start = text.index("более 1300 компаний")
    observation = data_iri(
        "observation", short_hash(source, start, data_iri("indicator", "number-of-companies"))
    )
    assert (observation, QB.dataSet, data_iri("dataset", "statistics")) in graph
    assert (observation, CK.value, Literal(Decimal(1300), datatype=XSD.decimal)) in graph
    enumeration = data_iri("enumeration", sid, "mechanisms")
    assert (enumeration, CK.itemCount, Literal(1, datatype=XSD.nonNegativeInteger)) in graph
    item = data_iri("enumeration", sid, "mechanisms", "1")
    assert (item, CK.inEnumeration, enumeration) in graph
    table = data_iri("table", sid, "table-1")
    assert (table, RDFS.label, Literal("Таблица", lang="ru")) in graph
    cell = data_iri("table", sid, "table-1", "competition", "traditional")
    assert (cell, CK.inTable, table) in graph
    assert (source, NIF.isString, Literal(text)) in graph
    total, covered = evidence_coverage(ds)
    assert total == covered > 0
    for g in (graph, ds.graph(graph_iri("lexicon"))):
        assert not any(
            t.startswith("N") or type(t).__name__ == "BNode"
            for tr in g
            for t in tr
            if not isinstance(t, URIRef | Literal)
        )
    agent = data_iri("extractor", "statistics")
    assert (agent, RDF.type, PROV.SoftwareAgent) in ds.graph(graph_iri("lexicon"))
    ann = next(graph.objects(fact, CK.evidence))
    assert (ann, OA.motivatedBy, OA.describing) in graph and (ann, OA.hasBody, fact) in graph
