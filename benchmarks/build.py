"""Build benchmarks: ``clusterkg build`` on corpora of N articles, 1 vs 2 workers, peak memory.

``python -m benchmarks build --articles 2,20,100,1000`` makes (once, under
``/work/bench-data/`` or ``--data``) corpora of varied copies of the seed articles and times
``clusterkg build`` on each in a fresh interpreter, with ``--workers 1`` and ``--workers 2``
interleaved (ratios of medians from one run). Peak memory is ``VmHWM`` of the build process
and of each of its child processes (extraction workers, the forkserver that preloads their
models, the dump writer), sampled from ``/proc`` while the build runs, and the peak of the
sum of every process's PSS (proportional set size: pages shared between processes, such as
the models the workers inherit from the forkserver, are counted once in all; sampled once
a second, VmHWM ten times). CPU time is
that of the build process (``os.times``) plus the last sampled ``/proc/PID/stat`` time of each
descendant.

A copy is the seed article with one added first line naming the copy (so every copy has its
own content hash and source IRI); the curated relations of the seed are copied with the
copy's source id, so every copy has curated facts too, except rows whose object is a node
of the seed's graph named by a content hash (``id:observation/...``: the copy's statistic has
another IRI, so the row would name a node the copy lacks). The table/figure specs
(``data/curation/tables``) name only the seed articles, so copies have no tables.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path("/work/bench-data")
#: a curated row naming a node of the seed's own graph (one line: the rows are flow mappings)
SEED_NODE = re.compile(r"object: id:observation/")
GENERATOR_VERSION = b"2"  # part of the corpus stamp: corpora of older generators are remade

_CHILD = r"""
import json, os, re, sys, threading, time
from pathlib import Path

peaks = {}
stop = threading.Event()

def descendants(root):
    kids, found = {root}, set()
    while kids:
        pid = kids.pop()
        try:
            children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        except OSError:
            continue
        for child in map(int, children):
            if child not in found:
                found.add(child)
                kids.add(child)
    return found

total = [0]
cpu_ticks = {}

def sample():
    me = os.getpid()
    tick = 0
    while not stop.is_set():
        pss, tick = 0, tick + 1
        with_pss = tick % 10 == 1  # smaps_rollup costs the kernel a page-table walk: 1/s
        for pid in descendants(me) | {me}:
            try:
                status = open(f"/proc/{pid}/status").read()
                rollup = open(f"/proc/{pid}/smaps_rollup").read() if with_pss else ""
            except OSError:
                continue
            if pid != me:
                try:
                    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                    cpu_ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
                except (OSError, IndexError):
                    pass
            hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
            if hwm and pid != me:
                peaks[pid] = max(peaks.get(pid, 0), int(hwm.group(1)))
            found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
            pss += int(found.group(1)) if found else 0
        if with_pss:
            total[0] = max(total[0], pss)
        stop.wait(0.1)

thread = threading.Thread(target=sample, daemon=True)
thread.start()
start = time.perf_counter()
from kg.pipeline import run_build
summary = run_build(corpus_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), progress=False,
                    workers=int(sys.argv[3]), cache_dir=None)
wall = time.perf_counter() - start
own = os.times()
cpu = own.user + own.system + sum(cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
stop.set()
thread.join()
hwm = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read())
workers = sorted(peaks.values(), reverse=True)
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "main_peak_mb": int(hwm.group(1)) / 1024,
                  "worker_peak_mb": [w / 1024 for w in workers],
                  "total_pss_peak_mb": total[0] / 1024,
                  "triples": summary.triples, "articles": summary.sources,
                  "timings": summary.timings,
                  "cpu_timings": summary.cpu_timings, "peak_mb": summary.peak_mb,
                  "violations": summary.violations}))
"""


def make_corpus(n: int, out: Path) -> Path:
    """A corpus of ``n`` varied copies of the seed articles (with their curated relations),
    made again when the seeds' catalogue or curated relations changed (``.seeds-sha256``)."""
    import yaml

    from kg.paths import CORPUS_DIR, CURATION_DIR

    seeds_text = (CORPUS_DIR / "sources.yaml").read_bytes()
    stamp = hashlib.sha256(GENERATOR_VERSION + seeds_text)
    for path in sorted((CURATION_DIR / "relations").glob("*.yaml")):
        stamp.update(path.name.encode() + path.read_bytes())
    made = out / ".seeds-sha256"
    if made.is_file() and made.read_text() == stamp.hexdigest():
        return out
    if out.is_dir():  # made from older seeds or curation: make it again
        import shutil

        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = yaml.safe_load(seeds_text.decode("utf-8"))
    relations = out / "curation" / "relations"
    relations.mkdir(parents=True, exist_ok=True)
    catalogue = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        stem = Path(seed["file"]).stem
        copy = f"{i:05d}_copy_of_{stem[:3]}"
        text = (CORPUS_DIR / seed["file"]).read_text(encoding="utf-8")
        (out / f"{copy}.txt").write_text(f"Copy {i} of {stem}.\n{text}", encoding="utf-8")
        catalogue.append({**seed, "file": f"{copy}.txt"})
        curated = CURATION_DIR / "relations" / f"{stem}.yaml"
        if curated.is_file():
            rows = curated.read_text(encoding="utf-8").replace(stem, copy).splitlines(True)
            (relations / f"{copy}.yaml").write_text(
                "".join(r for r in rows if not SEED_NODE.search(r)), encoding="utf-8")
    (out / "sources.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True),
                                      encoding="utf-8")
    made.write_text(stamp.hexdigest())
    return out


def measure(corpus: Path, workers: int, out: Path) -> dict[str, Any]:
    """One ``clusterkg build`` in a fresh interpreter: wall time and peak memory."""
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(corpus), str(out), str(workers)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError((proc.stderr or proc.stdout).strip().splitlines()[-1])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_builds(sizes: list[int], data: Path, repeats: int = 3,
                 log: Any = print, workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """Per corpus size: 1 and 2 workers interleaved, medians, speed-up and memory."""
    import tempfile

    out: dict[str, Any] = {}
    for n in sizes:
        corpus = make_corpus(n, data / f"corpus-{n}")
        reps = repeats if n <= 100 else 1
        runs: dict[int, list[dict[str, Any]]] = {w: [] for w in workers}
        load_before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="clusterkg-bench-build-") as tmp:
            for _ in range(reps):
                for w in workers:
                    runs[w].append(measure(corpus, w, Path(tmp) / f"w{w}"))
                    log(f"  run: {n} articles, {w} worker(s): {json.dumps(runs[w][-1])}")
        first = runs[workers[0]][0]
        row: dict[str, Any] = {"articles": n, "triples": first["triples"], "runs": reps,
                               "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                               "load_before": load_before, "load_after": os.getloadavg()[0]}
        for count, rs in runs.items():
            wall = statistics.median(r["wall_s"] for r in rs)
            row[f"workers{count}"] = {
                "wall_s": wall, "articles_per_s": n / wall,
                "main_peak_mb": max(r["main_peak_mb"] for r in rs),
                "worker_peak_mb": max(max(r["worker_peak_mb"], default=0) for r in rs),
                "total_pss_peak_mb": max(r["total_pss_peak_mb"] for r in rs),
                "cpu_s": statistics.median(r["cpu_s"] for r in rs),
                "timings": rs[len(rs) // 2]["timings"],
                "main_cpu_timings": rs[len(rs) // 2]["cpu_timings"]}
        if 1 in runs and 2 in runs:
            row["speedup"] = row["workers1"]["wall_s"] / row["workers2"]["wall_s"]
        out[str(n)] = row
        for w in workers:
            r = row[f"workers{w}"]
            log(f"  build {n} articles ({row['triples']:,} triples), {w} worker(s): "
                f"{r['wall_s']:.1f} s ({r['articles_per_s']:.2f} articles/s, "
                f"CPU {r['cpu_s']:.0f} s); "
                f"peak main {r['main_peak_mb']:.0f} MB, per worker {r['worker_peak_mb']:.0f} MB, "
                f"all processes (PSS) {r['total_pss_peak_mb']:.0f} MB")
        if "speedup" in row:
            log(f"  speed-up 2 workers / 1: {row['speedup']:.2f}x")
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks build [--articles 2,20,100] [--data DIR] [--repeats N]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks build", description=__doc__)
    parser.add_argument("--articles", default="2,20,100")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="Worker counts to compare.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in re.split(r"[,\s]+", args.articles) if x]
    results = bench_builds(sizes, args.data, args.repeats,
                           workers=tuple(int(w) for w in args.workers.split(",")))
    from kg.atomic import write_text_atomic

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "build.json"
    old = json.loads(path.read_text()) if path.is_file() else {}
    old.update(results)
    write_text_atomic(path, json.dumps(old, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
