"""Ontology documentation (pylode HTML + diagram) and the changelog on two small fixtures."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.publish.changelog import changelog_command, diff, load_graph
from kg.publish.docs import docs_command

FIXTURES = Path(__file__).parent / "fixtures" / "publish"
V1, V2 = FIXTURES / "onto-v1.ttl", FIXTURES / "onto-v2.ttl"
CK = "https://w3id.org/clusterkg/ontology#"


def test_changelog_diff_exact() -> None:
    log = diff(load_graph([V1]), load_graph([V2]))
    assert log.added == {CK + "Organisation": "class"}
    assert log.removed == {CK + "oldProperty": "datatype property"}
    got = {
        (term[len(CK) :], c.aspect, tuple(c.removed), tuple(c.added))
        for term, changes in log.changed.items()
        for c in changes
    }
    assert got == {
        ("Cluster", "label", (), ('"кластер"@ru',)),
        ("Cluster", "definition", ('"A concentration of firms."@en',),
         ('"A geographic concentration of interconnected firms and institutions."@en',)),
        ("Cluster", "superclass", (), ("(ck:hasMember some ck:Organisation)",)),
        ("Company", "superclass", (), ("ck:Organisation",)),
        ("University", "superclass", ("ck:Company",), ("ck:Organisation",)),
        ("hasMember", "range", ("ck:Company",), ("ck:Organisation",)),
        ("locatedIn", "type", (), ("owl:TransitiveProperty",)),
    }  # fmt: skip


def test_changelog_no_changes() -> None:
    assert diff(load_graph([V1]), load_graph([V1])).empty


def test_changelog_command_markdown(tmp_path: Path) -> None:
    out = tmp_path / "CHANGES.md"
    result = CliRunner().invoke(
        changelog_command, [str(V1), str(V2), "--format", "markdown", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Ontology changes from onto-v1.ttl to onto-v2.ttl\n")
    assert "1 added, 1 removed, 5 changed terms." in text
    assert "| `ck:Organisation` | class |" in text
    assert "| `ck:oldProperty` | datatype property |" in text
    assert "| `ck:hasMember` | range | ck:Company | ck:Organisation |" in text
    assert '| `ck:Cluster` | label | — | "кластер"@ru |' in text


def test_changelog_command_table_and_json() -> None:
    result = CliRunner().invoke(changelog_command, [str(V1), str(V2)])
    assert result.exit_code == 0
    assert "ck:Organisation" in result.output and "changed" in result.output
    result = CliRunner().invoke(changelog_command, [str(V1), str(V2), "--format", "json"])
    data = json.loads(result.output)
    assert sorted(data) == ["added", "changed", "removed"]
    assert list(data["removed"]) == [CK + "oldProperty"]


def test_changelog_since_git_revision() -> None:
    result = CliRunner().invoke(changelog_command, ["--since", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.output)) == ["added", "changed", "removed"]


def test_changelog_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(changelog_command, [str(V1)])
    assert result.exit_code != 0
    result = CliRunner().invoke(changelog_command, ["--since", "no-such-revision-xyz"])
    assert "unknown git revision" in str(result.exception)


# ----- pyLODE documentation and diagram ------------------------------------------------------


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.paths import VOCAB_DIR

    if shutil.which("dot") is None:
        pytest.skip("GRAPHVIZ 'dot' NOT FOUND: diagram not rendered")
    vocab = tmp_path_factory.mktemp("vocab")
    shutil.copy(VOCAB_DIR / "sector.ttl", vocab / "sector.ttl")
    out = tmp_path_factory.mktemp("docs") / "docs"
    args = ["--out", str(out), "--ontology", str(V2), "--vocab-dir", str(vocab)]
    result = CliRunner().invoke(docs_command, args)
    assert result.exit_code == 0, result.output
    return out


def test_docs_files(docs_dir: Path) -> None:
    names = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file())
    assert names == [
        "diagram.dot", "diagram.png", "diagram.svg", "index.html",
        "vocab/index.html", "vocab/sector.html",
    ]  # fmt: skip


def test_docs_html_documents_every_term(docs_dir: Path) -> None:
    page = (docs_dir / "index.html").read_text(encoding="utf-8")
    ids = {i.lower() for i in re.findall(r'id="([^"]+)"', page)}
    for term in ("Cluster", "Organisation", "Company", "University", "hasMember", "locatedIn"):
        assert term.lower() in ids, term
    assert "pyLODE" in page
    sector = (docs_dir / "vocab" / "sector.html").read_text(encoding="utf-8")
    assert "Biotechnology" in sector or "biotechnology" in sector


def test_diagram_has_classes_and_relations(docs_dir: Path) -> None:
    dot = (docs_dir / "diagram.dot").read_text()
    assert '"University" -> "Organisation" [arrowhead=empty' in dot
    assert '"Cluster" -> "Organisation" [label="hasMember"' in dot
    svg = ET.parse(docs_dir / "diagram.svg").getroot()
    titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert {"Cluster", "Organisation", "Company", "University", "Place"} <= titles
    assert (docs_dir / "diagram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_build_writes_docs_only_when_asked(build_dir: Path, tmp_path: Path) -> None:
    """``clusterkg build`` leaves docs out by default; ``--docs`` puts them into the release."""
    from kg.cli import cli

    assert not (build_dir / "docs").exists()
    out = tmp_path / "release"
    result = CliRunner().invoke(
        cli, ["build", "--quiet", "--no-validate", "--docs", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "docs" / "index.html").is_file()
    # without Graphviz the diagram is left out (test_docs_without_graphviz_write_html_and_warn)
    assert (out / "docs" / "diagram.svg").is_file() == (shutil.which("dot") is not None)
    assert (out / "clusterkg.nq").is_file()


def test_docs_without_graphviz_write_html_and_warn(tmp_path: Path, monkeypatch) -> None:
    """No ``dot`` on PATH: the HTML is written, the diagram skipped with one warning line."""
    from kg.paths import VOCAB_DIR

    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    assert shutil.which("dot") is None
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    shutil.copy(VOCAB_DIR / "sector.ttl", vocab / "sector.ttl")
    out = tmp_path / "docs"
    args = ["--out", str(out), "--ontology", str(V2), "--vocab-dir", str(vocab)]
    result = CliRunner().invoke(docs_command, args)
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == ["diagram.dot", "index.html", "vocab/index.html", "vocab/sector.html"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: Graphviz 'dot' not found: documentation written without the class diagram "
        "(apt-get install graphviz)"
    ]
    assert "pyLODE" in (out / "index.html").read_text(encoding="utf-8")
