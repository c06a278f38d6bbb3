"""The validation report: valid against SHACL's report rules (checked by pyshacl, the
independent engine), every path form, nested details; the Python interfaces of validation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from w3c_shacl import load_tests

from kg.paths import SHAPES_DIR
from kg.validation import api
from kg.validation.data import Loader, load_files
from kg.validation.paths import parse_path
from kg.validation.shapes import parse_as_written

REPORT_SHAPES = Path(__file__).parent / "data" / "shacl-report" / "report-shapes.ttl"
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
W3C = {t.name: t for t in load_tests()}
CASES = ["core/path/path-complex-001", "core/path/path-alternative-001",
         "core/path/path-inverse-001", "core/path/path-zeroOrMore-001",
         "core/node/node-001", "core/property/node-001", "core/node/xone-001",
         "core/misc/severity-002", "sparql/property/sparql-001", "core/node/datatype-002"]


def _w3c_report(name: str, engine: str) -> api.ValidationResult:
    test = W3C[name]
    loader = Loader()
    loader.add_file(test.data)
    shapes = parse_as_written(test.shapes, publicID=test.shapes.resolve().as_uri())
    return api.validate_graph(loader.finish(), shapes, engine=engine)


SHAPES = parse_as_written(REPORT_SHAPES)


def _conforms_to_report_shapes(report: Graph, checker: str = "fast") -> list[str]:
    """Problems of a report against the report shapes (checked by the fast engine, or by
    plain pyshacl for an independent check)."""
    if checker == "pyshacl":
        import pyshacl

        conforms, _graph, text = pyshacl.validate(report, shacl_graph=SHAPES, inference="none")
        return [] if conforms else [text]
    from kg.validation.data import load_dataset

    result = api.validate_graph(load_dataset(report), SHAPES)
    return [f"{r.shape} {r.focus} {r.message}" for r in result.results]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("name", CASES)
def test_w3c_reports_follow_the_report_rules(name: str, engine: str) -> None:
    result = _w3c_report(name, engine)
    assert result.full  # these tests all have results
    assert _conforms_to_report_shapes(result.report_graph) == []


@pytest.mark.parametrize("name", ["core/path/path-complex-001", "core/property/node-001"])
def test_plain_pyshacl_agrees_that_reports_follow_the_rules(name: str) -> None:
    assert _conforms_to_report_shapes(_w3c_report(name, "fast").report_graph, "pyshacl") == []


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("fixture", ["invalid/Evidence-001.trig", "invalid/Concepts-001.trig",
                                     "invalid/Eccp-001.trig", "valid/Complete-001.trig"])
def test_project_reports_follow_the_report_rules(fixture: str, engine: str) -> None:
    shapes = [*sorted(SHAPES_DIR.glob("*.shacl.ttl")),
              SHAPES_DIR / "profiles" / "eccp-cluster-labelling.shacl.ttl"]
    result = api.validate_store(load_files([FIXTURES / fixture]), shapes, engine=engine)
    assert _conforms_to_report_shapes(result.report_graph) == []
    conforms = next(result.report_graph.objects(None, SH.conforms)).toPython()
    assert conforms is (not result.results)


def test_a_report_with_only_breaking_rules_fails_them() -> None:
    """The report shapes can fail: a report with conforms true and a result, no severity."""
    g = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        [] a sh:ValidationReport ; sh:conforms true ;
           sh:result [ a sh:ValidationResult ; sh:focusNode <urn:x> ] .""", format="turtle")
    assert len(_conforms_to_report_shapes(g)) == 3  # conforms with a result, no severity,
    assert _conforms_to_report_shapes(g, "pyshacl") != []  # no component


def test_every_path_form_is_written_back_as_shacl() -> None:
    result = _w3c_report("core/path/path-complex-001", "fast")
    g = result.report_graph
    written = [parse_path(g, p, "report") for p in g.objects(None, SH.resultPath)]
    assert written == [r.path for r in result.full] and written[0].kind == "sequence"
    assert result.results[0].path.endswith("subClassOf>*)")  # SPARQL text for people


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_details_stay_nested(engine: str) -> None:
    result = _w3c_report("core/property/node-001", engine)
    g = result.report_graph
    top = set(g.objects(None, SH.result))
    details = set(g.objects(None, SH.detail))
    assert top and details and not top & details
    assert len(result.results) == len(top)  # rows: top-level results only
    assert all(r.details for r in result.full)


def test_validate_store_takes_a_pyoxigraph_store() -> None:
    """The build's merged store: through the Loader (literals as written), or bare."""
    shapes = [SHAPES_DIR / "evidence.shacl.ttl"]
    fixture = FIXTURES / "invalid" / "Evidence-001.trig"
    from_files = api.validate_files([fixture], shapes)
    store = ox.Store()
    loader = Loader(store)
    loader.add_file(fixture)
    loaded = loader.finish()
    from_loader = api.validate_store(store, shapes, written=loaded.written)
    assert [r.key() for r in from_loader.results] == [r.key() for r in from_files.results]
    bare = api.validate_store(store, shapes)  # canonical literals: as the store holds them
    assert {r.shape for r in bare.violations} >= {r.shape for r in from_files.violations}


def test_worker_processes_give_the_same_results(monkeypatch) -> None:
    monkeypatch.setattr(api, "PARALLEL_FROM", 0)
    data = load_files([FIXTURES / "invalid" / "Evidence-001.trig"])
    one = api.validate_store(data, [SHAPES_DIR / "evidence.shacl.ttl"], workers=1)
    two = api.validate_store(data, [SHAPES_DIR / "evidence.shacl.ttl"], workers=2)
    assert Counter(r.key() for r in one.results) == Counter(r.key() for r in two.results)
    assert one.engines == two.engines
    assert isinstance(next(iter(two.report_graph.objects(None, SH.sourceShape))), URIRef)
