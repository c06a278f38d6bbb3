"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: run the suite;
``python -m benchmarks endpoint [--duration S]``: the endpoint load test."""

import sys

from benchmarks.commands import run_command

if __name__ == "__main__":
    if sys.argv[1:2] == ["endpoint"]:
        from benchmarks.endpoint import endpoint_command

        endpoint_command(sys.argv[2:], prog_name="python -m benchmarks endpoint")
    else:
        run_command(prog_name="python -m benchmarks")
