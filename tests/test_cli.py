"""The CLI answers --help for every command without importing the heavy modules."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from kg.cli import COMMANDS, cli


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_help_does_not_import_rdflib() -> None:
    code = "import sys; from kg.cli import cli; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
