"""Ontology documentation (pylode HTML + diagram) and the changelog on two small fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.publish.changelog import changelog_command, diff, load_graph

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
