"""SHACL shapes: exact results on every fixture (manifest), both engines, coverage of every shape.

``tests/fixtures/shapes/manifest.yaml`` lists, for each fixture, the shapes files it is
validated with and every expected result as (focus, shape, path, value, component, severity).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from kg.paths import SHAPES_DIR
from kg.validate import validate_dataset, validate_store
from kg.validation.data import load_files as store_from_files
from kg.validation.shapes import PROFILES, compact, default_shapes, load_shapes

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
# fixture name -> shapes files (relative to shapes/); None = the default set (shapes/*.shacl.ttl)
SHAPES_OF: dict[str, list[str] | None] = {
    "Complete": None,
    "ArticleGraph": ["article-graph.shacl.ttl"],
    "Clusters": ["clusters.shacl.ttl"],
    "Concepts": ["concepts.shacl.ttl"],
    "Dataset": ["dataset.shacl.ttl"],
    "Eccp": ["profiles/eccp-cluster-labelling.shacl.ttl"],
    "EnumerationsTables": ["enumerations-tables.shacl.ttl"],
    "Evidence": ["evidence.shacl.ttl"],
    "Memberships": ["memberships.shacl.ttl"],
    "OntologyQuality": ["ontology-quality.shacl.ttl"],
    "Organisations": ["organisations.shacl.ttl"],
    "Persons": ["persons.shacl.ttl"],
    "Places": ["places.shacl.ttl"],
    "PoliciesProgrammes": ["policies-programmes.shacl.ttl"],
    "Sources": ["sources.shacl.ttl"],
    "Statistics": ["statistics.shacl.ttl"],
}
CKSH = "https://w3id.org/clusterkg/shapes#"
SEVERITIES = {SH.Violation, SH.Warning, SH.Info}

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # ill-typed literals on purpose


def row_entry(row: Any) -> dict[str, str | None]:
    """A result as it is written in the manifest (compact names)."""
    value = row.value
    if value is not None and value.startswith("<") and value.endswith(">"):
        value = compact(value[1:-1])
    return {
        "focus": compact(row.focus),
        "shape": compact(row.shape),
        "path": compact(row.path) if row.path else None,
        "value": value,
        "component": row.component,
        "severity": row.severity,
    }


def _manifest() -> list[dict[str, Any]]:
    return yaml.safe_load((FIXTURES / "manifest.yaml").read_text(encoding="utf-8"))


def _key(entry: dict[str, Any]) -> tuple[str, ...]:
    keys = ("focus", "shape", "path", "value", "component", "severity")
    return tuple(str(entry[k]) for k in keys)


def _validate(entry: dict[str, Any], engine: str) -> Any:
    shapes = entry["shapes"]
    files = None if shapes == "default" else [SHAPES_DIR / s for s in shapes]
    return validate_store(store_from_files([FIXTURES / entry["data"]]), files, engine=engine)


MANIFEST = _manifest()


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("entry", MANIFEST, ids=[e["data"] for e in MANIFEST])
def test_fixture_results_are_exactly_the_expected_ones(entry: dict[str, Any], engine: str) -> None:
    result = _validate(entry, engine)
    got = Counter(_key(row_entry(r)) for r in result.results)
    want = Counter(_key(e) for e in entry["results"])
    assert got == want, (
        f"unexpected: {sorted(got - want)}\nmissing: {sorted(want - got)}")
    assert (not result.violations) is entry["conforms"]  # the manifest: no violation
    assert result.conforms is (not result.results)  # SHACL: no result of any severity


def test_valid_fixtures_have_no_results_and_invalid_ones_do() -> None:
    for entry in MANIFEST:
        if entry["data"].startswith("valid/"):
            assert entry["results"] == [] and entry["conforms"], entry["data"]
        else:
            assert entry["results"], entry["data"]


def _shape_nodes(g: Graph) -> set[Any]:
    return set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))


def _all_shapes() -> Graph:
    return load_shapes([*default_shapes(), *PROFILES.values()]).all_shapes


def test_every_shape_fails_in_an_invalid_fixture() -> None:
    """Each node and property shape produces at least one result in some invalid fixture."""
    g = _all_shapes()
    failing = {e["shape"] for m in MANIFEST if m["data"].startswith("invalid/")
               for e in m["results"]}
    missing = []
    for shape in _shape_nodes(g):
        props = {compact(str(p)) for p in g.objects(shape, SH.property)}
        name = compact(str(shape))
        if name not in failing and not props & failing:
            missing.append(name)
    assert sorted(missing) == []


def test_every_targeted_shape_has_focus_nodes_in_a_valid_fixture() -> None:
    """Each node shape with targets applies to at least one node of a conforming fixture."""
    g = _all_shapes()
    targeted: set[URIRef] = set()
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        targeted |= {s for s in g.subjects(pred, None) if isinstance(s, URIRef)}
    covered: set[str] = set()
    for entry in MANIFEST:
        if not entry["data"].startswith("valid/"):
            continue
        data = store_from_files([FIXTURES / entry["data"]])
        for shape in targeted:
            for cls in g.objects(shape, SH.targetClass):
                q = (f"ASK {{ ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}")
                if data.store.query(q, use_default_graph_as_union=True):
                    covered.add(str(shape))
            for p in g.objects(shape, SH.targetObjectsOf):
                if data.store.query(f"ASK {{ ?s <{p}> ?o }}", use_default_graph_as_union=True):
                    covered.add(str(shape))
    assert sorted(compact(str(s)) for s in targeted if str(s) not in covered) == []


def test_every_shape_has_label_message_and_deliberate_severity() -> None:
    g = _all_shapes()
    problems = []
    for shape in _shape_nodes(g):
        name = compact(str(shape))
        if not isinstance(shape, URIRef) or not str(shape).startswith(CKSH):
            problems.append(f"{shape}: not a named cksh: shape")
        if not any(lbl.language == "en" for lbl in g.objects(shape, URIRef(
                "http://www.w3.org/2000/01/rdf-schema#label"))):  # type: ignore[attr-defined]
            problems.append(f"{name}: no rdfs:label@en")
        if g.value(shape, SH.message) is None:
            problems.append(f"{name}: no sh:message")
        if g.value(shape, SH.severity) not in SEVERITIES:
            problems.append(f"{name}: no explicit sh:severity")
    for constraint in g.objects(None, SH.sparql):
        if g.value(constraint, SH.message) is None:
            problems.append(f"SPARQL constraint {constraint}: no sh:message")
    assert problems == []


def test_eccp_profile_is_warnings_only() -> None:
    g = load_shapes([PROFILES["eccp"]]).all_shapes
    severities = {g.value(s, SH.severity) for s in g.subjects(RDF.type, SH.NodeShape)}
    assert severities == {SH.Warning}


def test_validate_dataset_on_rdflib_dataset_keeps_named_graphs() -> None:
    """The build's entry point: an rdflib Dataset, article-graph rules scoped per graph."""
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(FIXTURES / "invalid" / "ArticleGraph-001.trig", format="trig")
    result = validate_dataset(ds, [SHAPES_DIR / "article-graph.shacl.ttl"])
    assert not result.conforms
    assert {r.graph for r in result.results} == {
        "https://w3id.org/clusterkg/id/graph/901_coverage"}
    assert sorted((compact(r.path), r.value) for r in result.results) == [
        ("ck:locatedIn", "<https://w3id.org/clusterkg/id/place/california>"),
        ("ck:specialisesIn", "<https://w3id.org/clusterkg/id/sector/software>"),
        ("ck:value", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ("rdf:type", "<https://w3id.org/clusterkg/ontology#Fact>"),
    ]


def test_results_carry_the_evidence_quote_and_label() -> None:
    data = store_from_files([FIXTURES / "invalid" / "Evidence-001.trig"])
    result = validate_store(data, [SHAPES_DIR / "evidence.shacl.ttl"])
    by_focus = {r.focus: r for r in result.results if r.shape.endswith("FactEvidenceSourceShape")}
    row = by_focus["https://w3id.org/clusterkg/id/fact/aaaaaaaaaaa3"]
    assert row.quote == "Silicon Valley"
    assert row.message == ("The evidence of this fact quotes "
                           "https://w3id.org/clusterkg/id/source/other, but the fact says it was "
                           "derived from another source.")


@pytest.mark.slow
def test_built_graph_conforms(built_dataset: Any) -> None:
    result = validate_dataset(built_dataset)
    first = [(r.shape_label, r.focus, r.message) for r in result.violations[:20]]
    assert result.violations == [], first


def test_readme_lists_every_shape() -> None:
    readme = (SHAPES_DIR / "README.md").read_text(encoding="utf-8")
    g = _all_shapes()
    shapes = _shape_nodes(g)
    assert sorted(compact(str(s)) for s in shapes if f"`{compact(str(s))}`" not in readme) == []


@pytest.mark.slow
def test_built_graph_gives_identical_reports_on_both_engines(build_dir: Path) -> None:
    """The build validated by both engines: the same results, values as written (pyshacl takes
    about a minute here: SHACL-SPARQL per focus node)."""
    fast = validate_store(store_from_files([build_dir / "clusterkg.nq"]))
    ref = validate_store(store_from_files([build_dir / "clusterkg.nq"]), engine="pyshacl")
    assert [(*r.key(), r.graph, r.message) for r in fast.results] == \
        [(*r.key(), r.graph, r.message) for r in ref.results]
    assert set(fast.engines.values()) == {"fast"}


def test_membership_location_does_not_multiply_with_the_article_graphs() -> None:
    """The union default graph repeats a triple once per graph that holds it: every article
    re-asserts its entities' ck:locatedIn. The shape's query must give one solution per
    membership however many graphs repeat the places (a join gave graphs x graphs: cubic in
    the corpus, 9.6 s of 15.8 s validation CPU at 100 copy-articles)."""
    import pyoxigraph as ox

    shapes = Graph().parse(SHAPES_DIR / "memberships.shacl.ttl")
    shape = URIRef("https://w3id.org/clusterkg/shapes#MembershipLocationShape")
    select = str(shapes.value(shapes.value(shape, SH.sparql), SH.select))
    prefixes = ("PREFIX ck: <https://w3id.org/clusterkg/ontology#> PREFIX rdfs: "
                "<http://www.w3.org/2000/01/rdf-schema#> PREFIX org: <http://www.w3.org/ns/org#> ")
    ck, org, idn = ("https://w3id.org/clusterkg/ontology#", "http://www.w3.org/ns/org#",
                    "https://w3id.org/clusterkg/id/")
    store = ox.Store()
    m, c, a = (ox.NamedNode(idn + x) for x in ("membership/m", "cluster/c", "org/a"))
    here, there = ox.NamedNode(idn + "place/here"), ox.NamedNode(idn + "place/there")
    located = ox.NamedNode(ck + "locatedIn")
    for i in range(40):
        g = ox.NamedNode(f"{idn}graph/source/{i}")
        store.extend([ox.Quad(c, located, here, g), ox.Quad(a, located, there, g)])
    store.extend([ox.Quad(m, ox.NamedNode(org + "organization"), c, ox.NamedNode(idn + "graph/x")),
                  ox.Quad(m, ox.NamedNode(org + "member"), a, ox.NamedNode(idn + "graph/x"))])
    query = prefixes + select.replace("SELECT DISTINCT", "SELECT", 1).replace("$this", "?this")
    rows = list(store.query(query, use_default_graph_as_union=True))
    assert len(rows) == 1  # the member is elsewhere: one warning, found once
    assert rows[0]["value"] == a


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_repeated_figures_are_reported_once_each_against_the_first(tmp_path: Path,
                                                                   engine: str) -> None:
    """QB IC-12 on 30 articles quoting the same figure: 29 warnings (each repeat once, against
    the first observation by IRI), not the 435 pairs; a figure with another period is no repeat."""
    head = ("@prefix qb: <http://purl.org/linked-data/cube#> .\n"
            "@prefix ck: <https://w3id.org/clusterkg/ontology#> .\n"
            "@base <https://w3id.org/clusterkg/id/> .\n")
    graphs = [f"<graph/source/a{i:02d}> {{ <observation/o{i:02d}> a qb:Observation ; "
              f"qb:dataSet <dataset/statistics> ; ck:indicator <indicator/jobs> ; "
              f"ck:refArea <place/here> ; ck:refPeriod <period/{2000 + (i == 29)}> }}"
              for i in range(31)]
    data = tmp_path / "repeats.trig"
    data.write_text(head + "\n".join(graphs) + "\n", encoding="utf-8")
    result = validate_store(store_from_files([data]), [SHAPES_DIR / "statistics.shacl.ttl"],
                            engine=engine)
    repeats = [r for r in result.results if r.shape.endswith("ObservationDuplicateShape")]
    first = "<https://w3id.org/clusterkg/id/observation/o00>"
    assert len(repeats) == 29
    assert {r.value for r in repeats} == {first}
    assert "o29" not in " ".join(r.focus for r in repeats)
