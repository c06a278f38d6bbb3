"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: run the suite;
``python -m benchmarks shacl ...``: the SHACL benchmark (``benchmarks/shacl.py``)."""

import sys

from benchmarks.commands import run_command

if __name__ == "__main__":
    if sys.argv[1:2] == ["shacl"]:
        from benchmarks.shacl import shacl_command

        shacl_command(sys.argv[2:], prog_name="python -m benchmarks shacl")
    else:
        run_command(prog_name="python -m benchmarks")
