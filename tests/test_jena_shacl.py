"""A second, independent SHACL engine: Apache Jena (``shacl validate``) on every fixture.

Jena must agree with pyshacl on conformance (no violations) and on the (focus node, shape,
severity) of every result. Each data graph a shapes file applies to (the union, each article
graph, the ontology graph) is written to N-Triples and validated by Jena with the same shapes.

Debian's jena-core 4.5 jar lacks the Xerces resource bundles under their relocated package
names (``xerces/impl/xpath/regex/message.properties``), so XSD datatypes fail to initialise
("internal error"); the fixture below copies them from the jar into a classpath directory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from test_shapes import FIXTURES, MANIFEST
from w3c_shacl import Outcome, load_tests, passes

from benchmarks.shacl import jena_classpath as benchmark_classpath
from kg.paths import SHAPES_DIR
from kg.validation.data import load_files as store_from_files
from kg.validation.data import scope_graphs
from kg.validation.reference import rdflib_graph
from kg.validation.shapes import compact, load_shapes

pytestmark = pytest.mark.java


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The classpath of Jena's ``shacl`` command, or a loud skip when Java or Jena is missing."""
    cp = benchmark_classpath(tmp_path_factory.mktemp("jena-resources"))
    if cp is None:
        pytest.skip("java or the Apache Jena jars are missing: the Apache Jena cross-check "
                    "cannot run (apt-get install libapache-jena-java)")
    return cp


BATCH_SOURCE = """
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.graph.Graph;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFFormat;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.ValidationReport;

/** Validate every (shapes, data, report) line of a TSV file in one JVM. */
public class JenaBatch {
    public static void main(String[] args) throws Exception {
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] p = line.split("\\t");
            try {
                Graph shapes = RDFDataMgr.loadGraph(p[0]);
                Graph data = RDFDataMgr.loadGraph(p[1]);
                ValidationReport report = ShaclValidator.get().validate(shapes, data);
                try (OutputStream out = new FileOutputStream(p[2])) {
                    RDFDataMgr.write(out, report.getModel(), RDFFormat.TURTLE);
                }
            } catch (Exception e) {  // a failure (W3C tests expect some)
                Files.writeString(Path.of(p[2] + ".failure"), String.valueOf(e.getMessage()));
            }
        }
    }
}
"""


def jena_rows(report: Graph) -> set[tuple[str, str, str]]:
    """(focus, shape, severity) of every result of a Jena report."""
    return {(compact(str(report.value(res, SH.focusNode))),
             compact(str(report.value(res, SH.sourceShape))),
             str(report.value(res, SH.resultSeverity)).rsplit("#", 1)[-1])
            for res in report.subjects(SH.focusNode, None)}


@pytest.fixture(scope="module")
def jena_results(jena_classpath: str, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, set[tuple[str, str, str]]]:
    """Jena's results for every fixture, all validated in one JVM (start-up is the cost)."""
    work = tmp_path_factory.mktemp("jena")
    jobs: list[tuple[str, Path]] = []
    lines = []
    for n, entry in enumerate(MANIFEST):
        files = (sorted(SHAPES_DIR.glob("*.shacl.ttl")) if entry["shapes"] == "default"
                 else [SHAPES_DIR / s for s in entry["shapes"]])
        shapes = load_shapes(files)
        data = store_from_files([FIXTURES / entry["data"]])
        for scope, shapes_graph in shapes.by_scope.items():
            shapes_file = work / f"{n}-{scope}.shapes.ttl"
            shapes_graph.serialize(shapes_file, format="turtle")
            for i, graph in enumerate(scope_graphs(data.store, scope)):
                data_file = work / f"{n}-{scope}-{i}.nt"
                rdflib_graph(data, graph).serialize(data_file, format="nt", encoding="utf-8")
                report = work / f"{n}-{scope}-{i}.report.ttl"
                lines.append(f"{shapes_file}\t{data_file}\t{report}")
                jobs.append((entry["data"], report))
    (work / "jobs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (work / "JenaBatch.java").write_text(BATCH_SOURCE, encoding="utf-8")
    proc = subprocess.run(["java", "-cp", jena_classpath, str(work / "JenaBatch.java"),
                           str(work / "jobs.tsv")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results: dict[str, set[tuple[str, str, str]]] = {}
    for name, report in jobs:
        results.setdefault(name, set()).update(
            jena_rows(Graph().parse(report, format="turtle")))
    return results


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["data"] for e in MANIFEST])
def test_jena_agrees_with_pyshacl(entry: dict, jena_results: dict) -> None:
    """Same (focus node, shape, severity) results and the same conformance as the manifest,
    whose results are pyshacl's (tests/test_shapes.py checks pyshacl against it)."""
    jena = jena_results[entry["data"]]
    ours = {(e["focus"], e["shape"], e["severity"]) for e in entry["results"]}
    assert jena == ours, (f"only Jena: {sorted(jena - ours)}; "
                          f"only pyshacl: {sorted(ours - jena)}")
    jena_conforms = not any(sev == "Violation" for _f, _s, sev in jena)
    assert jena_conforms is entry["conforms"]


def test_w3c_suite_on_jena(jena_classpath: str, tmp_path: Path) -> None:
    """Apache Jena on the W3C suite: the fast engine passes every test Jena passes."""
    from collections import Counter

    from rdflib.namespace import SH
    from w3c_shacl import _term

    from kg.validation.paths import parse_path
    from kg.validation.shapes import parse_as_written

    tests = load_tests()
    lines = [f"{t.shapes}\t{t.data}\t{tmp_path / f'{i}.ttl'}" for i, t in enumerate(tests)]
    (tmp_path / "jobs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "JenaBatch.java").write_text(BATCH_SOURCE, encoding="utf-8")
    proc = subprocess.run(["java", "-cp", jena_classpath, str(tmp_path / "JenaBatch.java"),
                           str(tmp_path / "jobs.tsv")], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    passed: dict[str, bool] = {}
    for i, test in enumerate(tests):
        report = tmp_path / f"{i}.ttl"
        if not report.exists():
            failure = report.with_suffix(".ttl.failure")
            outcome = Outcome(failure.read_text() if failure.exists() else "no report", False,
                              Counter(), {})
            passed[test.name] = passes(test, outcome)[0]
            continue
        g = parse_as_written(report)
        keys: Counter[tuple[object, ...]] = Counter()
        for r in g.subjects(SH.focusNode, None):
            if (None, SH.detail, r) in g:
                continue
            path = g.value(r, SH.resultPath)
            keys[(_term(g.value(r, SH.focusNode)),
                  parse_path(g, path, "jena") if path is not None else None,
                  _term(g.value(r, SH.value)), _term(g.value(r, SH.sourceShape)),
                  str(g.value(r, SH.sourceConstraintComponent)),
                  str(g.value(r, SH.resultSeverity)))] += 1
        conforms = any(str(o) == "true" for o in g.objects(None, SH.conforms))
        passed[test.name] = passes(test, Outcome(None, conforms, keys, {}))[0]
    jena_ok = {name for name, ok in passed.items() if ok}
    print(f"Apache Jena passes {len(jena_ok)}/{len(tests)}: core "
          f"{sum(1 for t in tests if t.part == 'core' and t.name in jena_ok)}, sparql "
          f"{sum(1 for t in tests if t.part == 'sparql' and t.name in jena_ok)}")
    from test_w3c_shacl import KNOWN_FAILURES

    assert not jena_ok & set(KNOWN_FAILURES["fast"])
    assert len(jena_ok) >= 100  # a sanity floor: the harness reads Jena's reports
