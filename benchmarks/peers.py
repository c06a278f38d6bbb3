"""Stored queries and loading against the strongest peers, side by side in one run.

``python -m benchmarks peers --sizes 3M,10M`` generates (once, in ``/work/bench-data`` or
``--data``) the synthetic graph of each size and loads it into: the embedded store
(pyoxigraph ``bulk_load``, what ``kg.store`` does), Oxigraph server (``oxigraph load`` then
``oxigraph serve``) and Virtuoso 7 (its bulk loader, :mod:`kg.virtuoso_bulk`, with buffers
sized for the graph). Then every stored competency question runs with its default
parameters on the three, interleaved, median of ``--repeats``: the embedded store through
``kg.query.execute`` (what ``clusterkg query`` runs) and bare ``Store.query`` (the layer's
overhead), the servers through ``kg.query.execute(endpoint=...)`` (HTTP, SPARQL JSON).
Results: ``benchmarks/results/peers.json`` and ``peers.png``.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/bench-data")
RESULTS = ROOT / "benchmarks" / "results"


def _servers() -> Any:
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    import servers

    return servers


@contextlib.contextmanager
def virtuoso(workdir: Path, buffers: int) -> Iterator[Any]:
    """Virtuoso with ``buffers`` 8 kB pages (the tests' server otherwise)."""
    servers = _servers()
    template = servers.VIRTUOSO_INI
    servers.VIRTUOSO_INI = (template
                            .replace("NumberOfBuffers          = 4000",
                                     f"NumberOfBuffers          = {buffers}")
                            .replace("MaxDirtyBuffers          = 3000",
                                     f"MaxDirtyBuffers          = {buffers * 3 // 4}")
                            .replace("MaxQueryMem              = 200M",
                                     "MaxQueryMem              = 2G")
                            .replace("ResultSetMaxRows           = 100000",
                                     "ResultSetMaxRows           = 10000000")
                            .replace("MaxQueryExecutionTime      = 60",
                                     "MaxQueryExecutionTime      = 600"))
    try:
        with servers.virtuoso_server(workdir, timeout=120) as server:
            yield server
    finally:
        servers.VIRTUOSO_INI = template


@contextlib.contextmanager
def oxigraph(workdir: Path, nquads: Path) -> Iterator[tuple[Any, float]]:
    """``oxigraph load`` (timed) then ``oxigraph serve`` on the same directory."""
    servers = _servers()
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run([shutil.which("oxigraph") or "oxigraph", "load", "--location",
                    str(workdir / "data"), "--file", str(nquads)], check=True,
                   capture_output=True, timeout=3600)
    load_s = time.perf_counter() - start
    with servers.oxigraph_server(workdir) as server:
        yield server, load_s


def _median_ms(fn: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_size(nquads: Path, repeats: int, workdir: Path, log: Any = print,
               only: list[str] | None = None, timeout: float = 60.0) -> dict[str, Any]:
    """A server query over ``timeout`` seconds is reported as an error (the limit)."""
    import pyoxigraph

    from kg import query as kq
    from kg.endpoint import Endpoint
    from kg.virtuoso_bulk import Isql, bulk_load, graphs_in, stage_files

    servers = _servers()
    triples = sum(1 for _ in nquads.open("rb"))
    out: dict[str, Any] = {"triples": triples, "load": {}, "queries": {}}
    start = time.perf_counter()
    store = pyoxigraph.Store()
    store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    out["load"]["pyoxigraph_s"] = time.perf_counter() - start
    log(f"  load: pyoxigraph {out['load']['pyoxigraph_s']:.1f} s")
    buffers = max(20_000, min(400_000, triples // 20))  # ~ 8 kB pages, a few per 100 triples
    graphs = graphs_in(nquads)
    with virtuoso(workdir / "virtuoso", buffers) as vserver, \
            oxigraph(workdir / "oxigraph", nquads) as (oserver, oxi_load):
        out["load"]["oxigraph_server_s"] = oxi_load
        staged = stage_files([nquads], workdir / "virtuoso" / "load")
        start = time.perf_counter()
        bulk_load(Isql(port=vserver.sql_port, timeout=7200), staged, graphs)
        out["load"]["virtuoso_s"] = time.perf_counter() - start
        log(f"  load: oxigraph server {oxi_load:.1f} s, virtuoso {out['load']['virtuoso_s']:.1f} s")
        # Timed with graph_base=None: the server's own default graph (Oxigraph: the union,
        # as started; Virtuoso: all graphs, its few system graphs included), its fastest
        # case. Answers are compared through the scoped endpoint, as `clusterkg query
        # --endpoint` runs (past 40 graphs: FROM clauses on Virtuoso).
        remote = {"virtuoso": Endpoint(vserver.query_url, user="dba", password="dba",
                                       auth="digest", timeout=timeout, retries=0,
                                       graph_base=None),
                  "oxigraph": Endpoint(oserver.query_url, timeout=timeout, retries=0,
                                       graph_base=None)}
        # (Oxigraph holds the project's graphs only: its union is the scoped dataset, and
        # listing the graphs of 3M quads there takes over 60 s)
        scoped = {"virtuoso": Endpoint(vserver.query_url, user="dba", password="dba",
                                       auth="digest", timeout=timeout, retries=0),
                  "oxigraph": remote["oxigraph"]}
        queries = {n: q for n, q in kq.load_queries().items() if q.kind == "cq"}
        for name, query in queries.items():
            if only and not any(name.startswith(o) for o in only):
                continue
            terms = kq.bind_params(query, {})
            text, subs = query.text, None
            if terms and query.binding == "values":
                text = kq.inject_values(text, terms)
            elif terms:
                subs = {pyoxigraph.Variable(k): t.to_oxigraph() for k, t in terms.items()}

            def bare(t: str = text, s: Any = subs) -> int:
                answer = store.query(t, use_default_graph_as_union=True, substitutions=s)
                if isinstance(answer, pyoxigraph.QueryBoolean):
                    return 1
                if isinstance(answer, pyoxigraph.QuerySolutions):
                    return sum(1 for sol in answer for _ in sol)
                return sum(1 for _ in answer)

            row: dict[str, Any] = {}
            first = kq.execute(query, {}, store=store)
            row["rows"] = len(first.rows) if first.form == "SELECT" else len(first.triples)
            timings: dict[str, list[float]] = {k: [] for k in
                                               ("bare", "embedded", "oxigraph", "virtuoso")}
            for engine, endpoint in scoped.items():  # also warms the server caches
                try:
                    got = kq.execute(query, {}, endpoint=endpoint)
                    problem = servers.compare_results(query, first, got,
                                                      _describe_subject(query))
                    row[f"{engine}_same"] = problem is None
                    if problem is not None:
                        row[f"{engine}_problem"] = problem[:200]
                except Exception as err:
                    row[f"{engine}_error"] = str(err)[:200]
            slow: set[str] = set()  # over 5 s once: not repeated
            for _ in range(repeats):  # interleaved, so that machine noise hits all alike
                timings["bare"].append(_median_ms(bare, 1))
                timings["embedded"].append(_median_ms(
                    lambda q=query: kq.execute(q, {}, store=store), 1))
                for engine, endpoint in remote.items():
                    if f"{engine}_error" not in row and engine not in slow:
                        timings[engine].append(_median_ms(
                            lambda q=query, e=endpoint: kq.execute(q, {}, endpoint=e), 1))
                        if timings[engine][-1] > 5000:
                            slow.add(engine)
            for engine, values in timings.items():
                if values:
                    row[f"{engine}_ms"] = statistics.median(values)
            row["overhead"] = row["embedded_ms"] / row["bare_ms"] - 1
            out["queries"][name] = row
            log(f"  {name}: embedded {row['embedded_ms']:.1f} ms (bare {row['bare_ms']:.1f}), "
                f"oxigraph {row.get('oxigraph_ms', float('nan')):.1f}, virtuoso "
                f"{row.get('virtuoso_ms', float('nan')):.1f} ms; same: "
                f"{row.get('oxigraph_same')}/{row.get('virtuoso_same')}"
                + "".join(f"; {e} error: {row[e + '_error'][:120]}" for e in remote
                          if f"{e}_error" in row))
    return out


def _describe_subject(query: Any) -> str | None:
    """The resource a DESCRIBE is about (servers may add its inbound triples)."""
    from kg import query as kq

    if query.form != "DESCRIBE":
        return None
    (term,) = kq.bind_params(query, {}).values()
    return str(term.value)


def summarise(per: dict[str, Any]) -> dict[str, Any]:
    """Median, slowest, queries slower than Virtuoso, median layer overhead."""
    qs = per["queries"]
    emb = [r["embedded_ms"] for r in qs.values()]
    slower = sorted(n for n, r in qs.items() if r.get("virtuoso_ms") is not None
                    and r["embedded_ms"] > r["virtuoso_ms"])
    return {"median_ms": statistics.median(emb), "slowest_ms": max(emb),
            "over_1s": sorted(n for n, r in qs.items() if r["embedded_ms"] > 1000),
            "slower_than_virtuoso": slower,
            "overhead_median": statistics.median(r["overhead"] for r in qs.values()),
            "differ": sorted(n for n, r in qs.items()
                             if r.get("virtuoso_same") is False or r.get("oxigraph_same") is False)}


def plot(results: dict[str, Any], path: Path) -> None:
    """Time against size: stored-query median and slowest per engine, and loading."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results, key=lambda k: results[k]["triples"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), dpi=110)
    for engine, style in (("embedded", "-"), ("oxigraph", "--"), ("virtuoso", ":")):
        xs = [results[s]["triples"] for s in sizes]
        meds = [statistics.median(r[f"{engine}_ms"] for r in results[s]["queries"].values()
                                  if f"{engine}_ms" in r) / 1000 for s in sizes]
        tops = [max(r[f"{engine}_ms"] for r in results[s]["queries"].values()
                    if f"{engine}_ms" in r) / 1000 for s in sizes]
        left.plot(xs, meds, style, marker="o", label=f"{engine}: median")
        left.plot(xs, tops, style, marker="x", label=f"{engine}: slowest")
    for key, label in (("pyoxigraph_s", "pyoxigraph bulk_load"),
                       ("oxigraph_server_s", "oxigraph load (server)"),
                       ("virtuoso_s", "Virtuoso bulk loader")):
        right.plot([results[s]["triples"] for s in sizes],
                   [results[s]["load"][key] for s in sizes], marker="o", label=label)
    for ax, title in ((left, "stored queries (38 CQs)"), (right, "loading N-Quads")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples")
        ax.set_ylabel("seconds")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks peers [--sizes 3M,10M] [--repeats 3] [--only CQ01,CQ03]``."""
    import argparse
    import tempfile

    from benchmarks.scale import format_size, generate, parse_size

    parser = argparse.ArgumentParser(prog="python -m benchmarks peers", description=__doc__)
    parser.add_argument("--sizes", default="1M,3M,10M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="Query name prefixes, comma-separated.")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    path = args.out / "peers.json"
    results = json.loads(path.read_text()) if path.is_file() else {}
    for size in [parse_size(s) for s in re.split(r"[,\s]+", args.sizes) if s]:
        label = format_size(size)
        nquads = args.data / f"synthetic-{label}-seed42.nq"
        if not nquads.is_file():
            args.data.mkdir(parents=True, exist_ok=True)
            generate(size, nquads, seed=42)
        print(f"== {label}")
        with tempfile.TemporaryDirectory(prefix="clusterkg-peers-", dir=args.data) as work:
            per = bench_size(nquads, args.repeats, Path(work),
                             only=[o for o in args.only.split(",") if o])
        if args.only and label in results:  # a partial run updates the queries it ran
            results[label]["queries"].update(per["queries"])
            per = results[label]
        per["summary"] = summarise(per)
        per["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        results[label] = per
        print(json.dumps(per["summary"], indent=1))
        from kg.atomic import write_text_atomic

        args.out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(results, indent=1) + "\n")
    plot(results, args.out / "peers.png")
    print(f"wrote {path} and {args.out / 'peers.png'}")


if __name__ == "__main__":
    main()
