"""The release dumps: every format parses back to the dataset, the canonical N-Quads are
byte-identical across rebuilds, checksums match."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.publish.dumps import CHECKSUMS, DUMPS, ONTOLOGY_GRAPH, write_dumps

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "mini.trig"


def load_fixture() -> Dataset:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def _norm(term: object) -> object:
    """Language tags in lower case: RDF 1.1 language tags are case-insensitive and
    pyoxigraph (Turtle, TriG) writes them in lower case; everything else must be identical."""
    if isinstance(term, Literal) and term.language:
        return Literal(str(term), lang=term.language.lower())
    return term


def same(a: Graph, b: Graph) -> bool:
    """Isomorphic up to the case of language tags (term-exact otherwise). Ground triples are
    compared as sets; only the triples with blank nodes go through rdflib's isomorphic."""
    if len(a) != len(b):
        return False
    parts = []
    for graph in (a, b):
        ground, with_bnodes = set(), Graph()
        for s, p, o in graph:
            triple = (s, p, _norm(o))
            if isinstance(s, BNode) or isinstance(o, BNode):
                with_bnodes.add(triple)
            else:
                ground.add(triple)
        parts.append((ground, with_bnodes))
    (ga, ba), (gb, bb) = parts
    return ga == gb and len(ba) == len(bb) and (not len(ba) or isomorphic(ba, bb))


def graphs_of(ds: Dataset) -> dict[str, Graph]:
    return {
        str(g.identifier): g
        for g in ds.graphs()
        if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID
    }


def union_of(ds: Dataset) -> Graph:
    union = Graph()
    for g in ds.graphs():
        for triple in g:
            union.add(triple)
    return union


@pytest.fixture(scope="module")
def mini() -> Dataset:
    return load_fixture()


@pytest.fixture(scope="module")
def dumps(mini: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dumps")
    write_dumps(mini, out)
    return out


def test_every_file_is_written(dumps: Path) -> None:
    names = sorted(p.name for p in dumps.iterdir())
    assert names == sorted([*DUMPS, "void.ttl", CHECKSUMS])
    assert not [p for p in dumps.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("clusterkg.nq", "nquads"), ("clusterkg.trig", "trig"), ("clusterkg.jsonld", "json-ld")],
)
def test_quad_dumps_round_trip_per_graph(mini: Dataset, dumps: Path, name: str, fmt: str) -> None:
    back = Dataset()
    back.parse(dumps / name, format=fmt)
    expected, got = graphs_of(mini), graphs_of(back)
    assert sorted(got) == sorted(expected)
    for iri, graph in expected.items():
        assert same(got[iri], graph), iri


@pytest.mark.parametrize(
    ("name", "fmt"), [("clusterkg.ttl", "turtle"), ("clusterkg.nt", "nt"), ("clusterkg.rdf", "xml")]
)
def test_union_dumps_round_trip(mini: Dataset, dumps: Path, name: str, fmt: str) -> None:
    back = Graph().parse(dumps / name, format=fmt)
    assert same(back, union_of(mini))


@pytest.mark.parametrize(
    ("name", "fmt"), [("ontology.ttl", "turtle"), ("ontology.owl", "xml"), ("ontology.nt", "nt")]
)
def test_ontology_dumps_round_trip(mini: Dataset, dumps: Path, name: str, fmt: str) -> None:
    back = Graph().parse(dumps / name, format=fmt)
    assert same(back, mini.graph(ONTOLOGY_GRAPH))


def test_canonical_nquads_are_sorted_and_byte_identical(dumps: Path, tmp_path: Path) -> None:
    # a fresh parse gives the restriction blank nodes new internal ids
    again = tmp_path / "again"
    write_dumps(load_fixture(), again)
    first = (dumps / "clusterkg.nq").read_bytes()
    assert (again / "clusterkg.nq").read_bytes() == first
    assert (again / "clusterkg.nt").read_bytes() == (dumps / "clusterkg.nt").read_bytes()
    lines = first.decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == 94  # 30 ontology + 15 lexicon + 49 article quads
    bnode_lines = [line for line in lines if "_:" in line]
    assert len(bnode_lines) == 8  # two restrictions x (subClassOf, type, onProperty, someValues)


def test_nquads_load_into_pyoxigraph(dumps: Path) -> None:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(dumps / "clusterkg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(store) == 94
    graphs = sorted(g.value for g in store.named_graphs())
    assert graphs == [
        "https://w3id.org/clusterkg/id/graph/000_test",
        "https://w3id.org/clusterkg/id/graph/lexicon",
        "https://w3id.org/clusterkg/id/graph/ontology",
    ]


def test_data_graphs_have_no_blank_nodes_in_dump(dumps: Path) -> None:
    back = Dataset()
    back.parse(dumps / "clusterkg.nq", format="nquads")
    for iri, graph in graphs_of(back).items():
        has_bnode = any(isinstance(t, BNode) for tr in graph for t in tr)
        assert has_bnode == (iri == str(ONTOLOGY_GRAPH)), iri


def check_checksums(out: Path) -> None:
    rows = (out / CHECKSUMS).read_text().splitlines()
    assert len(rows) == len(DUMPS) + 1
    for row in rows:
        digest, name = row.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_checksums_match_files(dumps: Path) -> None:
    check_checksums(dumps)


def test_jsonld_is_compacted_with_the_published_context(dumps: Path) -> None:
    context = json.loads((dumps / "context.jsonld").read_text())["@context"]
    doc = json.loads((dumps / "clusterkg.jsonld").read_text())
    assert doc["@context"] == context
    assert context["ck"] == "https://w3id.org/clusterkg/ontology#"
    text = (dumps / "clusterkg.jsonld").read_text()
    assert '"ck:hasMember"' in text and '"skos:prefLabel"' in text


def test_jsonld_uses_rdflib_builtin_plugin() -> None:
    from rdflib import plugin
    from rdflib.serializer import Serializer

    assert plugin.get("json-ld", Serializer).__module__ == "rdflib.plugins.serializers.jsonld"


@pytest.fixture(scope="module")
def real_build(request: pytest.FixtureRequest) -> Path:
    """The session build of the real corpus; skipped (loudly) until the pipeline exists."""
    pytest.importorskip("kg.pipeline", reason="kg.pipeline not there yet: no real build")
    return request.getfixturevalue("build_dir")


def test_real_build_dumps_round_trip(real_build: Path) -> None:
    """The pipeline's build: every dump parses back to the canonical N-Quads, per graph."""
    nq = Dataset()
    nq.parse(real_build / "clusterkg.nq", format="nquads")
    expected = graphs_of(nq)
    for name, fmt in (("clusterkg.trig", "trig"), ("clusterkg.jsonld", "json-ld")):
        back = Dataset()
        back.parse(real_build / name, format=fmt)
        got = graphs_of(back)
        assert sorted(got) == sorted(expected), name
        for iri, graph in expected.items():
            assert same(got[iri], graph), (name, iri)
    union = union_of(nq)
    for name, fmt in (
        ("clusterkg.ttl", "turtle"),
        ("clusterkg.nt", "nt"),
        ("clusterkg.rdf", "xml"),
    ):
        assert same(Graph().parse(real_build / name, format=fmt), union), name
    onto = nq.graph(ONTOLOGY_GRAPH)
    for name, fmt in (("ontology.ttl", "turtle"), ("ontology.owl", "xml"), ("ontology.nt", "nt")):
        assert same(Graph().parse(real_build / name, format=fmt), onto), name
    lines = (real_build / "clusterkg.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    check_checksums(real_build)


def test_real_build_is_byte_identical_when_rewritten(real_build: Path, tmp_path: Path) -> None:
    """Writing the dumps again from the parsed canonical N-Quads gives the same bytes."""
    nq = Dataset()
    nq.parse(real_build / "clusterkg.nq", format="nquads")
    write_dumps(nq, tmp_path)
    for name in ("clusterkg.nq", "clusterkg.nt", "clusterkg.trig", "clusterkg.ttl"):
        assert (tmp_path / name).read_bytes() == (real_build / name).read_bytes(), name


def test_quads_nquads_writes_the_bytes_of_rdflib() -> None:
    """pyoxigraph's lines (the inferred graph) with rdflib's bytes, control characters too."""
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.publish.dumps import graph_nquads, quads_nquads
    from kg.terms import to_rdflib

    g, s, p = (ox.NamedNode(f"http://ex/{n}") for n in ("g", "s", "p"))
    texts = ["tab\there", "cr\rx", "nl\nx", 'q"x', "bs\\x", "bs-t\\tx", "ctl\x01x", "bsp\x08x",
             "ff\x0cx", "del\x7fx", "us\x1fx", "é ü 𝄞", "ls\u2028x"]
    quads = [ox.Quad(s, p, ox.Literal(t), g) for t in texts] + [
        ox.Quad(s, p, ox.Literal("x", language="en-GB"), g),
        ox.Quad(s, p, ox.Literal("07", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")), g),
        ox.Quad(ox.NamedNode("http://ex/é"), p, ox.NamedNode("http://ex/a%20b"), g)]
    graph = Graph()
    for q in quads + quads[:2]:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    assert quads_nquads(quads + quads[:2]) == graph_nquads(graph, "http://ex/g")
    assert len(quads_nquads(quads).splitlines()) == len(texts) + 3
    with pytest.raises(ValueError):
        quads_nquads([ox.Quad(ox.BlankNode("b"), p, s, g)])
