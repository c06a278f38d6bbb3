"""``python -m benchmarks endpoint``: ``clusterkg serve`` against ``oxigraph serve`` under load.

Both servers hold the same build (``clusterkg.nq``); ``wrk`` (Debian ``wrk``) drives each at
concurrency 1, 8 and 32 for a fixed time per run, on three workloads:

- entity pages: clusterkg ``/doc/{e}.html`` and ``/doc/{e}.ttl`` against Oxigraph answering
  ``DESCRIBE <e>`` (Turtle), rotating over the same entities;
- a SELECT: the stored query CQ02 (SPARQL JSON results) on both;
- a dump: clusterkg ``/dumps/clusterkg.nq`` against Oxigraph's ``GET /store`` (N-Quads).

Runs alternate between the two servers (clusterkg, Oxigraph, clusterkg, ...), so a shared
machine's load falls on both; the figure is the median requests/s of the repeats and the
ratio Oxigraph / clusterkg (1.0 = as fast; targets: pages <= 2, SELECT <= 1.2).
"""

from __future__ import annotations

import json
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
  FILTER(STRSTARTS(STR(?e), "https://w3id.org/clusterkg/id/")
         && !CONTAINS(STR(?e), "#") && !STRSTARTS(STR(?e), "https://w3id.org/clusterkg/id/annotation/")
         && !STRSTARTS(STR(?e), "https://w3id.org/clusterkg/id/fact/")) }
ORDER BY ?e LIMIT 40
"""
LUA = """
paths = {%s}
accept = "%s"
i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = accept})
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
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
            time.sleep(0.2)
    raise click.ClickException(f"{url} did not answer in {timeout:g} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the worker processes), MB."""
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                             text=True).stdout  # fmt: skip
        pids += [int(p) for p in out.split()]
        for p in list(pids[1:]):
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(p)], capture_output=True,
                                 text=True).stdout  # fmt: skip
            pids += [int(c) for c in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def wrk(url_base: str, paths: list[str], accept: str, connections: int, duration: float,
        workdir: Path) -> dict[str, float]:  # fmt: skip
    """Requests/s, mean latency (ms) and errors of one wrk run."""
    script = workdir / "rotate.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(LUA % (quoted, accept), encoding="utf-8")
    threads = max(1, min(connections, 2))
    proc = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s",
         "--latency", "-s", str(script), url_base],
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


def _entities(base: str, limit: int) -> list[str]:
    url = base + "/sparql?" + urllib.parse.urlencode({"query": ENTITY_QUERY})
    req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        rows = json.load(r)["results"]["bindings"]
    return [row["e"]["value"] for row in rows][:limit]


def run(build_dir: Path, duration: float, repeats: int, workers: int, out: Path,
        log: Any = print) -> dict[str, Any]:  # fmt: skip
    """Measure both servers interleaved; return (and write) the results."""
    if shutil.which("wrk") is None:
        raise click.ClickException("wrk is not installed (apt-get install wrk)")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(oxigraph).exists():
        raise click.ClickException("the oxigraph binary is missing (pip install oxigraph)")
    nquads = build_dir / "clusterkg.nq"
    if not nquads.is_file():
        raise click.ClickException(f"no build at {build_dir}: run clusterkg build first")
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as tmp:
        work = Path(tmp)
        subprocess.run([oxigraph, "load", "--location", str(work / "ox"), "--file", str(nquads)],
                       check=True, capture_output=True)  # fmt: skip
        ck_port, ox_port = _free_port(), _free_port()
        ck = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--build", str(build_dir), "--port",
             str(ck_port), "--workers", str(workers)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ox = subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(work / "ox"), "--bind",
             f"127.0.0.1:{ox_port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            ck_base, ox_base = f"http://127.0.0.1:{ck_port}", f"http://127.0.0.1:{ox_port}"
            _wait(ck_base + "/sparql?query=ASK%7B%7D", ck)
            _wait(ox_base + "/query?query=ASK%7B%7D", ox)
            entities = _entities(ck_base, 40)
            local = [e.removeprefix("https://w3id.org/clusterkg/id/") for e in entities]
            cq02 = urllib.parse.urlencode({"query": _cq02()})
            describe = ["/query?" + urllib.parse.urlencode({"query": f"DESCRIBE <{e}>"})
                        for e in entities]  # fmt: skip
            json_results = "application/sparql-results+json"
            workloads = {
                "entity-html": ((ck_base, [f"/doc/{p}.html" for p in local], "text/html"),
                                (ox_base, describe, "text/turtle")),
                "entity-ttl": ((ck_base, [f"/doc/{p}.ttl" for p in local], "text/turtle"),
                               (ox_base, describe, "text/turtle")),
                "select": ((ck_base, ["/sparql?" + cq02], json_results),
                           (ox_base, ["/query?" + cq02], json_results)),
                "dump": ((ck_base, ["/dumps/clusterkg.nq"], "application/n-quads"),
                         (ox_base, ["/store"], "application/n-quads")),
            }  # fmt: skip
            results: dict[str, Any] = {
                "machine": "shared 2-core machine (other engineers' jobs running)",
                "duration_s": duration, "repeats": repeats, "workers": workers,
                "entities": len(entities), "triples": sum(1 for _ in nquads.open("rb")),
                "workloads": {},
            }  # fmt: skip
            for name, (ck_side, ox_side) in workloads.items():
                rows = {}
                for c in CONCURRENCY:
                    runs: dict[str, list[dict[str, float]]] = {"clusterkg": [], "oxigraph": []}
                    for _ in range(repeats):
                        for label, (base, paths, accept) in (("clusterkg", ck_side),
                                                            ("oxigraph", ox_side)):  # fmt: skip
                            runs[label].append(wrk(base, paths, accept, c, duration, work))
                    row = {
                        label: {
                            "rps": statistics.median(r["rps"] for r in rs),
                            "latency_ms": statistics.median(r["latency_ms"] for r in rs),
                            "non_2xx": sum(r["non_2xx"] for r in rs),
                        }
                        for label, rs in runs.items()
                    }
                    row["ratio"] = row["oxigraph"]["rps"] / max(row["clusterkg"]["rps"], 1e-9)
                    target = TARGETS[name]
                    row["target"] = target
                    row["met"] = None if target is None else row["ratio"] <= target
                    rows[str(c)] = row
                    log(f"{name:12} c={c:<3} clusterkg {row['clusterkg']['rps']:8.1f} req/s"
                        f"  oxigraph {row['oxigraph']['rps']:8.1f} req/s  ratio {row['ratio']:.2f}"
                        + (f" (target <= {target})" if target else ""))  # fmt: skip
                results["workloads"][name] = rows
            results["rss_mb"] = {"clusterkg": _rss_mb(ck.pid), "oxigraph": _rss_mb(ox.pid)}
            log(f"RSS after the runs: clusterkg {results['rss_mb']['clusterkg']:.0f} MB (with "
                f"workers), oxigraph {results['rss_mb']['oxigraph']:.0f} MB")  # fmt: skip
        finally:
            _stop(ck)
            _stop(ox)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


@click.command("endpoint")
@click.option("--build", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=BUILD_DIR, show_default=True, help="Build directory to serve.")
@click.option("--duration", type=float, default=5.0, show_default=True,
              help="Seconds per wrk run.")
@click.option("--repeats", type=int, default=2, show_default=True,
              help="Interleaved runs per server and setting (median).")
@click.option("--workers", type=int, default=4, show_default=True,
              help="clusterkg serve --workers.")
@click.option("--out", type=click.Path(path_type=Path), default=RESULTS, show_default=True)
def endpoint_command(build_dir: Path, duration: float, repeats: int, workers: int,
                     out: Path) -> None:  # fmt: skip
    """Load-test clusterkg serve against oxigraph serve on the same build."""
    run(build_dir, duration, repeats, workers, out, log=click.echo)
    click.echo(f"wrote {out}")
