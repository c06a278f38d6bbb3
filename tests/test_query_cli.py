"""``clusterkg queries`` and ``clusterkg query`` as a user runs them (subprocess, exit codes)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from servers import closed_port

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "queries" / "fixture.nq"
ID = "https://w3id.org/clusterkg/id/"


def clusterkg(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter, as the console script does."""
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(HERE.parent)})


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build directory holding the fixture graph as clusterkg.nq."""
    out = tmp_path_factory.mktemp("build")
    shutil.copy(FIXTURE, out / "clusterkg.nq")
    return out


@pytest.fixture
def queries_dir(tmp_path: Path) -> Path:
    """A queries directory with one good, one broken and one parameterised query."""
    (tmp_path / "cq").mkdir()
    (tmp_path / "checks").mkdir()
    (tmp_path / "cq" / "CQ01-count.rq").write_text(
        "# CQ: Count\n# Question: q\n# Params: none\n# Terms: t\n# Expects: e\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "cq" / "CQ02-broken.rq").write_text(
        "# CQ: Broken\n# Question: q\n# Params: none\n# Terms: t\n# Expects: e\n"
        "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}\n", encoding="utf-8")
    (tmp_path / "cq" / "CQ03-needs-limit.rq").write_text(
        "# CQ: Needs a value\n# Question: q\n# Params: place (iri, required)\n# Terms: t\n"
        "# Expects: e\nSELECT ?place ?p WHERE { ?place ?p ?o }\n", encoding="utf-8")
    return tmp_path


def test_queries_lists_names_titles_and_parameters() -> None:
    result = clusterkg("queries")
    assert result.returncode == 0, result.stderr
    assert "CQ03-statistics-by-area" in result.stdout
    assert "Statistics about an area, with value, unit and quote" in result.stdout
    assert "area (iri, id:place/usa)" in result.stdout
    assert "quote-offset-mismatch-violation" in result.stdout


def test_query_json_on_the_embedded_store(build: Path) -> None:
    result = clusterkg("query", "CQ12", "--param", "area=id:place/germany", "--format", "json",
                       "--build", str(build))
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [b["cluster"]["value"] for b in bindings] == [
        ID + "cluster/german-automotive-cluster"]
    assert bindings[0]["area"] == {"type": "uri", "value": ID + "place/germany"}


def test_query_table_csv_and_output_file(build: Path, tmp_path: Path) -> None:
    table = clusterkg("query", "CQ13-place-hierarchy", "--build", str(build))
    assert table.returncode == 0, table.stderr
    assert "Santa Clara County" in table.stdout and "3 rows" in table.stdout
    out = tmp_path / "answer.csv"
    result = clusterkg("query", "CQ13-place-hierarchy", "--format", "csv", "--build",
                       str(build), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == \
        "place,placeLabel,ancestor,ancestorLabel"
    ttl = clusterkg("query", "CQ19", "--format", "ttl", "--build", str(build))
    assert ttl.returncode == 0 and "ck:hasMember" in ttl.stdout


def test_unknown_query_lists_the_available_ones(build: Path) -> None:
    result = clusterkg("query", "CQ99-nothing", "--build", str(build))
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown query 'CQ99-nothing'; available: ")
    assert "CQ01-clusters-by-country-and-sector" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_ill_typed_parameter_names_parameter_and_type(build: Path) -> None:
    result = clusterkg("query", "CQ29", "--param", "threshold=high", "--build", str(build))
    assert result.returncode == 2
    assert "parameter threshold (decimal): invalid value 'high'" in result.stderr
    result = clusterkg("query", "CQ03", "--param", "area=usa", "--build", str(build))
    assert result.returncode == 2 and "parameter area (iri)" in result.stderr


def test_missing_parameter_names_parameter_and_type(build: Path, queries_dir: Path) -> None:
    result = clusterkg("query", "CQ03", "--queries-dir", str(queries_dir), "--build", str(build))
    assert result.returncode == 2
    assert "CQ03-needs-limit: missing parameter place (iri)" in result.stderr


def test_syntax_error_points_to_file_and_line(build: Path, queries_dir: Path) -> None:
    result = clusterkg("query", "CQ02", "--queries-dir", str(queries_dir), "--build", str(build))
    assert result.returncode == 2
    assert f"{queries_dir / 'cq' / 'CQ02-broken.rq'}:8: SPARQL syntax error" in result.stderr


def test_missing_build_says_run_build_first(tmp_path: Path) -> None:
    result = clusterkg("query", "CQ13", "--build", str(tmp_path))
    assert result.returncode == 2
    assert "run clusterkg build first" in result.stderr


def test_unreachable_endpoint_fails_fast_with_one_line() -> None:
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    start = time.monotonic()
    result = clusterkg("query", "CQ13", "--endpoint", url, "--timeout", "3")
    assert time.monotonic() - start < 10
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {url}: cannot connect ([Errno 111] " \
        "Connection refused)"


def test_injection_through_a_parameter_is_a_plain_literal(build: Path) -> None:
    before = (build / "clusterkg.nq").read_bytes()
    result = clusterkg("query", "CQ33-search-labels", "--param", 'text="} DROP ALL {',
                       "--format", "json", "--build", str(build))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert (build / "clusterkg.nq").read_bytes() == before


def test_help_of_query_does_not_import_pyoxigraph_or_sparqlwrapper() -> None:
    code = ("import sys; from kg.cli import cli; cli.get_command(None, 'query'); "
            "print('pyoxigraph' in sys.modules, 'SPARQLWrapper' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"


def test_a_check_with_rows_exits_1(build: Path, tmp_path: Path) -> None:
    clean = clusterkg("query", "quote-offset-mismatch-violation", "--build", str(build))
    assert clean.returncode == 0, clean.stderr
    text = (build / "clusterkg.nq").read_text(encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "clusterkg.nq").write_text(
        text.replace('"патентларнинг 97 фоизи"@uz-Cyrl', '"патентларнинг 98 фоизи"@uz-Cyrl'),
        encoding="utf-8")
    result = clusterkg("query", "quote-offset-mismatch-violation", "--format", "csv",
                       "--build", str(broken))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1].endswith(",патентларнинг 98 фоизи,патентларнинг 97 фоизи")
    assert result.stderr.strip().endswith("quote-offset-mismatch-violation: 1 violation(s)")
