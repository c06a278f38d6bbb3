"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: the load/query/SHACL
suite. ``python -m benchmarks AREA [ARGS]``: one area's benchmark, ``benchmarks/AREA.py``
(its ``AREA_command`` click command or its ``main(argv)``; ``--help`` lists its options):

- ``build``: ``clusterkg build`` on 2 to 1,000 articles, 1 vs 2 workers (:mod:`benchmarks.build`);
- ``peers``: loading and every stored query, embedded vs Oxigraph server vs Virtuoso
  (:mod:`benchmarks.peers`);
- ``shacl``: validation against Apache Jena (:mod:`benchmarks.shacl`, when it is there);
- ``endpoint``: the endpoint load test against ``oxigraph serve`` (:mod:`benchmarks.endpoint`);
- ``extraction``: extraction quality on the dev corpus (:mod:`benchmarks.extraction`).

``python -m benchmarks all``: every area with its defaults in one run, then the suite.
"""

import importlib
import sys

import click

from benchmarks.commands import run_command

#: the areas, in the order ``all`` runs them (a module that is not there yet is skipped)
AREAS = ("build", "peers", "shacl", "endpoint", "extraction")


def run_area(name: str, argv: list[str]) -> bool:
    """Run one area's benchmark with ``argv``; False when its module is not there."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"benchmarks.{name}":
            return False
        raise
    command = getattr(module, f"{name}_command", None)
    if isinstance(command, click.Command):
        command.main(args=argv, prog_name=f"python -m benchmarks {name}", standalone_mode=False)
    else:
        module.main(argv)
    return True


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "all":
        for area in AREAS:
            print(f"=== benchmarks {area}")
            if not run_area(area, []):
                print(f"=== benchmarks {area}: not available yet")
        run_command(args=args[1:], prog_name="python -m benchmarks all")
    elif args and args[0] in AREAS:
        if not run_area(args[0], args[1:]):
            sys.exit(f"error: benchmarks/{args[0]}.py is not there yet")
    else:
        run_command(prog_name="python -m benchmarks")
