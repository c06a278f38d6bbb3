"""``python -m benchmarks extraction``: extraction quality and throughput on the dev corpus.

1. Builds ``data/dev-corpus`` into a temporary folder (``kg.pipeline.run_build``) and scores it
   against the hand-written gold (``kg.evaluation``): precision, recall and F1 per language and
   category (entities; statistics by value, + subject, + indicator; relations).
2. Throughput of the per-article map step with the recognisers loaded: ``load_context`` once,
   then ``extract_article`` per document, timed in CPU seconds of this one process (per core)
   and in wall seconds, on the dev corpus and on the seed corpus.
3. The seed articles built with an empty curation folder, scored against today's curated rows
   (``data/curation/relations``): the share of curated memberships and relations that the
   automatic extractors find (issue #10: at least 60 %).

Writes ``benchmarks/results/extraction.json`` (atomically).
"""

from __future__ import annotations

import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = ROOT / "benchmarks" / "results" / "extraction.json"
#: the issue's criteria on the dev corpus (entity F1 per language, statistics recall with the
#: right subject, relation recall at a precision) and on the seed curation
TARGETS = {
    "entity_f1": 0.85,
    "statistics_recall": 0.70,
    "relation_recall": 0.50,
    "relation_precision": 0.80,
    "curated_share": 0.60,
}


def quality(corpus_dir: Path, gold_dir: Path, work: Path, validate: bool) -> dict[str, Any]:
    """Build ``corpus_dir`` into ``work`` and score it against ``gold_dir``."""
    from kg.evaluation import score_build
    from kg.pipeline import run_build

    started = time.perf_counter()
    summary = run_build(corpus_dir=corpus_dir, out_dir=work, progress=False, validate=validate)
    build_s = time.perf_counter() - started
    scores = score_build(work, gold_dir)
    return {"build_s": round(build_s, 2), "sources": summary.sources, "scores": scores}


def _median(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median (CPU seconds, wall seconds) of ``repeats`` runs of ``fn``."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def throughput(corpora: dict[str, Path], repeats: int) -> dict[str, Any]:
    """Articles/s and MB/s (raw text) of ``extract_article`` with the context loaded once."""
    from kg.corpus import load_corpus
    from kg.extract.article import extract_article, load_context

    c0, w0 = time.process_time(), time.perf_counter()
    context = load_context()
    out: dict[str, Any] = {
        "context_load_cpu_s": round(time.process_time() - c0, 3),
        "context_load_wall_s": round(time.perf_counter() - w0, 3),
        "extractors": context.extractors,
    }
    for name, corpus_dir in corpora.items():
        docs = load_corpus(corpus_dir)
        mb = sum(len(d.raw_text.encode("utf-8")) for d in docs) / 1e6

        def extract_each(docs: list[Any] = docs) -> None:
            for doc in docs:
                extract_article(doc, context)

        extract_each()  # warm caches (lemmatiser, compiled patterns) before timing
        cpu, wall = _median(extract_each, repeats)
        out[name] = {
            "articles": len(docs),
            "raw_mb": round(mb, 4),
            "cpu_s": round(cpu, 4),
            "wall_s": round(wall, 4),
            "articles_per_s_per_core": round(len(docs) / cpu, 2) if cpu else None,
            "mb_per_s_per_core": round(mb / cpu, 4) if cpu else None,
            "articles_per_s_wall": round(len(docs) / wall, 2) if wall else None,
        }
    return out


def curated_share(corpus_dir: Path, curation_dir: Path, work: Path) -> dict[str, Any]:
    """Build ``corpus_dir`` with an empty curation folder; score the curated rows as gold."""
    from kg.corpus.catalogue import read_catalogue
    from kg.evaluation import ALL, Gold, gold_from_curation, score_store
    from kg.namespace import CK
    from kg.pipeline import run_build
    from kg.store import open_store

    empty = work / "no-curation"
    empty.mkdir(parents=True)
    run_build(
        corpus_dir=corpus_dir,
        out_dir=work / "build",
        progress=False,
        validate=False,
        curation_dir=empty,
    )
    languages = {
        Path(e.file).stem: str(e.fields.get("language")) for e in read_catalogue(corpus_dir)
    }
    golds = gold_from_curation(curation_dir, languages)
    store = open_store(work / "build")
    member = str(CK) + "hasMember"
    out: dict[str, Any] = {}
    for part, keep in (
        ("memberships", lambda p: p == member),
        ("other relations", lambda p: p != member),
        ("all", lambda p: True),
    ):
        subset = [
            Gold(
                source=g.source,
                language=g.language,
                relations=tuple(r for r in g.relations if keep(r.predicate)),
            )
            for g in golds
        ]
        tally = score_store(store, subset).tally(ALL, "relations")
        out[part] = {
            "curated": tally.gold,
            "found": tally.found,
            "share": round(tally.recall, 4) if tally.recall is not None else None,
        }
        if part == "all":
            out["missed"] = tally.misses
    return out


def _row(scores: Any, lang: str, cat: str) -> Any:
    return scores.tallies.get((lang, cat))


def criteria(scores: Any, share: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's 'Done when' figures, measured, with whether each is met."""
    out = []
    for lang in scores.languages:
        if lang == "all":
            continue
        t = _row(scores, lang, "entities")
        out.append(
            {
                "criterion": f"entity F1 >= {TARGETS['entity_f1']} ({lang})",
                "measured": t.f1,
                "met": t.f1 is not None and t.f1 >= TARGETS["entity_f1"],
            }
        )
    st = _row(scores, "all", "statistics")
    out.append(
        {
            "criterion": f"statistics recall with the right subject >= "
            f"{TARGETS['statistics_recall']}",
            "measured": st.recall,
            "met": st.recall is not None and st.recall >= TARGETS["statistics_recall"],
        }
    )
    rel = _row(scores, "all", "relations")
    ok = (rel.recall or 0) >= TARGETS["relation_recall"] and (rel.precision or 0) >= TARGETS[
        "relation_precision"
    ]
    out.append(
        {
            "criterion": f"relation recall >= {TARGETS['relation_recall']} at precision >= "
            f"{TARGETS['relation_precision']}",
            "measured": rel.recall,
            "precision": rel.precision,
            "met": ok,
        }
    )
    s = share["all"]["share"]
    out.append(
        {
            "criterion": f"curated memberships and relations found >= {TARGETS['curated_share']}",
            "measured": s,
            "met": s is not None and s >= TARGETS["curated_share"],
        }
    )
    return out


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f} %"


@click.command("extraction")
@click.option(
    "--repeats",
    type=int,
    default=5,
    show_default=True,
    help="Repetitions of the throughput measurement (median).",
)
@click.option("--quick", is_flag=True, help="One repetition, no SHACL validation.")
@click.option("--details", is_flag=True, help="Also print the misses and false positives.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=RESULTS_FILE,
    show_default=True,
    help="JSON file to write.",
)
def extraction_command(repeats: int, quick: bool, details: bool, out: Path) -> None:
    """Score the extractors on the dev corpus (P/R/F1 per language and category), measure
    per-article throughput with the recognisers loaded, and the share of the seed curation
    the automatic extractors find."""
    from kg.atomic import write_text_atomic
    from kg.evaluation import DEV_CORPUS_DIR
    from kg.paths import CORPUS_DIR, CURATION_DIR

    repeats = 1 if quick else max(1, repeats)
    with tempfile.TemporaryDirectory(prefix="clusterkg-bench-extraction-") as tmp:
        work = Path(tmp)
        click.echo(f"== dev corpus: build and score ({DEV_CORPUS_DIR})", err=True)
        q = quality(DEV_CORPUS_DIR, DEV_CORPUS_DIR / "gold", work / "dev", validate=not quick)
        scores = q["scores"]
        click.echo(f"== throughput (extract_article, {repeats} repetition(s))", err=True)
        speed = throughput({"dev_corpus": DEV_CORPUS_DIR, "seed_corpus": CORPUS_DIR}, repeats)
        click.echo("== seed articles without curation, against the curated rows", err=True)
        share = curated_share(CORPUS_DIR, CURATION_DIR, work / "seed")

    click.echo(f"\nDev corpus: {q['sources']} articles, built in {q['build_s']} s\n")
    click.echo(scores.format_table())
    if scores.unscorable:
        click.echo(
            f"\n{len(scores.unscorable)} gold relations not scorable yet (predicate "
            "not in the ontology: ck:foundedBy, ck:spinOffOf)"
        )
    if details:
        for (lang, cat), t in sorted(scores.tallies.items()):
            if lang == "all":
                continue
            for kind, items in (("miss", t.misses), ("false positive", t.false_positives)):
                for item in items:
                    click.echo(f"  {lang:<8} {cat:<21} {kind:<15} {item}")
        for item in scores.wrong_types:
            click.echo(f"  wrong type: {item}")
    click.echo(f"\nThroughput, recognisers loaded (context {speed['context_load_wall_s']} s):")
    for name in ("dev_corpus", "seed_corpus"):
        s = speed[name]
        click.echo(
            f"  {name:<12} {s['articles']:>3} articles, {s['raw_mb'] * 1000:.0f} kB: "
            f"{s['articles_per_s_per_core']} articles/s, {s['mb_per_s_per_core']} MB/s "
            f"per core (CPU time; wall {s['articles_per_s_wall']} articles/s)"
        )
    click.echo("\nSeed curation found by the automatic extractors (built without curation):")
    for part in ("memberships", "other relations", "all"):
        p = share[part]
        click.echo(f"  {part:<16} {p['found']:>3} / {p['curated']:<3} {_pct(p['share'])}")
    met = criteria(scores, share)
    click.echo("\nDone-when criteria (issue #10):")
    for c in met:
        click.echo(f"  [{'x' if c['met'] else ' '}] {c['criterion']}: {_pct(c['measured'])}")

    result = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "dev_corpus": {"articles": q["sources"], "build_s": q["build_s"], **scores.to_json()},
        "throughput": speed,
        "curated_share": share,
        "criteria": met,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    click.echo(f"\nwrote {out}")
