"""Click commands shared by ``python -m benchmarks`` and ``clusterkg bench``."""

from __future__ import annotations

from pathlib import Path

import click

from benchmarks.scale import format_size, parse_size
from benchmarks.suite import RESULTS_DIR, Config, parse_sizes

SECTIONS = ("load", "queries", "shacl", "build", "cli", "extraction")


def _sizes(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        return parse_sizes(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from err


@click.command("run")
@click.option("--sizes", callback=_sizes, metavar="LIST",
              help="Comma-separated graph sizes, e.g. 10k,100k,1M (default 10k,100k,1M; "
              "--quick: 2k).")
@click.option("--quick", is_flag=True, help="Tiny size, one repetition: a smoke test.")
@click.option("--out", type=click.Path(path_type=Path), default=RESULTS_DIR, show_default=True,
              help="Directory for results.json and scaling.png.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--repeats", type=int, help="Repetitions per measurement (median; default 5).")
@click.option("--rdflib-timeout", type=float, default=30.0, show_default=True,
              help="Seconds per rdflib query before it is reported as '> N s'.")
@click.option("--pyshacl-max", default="100k", show_default=True,
              help="Largest size plain pyshacl runs at; larger sizes are extrapolated.")
@click.option("--skip", multiple=True, type=click.Choice(SECTIONS), help="Skip a section.")
@click.option("--merge", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An earlier results.json: keep its sizes that this run does not measure.")
def run_command(sizes: list[int] | None, quick: bool, out: Path, seed: int,
                repeats: int | None, rdflib_timeout: float, pyshacl_max: str,
                skip: tuple[str, ...], merge: Path | None) -> None:
    """Run the benchmark suite; print tables, write results.json and scaling.png."""
    from benchmarks.suite import run_suite

    if sizes is None:
        sizes = [2_000] if quick else [10_000, 100_000, 1_000_000]
    cfg = Config(sizes=sizes, out=out, seed=seed, quick=quick,
                 repeats=repeats or (1 if quick else 5),
                 rdflib_timeout=min(rdflib_timeout, 10.0) if quick else rdflib_timeout,
                 pyshacl_max=parse_size(pyshacl_max), skip=set(skip), merge=merge)
    run_suite(cfg)


@click.command("generate")
@click.option("--triples", "-n", required=True, help="Size, e.g. 10k, 1M, 10M.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True,
              help="N-Quads file to write (atomically).")
@click.option("--ontology/--no-ontology", default=True, show_default=True,
              help="Include the checkout's ontology graph (about 3.3k triples, counted in N).")
def generate_command(triples: str, seed: int, out: Path, ontology: bool) -> None:
    """Write a deterministic synthetic graph in the clusterkg shape as N-Quads."""
    import time

    from benchmarks.scale import generate

    try:
        n = parse_size(triples)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--triples") from err
    start = time.perf_counter()
    stats = generate(n, out, seed=seed, ontology=ontology)
    click.echo(f"wrote {stats['triples']:,} quads ({format_size(n)} asked) in "
               f"{stats['sources']} source graphs, {int(stats['bytes']) / 1e6:.1f} MB, "
               f"to {out} in {time.perf_counter() - start:.1f} s")
