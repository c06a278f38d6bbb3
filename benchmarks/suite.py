"""The benchmark suite: load, stored queries, SHACL, build, CLI start-up, extraction.

Everything is measured in one run on the same machine; where two things are compared the
result is a ratio of medians measured side by side (the machines are small and noisy).
Parts whose code has not landed yet are reported as "not available yet".
"""

from __future__ import annotations

import gc
import importlib
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.scale import format_size, generate, parse_size

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
DATA_DIR = ROOT / "benchmarks" / "data"
NA = "not available yet"

PREFIXES_TTL = {
    "ck": "https://w3id.org/clusterkg/ontology#",
    "id": "https://w3id.org/clusterkg/id/",
    "oa": "http://www.w3.org/ns/oa#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass
class Config:
    """What to run and how often."""

    sizes: list[int]
    out: Path
    seed: int = 42
    repeats: int = 5
    quick: bool = False
    rdflib_timeout: float = 30.0
    rdflib_max: int = 1_000_000  # rdflib load/query only up to this size
    pyshacl_max: int = 100_000  # plain pyshacl only up to this size, extrapolated beyond
    pyshacl_timeout: float = 300.0
    shacl_timeout: float = 600.0  # clusterkg validate per run
    ox_timeout: float = 120.0  # a stored query on pyoxigraph (first run)
    merge: Path | None = None  # carry over sizes measured by an earlier run
    done: dict[str, Any] = field(default_factory=dict)  # results of the sizes already run
    skip: set[str] = field(default_factory=set)
    data_dir: Path = DATA_DIR
    log: Callable[[str], None] = print


# ------------------------------------------------------------------------------- helpers
def median_time(fn: Callable[[], object], repeats: int, warmup: int = 0) -> tuple[float, list]:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs (after ``warmup`` runs)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def available(module: str, attr: str | None = None) -> bool:
    """True when ``module`` (and ``attr`` in it) can be imported."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return False
    except Exception:  # a module that is being written may fail in other ways
        return False
    return attr is None or hasattr(mod, attr)


def _child(conn: Any, fn: Callable[[], object]) -> None:
    try:
        conn.send(("ok", fn()))
    except BaseException as err:  # report everything to the parent
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


def run_with_timeout(fn: Callable[[], object], timeout: float) -> tuple[str, Any]:
    """Run ``fn`` in a forked child (inherits loaded data); ("timeout", None) if too slow."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn), daemon=True)
    proc.start()
    child.close()
    status: tuple[str, Any] = ("timeout", None)
    if parent.poll(timeout):
        try:
            status = parent.recv()
        except EOFError:
            status = ("error", "child died")
    if proc.is_alive():
        proc.kill()
    proc.join()
    parent.close()
    return status


def _strip_graph(nq_line: str) -> str:
    """An N-Quads line -> the N-Triples line of its triple (the graph is the last term)."""
    body = nq_line.rstrip()[:-1].rstrip()  # drop " ."
    if body.endswith(">"):
        return body[: body.rfind(" <")] + " .\n"
    return body + " .\n"


def prepare_formats(nq: Path) -> dict[str, Path]:
    """N-Triples (graph names dropped) and Turtle copies of a generated N-Quads file."""
    import pyoxigraph

    nt, ttl = nq.with_suffix(".nt"), nq.with_suffix(".ttl")
    if not nt.exists() or nt.stat().st_mtime < nq.stat().st_mtime:
        with nq.open(encoding="utf-8") as src, nt.open("w", encoding="utf-8") as dst:
            for line in src:
                dst.write(_strip_graph(line))
    if not ttl.exists() or ttl.stat().st_mtime < nt.stat().st_mtime:
        triples = (q.triple for q in pyoxigraph.parse(path=str(nt),
                                                     format=pyoxigraph.RdfFormat.N_TRIPLES))
        pyoxigraph.serialize(triples, str(ttl), pyoxigraph.RdfFormat.TURTLE,
                             prefixes=PREFIXES_TTL)
    return {"nq": nq, "nt": nt, "ttl": ttl}


def ox_load(path: Path, fmt: str) -> Any:
    """A fresh pyoxigraph store with ``path`` bulk-loaded (what kg.store does)."""
    import pyoxigraph

    formats = {"nq": pyoxigraph.RdfFormat.N_QUADS, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
               "ttl": pyoxigraph.RdfFormat.TURTLE}  # fmt: skip
    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=formats[fmt])
    return store


def rdflib_load(path: Path, fmt: str) -> Any:
    """An rdflib Dataset (N-Quads, default graph = union) or Graph with ``path`` parsed."""
    from rdflib import Dataset, Graph

    if fmt == "nq":
        ds = Dataset(default_union=True)
        ds.parse(str(path), format="nquads")
        return ds
    graph = Graph()
    graph.parse(str(path), format={"nt": "nt", "ttl": "turtle"}[fmt])
    return graph


# ----------------------------------------------------------------------------- sections
def bench_generate(cfg: Config, size: int) -> tuple[Path, dict[str, Any]]:
    """Generate (timed) the synthetic graph of ``size`` triples."""
    path = cfg.data_dir / f"synthetic-{format_size(size)}-seed{cfg.seed}.nq"
    start = time.perf_counter()
    stats = generate(size, path, seed=cfg.seed)
    stats["seconds"] = time.perf_counter() - start
    return path, stats


def bench_load(cfg: Config, size: int, files: dict[str, Path]) -> dict[str, Any]:
    """Load N-Triples / N-Quads / Turtle into pyoxigraph vs rdflib."""
    out: dict[str, Any] = {}
    for fmt in ("nt", "nq", "ttl"):
        ox_s, _ = median_time(lambda f=fmt: ox_load(files[f], f), cfg.repeats)
        row: dict[str, Any] = {"oxigraph_s": ox_s}
        if size <= cfg.rdflib_max:
            reps = cfg.repeats if size <= 100_000 else 1
            rl_s, _ = median_time(lambda f=fmt: rdflib_load(files[f], f), reps)
            row.update(rdflib_s=rl_s, ratio=rl_s / ox_s)
            gc.collect()
        else:
            row.update(rdflib_s=None, ratio=None, note=f"rdflib skipped above {cfg.rdflib_max}")
        out[fmt] = row
        cfg.log(f"  load {fmt}: oxigraph {ox_s:.3f}s"
                + (f", rdflib {row['rdflib_s']:.2f}s ({row['ratio']:.0f}x)"
                   if row.get("rdflib_s") else ""))  # fmt: skip
    return out


def _params_for(query: Any) -> dict[str, str]:
    """Parameter values: the declared defaults (the generator uses the same real entities)."""
    return {p.name: p.default for p in query.params if p.default is not None}


def _consume_ox(answer: Any) -> int:
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return int(bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        return sum(1 for sol in answer for _ in sol)
    return sum(1 for _ in answer)


def bench_queries(cfg: Config, size: int, nq: Path,
                  load_rdflib: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    """Every stored query: pyoxigraph vs rdflib, and kg.query vs bare Store.query.

    Returns the rows and the rdflib Dataset (loaded by ``load_rdflib`` after the pyoxigraph
    timings; None when rdflib is not run at this size)."""
    if not available("kg.query", "load_queries"):
        return {"status": NA}, load_rdflib()
    import pyoxigraph

    from kg import query as kq

    queries = {n: q for n, q in kq.load_queries().items() if q.kind == "cq"}
    if not queries:
        return {"status": f"{NA} (no queries/cq/*.rq)"}, load_rdflib()
    store = ox_load(nq, "nq")
    out: dict[str, Any] = {}
    pending: dict[str, tuple[Any, Any]] = {}
    for name, query in queries.items():
        row: dict[str, Any] = {"title": query.title}
        try:
            terms = kq.bind_params(query, _params_for(query))
            text, subs = query.text, None
            if terms and getattr(query, "binding", "substitution") == "values":
                text = kq.inject_values(text, terms)
            elif terms:
                subs = {pyoxigraph.Variable(k): t.to_oxigraph() for k, t in terms.items()}

            def bare(t: str = text, s: Any = subs) -> int:
                return _consume_ox(store.query(t, use_default_graph_as_union=True,
                                               substitutions=s))  # fmt: skip

            def ours(q: Any = query) -> Any:
                return kq.execute(q, _params_for(q), store=store)

            reps = cfg.repeats if cfg.quick else max(cfg.repeats, 5)
            # a first run in a forked child, so that a pathological query cannot stall the suite
            status, value = run_with_timeout(lambda b=bare: (time.perf_counter(), b(),
                                                             time.perf_counter()),
                                             cfg.ox_timeout)  # fmt: skip
            if status == "timeout":
                row["oxigraph_timeout_s"] = cfg.ox_timeout
                out[name] = row
                cfg.log(f"  query {name}: oxigraph > {cfg.ox_timeout:.0f} s (not repeated)")
                continue
            if status == "error":
                raise RuntimeError(value)
            row["rows"] = value[1]
            if value[2] - value[0] > 5.0:  # a slow query: one timed run of each path
                reps = 1
            # interleave the two code paths so that machine noise hits both alike
            bare_t, ours_t = [], []
            for _ in range(reps):
                bare_t.append(median_time(bare, 1)[0])
                ours_t.append(median_time(ours, 1)[0])
            row["oxigraph_ms"] = statistics.median(bare_t) * 1000
            row["ours_ms"] = statistics.median(ours_t) * 1000
            row["layer_overhead"] = row["ours_ms"] / row["oxigraph_ms"] - 1
        except Exception as err:
            row["error"] = f"{type(err).__name__}: {err}"
            out[name] = row
            cfg.log(f"  query {name}: ERROR {row['error']}")
            continue
        out[name] = row
        pending[name] = (query, terms)
        cfg.log(f"  query {name}: oxigraph {row['oxigraph_ms']:.2f} ms, ours "
                f"{row['ours_ms']:.2f} ms ({row['layer_overhead']:+.1%})")
    # rdflib after every pyoxigraph timing: forking a process that holds a big rdflib graph
    # makes the parent pay copy-on-write page faults, which would blur the timings above
    gc.collect()
    rdf_ds = load_rdflib()
    if rdf_ds is None:
        return out, None
    from rdflib import Literal, URIRef

    for name, (query, terms) in pending.items():
        row = out[name]
        bindings = {k: (URIRef(t.value) if t.is_iri else Literal(t.value,
                    datatype=URIRef(t.datatype))) for k, t in terms.items()}  # fmt: skip

        def rdflib_run(q: Any = query, b: dict = bindings) -> float:
            times = []
            for _ in range(1 if cfg.quick else 3):
                start = time.perf_counter()
                result = rdf_ds.query(q.text, initBindings=b)
                _ = result.askAnswer if result.type == "ASK" else sum(1 for _ in result)
                times.append(time.perf_counter() - start)
                if sum(times) > cfg.rdflib_timeout / 4:
                    break
            return statistics.median(times)

        status, value = run_with_timeout(rdflib_run, cfg.rdflib_timeout)
        if status == "ok":
            row["rdflib_ms"] = value * 1000
            row["ratio"] = row["rdflib_ms"] / row["oxigraph_ms"]
        elif status == "timeout":
            row["rdflib_ms"] = None
            row["rdflib_timeout_s"] = cfg.rdflib_timeout
            row["ratio_at_least"] = cfg.rdflib_timeout * 1000 / row["oxigraph_ms"]
        else:
            row["rdflib_error"] = value
        rl = (f"{row['rdflib_ms']:.1f} ms" if row.get("rdflib_ms") is not None
              else f"> {cfg.rdflib_timeout:.0f} s" if "rdflib_timeout_s" in row
              else f"error {row.get('rdflib_error', '')[:60]}")  # fmt: skip
        cfg.log(f"  query {name}: rdflib {rl}")
    return out, rdf_ds


def _shapes_graph() -> Any:
    from rdflib import Graph

    shapes = Graph()
    for path in sorted((ROOT / "shapes").rglob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def bench_shacl(cfg: Config, size: int, rdf_ds: Any) -> dict[str, Any]:
    """kg.validate.validate_dataset vs plain pyshacl on the same rdflib Dataset."""
    if not available("kg.validate", "validate_dataset"):
        return {"status": NA}
    from kg.validate import validate_dataset

    row: dict[str, Any] = {}
    reps = 3 if size <= 10_000 and not cfg.quick else 1
    prev = [(int(n), r["shacl"]["ours_s"]) for n, r in cfg.done.items()
            if r.get("shacl", {}).get("ours_s")]  # fmt: skip
    if prev:
        n0, t0 = max(prev)
        predicted = t0 * size / n0
        if predicted > cfg.shacl_timeout:
            row["ours_s"] = None
            row["ours_predicted_s"] = predicted
            row["note"] = (f"not run: linear extrapolation from {format_size(n0)} predicts "
                           f"{predicted:.0f} s > {cfg.shacl_timeout:.0f} s limit")
            cfg.log(f"  shacl: {row['note']}")
            return row

    def ours() -> dict[str, Any]:
        times, last = [], None
        for _ in range(reps):
            start = time.perf_counter()
            last = validate_dataset(rdf_ds)
            times.append(time.perf_counter() - start)
        return {"s": statistics.median(times), "conforms": bool(last.conforms),
                "violations": len(getattr(last, "results", []) or []),
                "first": [f"{r.shape} {r.message}" for r in
                          (getattr(last, "results", []) or [])[:5]]}  # fmt: skip

    status, value = run_with_timeout(ours, cfg.shacl_timeout * reps)
    if status != "ok":
        row["error"] = value if status == "error" else f"> {cfg.shacl_timeout:.0f} s (timeout)"
        row["ours_timeout_s"] = cfg.shacl_timeout if status == "timeout" else None
        cfg.log(f"  shacl: {row['error']}")
        return row
    ours_s = value["s"]
    row.update(ours_s=ours_s, conforms=value["conforms"], violations=value["violations"],
               first_results=value["first"])  # fmt: skip
    plain_prev = [(int(n), r["shacl"]["pyshacl_s"]) for n, r in cfg.done.items()
                  if r.get("shacl", {}).get("pyshacl_s")]  # fmt: skip
    plain_predicted = max(plain_prev)[1] * size / max(plain_prev)[0] if plain_prev else 0.0
    if plain_predicted > cfg.pyshacl_timeout:
        row["note"] = (f"plain pyshacl not run: linear extrapolation predicts "
                       f"{plain_predicted:.0f} s > {cfg.pyshacl_timeout:.0f} s limit")
    elif size <= cfg.pyshacl_max:
        import pyshacl

        shapes = _shapes_graph()

        def plain() -> float:
            start = time.perf_counter()
            pyshacl.validate(rdf_ds, shacl_graph=shapes, inference="none", advanced=True,
                             allow_warnings=True)  # fmt: skip
            return time.perf_counter() - start

        status, value = run_with_timeout(plain, cfg.pyshacl_timeout)
        if status == "ok":
            row["pyshacl_s"] = value
            row["ratio"] = value / ours_s
        elif status == "timeout":
            row["pyshacl_timeout_s"] = cfg.pyshacl_timeout
            row["ratio_at_least"] = cfg.pyshacl_timeout / ours_s
        else:
            row["pyshacl_error"] = value
    else:
        row["note"] = f"plain pyshacl not run above {format_size(cfg.pyshacl_max)}: extrapolated"
    cfg.log(f"  shacl: ours {ours_s:.2f}s conforms={row['conforms']}"
            + (f", pyshacl {row['pyshacl_s']:.2f}s ({row['ratio']:.1f}x)"
               if row.get("pyshacl_s") else ""))  # fmt: skip
    return row


# Peak memory from VmHWM (this process image only): ru_maxrss survives exec on Linux, so a
# child forked from the benchmark process (which holds a 1M-triple graph) reported its parent's.
_BUILD_CHILD = """
import json, re, sys, time
start = time.perf_counter()
from kg.pipeline import run_build
run_build(out_dir=__import__('pathlib').Path(sys.argv[1]), progress=False, cache_dir=None)
wall = time.perf_counter() - start
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())
print(json.dumps({"wall_s": wall, "peak_rss_mb": int(hwm.group(1)) / 1024}))
"""


def bench_build(cfg: Config, build_out: Path) -> dict[str, Any]:
    """The full ``clusterkg build`` in a fresh interpreter: wall time, peak memory."""
    if not available("kg.pipeline", "run_build"):
        return {"status": NA}
    runs = []
    for _ in range(1 if cfg.quick else 3):
        proc = subprocess.run([sys.executable, "-c", _BUILD_CHILD, str(build_out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        if proc.returncode != 0:
            return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    out = {"wall_s": statistics.median(r["wall_s"] for r in runs),
           "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "runs": len(runs)}  # fmt: skip
    nq = build_out / "clusterkg.nq"
    if nq.exists():
        out["triples"] = sum(1 for _ in nq.open(encoding="utf-8"))
    cfg.log(f"  build: {out['wall_s']:.2f}s, peak RSS {out['peak_rss_mb']:.0f} MB")
    return out


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("clusterkg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kg.cli"]


def bench_cli(cfg: Config, build_out: Path | None) -> dict[str, Any]:
    """Cold start of the CLI as a subprocess, median of 5."""
    out: dict[str, Any] = {}
    reps = 3 if cfg.quick else 5

    def run(args: list[str]) -> Callable[[], None]:
        def call() -> None:
            subprocess.run(_cli() + args, cwd=ROOT, capture_output=True, check=True, timeout=120)

        return call

    out["help_s"] = median_time(run(["--help"]), reps)[0]
    cfg.log(f"  cli --help: {out['help_s'] * 1000:.0f} ms")
    if not available("kg.query", "load_queries"):
        out["query"] = NA
        return out
    from kg.query import load_queries

    names = [n for n, q in load_queries().items() if q.kind == "cq"]
    if not names:
        out["query"] = f"{NA} (no stored queries)"
    elif build_out is None or not (build_out / "clusterkg.nq").exists():
        out["query"] = f"{NA} (no build)"
    else:
        name = "CQ02-cluster-members" if "CQ02-cluster-members" in names else names[0]
        try:
            out["query_s"] = median_time(run(["query", name, "--build", str(build_out),
                                              "--format", "csv"]), reps)[0]  # fmt: skip
            out["query_name"] = name
            cfg.log(f"  cli query {name}: {out['query_s'] * 1000:.0f} ms")
        except subprocess.CalledProcessError as err:
            out["query_error"] = (err.stderr or b"").decode()[-300:]
    return out


def bench_extraction(cfg: Config) -> dict[str, Any]:
    """Per-article throughput of the map step: clean + extract (+ RDF of the article)."""
    if not (available("kg.corpus", "load_corpus")
            and available("kg.extract.article", "extract_article")):  # fmt: skip
        return {"status": NA}
    from kg.corpus import load_corpus
    from kg.extract.article import extract_article, load_context
    from kg.paths import CORPUS_DIR

    context = load_context()  # once per worker, not per article
    lexicon = context.lexicon
    docs = load_corpus(CORPUS_DIR)
    raw_mb = sum(len(d.raw_text.encode("utf-8")) for d in docs) / 1e6
    reps = 1 if cfg.quick else 5
    clean_s = median_time(lambda: load_corpus(CORPUS_DIR), reps)[0]

    def extract_each() -> None:
        for doc in docs:  # curation (hand-made facts) is not per-article work
            extract_article(doc, context)

    ext_s = median_time(extract_each, reps)[0]
    out: dict[str, Any] = {"articles": len(docs), "raw_mb": raw_mb, "clean_s": clean_s,
                           "extract_s": ext_s}  # fmt: skip
    total = clean_s + ext_s
    out.update(articles_per_s=len(docs) / total, mb_per_s=raw_mb / total)
    if available("kg.rdf.dataset", "build_dataset"):
        from kg.rdf.dataset import build_dataset

        def rdf_each() -> None:
            for doc in docs:
                build_dataset([doc], extract_article(doc, context).records, lexicon)

        rdf_s = median_time(rdf_each, reps)[0]
        out.update(extract_rdf_s=rdf_s, articles_per_s_with_rdf=len(docs) / (clean_s + rdf_s),
                   mb_per_s_with_rdf=raw_mb / (clean_s + rdf_s))  # fmt: skip
    cfg.log(f"  extraction: {out['articles_per_s']:.1f} articles/s, {out['mb_per_s']:.2f} MB/s"
            + (f"; with RDF {out['articles_per_s_with_rdf']:.1f} articles/s"
               if "articles_per_s_with_rdf" in out else ""))  # fmt: skip
    return out


# ------------------------------------------------------------------------------- targets
def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The README's targets against the measured figures (at the largest size, 1M if run)."""
    targets: list[dict[str, Any]] = []
    sizes = results["meta"]["sizes"]
    big = "1000000" if "1000000" in sizes else (sizes[-1] if sizes else None)

    def add(name: str, target: str, measured: str, met: bool | None) -> None:
        targets.append({"target": name, "goal": target, "measured": measured, "met": met})

    per = results.get("sizes", {}).get(big, {}) if big else {}
    label = format_size(int(big)) if big else "-"
    qs = per.get("queries", {})
    ok = [r for r in qs.values() if isinstance(r, dict) and "oxigraph_ms" in r]
    stuck = [n for n, r in qs.items() if isinstance(r, dict) and "oxigraph_timeout_s" in r]
    if ok:
        # a query stopped at the time limit counts at the limit (so the median is a lower bound)
        limit_ms = [r["oxigraph_timeout_s"] * 1000 for r in qs.values()
                    if isinstance(r, dict) and "oxigraph_timeout_s" in r]  # fmt: skip
        med = statistics.median([r["oxigraph_ms"] for r in ok] + limit_ms)
        add(f"stored queries at {label}: median", "< 100 ms", f"{med:.1f} ms", med < 100)
        if stuck:
            add(f"stored queries at {label}: slowest", "< 1 s",
                f"{', '.join(stuck)}: > {max(limit_ms) / 1000:.0f} s (stopped)", False)
        else:
            worst = max(r["oxigraph_ms"] for r in ok)
            add(f"stored queries at {label}: slowest", "< 1 s", f"{worst:.0f} ms", worst < 1000)
        over = [r["oxigraph_ms"] for r in ok if r["oxigraph_ms"] > 1000]
        if over or stuck:
            add(f"stored queries at {label}: number over 1 s", "0",
                f"{len(over) + len(stuck)} of {len(qs)}", False)
        ratios = [r.get("ratio") or r.get("ratio_at_least") for r in ok]
        ratios = [x for x in ratios if x]
        if ratios:
            mr = statistics.median(ratios)
            add(f"queries vs rdflib at {label} (median ratio)", ">= 20x", f"{mr:.0f}x", mr >= 20)
        ov = statistics.median(r["layer_overhead"] for r in ok)
        add(f"kg.query overhead over bare pyoxigraph at {label} (median)", "<= 10 %",
            f"{ov:+.1%}", ov <= 0.10)
    else:
        add("stored queries", "< 100 ms median, < 1 s max", NA, None)
    load = per.get("load", {}).get("nq")
    if load:
        add(f"load {label} (N-Quads, pyoxigraph)", "< 10 s" if big == "1000000" else "-",
            f"{load['oxigraph_s']:.2f} s",
            load["oxigraph_s"] < 10 if big == "1000000" else None)
    shacl = per.get("shacl", {})
    if shacl.get("ours_predicted_s"):
        add(f"SHACL validation {label}", "< 60 s",
            f"not run; ~{shacl['ours_predicted_s']:.0f} s extrapolated", False)
    elif shacl.get("error"):
        add(f"SHACL validation {label}", "< 60 s", str(shacl["error"])[:60], False)
    if shacl.get("ours_s"):
        add(f"SHACL validation {label}", "< 60 s", f"{shacl['ours_s']:.1f} s",
            shacl["ours_s"] < 60 if big == "1000000" else None)
    ratios = results.get("shacl_vs_pyshacl")
    if ratios:
        r = ratios.get("ratio_at_largest_measured")
        add("SHACL vs plain pyshacl", ">= 2.5x", f"{r:.1f}x ({ratios.get('where')})" if r else NA,
            None if r is None else r >= 2.5)
        exp = ratios.get("ours_exponent")
        if exp is not None:
            add("SHACL scaling exponent (time ~ triples^k)", "k <= 1.1", f"k = {exp:.2f}",
                exp <= 1.1)
    else:
        add("SHACL validation", "< 60 s at 1M, >= 2.5x pyshacl", NA, None)
    build = results.get("build", {})
    if "wall_s" in build:
        add("clusterkg build", "< 10 s", f"{build['wall_s']:.2f} s", build["wall_s"] < 10)
    else:
        add("clusterkg build", "< 10 s", build.get("status", str(build.get("error", NA))), None)
    cli = results.get("cli", {})
    if "help_s" in cli:
        add("CLI cold start: clusterkg --help", "< 1 s", f"{cli['help_s'] * 1000:.0f} ms",
            cli["help_s"] < 1)
    if "query_s" in cli:
        add("CLI cold start: clusterkg query", "< 1 s", f"{cli['query_s'] * 1000:.0f} ms",
            cli["query_s"] < 1)
    return targets


def _fit_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) against log(size)."""
    import math

    pts = [(math.log(n), math.log(t)) for n, t in points if t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def summarise_shacl(results: dict[str, Any]) -> dict[str, Any] | None:
    """Ratio to plain pyshacl where both ran; extrapolate pyshacl beyond its cap."""
    ours, plain = [], []
    for size, per in results["sizes"].items():
        row = per.get("shacl", {})
        if row.get("ours_s"):
            ours.append((int(size), row["ours_s"]))
        if row.get("pyshacl_s"):
            plain.append((int(size), row["pyshacl_s"]))
    if not ours:
        return None
    out: dict[str, Any] = {"ours_exponent": _fit_exponent(ours),
                           "pyshacl_exponent": _fit_exponent(plain)}  # fmt: skip
    if plain:
        n, t = max(plain)
        ours_t = dict(ours)[n]
        out.update(ratio_at_largest_measured=t / ours_t, where=format_size(n))
        k = out["pyshacl_exponent"] or 1.0
        for size, per in results["sizes"].items():
            row = per.get("shacl", {})
            if row.get("ours_s") and not row.get("pyshacl_s") and int(size) > n:
                est = t * (int(size) / n) ** max(k, 1.0)
                row["pyshacl_extrapolated_s"] = est
                row["ratio_extrapolated"] = est / row["ours_s"]
    return out


# -------------------------------------------------------------------------------- output
def print_tables(results: dict[str, Any]) -> None:
    """Rich tables on the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for size, per in results["sizes"].items():
        label = format_size(int(size))
        table = Table(title=f"{label} triples (generated {per['generate']['triples']:,} in "
                      f"{per['generate']['seconds']:.1f} s)")  # fmt: skip
        for col in ("measure", "pyoxigraph", "rdflib / pyshacl", "ratio", "ours", "overhead"):
            table.add_column(col, justify="left" if col == "measure" else "right")
        for fmt, row in per.get("load", {}).items():
            table.add_row(f"load {fmt}", f"{row['oxigraph_s']:.2f} s",
                          f"{row['rdflib_s']:.2f} s" if row.get("rdflib_s") else "-",
                          f"{row['ratio']:.0f}x" if row.get("ratio") else "-", "", "")
        queries = per.get("queries", {})
        if "status" in queries:
            table.add_row("stored queries", queries["status"], "", "", "", "")
        for name, row in queries.items():
            if not isinstance(row, dict):
                continue
            if "error" in row:
                table.add_row(name, "error", "", "", "", row["error"][:40])
                continue
            if "oxigraph_timeout_s" in row:
                table.add_row(name, f"> {row['oxigraph_timeout_s']:.0f} s", "", "", "", "")
                continue
            if row.get("rdflib_ms") is not None:
                rl, ratio = f"{row['rdflib_ms']:.1f} ms", f"{row['ratio']:.0f}x"
            elif "rdflib_timeout_s" in row:
                rl, ratio = f"> {row['rdflib_timeout_s']:.0f} s", f"> {row['ratio_at_least']:.0f}x"
            else:
                rl, ratio = "-", "-"
            table.add_row(name, f"{row['oxigraph_ms']:.2f} ms", rl, ratio,
                          f"{row['ours_ms']:.2f} ms", f"{row['layer_overhead']:+.1%}")
        shacl = per.get("shacl", {})
        if shacl.get("ours_s"):
            if shacl.get("pyshacl_s"):
                plain, ratio = f"{shacl['pyshacl_s']:.1f} s", f"{shacl['ratio']:.1f}x"
            elif shacl.get("pyshacl_extrapolated_s"):
                plain = f"~{shacl['pyshacl_extrapolated_s']:.0f} s (extrap.)"
                ratio = f"~{shacl['ratio_extrapolated']:.1f}x"
            elif "pyshacl_timeout_s" in shacl:
                plain = f"> {shacl['pyshacl_timeout_s']:.0f} s"
                ratio = f"> {shacl['ratio_at_least']:.1f}x"
            else:
                plain, ratio = "-", "-"
            table.add_row("SHACL validate", "", plain, ratio, f"{shacl['ours_s']:.2f} s",
                          "conforms" if shacl.get("conforms") else
                          f"{shacl.get('violations')} results")  # fmt: skip
        else:
            status = shacl.get("status") or shacl.get("error") or shacl.get("note") or "-"
            table.add_row("SHACL validate", "", "", "", str(status)[:60], "")  # fmt: skip
        console.print(table)
    table = Table(title="Targets (2-core machine)")
    for col in ("target", "goal", "measured", "met"):
        table.add_column(col)
    for t in results["targets"]:
        met = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: "-"}[t["met"]]
        table.add_row(t["target"], t["goal"], t["measured"], met)
    console.print(table)
    for key in ("build", "cli", "extraction"):
        console.print(f"[bold]{key}[/bold]: {json.dumps(results.get(key), default=str)}")


def plot(results: dict[str, Any], path: Path) -> Path | None:
    """Log-log scaling plot (time vs triples) of the measured series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=int)
    if not sizes:
        return None
    series: dict[str, list[tuple[int, float]]] = {}

    def put(name: str, n: int, seconds: float | None) -> None:
        if seconds:
            series.setdefault(name, []).append((n, seconds))

    for size in sizes:
        per, n = results["sizes"][size], int(size)
        put("generate (N-Quads)", n, per["generate"]["seconds"])
        for fmt, row in per.get("load", {}).items():
            if fmt == "nq":
                put("load N-Quads: pyoxigraph", n, row["oxigraph_s"])
                put("load N-Quads: rdflib", n, row.get("rdflib_s"))
        qs = [r for r in per.get("queries", {}).values() if isinstance(r, dict) and
              "oxigraph_ms" in r]  # fmt: skip
        if qs:
            put("stored queries (median): pyoxigraph", n,
                statistics.median(r["oxigraph_ms"] for r in qs) / 1000)
            put("stored queries (slowest): pyoxigraph", n,
                max(r["oxigraph_ms"] for r in qs) / 1000)
            limit = results["meta"].get("rdflib_timeout_s", 30.0)
            rl = [r["rdflib_ms"] / 1000 if r.get("rdflib_ms") is not None else limit
                  for r in qs if r.get("rdflib_ms") is not None or "rdflib_timeout_s" in r]
            if rl:
                put("stored queries (median): rdflib, timeouts at the limit", n,
                    statistics.median(rl))
        shacl = per.get("shacl", {})
        put("SHACL: clusterkg validate", n, shacl.get("ours_s"))
        put("SHACL: plain pyshacl", n, shacl.get("pyshacl_s"))
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    styles = {"pyoxigraph": "-", "clusterkg": "-", "rdflib": "--", "pyshacl": "--"}
    for name, pts in series.items():
        xs, ys = zip(*sorted(pts), strict=True)
        style = next((s for key, s in styles.items() if key in name), ":")
        ax.plot(xs, ys, style, marker="o", label=name)
    extra = [(int(z), results["sizes"][z]["shacl"]["pyshacl_extrapolated_s"]) for z in sizes
             if results["sizes"][z].get("shacl", {}).get("pyshacl_extrapolated_s")]
    if extra and series.get("SHACL: plain pyshacl"):
        pts = [max(series["SHACL: plain pyshacl"]), *extra]
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, ys, linestyle=(0, (2, 3)), marker="x", color="grey",
                label="SHACL: plain pyshacl, extrapolated (not run)")  # fmt: skip
    shacl_pts = sorted(series.get("SHACL: clusterkg validate", []))
    if len(shacl_pts) >= 1 and len(sizes) >= 2:  # a slope-1 guide: linear growth
        n0, t0 = shacl_pts[0]
        xs = [int(sizes[0]), int(sizes[-1])]
        ax.plot(xs, [t0 * x / n0 for x in xs], color="grey", linewidth=0.8, linestyle=":",
                label="linear growth (slope 1), for reference")  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the synthetic graph")
    ax.set_ylabel("wall time, seconds (median)")
    ax.set_title("clusterkg scaling (log-log; dashed = baselines)")
    ax.grid(True, which="both", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # fmt: skip
    fig.tight_layout()
    from kg.atomic import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None


def _write_json(cfg: Config, results: dict[str, Any]) -> None:
    from kg.atomic import write_text_atomic

    cfg.out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(cfg.out / "results.json", json.dumps(results, indent=2, default=str) + "\n")


def run_suite(cfg: Config) -> dict[str, Any]:
    """Run every section; write results.json and scaling.png into ``cfg.out``."""
    import pyoxigraph
    import pyshacl
    import rdflib

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    results: dict[str, Any] = {
        "meta": {
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "git": _git_commit(), "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__,
            "pyshacl": pyshacl.__version__, "sizes": [str(s) for s in cfg.sizes],
            "seed": cfg.seed, "repeats": cfg.repeats, "quick": cfg.quick,
            "rdflib_timeout_s": cfg.rdflib_timeout,
        },
        "sizes": {},
    }
    if cfg.merge is not None:
        earlier = json.loads(Path(cfg.merge).read_text(encoding="utf-8"))
        kept = {k: v for k, v in earlier.get("sizes", {}).items()
                if int(k) not in cfg.sizes}  # fmt: skip
        results["sizes"].update(kept)
        carried = [k for k in ("build", "cli", "cli_store", "extraction")
                   if k in earlier and (k.split("_")[0] in cfg.skip)]  # fmt: skip
        for key in carried:
            results[key] = earlier[key]
        results["meta"]["merged"] = {"from": earlier.get("meta"), "sizes": sorted(kept, key=int),
                                     "sections": carried}  # fmt: skip
        results["meta"]["sizes"] = sorted({*kept, *results["meta"]["sizes"]}, key=int)
        cfg.done = results["sizes"]
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    for size in cfg.sizes:
        cfg.log(f"== {format_size(size)} triples")
        nq, stats = bench_generate(cfg, size)
        per: dict[str, Any] = {"generate": stats}
        cfg.log(f"  generated {stats['triples']:,} quads in {stats['seconds']:.2f}s")
        files = prepare_formats(nq)
        per["files"] = {k: v.stat().st_size for k, v in files.items()}
        if "load" not in cfg.skip:
            per["load"] = bench_load(cfg, size, files)
        def load_rdflib(nq: Path = nq, per: dict[str, Any] = per, size: int = size) -> Any:
            if size > cfg.rdflib_max or {"queries", "shacl"} <= cfg.skip:
                return None
            start = time.perf_counter()
            ds = rdflib_load(nq, "nq")
            per["rdflib_parse_s"] = time.perf_counter() - start
            return ds

        rdf_ds = None
        if "queries" not in cfg.skip:
            per["queries"], rdf_ds = bench_queries(cfg, size, nq, load_rdflib)
        elif "shacl" not in cfg.skip:
            rdf_ds = load_rdflib()
        if "shacl" not in cfg.skip:
            if rdf_ds is None and available("kg.validate", "validate_dataset"):
                rdf_ds = rdflib_load(nq, "nq")
            per["shacl"] = bench_shacl(cfg, size, rdf_ds) if rdf_ds is not None else {
                "status": NA}
        del rdf_ds
        gc.collect()
        if cfg.merge is not None:  # a size measured again keeps the sections skipped now
            earlier_size = earlier.get("sizes", {}).get(str(size), {})
            per = {**{k: v for k, v in earlier_size.items() if k in cfg.skip}, **per}
        results["sizes"][str(size)] = per
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: int(kv[0])))
        cfg.done = results["sizes"]
        _write_json(cfg, results)  # partial results survive a later crash
        if not cfg.quick and size >= 1_000_000:
            for f in files.values():  # keep disk use small; the generator is fast
                f.unlink(missing_ok=True)
    results["shacl_vs_pyshacl"] = summarise_shacl(results)
    with tempfile.TemporaryDirectory(prefix="clusterkg-bench-") as tmp:
        build_out = Path(tmp) / "build"
        cfg.log("== build, CLI, extraction")
        if "build" in cfg.skip:
            results.setdefault("build", {"status": "skipped"})
        else:
            try:
                results["build"] = bench_build(cfg, build_out)
            except Exception as err:
                results["build"] = {"error": f"{type(err).__name__}: {err}"}
        if "cli" not in cfg.skip:
            if not (build_out / "clusterkg.nq").exists() and cfg.sizes:
                # no real build: time `clusterkg query` on the smallest synthetic graph instead
                build_out.mkdir(parents=True, exist_ok=True)
                generate(min(cfg.sizes), build_out / "clusterkg.nq", seed=cfg.seed)
                results["cli_store"] = f"synthetic {format_size(min(cfg.sizes))} graph"
            results["cli"] = bench_cli(cfg, build_out)
        if "extraction" not in cfg.skip:
            try:
                results["extraction"] = bench_extraction(cfg)
            except Exception as err:
                results["extraction"] = {"error": f"{type(err).__name__}: {err}"}
    results["targets"] = evaluate_targets(results)
    _write_json(cfg, results)
    plot(results, cfg.out / "scaling.png")
    print_tables(results)
    cfg.log(f"wrote {cfg.out / 'results.json'} and {cfg.out / 'scaling.png'}")
    return results


def parse_sizes(text: str) -> list[int]:
    """``"10k,100k,1M"`` -> [10000, 100000, 1000000]."""
    return [parse_size(part) for part in text.split(",") if part.strip()]
