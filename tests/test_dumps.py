"""The release dumps: every format parses back to the dataset, the canonical N-Quads are
byte-identical across rebuilds, checksums match."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.publish.dumps import CHECKSUMS, DUMPS, ONTOLOGY_GRAPH, write_dumps

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "mini.trig"


def load_fixture() -> Dataset:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


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
        assert len(got[iri]) == len(graph), iri
        assert isomorphic(got[iri], graph), iri


@pytest.mark.parametrize(
    ("name", "fmt"), [("clusterkg.ttl", "turtle"), ("clusterkg.nt", "nt"), ("clusterkg.rdf", "xml")]
)
def test_union_dumps_round_trip(mini: Dataset, dumps: Path, name: str, fmt: str) -> None:
    back = Graph().parse(dumps / name, format=fmt)
    assert isomorphic(back, union_of(mini))


@pytest.mark.parametrize(
    ("name", "fmt"), [("ontology.ttl", "turtle"), ("ontology.owl", "xml"), ("ontology.nt", "nt")]
)
def test_ontology_dumps_round_trip(mini: Dataset, dumps: Path, name: str, fmt: str) -> None:
    back = Graph().parse(dumps / name, format=fmt)
    assert isomorphic(back, mini.graph(ONTOLOGY_GRAPH))


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


def test_checksums_match_files(dumps: Path) -> None:
    rows = (dumps / CHECKSUMS).read_text().splitlines()
    assert len(rows) == len(DUMPS) + 1
    for row in rows:
        digest, name = row.split("  ")
        assert hashlib.sha256((dumps / name).read_bytes()).hexdigest() == digest


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
    """The pipeline's build: canonical N-Quads parse back, TriG has the same graphs."""
    build_dir = real_build
    nq = Dataset()
    nq.parse(build_dir / "clusterkg.nq", format="nquads")
    trig = Dataset()
    trig.parse(build_dir / "clusterkg.trig", format="trig")
    a, b = graphs_of(nq), graphs_of(trig)
    assert sorted(a) == sorted(b)
    for iri in a:
        assert isomorphic(a[iri], b[iri]), iri
    lines = (build_dir / "clusterkg.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
