"""A second, independent SHACL engine: Apache Jena (``shacl validate``) on every fixture.

Jena must agree with pyshacl on conformance (no violations) and on the (focus node, shape,
severity) of every result. Each data graph a shapes file applies to (the union, each article
graph, the ontology graph) is written to N-Triples and validated by Jena with the same shapes.

Debian's jena-core 4.5 jar lacks the Xerces resource bundles under their relocated package
names (``xerces/impl/xpath/regex/message.properties``), so XSD datatypes fail to initialise
("internal error"); the fixture below copies them from the jar into a classpath directory.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from test_shapes import FIXTURES, MANIFEST

from kg.paths import SHAPES_DIR
from kg.validation.data import load_files as store_from_files
from kg.validation.data import scope_graphs
from kg.validation.reference import rdflib_graph
from kg.validation.shapes import compact, load_shapes

JAVA_DIR = Path("/usr/share/java")
JARS = [
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2", "slf4j-api",
    "slf4j-nop", "commons-lang3", "commons-io", "commons-codec", "commons-compress", "commons-cli",
    "commons-csv", "dexx.collection", "gson", "jackson-core", "jackson-databind",
    "jackson-annotations", "jsonld-java", "httpclient", "httpcore", "thrift", "protobuf",
    "titanium-json-ld", "jakarta.json-api", "guava",
]

pytestmark = pytest.mark.java


@pytest.fixture(scope="module")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The classpath of Jena's ``shacl`` command, or a loud skip when Java or Jena is missing."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed: the Apache Jena cross-check cannot run")
    missing = [j for j in JARS if not (JAVA_DIR / f"{j}.jar").exists()]
    if missing:
        pytest.skip(f"Apache Jena jars missing in {JAVA_DIR}: {', '.join(missing)} "
                    "(apt-get install libapache-jena-java)")
    resources = tmp_path_factory.mktemp("jena-resources")
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([*(str(JAVA_DIR / f"{j}.jar") for j in JARS), str(resources)])


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
            Graph shapes = RDFDataMgr.loadGraph(p[0]);
            Graph data = RDFDataMgr.loadGraph(p[1]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            try (OutputStream out = new FileOutputStream(p[2])) {
                RDFDataMgr.write(out, report.getModel(), RDFFormat.TURTLE);
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
