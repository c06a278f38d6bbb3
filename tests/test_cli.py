"""The CLI as a user runs it: --help without the heavy modules, and every kind of bad input
answered by one line on stderr and exit code 2 (3 for a bug, with the traceback only under
``--debug``), nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import COMMANDS, cli

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fixtures" / "corpus_new"
ARTICLE = "101_pangyo_cluster.txt"


def clusterkg(*args: str | bytes, env: dict[str, str] | None = None,
              code: str = "from kg.cli import main; main()"
              ) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter, as the console script does."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                                            "PYTHONPATH": str(HERE.parent), **(env or {})})


def one_error_line(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the one-article test corpus, to spoil."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    assert "--debug" in result.output


def test_help_does_not_import_rdflib() -> None:
    code = "import sys; from kg.cli import cli; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- articles and the catalogue ----------------------------------------------------------

def test_a_number_of_29_digits_in_an_article_is_read_exactly(corpus: Path,
                                                             tmp_path: Path) -> None:
    path = corpus / ARTICLE
    text = path.read_text(encoding="utf-8")
    big = "123456789012345678901234567890123"
    path.write_text(text.replace("\n\n", f"\n\nОборот составил {big} долларов.\n\n", 1),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = clusterkg("build", "--quiet", "--no-validate", "--corpus", str(corpus),
                       "--out", str(out))
    assert result.returncode == 0, result.stderr
    from kg.extract.numbers import find_numbers

    (number,) = find_numbers(f"составил {big} долларов")
    assert str(number.value) == big


@pytest.mark.parametrize(("value", "message"), [
    ("[ru, en]", "'language' must be text, not a list: ['ru', 'en'] (one tag; list the others "
                 "under other_languages)"),
    ("12", "'language' must be text, not a number: 12 (quote the value in YAML)"),
    ("true", "'language' must be text, not a boolean: True (quote the value in YAML)"),
    ("{tag: ru}", "'language' must be text, not a mapping: {'tag': 'ru'} (quote the value in "
                  "YAML)"),
    ('"r u"', "'language' is not a BCP 47 language tag: 'r u' (e.g. ru, en, uz-Cyrl, "
              "uz-Latn)"),
])
def test_a_language_that_is_not_a_tag_is_one_line(corpus: Path, tmp_path: Path, value: str,
                                                  message: str) -> None:
    catalogue = corpus / "sources.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("  language: ru\n", f"  language: {value}\n"),
                         encoding="utf-8")
    line = next(i for i, x in enumerate(catalogue.read_text().splitlines(), 1)
                if x.startswith("  language:"))
    result = clusterkg("build", "--quiet", "--corpus", str(corpus), "--out",
                       str(tmp_path / "out"))
    assert one_error_line(result) == f"error: {catalogue}:{line}: entry 1: {message}"
    assert not (tmp_path / "out").exists()


def test_an_article_over_the_size_limit_is_refused_at_once(corpus: Path,
                                                          tmp_path: Path) -> None:
    with (corpus / ARTICLE).open("a", encoding="utf-8") as handle:
        handle.write("cluster " * 6_250_000)  # 50 MB
    result = clusterkg("build", "--quiet", "--corpus", str(corpus), "--out",
                       str(tmp_path / "out"))
    assert one_error_line(result) == (
        f"error: {corpus / ARTICLE}: the article is 50.0 MB, over the limit of 2.0 MB (split "
        "it, or raise the limit with --max-article-size 51MB or $CLUSTERKG_MAX_ARTICLE_SIZE)")
    assert not (tmp_path / "out").exists()


def test_the_article_size_limit_is_configurable(corpus: Path, tmp_path: Path) -> None:
    args = ["build", "--quiet", "--no-validate", "--corpus", str(corpus), "--out",
            str(tmp_path / "out")]
    small = clusterkg(*args, "--max-article-size", "1kB")
    assert "the article is 2.6 kB, over the limit of 1.0 kB" in one_error_line(small)
    by_env = clusterkg(*args, env={"CLUSTERKG_MAX_ARTICLE_SIZE": "1kB"})
    assert one_error_line(by_env) == one_error_line(small)
    bogus = clusterkg(*args, "--max-article-size", "lots")
    assert bogus.returncode == 2
    assert "Invalid value for '--max-article-size': not a size: 'lots'" in bogus.stderr


# --- parameters, IRIs, URLs, output paths -------------------------------------------------

@pytest.mark.parametrize(("raw", "what"), [
    (b"text=ab\xff\xfe", "byte 0xff at character 2"),
    (b"text=x\xed\xa0\x80", "byte 0xed at character 1"),  # a surrogate encoded as UTF-8
])
def test_a_parameter_that_is_not_utf8_is_one_line(build_dir: Path, raw: bytes,
                                                 what: str) -> None:
    result = clusterkg("query", "CQ33", "--param", raw, "--build", str(build_dir))
    assert one_error_line(result) == (f"error: parameter text (string): not valid UTF-8 text "
                                      f"({what}) (pass the value as UTF-8)")


def test_a_lone_surrogate_in_a_parameter_is_an_input_error() -> None:
    from kg.errors import InputError
    from kg.query import execute, load_queries

    with pytest.raises(InputError, match=r"not valid UTF-8 text \(lone surrogate U\+D800"):
        execute(load_queries()["CQ33-search-labels"], {"text": "a\ud800"})


@pytest.mark.parametrize("entity", ["id:cluster/silicon valley", "<https://x/a>b>",
                                    "https://exa mple.org/"])
def test_explain_with_an_invalid_iri_is_one_line(build_dir: Path, entity: str) -> None:
    result = clusterkg("explain", entity, "--build", str(build_dir))
    assert one_error_line(result).startswith(f"error: not a valid IRI: {entity!r} (Invalid IRI")


@pytest.mark.parametrize("command", ["query CQ13", "load"])
@pytest.mark.parametrize("url", ["not a url", "ftp://host/sparql", "http://[::1/sparql",
                                 "http://host:99999/sparql", "http:///sparql"])
def test_an_endpoint_that_is_not_a_url_is_one_line(command: str, url: str) -> None:
    result = clusterkg(*command.split(), "--endpoint", url)
    assert one_error_line(result) == (f"error: --endpoint {url!r}: not an http(s) URL "
                                      "(e.g. http://127.0.0.1:7878/query)")


def test_output_naming_a_folder_is_one_line(build_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    result = clusterkg("query", "CQ13", "--format", "csv", "--build", str(build_dir),
                       "--output", str(folder))
    assert one_error_line(result) == f"error: {folder}: is a folder, not a file (give a file " \
        "name)"
    inside_a_file = tmp_path / "answers.csv"
    inside_a_file.write_text("keep", encoding="utf-8")
    result = clusterkg("query", "CQ13", "--format", "csv", "--build", str(build_dir),
                       "--output", str(inside_a_file / "x.csv"))
    assert one_error_line(result) == (f"error: {inside_a_file / 'x.csv'}: cannot write: "
                                      f"{inside_a_file} is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers", "answers.csv"]
    assert list(folder.iterdir()) == [] and inside_a_file.read_text() == "keep"


# --- broken Turtle -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "reason"), [
    ('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:d ex:e "open .\n', 3,
     "newline found in string literal"),
    ("@prefix ex: <http://e/> .\nex:a ex:b ex:c ex:d .\n", 2,
     "expected '.' or '}' or ']' at end of statement"),
    ("@prefix ex: <http://e/> .\n\nex:a nope:b ex:c .\n", 3, 'Prefix "nope:" not bound'),
])
def test_broken_turtle_in_the_lexicon_or_ontology_names_line_and_reason(
        tmp_path: Path, text: str, line: int, reason: str) -> None:
    from kg.errors import InputError
    from kg.extract.lexicon import Lexicon
    from kg.ontology import load_ontology

    bad = tmp_path / "bad.ttl"
    bad.write_text(text, encoding="utf-8")
    expected = f"{bad}:{line}: malformed Turtle: {reason}"
    with pytest.raises(InputError) as lexicon:
        Lexicon.load([bad], [])
    with pytest.raises(InputError) as ontology:
        load_ontology(bad, None)
    assert str(lexicon.value) == str(ontology.value) == expected


# --- the catch-all -------------------------------------------------------------------------

BUGGY = """
import click, kg.cli
@kg.cli.cli.command("crash")
def crash():
    {}["missing"]
kg.cli.main()
"""


def test_an_unexpected_error_is_one_line_and_the_traceback_needs_debug() -> None:
    result = clusterkg("crash", code=BUGGY)
    assert one_error_line(result, code=3) == (
        "error: unexpected KeyError: 'missing' (a bug in clusterkg: rerun with clusterkg "
        "--debug for the traceback and report it)")
    debug = clusterkg("--debug", "crash", code=BUGGY)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().endswith("KeyError: 'missing'")
    by_env = clusterkg("crash", code=BUGGY, env={"CLUSTERKG_DEBUG": "1"})
    assert "Traceback (most recent call last)" in by_env.stderr


def test_an_os_error_is_one_line_with_what_to_do() -> None:
    from kg.cli import describe_error

    err = PermissionError(13, "Permission denied", "/srv/data/clusterkg.nq")
    assert describe_error(err) == ("/srv/data/clusterkg.nq: Permission denied (no permission: "
                                   "check the folder's owner and mode, or write elsewhere)", 2)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_timeout_that_is_not_a_positive_number_is_one_line(value: str) -> None:
    result = clusterkg("query", "CQ13", "--endpoint", "http://127.0.0.1:9/query",
                       "--timeout", value)
    assert one_error_line(result) == \
        f"error: --timeout {float(value)}: give a number of seconds above 0"
