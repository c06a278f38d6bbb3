"""SHACL benchmark: ``clusterkg validate`` (fast engine) against Apache Jena's SHACL, pyshacl at
small sizes, on the synthetic graphs of ``benchmarks.scale`` with the project's shapes.

``python -m benchmarks shacl [--sizes 1M,3M] [--runs 3] [--data DIR]``

Both sides read the same N-Quads file and check the same data graphs: the union of all graphs
with the ``cksh:Union`` shapes, every article graph with the ``cksh:EachArticleGraph`` shapes
and the ontology graph with ``cksh:OntologyGraph``'s. Jena runs in one JVM that streams the file
into an in-memory graph per named graph plus the union (the fastest load written here; Jena's
``RDFDataMgr.loadDatasetGraph`` plus a union copy took twice as long), then
``ShaclValidator.validate`` per data graph. Each command runs as a whole process, the two
interleaved (A B A B ...), and the reports are compared: the multiset of (focus node, path,
value as written, source shape, component, severity) must be identical. Ratios are of medians.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import click

from benchmarks.scale import format_size, generate, parse_size

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
JAVA_DIR = Path("/usr/share/java")
JENA_JARS = [
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2", "slf4j-api",
    "slf4j-nop", "commons-lang3", "commons-io", "commons-codec", "commons-compress", "commons-cli",
    "commons-csv", "dexx.collection", "gson", "jackson-core", "jackson-databind",
    "jackson-annotations", "jsonld-java", "httpclient", "httpcore", "thrift", "protobuf",
    "titanium-json-ld", "jakarta.json-api", "guava",
]

JENA_SOURCE = """
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.GraphUtil;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.graph.Triple;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFFormat;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.system.StreamRDFBase;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.vocabulary.RDF;

/** JenaShacl DATA.nq REPORT.nt union=S.ttl articles=S.ttl ontology=S.ttl */
public class JenaShacl {
    public static void main(String[] args) throws Exception {
        Map<Node, Graph> graphs = new HashMap<>();
        Graph union = GraphFactory.createGraphMem();
        RDFParser.source(args[0]).parse(new StreamRDFBase() {
            @Override public void quad(Quad q) {
                graphs.computeIfAbsent(q.getGraph(), k -> GraphFactory.createGraphMem())
                      .add(q.asTriple());
                union.add(q.asTriple());
            }
            @Override public void triple(Triple t) { union.add(t); }
        });
        Graph report = GraphFactory.createGraphMem();
        Node doc = NodeFactory.createURI("https://w3id.org/clusterkg/ontology#SourceDocument");
        for (int i = 2; i < args.length; i++) {
            String[] p = args[i].split("=", 2);
            Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(p[1]));
            if (p[0].equals("union")) {
                GraphUtil.addInto(report, ShaclValidator.get().validate(shapes, union).getGraph());
            } else if (p[0].equals("ontology")) {
                Graph g = graphs.get(NodeFactory.createURI(
                    "https://w3id.org/clusterkg/id/graph/ontology"));
                GraphUtil.addInto(report, ShaclValidator.get().validate(shapes, g).getGraph());
            } else {
                for (Map.Entry<Node, Graph> e : graphs.entrySet()) {
                    String n = e.getKey().getURI();
                    if (n.endsWith("/graph/ontology") || n.endsWith("/graph/lexicon")) continue;
                    if (!e.getValue().find(Node.ANY, RDF.type.asNode(), doc).hasNext()) continue;
                    GraphUtil.addInto(report,
                        ShaclValidator.get().validate(shapes, e.getValue()).getGraph());
                }
            }
        }
        try (OutputStream o = new FileOutputStream(args[1])) {
            RDFDataMgr.write(o, report, RDFFormat.NTRIPLES);
        }
    }
}
"""


def jena_classpath(work: Path) -> str | None:
    """Jena's classpath from Debian's jars (None when Java or a jar is missing).

    Debian's jena-core 4.5 lacks the Xerces resource bundles under their relocated names, so
    XSD datatypes fail to initialise; they are copied from the jar into ``work``.
    """
    import shutil

    if shutil.which("java") is None or any(not (JAVA_DIR / f"{j}.jar").exists()
                                           for j in JENA_JARS):
        return None
    resources = work / "jena-resources"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([*(str(JAVA_DIR / f"{j}.jar") for j in JENA_JARS), str(resources)])


def compile_jena(work: Path) -> list[str] | None:
    """Compile the Jena harness; the command prefix to run it (None: no Java/Jena)."""
    cp = jena_classpath(work)
    if cp is None:
        return None
    (work / "JenaShacl.java").write_text(JENA_SOURCE, encoding="utf-8")
    classes = work / "classes"
    classes.mkdir(exist_ok=True)
    subprocess.run(["javac", "-nowarn", "-cp", cp, "-d", str(classes),
                    str(work / "JenaShacl.java")], check=True, capture_output=True)
    return ["java", "-cp", f"{cp}:{classes}", "JenaShacl"]


def scope_shapes(work: Path) -> list[str]:
    """The project's shapes written per scope, as Jena harness arguments."""
    from kg.validation.shapes import default_shapes, load_shapes

    names = {"Union": "union", "EachArticleGraph": "articles", "OntologyGraph": "ontology"}
    out = []
    for scope, g in load_shapes(default_shapes()).by_scope.items():
        path = work / f"{scope}.ttl"
        g.serialize(path, format="turtle")
        out.append(f"{names[scope]}={path}")
    return out


def report_keys(path: Path, fmt: str) -> Counter[tuple[Any, ...]]:
    """The multiset of top-level results of a SHACL report file."""
    from rdflib import Literal
    from rdflib.namespace import SH

    from kg.validation.paths import parse_path
    from kg.validation.shapes import parse_as_written

    g = parse_as_written(path, fmt)
    keys: Counter[tuple[Any, ...]] = Counter()
    for r in g.subjects(SH.focusNode, None):
        if (None, SH.detail, r) in g:
            continue
        p, v = g.value(r, SH.resultPath), g.value(r, SH.value)
        value = (str(v), str(v.datatype or ""), v.language) if isinstance(v, Literal) else str(v)
        keys[(str(g.value(r, SH.focusNode)), parse_path(g, p, str(path)) if p else None, value,
              str(g.value(r, SH.sourceShape)), str(g.value(r, SH.sourceConstraintComponent)),
              str(g.value(r, SH.resultSeverity)))] += 1
    return keys


def timed(cmd: list[str], timeout: float) -> dict[str, float]:
    """Run a command as a whole process: wall seconds, CPU seconds and peak RSS (MB) of the
    process (wait4)."""
    import os

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=False)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1) or wall > timeout:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err[-800:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024}


def bench_size(n: int, data_dir: Path, runs: int, work: Path, jena: list[str] | None,
               shapes_args: list[str], pyshacl_max: int, seed: int,
               log: Any) -> dict[str, Any]:
    """Interleaved runs of both engines at one size, with the identical-results check."""
    data = data_dir / f"g{format_size(n)}-seed{seed}.nq"
    if not data.exists():
        log(f"generating {data}")
        generate(n, data, seed=seed, ontology=True)
    ours_report, jena_report = work / f"ours-{n}.ttl", work / f"jena-{n}.nt"
    ours = [sys.executable, "-m", "kg.cli", "validate", str(data), "--format", "turtle",
            "--output", str(ours_report)]
    row: dict[str, Any] = {"triples": n, "file": str(data), "runs": runs}
    samples: dict[str, list[dict[str, float]]] = {"fast": [], "jena": []}
    for i in range(runs):
        samples["fast"].append(timed(ours, 3600))
        log(f"  {format_size(n)} run {i + 1}: fast {samples['fast'][-1]['wall_s']:.1f} s")
        if jena is not None:
            samples["jena"].append(timed([*jena, str(data), str(jena_report), *shapes_args],
                                         7200))
            log(f"  {format_size(n)} run {i + 1}: jena {samples['jena'][-1]['wall_s']:.1f} s")
    for name, values in samples.items():
        if values:
            row[name] = {k: statistics.median(v[k] for v in values) for k in values[0]}
            row[name]["walls"] = [round(v["wall_s"], 2) for v in values]
    if jena is not None:
        row["ratios"] = [round(j["wall_s"] / f["wall_s"], 2)
                         for f, j in zip(samples["fast"], samples["jena"], strict=True)]
        row["ratio"] = round(statistics.median(row["ratios"]), 2)
        a, b = report_keys(ours_report, "turtle"), report_keys(jena_report, "nt")
        row["results"] = sum(a.values())
        row["identical"] = a == b
        if a != b:
            row["only_fast"] = [str(k) for k in list(a - b)[:5]]
            row["only_jena"] = [str(k) for k in list(b - a)[:5]]
    if n <= pyshacl_max:
        ref = timed([*ours[:-4], str(data), "--engine", "pyshacl", "--format", "turtle",
                     "--output", str(work / f"pyshacl-{n}.ttl")], 3600)
        row["pyshacl"] = ref
        row["pyshacl_ratio"] = round(ref["wall_s"] / row["fast"]["wall_s"], 2)
        row["pyshacl_identical"] = report_keys(work / f"pyshacl-{n}.ttl", "turtle") == \
            report_keys(ours_report, "turtle")
    return row


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Wall time against size (log-log) for each engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, style in (("fast", "o-"), ("jena", "s--"), ("pyshacl", "^:")):
        pts = [(r["triples"], r[name]["wall_s"]) for r in rows if name in r]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label={"fast": "clusterkg (fast engine)",
                                                           "jena": "Apache Jena SHACL 4.5",
                                                           "pyshacl": "pyshacl"}[name])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples")
    ax.set_ylabel("wall seconds (load + validation)")
    ax.set_title("SHACL validation, project shapes")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


@click.command("shacl")
@click.option("--sizes", default="1M,3M", show_default=True, help="Comma-separated sizes.")
@click.option("--runs", type=int, default=3, show_default=True, help="Interleaved runs per size.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              default=Path("/work/bench-data/shacl"), show_default=True,
              help="Where generated graphs are kept (outside the repository).")
@click.option("--pyshacl-max", default="10k", show_default=True,
              help="Largest size pyshacl runs at.")
@click.option("--no-jena", is_flag=True, help="Skip Apache Jena.")
@click.option("--jena-max", default="3M", show_default=True,
              help="Largest size Jena runs at (its in-memory graphs take ~3 GB per 1M triples).")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def shacl_command(sizes: str, runs: int, data_dir: Path, pyshacl_max: str, no_jena: bool,
                  jena_max: str, seed: int, out: Path) -> None:
    """Fast engine vs Apache Jena (and pyshacl at small sizes): times, ratios, a plot."""
    data_dir.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        jena = None if no_jena else compile_jena(work)
        if jena is None and not no_jena:
            click.echo("Apache Jena not found (apt-get install libapache-jena-java)", err=True)
        shapes_args = scope_shapes(work)
        for size in sizes.split(","):
            n = parse_size(size)
            rows.append(bench_size(n, data_dir, runs, work,
                                   jena if n <= parse_size(jena_max) else None, shapes_args,
                                   parse_size(pyshacl_max), seed,
                                   lambda m: click.echo(m, err=True)))
    import os
    import platform

    result = {"measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
              "load_average": os.getloadavg(), "sizes": rows}
    (out / "shacl.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plot(rows, out / "shacl.png")
    click.echo("| triples | fast | fast peak RSS | Jena | Jena / fast | pyshacl / fast | "
               "identical |")
    click.echo("|---|---|---|---|---|---|---|")
    for r in rows:
        click.echo(f"| {format_size(r['triples'])} | {r['fast']['wall_s']:.1f} s | "
                   f"{r['fast']['rss_mb']:.0f} MB | "
                   + (f"{r['jena']['wall_s']:.1f} s | {r['ratio']:.2f}x" if "jena" in r
                      else "- | -")
                   + f" | {r.get('pyshacl_ratio', '-')} | {r.get('identical', '-')} |")
