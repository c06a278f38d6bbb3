"""``python -m benchmarks [--sizes 10k,100k,1M] [--quick] [--out DIR]``: run the suite."""

from benchmarks.commands import run_command

if __name__ == "__main__":
    run_command(prog_name="python -m benchmarks")
