"""Markdown tables from ``results.json``: ``python -m benchmarks.report [results.json]``.

Used to write the measured tables of benchmarks/README.md (and the README section).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.scale import format_size
from benchmarks.suite import RESULTS_DIR


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def _s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def summary_table(results: dict[str, Any]) -> str:
    """One row per size: load, queries (median/max, ratio to rdflib, overhead), SHACL."""
    lines = [
        "| triples | load N-Quads: pyoxigraph / rdflib (ratio) | stored queries: median / "
        "slowest (pyoxigraph) | median ratio rdflib / pyoxigraph | kg.query overhead (median) "
        "| SHACL: clusterkg validate / plain pyshacl (ratio) |",
        "|---|---|---|---|---|---|",
    ]
    for size, per in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        load = per.get("load", {}).get("nq", {})
        load_txt = _s(load.get("oxigraph_s"))
        if load.get("rdflib_s"):
            load_txt += f" / {_s(load['rdflib_s'])} ({load['ratio']:.0f}x)"
        qs = [r for r in per.get("queries", {}).values() if isinstance(r, dict)
              and "oxigraph_ms" in r]  # fmt: skip
        stuck = [r["oxigraph_timeout_s"] for r in per.get("queries", {}).values()
                 if isinstance(r, dict) and "oxigraph_timeout_s" in r]  # fmt: skip
        if qs:
            times = [r["oxigraph_ms"] for r in qs] + [t * 1000 for t in stuck]
            slowest = f"> {max(stuck):.0f} s (stopped)" if stuck else _ms(max(times))
            q_txt = f"{_ms(statistics.median(times))} / {slowest}"
            ratios = [r.get("ratio") or r.get("ratio_at_least") for r in qs]
            ratios = [x for x in ratios if x]
            timeouts = sum(1 for r in qs if "rdflib_timeout_s" in r)
            r_txt = f"{statistics.median(ratios):.0f}x" if ratios else "-"
            if timeouts:
                limit = results["meta"].get("rdflib_timeout_s", 30)
                r_txt += f" ({timeouts} of {len(qs)} rdflib runs > {limit:.0f} s: at the limit)"
            ov = f"{statistics.median(r['layer_overhead'] for r in qs):+.0%}"
        else:
            q_txt, r_txt, ov = "not available", "-", "-"
        shacl = per.get("shacl", {})
        if shacl.get("ours_s"):
            sh = _s(shacl["ours_s"])
            if shacl.get("pyshacl_s"):
                sh += f" / {_s(shacl['pyshacl_s'])} ({shacl['ratio']:.1f}x)"
            elif shacl.get("pyshacl_extrapolated_s"):
                sh += (f" / ~{_s(shacl['pyshacl_extrapolated_s'])} extrapolated "
                       f"(~{shacl['ratio_extrapolated']:.0f}x)")  # fmt: skip
            elif shacl.get("pyshacl_timeout_s"):
                sh += f" / > {_s(shacl['pyshacl_timeout_s'])} (> {shacl['ratio_at_least']:.1f}x)"
        elif shacl.get("ours_predicted_s"):
            sh = f"not run (~{_s(shacl['ours_predicted_s'])} extrapolated)"
        else:
            sh = str(shacl.get("error") or shacl.get("status") or "-")[:50]
        lines.append(f"| {format_size(int(size))} ({per['generate']['triples']:,}) | {load_txt} "
                     f"| {q_txt} | {r_txt} | {ov} | {sh} |")  # fmt: skip
    return "\n".join(lines)


def targets_table(results: dict[str, Any]) -> str:
    """The targets with measured figures and met / missed."""
    lines = ["| target | goal | measured | met |", "|---|---|---|---|"]
    for t in results.get("targets", []):
        met = {True: "yes", False: "**missed**", None: "-"}[t["met"]]
        lines.append(f"| {t['target']} | {t['goal']} | {t['measured']} | {met} |")
    return "\n".join(lines)


def queries_table(results: dict[str, Any], size: str | None = None) -> str:
    """Per stored query at one size (default: the largest)."""
    if size is None:
        size = max(results["sizes"], key=int)
    per = results["sizes"][size]
    timeout = results["meta"].get("rdflib_timeout_s", 30)
    lines = [f"Stored queries at {format_size(int(size))} triples:", "",
             "| query | rows | pyoxigraph | kg.query | overhead | rdflib | ratio |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, row in per.get("queries", {}).items():
        if isinstance(row, dict) and "oxigraph_timeout_s" in row:
            lines.append(f"| {name} | ? | > {row['oxigraph_timeout_s']:.0f} s (stopped) "
                         "| - | - | not run | - |")
            continue
        if not isinstance(row, dict) or "oxigraph_ms" not in row:
            continue
        if row.get("rdflib_ms") is not None:
            rl, ratio = _ms(row["rdflib_ms"]), f"{row['ratio']:.0f}x"
        elif "rdflib_timeout_s" in row:
            rl, ratio = f"> {timeout:.0f} s", f"> {row['ratio_at_least']:.0f}x"
        else:
            rl, ratio = "-", "-"
        lines.append(f"| {name} | {row.get('rows', '')} | {_ms(row['oxigraph_ms'])} | "
                     f"{_ms(row['ours_ms'])} | {row['layer_overhead']:+.0%} | {rl} | {ratio} |")
    return "\n".join(lines)


def other_table(results: dict[str, Any]) -> str:
    """Build, CLI cold start, extraction throughput."""
    build, cli = results.get("build", {}), results.get("cli", {})
    ext = results.get("extraction", {})
    rows = ["| measure | value |", "|---|---|"]
    if "wall_s" in build:
        rows.append(f"| clusterkg build (wall, median of {build.get('runs')}) | "
                    f"{_s(build['wall_s'])}, peak RSS {build['peak_rss_mb']:.0f} MB |")
    else:
        rows.append(f"| clusterkg build | {build.get('status') or build.get('error')} |")
    if "help_s" in cli:
        rows.append(f"| clusterkg --help (cold, median of 5) | {cli['help_s'] * 1000:.0f} ms |")
    if "query_s" in cli:
        where = results.get("cli_store", "the build")
        rows.append(f"| clusterkg query {cli.get('query_name')} (cold, on {where}) | "
                    f"{cli['query_s'] * 1000:.0f} ms |")
    if "articles_per_s" in ext:
        rows.append(f"| extraction per article (clean + extract) | "
                    f"{ext['articles_per_s']:.1f} articles/s, {ext['mb_per_s']:.2f} MB/s "
                    f"({ext['articles']} articles, {ext['raw_mb'] * 1000:.0f} kB) |")
        if "articles_per_s_with_rdf" in ext:
            rows.append(f"| ... plus the article's RDF (the map step) | "
                        f"{ext['articles_per_s_with_rdf']:.1f} articles/s, "
                        f"{ext['mb_per_s_with_rdf']:.2f} MB/s |")
    elif ext:
        rows.append(f"| extraction per article | {ext.get('extract') or ext.get('status')} |")
    return "\n".join(rows)


START, END = "<!-- results:start -->", "<!-- results:end -->"


def all_tables(results: dict[str, Any]) -> str:
    """Every table, with the run's date, commit and machine."""
    meta = results["meta"]
    head = (f"Measured {meta['date']} at commit {meta.get('git')}, {meta['machine']}, Python "
            f"{meta['python']}, pyoxigraph {meta['pyoxigraph']}, rdflib {meta['rdflib']}, "
            f"pyshacl {meta['pyshacl']}.")  # fmt: skip
    if meta.get("merged"):
        merged = meta["merged"]
        head += (f" Sizes {', '.join(format_size(int(z)) for z in merged['sizes'])} and "
                 f"sections {', '.join(merged.get('sections') or []) or '-'} come from the run "
                 f"of {merged['from'].get('date')} (commit {merged['from'].get('git')}).")
    return "\n\n".join([head, summary_table(results), targets_table(results),
                        other_table(results), queries_table(results)])


def update_readme(results: dict[str, Any], readme: Path) -> None:
    """Replace the text between the results markers of ``readme`` with the tables."""
    from kg.atomic import write_text_atomic

    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: no {START} ... {END} markers")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    write_text_atomic(readme, f"{before}{START}\n{all_tables(results)}\n{END}{after}")


def _load(row: dict[str, Any]) -> str:
    load = row.get("load_before")
    return "-" if load is None else f"{load:.1f}"


def build_table(build: dict[str, Any]) -> str:
    """``build.json`` (``python -m benchmarks build``): one row per corpus size."""
    lines = ["| articles | triples | 1 worker | 2 workers | speed-up | CPU: 1 / 2 workers "
             "| articles/s (2 workers) | peak memory (2 workers): build process / per worker / "
             "all processes (PSS) | machine load (1 min) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, row in sorted(build.items(), key=lambda kv: int(kv[0])):
        w1, w2 = row.get("workers1", {}), row.get("workers2", {})
        pss = w2.get("total_pss_peak_mb")
        lines.append(
            f"| {n} | {row['triples']:,} | {_s(w1.get('wall_s'))} | {_s(w2.get('wall_s'))} | "
            + (f"{row['speedup']:.2f}x" if "speedup" in row else "-")
            + f" | {_s(w1.get('cpu_s'))} / {_s(w2.get('cpu_s'))}"
            + f" | {w2.get('articles_per_s', 0):.2f} | {w2.get('main_peak_mb', 0):.0f} MB / "
            f"{w2.get('worker_peak_mb', 0):.0f} MB / "
            + (f"{pss:.0f} MB" if pss is not None else "-")
            + f" | {_load(row)} |")
    return "\n".join(lines)


def peers_table(peers: dict[str, Any]) -> str:
    """``peers.json`` (``python -m benchmarks peers``): summary per size, then per query."""
    out = ["| triples | load: pyoxigraph / Oxigraph server / Virtuoso | CQ median: embedded / "
           "Oxigraph server / Virtuoso | slowest (embedded) | over 1 s | slower than Virtuoso "
           "| kg.query overhead (median) | answers differ |",
           "|---|---|---|---|---|---|---|---|"]
    for size, per in sorted(peers.items(), key=lambda kv: kv[1]["triples"]):
        qs = per["queries"].values()

        def med(key: str, rows: Any = qs) -> str:
            values = [r[key] for r in rows if key in r]
            return _ms(statistics.median(values)) if values else "-"

        sm, load = per["summary"], per["load"]
        out.append(
            f"| {size} ({per['triples']:,}) | {_s(load['pyoxigraph_s'])} / "
            f"{_s(load['oxigraph_server_s'])} / {_s(load['virtuoso_s'])} | "
            f"{med('embedded_ms')} / {med('oxigraph_ms')} / {med('virtuoso_ms')} | "
            f"{_ms(sm['slowest_ms'])} | {', '.join(sm['over_1s']) or 'none'} | "
            f"{', '.join(sm['slower_than_virtuoso']) or 'none'} | "
            f"{sm['overhead_median']:+.1%} | {', '.join(sm['differ']) or 'none'} |")
    for size, per in sorted(peers.items(), key=lambda kv: kv[1]["triples"]):
        out += ["", f"Stored queries at {size}:", "",
                "| query | rows | embedded (kg.query) | bare pyoxigraph | Oxigraph server | "
                "Virtuoso | Virtuoso / embedded |", "|---|---|---|---|---|---|---|"]
        for name, r in per["queries"].items():
            ratio = (f"{r['virtuoso_ms'] / r['embedded_ms']:.1f}x" if r.get("virtuoso_ms")
                     else r.get("virtuoso_error", "-")[:40])
            out.append(f"| {name} | {r['rows']} | {_ms(r['embedded_ms'])} | {_ms(r['bare_ms'])} "
                       f"| {_ms(r.get('oxigraph_ms'))} | {_ms(r.get('virtuoso_ms'))} | {ratio} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Print every table as Markdown; ``--readme FILE`` writes them into FILE instead.
    ``build`` / ``peers`` as the first argument: the tables of ``build.json`` / ``peers.json``."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("build", "peers"):
        data = json.loads((RESULTS_DIR / f"{args[0]}.json").read_text(encoding="utf-8"))
        print(build_table(data) if args[0] == "build" else peers_table(data))
        return
    readme = None
    if "--readme" in args:
        at = args.index("--readme")
        readme = Path(args[at + 1])
        args = args[:at] + args[at + 2:]
    path = Path(args[0]) if args else RESULTS_DIR / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    if readme is not None:
        update_readme(results, readme)
    else:
        print(all_tables(results))


if __name__ == "__main__":
    main()
