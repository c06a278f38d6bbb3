"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: the load/query/SHACL
suite; ``python -m benchmarks AREA [ARGS]``: one area's benchmark (``benchmarks/AREA.py``,
whose ``main(argv)`` takes its own options); ``python -m benchmarks all``: every area in one
run, then the suite."""

import importlib
import sys

from benchmarks.commands import run_command

#: the areas, in the order ``all`` runs them (a module that is not there yet is skipped)
AREAS = ("build", "peers", "shacl", "endpoint", "extraction")


def run_area(name: str, argv: list[str]) -> bool:
    """Run ``benchmarks.<name>.main(argv)``; False when that module does not exist."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as err:
        if err.name == f"benchmarks.{name}":
            return False
        raise
    module.main(argv)
    return True


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "all":
        for area in AREAS:
            print(f"=== benchmarks {area}" if run_area(area, []) else
                  f"=== benchmarks {area}: not available yet")
        run_command(args=args[1:], prog_name="python -m benchmarks all")
    elif args and args[0] in AREAS:
        if not run_area(args[0], args[1:]):
            sys.exit(f"error: benchmarks/{args[0]}.py is not there yet")
    else:
        run_command(prog_name="python -m benchmarks")
