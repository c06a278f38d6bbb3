"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: run the suite.

``python -m benchmarks extraction [--quick] [--details]``: extraction quality on the dev corpus
(:mod:`benchmarks.extraction`).
"""

import sys

from benchmarks.commands import run_command

if __name__ == "__main__":
    if sys.argv[1:2] == ["extraction"]:
        from benchmarks.extraction import extraction_command

        extraction_command(args=sys.argv[2:], prog_name="python -m benchmarks extraction")
    else:
        run_command(prog_name="python -m benchmarks")
