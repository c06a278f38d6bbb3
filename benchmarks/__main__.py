"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: run the suite.

Areas with a benchmark of their own: ``python -m benchmarks AREA --help``.

- ``extraction``: extraction quality on the dev corpus (:mod:`benchmarks.extraction`);
- ``endpoint``: the endpoint load test against ``oxigraph serve`` (:mod:`benchmarks.endpoint`);
- ``shacl``: the fast engine against Apache Jena's SHACL and pyshacl (:mod:`benchmarks.shacl`).
"""

import importlib
import sys

from benchmarks.commands import run_command

#: area -> (module, click command in it)
AREAS = {
    "extraction": ("benchmarks.extraction", "extraction_command"),
    "endpoint": ("benchmarks.endpoint", "endpoint_command"),
    "shacl": ("benchmarks.shacl", "shacl_command"),
}

if __name__ == "__main__":
    area = sys.argv[1] if len(sys.argv) > 1 else ""
    if area in AREAS:
        module, name = AREAS[area]
        command = getattr(importlib.import_module(module), name)
        command(args=sys.argv[2:], prog_name=f"python -m benchmarks {area}")
    else:
        run_command(prog_name="python -m benchmarks")
