"""VoID/DCAT: every number in void.ttl equals the same number computed by SPARQL over the dump.

Counts that involve literals run on rdflib's SPARQL engine, which compares RDF terms exactly:
pyoxigraph 0.5 normalises literals when it stores them (``"5"^^xsd:nonNegativeInteger``
becomes ``"5"^^xsd:integer``, ``"5.0"^^xsd:decimal`` becomes ``"5"``), so its DISTINCT counts
can be lower. Counts over IRIs only (entities, linksets, places, graphs) run on pyoxigraph,
whose string filters are far faster."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from kg.publish.dumps import DUMPS, sha256_file, write_dumps
from kg.publish.void import DATASET, NOT_DATA, SPDX, _location, _place_matches

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "mini.trig"


def _store(nq: Path) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    return ds


def _count(store: Dataset, query: str) -> int:
    rows = list(store.query(query))
    return int(rows[0][0])


def _ox_store(nq: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def _ox_count(store: pyoxigraph.Store, query: str) -> int:
    rows = list(store.query(query, use_default_graph_as_union=True))
    return int(rows[0][0].value)


SPARQL_COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }",
}


def _int(graph: Graph, s: URIRef, p: URIRef) -> int:
    values = list(graph.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return int(values[0])


def check_void_against_sparql(out: Path) -> Graph:
    """Assert every VoID number equals its SPARQL count over ``clusterkg.nq``; return VoID."""
    void = Graph().parse(out / "void.ttl", format="turtle")
    store = _store(out / "clusterkg.nq")
    ox_store = _ox_store(out / "clusterkg.nq")
    for key, query in SPARQL_COUNTS.items():
        assert _int(void, DATASET, VOID[key]) == _count(store, query), key
    entities = (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o "
        'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "https://w3id.org/clusterkg/")) }'
    )
    assert _int(void, DATASET, VOID.entities) == _ox_count(ox_store, entities)

    by_class = {
        row[0]: int(row[1])
        for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c")
    }
    partitions = list(void.objects(DATASET, VOID.classPartition))
    assert len(partitions) == _int(void, DATASET, VOID.classes) == len(by_class)
    for part in partitions:
        cls = void.value(part, VOID["class"])
        assert _int(void, part, VOID.entities) == by_class[cls], cls

    by_property = {
        row[0]: int(row[1])
        for row in store.query(
            "SELECT ?p (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } } GROUP BY ?p"
        )
    }
    partitions = list(void.objects(DATASET, VOID.propertyPartition))
    assert len(partitions) == _int(void, DATASET, VOID.properties) == len(by_property)
    for part in partitions:
        prop = void.value(part, VOID.property)
        assert _int(void, part, VOID.triples) == by_property[prop], prop

    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = void.value(linkset, VOID.objectsTarget)
        space = str(void.value(target, VOID.uriSpace))
        q = (
            "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?o { "
            "?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o "
            f'FILTER STRSTARTS(STR(?o), "{space}") }} }}'
        )
        assert _int(void, linkset, VOID.triples) == _ox_count(ox_store, q) > 0, linkset
        assert set(void.objects(linkset, VOID.target)) == {DATASET, target}

    graphs = [
        str(g.identifier)
        for g in store.graphs()
        if len(g)
        and isinstance(g.identifier, URIRef)
        and not str(g.identifier).startswith("urn:x-rdflib:")
    ]
    subsets = {
        str(void.value(sub, URIRef("http://www.w3.org/ns/sparql-service-description#name"))): sub
        for sub in void.objects(DATASET, VOID.subset)
        if (sub, RDF.type, VOID.Linkset) not in void
    }
    assert sorted(subsets) == sorted(graphs)
    for graph, sub in subsets.items():
        q = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert _int(void, sub, VOID.triples) == _ox_count(ox_store, q), graph

    q = (
        "SELECT DISTINCT ?o { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?o), "https://w3id.org/clusterkg/id/place/")'
        ' && !STRENDS(STR(?g), "/ontology") && !STRENDS(STR(?g), "/lexicon")'
        ' && !STRENDS(STR(?g), "/inferred")) }'
    )
    places = {URIRef(r[0].value) for r in ox_store.query(q)}
    matches = _place_matches(store, places)
    locations = {str(_location(matches[p], p)) for p in places}
    assert {str(p) for p in void.objects(DATASET, DCTERMS.spatial)} == locations

    q = (
        "SELECT ?v { GRAPH ?g { ?s <https://w3id.org/clusterkg/ontology#refPeriod> ?v } }",
        "SELECT ?v { GRAPH ?g { ?s <http://purl.org/dc/terms/bibliographicCitation> ?v } }",
    )
    years = set()
    for query in q:
        years = {
            int(y)
            for r in ox_store.query(query)
            for y in re.findall(r"\b(?:19|20)\d\d\b", r[0].value)
        }
        if years:
            break
    period = void.value(DATASET, DCTERMS.temporal)
    assert period is not None
    assert int(str(void.value(period, DCAT.startDate))) == min(years)
    assert int(str(void.value(period, DCAT.endDate))) == max(years)

    dists = list(void.objects(DATASET, DCAT.distribution))
    data_files = set(DUMPS) - NOT_DATA  # context.jsonld is not a data dump
    assert len(dists) == len(data_files)
    assert len(list(void.objects(DATASET, VOID.dataDump))) == len(data_files)
    for dist in dists:
        name = str(void.value(dist, DCTERMS.title))
        assert _int(void, dist, DCAT.byteSize) == (out / name).stat().st_size
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == sha256_file(out / name)
        media = str(void.value(dist, DCAT.mediaType))
        assert media.endswith("/" + DUMPS[name][0])
        assert str(void.value(dist, DCAT.downloadURL)).endswith("/dumps/" + name)
    return void


@pytest.fixture(scope="module")
def mini_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    out = tmp_path_factory.mktemp("void")
    write_dumps(ds, out)
    return out


def test_void_counts_equal_sparql_counts_on_fixture(mini_out: Path) -> None:
    void = check_void_against_sparql(mini_out)
    # exact figures of the hand-made fixture
    assert _int(void, DATASET, VOID.triples) == 94
    assert _int(void, DATASET, VOID.classes) == 17
    assert set(void.objects(DATASET, DCTERMS.spatial)) == {
        URIRef("https://w3id.org/clusterkg/id/place/usa")
    }
    period = void.value(DATASET, DCTERMS.temporal)
    assert void.value(period, DCAT.startDate) == Literal("2020", datatype=XSD.gYear)


def test_dcat_metadata(mini_out: Path) -> None:
    void = Graph().parse(mini_out / "void.ttl", format="turtle")
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.issued,
        DCTERMS.modified,
        VOID.sparqlEndpoint,
        VOID.uriSpace,
    ):
        assert void.value(DATASET, prop) is not None, prop
    assert URIRef("http://www.w3.org/ns/oa#") in set(void.objects(DATASET, VOID.vocabulary))


def test_void_on_real_build(request: pytest.FixtureRequest) -> None:
    pytest.importorskip("kg.pipeline", reason="kg.pipeline not there yet: no real build")
    build_dir: Path = request.getfixturevalue("build_dir")
    check_void_against_sparql(build_dir)


DCAT_AP = Path(__file__).parent / "data" / "dcat-ap"


def dcat_ap_results(void_ttl: Path, shapes: str) -> list[tuple[str, str, str]]:
    """(focus, path, message) of every sh:Violation of ``shapes`` (a DCAT-AP 3.0.1 file)."""
    from pyshacl import validate
    from rdflib.namespace import SH

    shapes_graph = Graph().parse(DCAT_AP / shapes)
    _, report, _ = validate(Graph().parse(void_ttl), shacl_graph=shapes_graph, inference="none")
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
         str(report.value(r, SH.resultMessage)))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    )  # fmt: skip


@pytest.mark.parametrize("shapes", ["shapes.ttl", "range.ttl"])
def test_void_conforms_to_the_dcat_ap_3_shapes(request: pytest.FixtureRequest, shapes: str) -> None:
    build_dir: Path = request.getfixturevalue("build_dir")
    assert dcat_ap_results(build_dir / "void.ttl", shapes) == []


def test_dcat_ap_shapes_catch_what_the_issue_found(mini_out: Path, tmp_path: Path) -> None:
    """The shapes really run: the old description (a class as theme, an untyped licence,
    places that are not dct:Location) fails them."""
    void = Graph().parse(mini_out / "void.ttl")
    for s, p, o in list(void.triples((None, RDF.type, None))):
        if o in (DCTERMS.LicenseDocument, DCTERMS.Location):
            void.remove((s, p, o))
    void.add((DATASET, DCAT.theme, URIRef("https://w3id.org/clusterkg/ontology#Cluster")))
    bad = tmp_path / "void.ttl"
    void.serialize(bad, format="turtle")
    messages = {m for _, _, m in dcat_ap_results(bad, "range.ttl")}
    assert "Value does not have class dct:LicenseDocument" in messages
    assert "Value does not have class dct:Location" in messages
    assert "Value does not have class skos:Concept" in messages


def test_controlled_vocabularies_of_dcat_ap(request: pytest.FixtureRequest) -> None:
    """DCAT-AP's recommended vocabularies: places as EU country-table or GeoNames IRIs, the EU
    data theme. What remains is known: the EU and the world (no country IRI), our publisher
    (not an EU body), the EuroVoc theme (not the data-theme table) and the SPDX namespace
    (the shape expects https, SPDX publishes http)."""
    build_dir: Path = request.getfixturevalue("build_dir")
    remaining = dcat_ap_results(build_dir / "void.ttl", "mdr-vocabularies.shape.ttl")
    focus = {f.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for f, _, _ in remaining}
    assert focus <= {
        "european-union",
        "world",
        "publisher",
        "c_de4d6f2f",
        "checksumAlgorithm_sha256",
    } | {f"checksum-{name}" for name in DUMPS}
    void = Graph().parse(build_dir / "void.ttl")
    spatial = {str(o) for o in void.objects(DATASET, DCTERMS.spatial)}
    assert "http://publications.europa.eu/resource/authority/country/UZB" in spatial
    assert "https://sws.geonames.org/5809844/" in spatial  # Seattle
