"""``python -m benchmarks endpoint``: ``clusterkg serve`` against ``oxigraph serve`` under load.

For each build given (``--build``, repeatable: the seed build and a synthetic one made by
``clusterkg bench generate``), the same ``clusterkg.nq`` is served by Oxigraph
(``serve-read-only``) and by three ``clusterkg serve`` processes: **cold**, with no answer
cache (``--cache-mb 0``: every request is answered as the first request for an IRI is: an
entity document from the build's page store, ``pages.sqlite``, when it has one that fits,
else from the documents pre-rendered at start, anything else by a worker), **previous**,
the same with neither pre-rendered documents nor worker stores in memory (``--no-page-store
--prerender-mb 0 --memory-store-mb 0``: the cold server before either existed: every page
made by a worker from the on-disk store) and **warm**, with the cache on
(``--cache-queries``) after one pass over the URLs. ``wrk`` (Debian ``wrk``) drives each
at concurrency 1, 8 and 32 for a fixed time per run:

- entity pages: ``/doc/{e}.html`` and ``/doc/{e}.ttl`` against Oxigraph answering
  ``DESCRIBE <e>`` (Turtle), over the same list of up to ``--entities`` distinct IRIs (a
  seeded sample of every typed resource under ``/id/``), each client going through the
  list from its own offset (a Lua script reads the list);
- a SELECT: the stored query CQ02 (SPARQL JSON results) on both;
- a dump: ``/dumps/clusterkg.nq`` against Oxigraph's ``GET /store`` (N-Quads).

Runs alternate between the servers (cold, previous, Oxigraph, warm, cold, ...), so a shared
machine's load falls on all of them; the figure is the median requests/s of the repeats and
the ratio Oxigraph / clusterkg (1.0 = as fast; targets: pages <= 2, SELECT <= 1.2). Memory is the
resident set (RSS) and the proportional set (PSS: shared pages divided among the processes
sharing them) of each server with its worker processes, after the runs.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import click

from kg.paths import BUILD_DIR, QUERIES_DIR, ROOT

RESULTS = Path(__file__).parent / "results" / "endpoint.json"
CONCURRENCY = (1, 8, 32)
TARGETS = {"entity-html": 2.0, "entity-ttl": 2.0, "select": 1.2, "dump": None}
ENTITY_QUERY = """
SELECT DISTINCT ?e WHERE { ?e a ?t .
  FILTER(STRSTARTS(STR(?e), "https://w3id.org/clusterkg/id/") && !CONTAINS(STR(?e), "#")) }
"""
ID = "https://w3id.org/clusterkg/id/"
CACHE_MODULE = "kg/publish/caching.py"
PRERENDER_MODULE = "kg/publish/prerender.py"
SERVER_MODULE = "kg/publish/server.py"
SERVERS = ("cold", "previous", "warm")
#: each wrk connection walks the URL list from its own offset
LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local accept = "%s"
local counter = 0
setup = function(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = nil
request = function()
  if i == nil then i = offset or 0 end
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = accept})
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise click.ClickException(f"server exited with {proc.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise click.ClickException(f"{url} did not answer in {timeout:g} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the worker processes)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):  # children of every thread
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return pids


def memory_mb(pid: int) -> dict[str, float]:
    """RSS and PSS (MB) of a process and its descendants."""
    rss = pss = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return {"rss": round(rss / 1024, 1), "pss": round(pss / 1024, 1)}


def wrk(url_base: str, paths: list[str], accept: str, connections: int, duration: float,
        workdir: Path) -> dict[str, float]:  # fmt: skip
    """Requests/s, mean latency (ms) and errors of one wrk run over ``paths``."""
    urls = workdir / f"urls-{abs(hash((url_base, tuple(paths))))}.txt"
    if not urls.exists():
        urls.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    script = workdir / "rotate.lua"
    script.write_text(LUA % (urls, accept), encoding="utf-8")
    threads = max(1, min(connections, 2))
    proc = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
         "--timeout", f"{max(duration, 10):g}s", "--latency", "-s", str(script), url_base],
        capture_output=True, text=True, timeout=duration + 60,
    )  # fmt: skip
    out = proc.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = float(lat.group(1)) * scale[lat.group(2)] if lat else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", out)
    return {
        "rps": rps,
        "latency_ms": latency,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


def _cq02() -> str:
    return (QUERIES_DIR / "cq" / "CQ02-cluster-members.rq").read_text(encoding="utf-8")


def _entities(ox_base: str, limit: int) -> list[str]:
    """A seeded sample of ``limit`` typed resources under ``/id/`` (asked of Oxigraph)."""
    url = ox_base + "/query?" + urllib.parse.urlencode({"query": ENTITY_QUERY})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        rows = json.load(r)["results"]["bindings"]
    found = sorted(row["e"]["value"] for row in rows)
    return random.Random(1).sample(found, min(limit, len(found)))


def _warm(base: str, paths: list[str], accept: str) -> None:
    """One request for each path (fills the warm server's cache)."""
    for path in paths:
        req = urllib.request.Request(base + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
        except urllib.error.HTTPError:
            pass


def _probe(base: str, paths: list[str], accept: str) -> float:
    """Seconds one request takes (the slowest of the first three paths)."""
    slowest = 0.0
    for path in paths[:3]:
        started = time.perf_counter()
        _warm(base, [path], accept)
        slowest = max(slowest, time.perf_counter() - started)
    return slowest


def _serve(checkout: Path, build_dir: Path, port: int, workers: int,
           *extra: str) -> subprocess.Popen[bytes]:  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--build", str(build_dir.resolve()), "--port",
         str(port), "--workers", str(workers), *extra],
        cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ,
    )  # fmt: skip


def run_build(build_dir: Path, *, duration: float, repeats: int, workers: int, entities: int,
              checkout: Path, warm: bool, work: Path, log: Any,
              workloads: tuple[str, ...] = tuple(TARGETS),
              fronts: int = 1) -> dict[str, Any]:  # fmt: skip
    """Measure one build: Oxigraph, clusterkg cold and (``warm``) clusterkg warm."""
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    nquads = build_dir / "clusterkg.nq"
    location = work / f"ox-{build_dir.name}"
    subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(nquads)],
                   check=True, capture_output=True)  # fmt: skip
    ports = {name: _free_port() for name in ("cold", "previous", "oxigraph", "warm")}
    front_options = ["--fronts", str(fronts)] if fronts > 1 else []
    procs = {
        "oxigraph": subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(location), "--bind",
             f"127.0.0.1:{ports['oxigraph']}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        # a checkout from before the answer cache has none to turn off
        "cold": _serve(checkout, build_dir, ports["cold"], workers, *front_options,
                       *(["--cache-mb", "0"] if (checkout / CACHE_MODULE).exists() else [])),
    }  # fmt: skip
    if (checkout / PRERENDER_MODULE).exists():
        # a checkout from before the build's page store has none to turn off
        stores = "--no-page-store" in (checkout / SERVER_MODULE).read_text(encoding="utf-8")
        procs["previous"] = _serve(checkout, build_dir, ports["previous"], workers,
                                   *front_options, "--cache-mb", "0", "--prerender-mb", "0",
                                   "--memory-store-mb", "0",
                                   *(["--no-page-store"] if stores else []))  # fmt: skip
    if warm:
        procs["warm"] = _serve(checkout, build_dir, ports["warm"], workers, *front_options,
                               "--cache-mb", "512", "--cache-queries")  # fmt: skip
    bases = {name: f"http://127.0.0.1:{ports[name]}" for name in procs}
    try:
        _wait(bases["oxigraph"] + "/query?query=ASK%7B%7D", procs["oxigraph"])
        for name in SERVERS:
            if name in procs:
                _wait(bases[name] + "/sparql?query=ASK%7B%7D", procs[name])
        iris = _entities(bases["oxigraph"], entities)
        local = [urllib.parse.quote(e.removeprefix(ID), safe="/") for e in iris]
        cq02 = urllib.parse.urlencode({"query": _cq02()})
        describe = ["/query?" + urllib.parse.urlencode({"query": f"DESCRIBE <{e}>"})
                    for e in iris]  # fmt: skip
        json_results = "application/sparql-results+json"
        ck_sides = {
            "entity-html": ([f"/doc/{p}.html" for p in local], "text/html"),
            "entity-ttl": ([f"/doc/{p}.ttl" for p in local], "text/turtle"),
            "select": (["/sparql?" + cq02], json_results),
            "dump": (["/dumps/clusterkg.nq"], "application/n-quads"),
        }
        ox_sides = {
            "entity-html": (describe, "text/turtle"),
            "entity-ttl": (describe, "text/turtle"),
            "select": (["/query?" + cq02], json_results),
            "dump": (["/store"], "application/n-quads"),
        }
        if "warm" in procs:
            started = time.monotonic()
            for name in ("entity-html", "entity-ttl", "select"):
                if name in workloads:
                    _warm(bases["warm"], *ck_sides[name])
            log(f"  warm-up pass over {len(local)} IRIs: {time.monotonic() - started:.1f} s")
        results: dict[str, Any] = {
            "triples": sum(1 for _ in nquads.open("rb")), "entities": len(iris),
            "page_store": (build_dir / "pages.sqlite").is_file(), "workloads": {},
            "probe_s": {}, "load_average_start": os.getloadavg(),
        }  # fmt: skip
        labels = [name for name in ("cold", "previous", "oxigraph", "warm") if name in procs]
        for workload in workloads:
            rows = {}
            # a slow request (CQ02 and the dump at 1M triples) gets longer runs, and no
            # concurrency past the cores (where both servers only queue)
            probe = _probe(bases["oxigraph"], *ox_sides[workload])
            run_s = float(min(max(duration, round(15 * probe)), 20))  # wrk takes whole seconds
            slow = probe > duration / 20
            results["probe_s"][workload] = round(probe, 4)
            for c in CONCURRENCY if not slow and workload != "dump" else (1, 8):
                runs: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
                for _ in range(repeats):
                    for label in labels:
                        paths, accept = (ox_sides if label == "oxigraph" else ck_sides)[workload]
                        runs[label].append(wrk(bases[label], paths, accept, c, run_s, work))
                row: dict[str, Any] = {
                    label: {
                        "rps": statistics.median(r["rps"] for r in rs),
                        "latency_ms": statistics.median(r["latency_ms"] for r in rs),
                        "non_2xx": sum(r["non_2xx"] for r in rs),
                    }
                    for label, rs in runs.items()
                }
                target = TARGETS[workload]
                row["target"] = target
                for label in SERVERS:
                    if label in row:
                        ratio = row["oxigraph"]["rps"] / max(row[label]["rps"], 1e-9)
                        row[f"ratio_{label}"] = ratio
                        row[f"met_{label}"] = None if target is None else ratio <= target
                rows[str(c)] = row
                log(f"  {workload:12} c={c:<3} "
                    + "  ".join(f"{label} {row[label]['rps']:9.1f}" for label in labels)
                    + "  ratio " + " / ".join(f"{row[k]:.2f}" for k in row
                                               if k.startswith("ratio_"))
                    + (f" (target <= {target})" if target else ""))  # fmt: skip
            results["workloads"][workload] = rows
        results["load_average_end"] = os.getloadavg()
        results["memory_mb"] = {label: memory_mb(procs[label].pid) for label in labels}
        log("  memory after the runs (MB, with workers): " + ", ".join(
            f"{label} RSS {m['rss']:.0f} / PSS {m['pss']:.0f}"
            for label, m in results["memory_mb"].items()))  # fmt: skip
        return results
    finally:
        for proc in procs.values():
            _stop(proc)


def run(builds: list[Path], duration: float, repeats: int, workers: int, entities: int,
        out: Path, checkout: Path = ROOT, warm: bool = True, log: Any = print,
        workloads: tuple[str, ...] = tuple(TARGETS),
        fronts: int = 1) -> dict[str, Any]:  # fmt: skip
    """Measure every build; return (and write) the results."""
    if shutil.which("wrk") is None:
        raise click.ClickException("wrk is not installed (apt-get install wrk)")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(oxigraph).exists():
        raise click.ClickException("the oxigraph binary is missing (pip install oxigraph)")
    for build_dir in builds:
        if not (build_dir / "clusterkg.nq").is_file():
            raise click.ClickException(f"no build at {build_dir}: run clusterkg build first")
    results: dict[str, Any] = {
        # the load averages before and after each build's runs are in its record
        "machine": f"{os.cpu_count()} cores, {os.uname().machine}, load {os.getloadavg()[0]:.1f}",
        "duration_s": duration, "repeats": repeats, "workers": workers, "fronts": fronts,
        "checkout": str(checkout), "builds": {},
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as tmp:
        for build_dir in builds:
            log(f"{build_dir}:")
            results["builds"][str(build_dir)] = run_build(
                build_dir, duration=duration, repeats=repeats, workers=workers,
                entities=entities, checkout=checkout, warm=warm, work=Path(tmp), log=log,
                workloads=workloads, fronts=fronts,
            )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


NAMES = {
    "entity-html": "entity HTML page vs DESCRIBE",
    "entity-ttl": "entity Turtle document vs DESCRIBE",
    "select": "SELECT CQ02 (JSON)",
    "dump": "dump vs `GET /store`",
}


def markdown(results: dict[str, Any]) -> str:
    """The ratios (Oxigraph / clusterkg req/s) per build, workload and concurrency, cold,
    previous and warm, as a Markdown table."""
    lines = ["| build | workload | c=1 | c=8 | c=32 |", "|---|---|---|---|---|"]
    for build, figures in results["builds"].items():
        size = f"{Path(build).name} ({figures['triples']:,} triples)"
        for workload, rows in figures["workloads"].items():
            cells = []
            for c in CONCURRENCY:
                row = rows.get(str(c))
                if row is None:
                    cells.append("—")
                    continue
                ratios = [
                    f"{row[f'ratio_{k}']:.2f}x" if row[k]["rps"] > 0 else "no answer in the run"
                    for k in SERVERS
                    if k in row
                ]
                cells.append(" / ".join(ratios))
            lines.append(f"| {size} | {NAMES[workload]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@click.command("endpoint")
@click.option(
    "--build",
    "builds",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="Build directory to serve (repeat; default build/).",
)
@click.option("--duration", type=float, default=5.0, show_default=True, help="Seconds per wrk run.")
@click.option(
    "--repeats",
    type=int,
    default=2,
    show_default=True,
    help="Interleaved runs per server and setting (median).",
)
@click.option(
    "--workers", type=int, default=4, show_default=True, help="clusterkg serve --workers."
)
@click.option(
    "--entities",
    type=int,
    default=2000,
    show_default=True,
    help="Distinct entity IRIs the page workloads go through.",
)
@click.option(
    "--checkout",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT,
    help="Source tree whose clusterkg is served (e.g. an export of main).",
)
@click.option(
    "--warm/--no-warm",
    default=True,
    show_default=True,
    help="Also measure a clusterkg with its answer cache filled.",
)
@click.option(
    "--fronts",
    type=int,
    default=1,
    show_default=True,
    help="clusterkg serve --fronts (front processes).",
)
@click.option(
    "--workload",
    "workloads",
    type=click.Choice(list(TARGETS)),
    multiple=True,
    help="Workload to run (repeat; default all).",
)
@click.option("--out", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def endpoint_command(builds: tuple[Path, ...], duration: float, repeats: int, workers: int,
                     entities: int, checkout: Path, warm: bool, fronts: int,
                     workloads: tuple[str, ...], out: Path) -> None:  # fmt: skip
    """Load-test clusterkg serve (cold and warm) against oxigraph serve on the same builds."""
    results = run(list(builds) or [BUILD_DIR], duration, repeats, workers, entities, out,
                  checkout=checkout, warm=warm, log=click.echo,
                  workloads=workloads or tuple(TARGETS), fronts=fronts)  # fmt: skip
    click.echo("ratio Oxigraph / clusterkg (cold / previous / warm):\n" + markdown(results))
    click.echo(f"wrote {out}")
