"""``clusterkg validate``: exit codes 0/1/2, table/turtle/json reports, unusable inputs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SHAPES = Path(__file__).parent.parent / "shapes"
VALID = FIXTURES / "valid" / "Complete-001.trig"
EVIDENCE_BAD = FIXTURES / "invalid" / "Evidence-001.trig"


def run(args: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``clusterkg validate ARGS`` in-process through the real entry point."""
    monkeypatch.setattr(sys, "argv", ["clusterkg", "validate", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_conforming_graph_exits_0_with_a_table(monkeypatch, capsys) -> None:
    code, out, err = run([str(VALID)], monkeypatch, capsys)
    assert code == 0, err
    assert out.startswith("SHACL validation (fast): CONFORMS - 0 violations, 0 warnings, 0 infos")
    assert err == ""


def test_violations_exit_1_with_a_readable_report(monkeypatch, capsys) -> None:
    code, out, err = run([str(EVIDENCE_BAD), "--shapes", str(SHAPES / "evidence.shacl.ttl")],
                         monkeypatch, capsys)
    assert code == 1
    assert err == "error: 36 SHACL violations\n"
    assert "DOES NOT CONFORM - 36 violations, 2 warnings, 0 infos" in out
    # grouped by severity and shape, with focus node, path, message and the evidence quote
    assert "Results by shape and severity" in out
    assert "Violation: Fact: the evidence quotes the fact's own source" in out
    assert "id:fact/aaaaaaaaaaa3" in out and "Silicon Valley" in out
    assert "Warning: Quote: prefix up to 32 characters" in out


def test_turtle_output_is_the_standard_report(monkeypatch, capsys) -> None:
    code, out, _err = run([str(EVIDENCE_BAD), "--shapes", str(SHAPES / "evidence.shacl.ttl"),
                           "--format", "turtle"], monkeypatch, capsys)
    assert code == 1
    report = Graph().parse(data=out, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    assert len(set(report.subjects(SH.resultSeverity, SH.Violation))) == 36
    assert len(set(report.subjects(SH.resultSeverity, SH.Warning))) == 2


def test_json_output_and_output_file(monkeypatch, capsys, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, err = run([str(EVIDENCE_BAD), "--shapes", str(SHAPES / "evidence.shacl.ttl"),
                          "--format", "json", "--output", str(target)], monkeypatch, capsys)
    assert code == 1 and out == ""
    assert f"report written to {target}" in err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["conforms"] is False
    assert data["counts"] == {"Violation": 36, "Warning": 2, "Info": 0}
    row = next(r for r in data["results"] if r["shape"].endswith("#QuoteAtOffsetsShape")
               and r["focus"].endswith("#p5") is False and r["focus"].endswith("/p5"))
    assert row["value"] == '"Clusters grew"@en'
    assert row["component"] == "sh:SPARQLConstraintComponent"
    assert row["message"].startswith('The quote Clusters grew is not the text at [0, 13)')


def test_warnings_only_exit_0_but_the_report_does_not_conform(monkeypatch, capsys) -> None:
    """SHACL: sh:conforms is false when there is any result; the exit code counts violations."""
    args = [str(FIXTURES / "invalid" / "Eccp-001.trig"), "--shapes",
            str(SHAPES / "persons.shacl.ttl"), "--profile", "eccp"]
    code, out, err = run(args, monkeypatch, capsys)
    assert code == 0, err
    assert "DOES NOT CONFORM - 0 violations, 3 warnings" in out
    assert "Warning: ECCP: at least 15 committed members" in out
    code, out, _err = run([*args, "--format", "turtle"], monkeypatch, capsys)
    assert code == 0
    assert (None, SH.conforms, Literal(False)) in Graph().parse(data=out, format="turtle")


def test_fail_on_warning_exits_1(monkeypatch, capsys) -> None:
    args = [str(FIXTURES / "invalid" / "Eccp-001.trig"), "--shapes",
            str(SHAPES / "persons.shacl.ttl"), "--profile", "eccp", "--fail-on", "warning"]
    code, _out, err = run(args, monkeypatch, capsys)
    assert code == 1
    assert err == "error: 3 SHACL results at warning severity or above\n"


def test_reference_engine_gives_the_same_json(monkeypatch, capsys) -> None:
    args = [str(EVIDENCE_BAD), "--shapes", str(SHAPES / "evidence.shacl.ttl"), "--format", "json"]
    _c1, fast, _ = run(args, monkeypatch, capsys)
    _c2, ref, _ = run([*args, "--engine", "pyshacl"], monkeypatch, capsys)
    strip = ("timings", "engine", "engines")
    a = {k: v for k, v in json.loads(fast).items() if k not in strip}
    b = {k: v for k, v in json.loads(ref).items() if k not in strip}
    assert a == b


def test_malformed_data_file_exits_2_with_file_and_line(monkeypatch, capsys, tmp_path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ;; .\n")
    code, out, err = run([str(bad)], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {bad}:3: ") and err.count("\n") == 1


def test_malformed_shapes_file_exits_2_with_file_and_line(monkeypatch, capsys, tmp_path) -> None:
    bad = tmp_path / "bad.shacl.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> a sh:NodeShape ;\n  sh:x\n")
    code, out, err = run([str(VALID), "--shapes", str(bad)], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {bad}:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_exits_2(monkeypatch, capsys, tmp_path) -> None:
    code, _out, err = run([str(tmp_path / "nope.nq")], monkeypatch, capsys)
    assert code == 2
    assert err == f"error: {tmp_path / 'nope.nq'}: no such file\n"


def test_unreachable_endpoint_exits_2_in_one_line(monkeypatch, capsys) -> None:
    with socket.socket() as s:  # a free port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    code, out, err = run(["--endpoint", url, "--timeout", "2"], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: cannot read SPARQL endpoint {url}: ")
    assert err.count("\n") == 1


def test_real_process_exit_code_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.nq"
    bad.write_text('<http://a> <http://b> "unterminated .\n')
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "validate", str(bad)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {bad}:1: ")


@pytest.mark.server
def test_endpoint_gives_the_same_results_as_the_file(monkeypatch, capsys, tmp_path: Path) -> None:
    """``--endpoint``: the graphs fetched with CONSTRUCT from ``clusterkg serve`` (loopback)."""
    import time
    import urllib.request

    from rdflib import Dataset

    fixture = FIXTURES / "invalid" / "Clusters-001.trig"
    build = tmp_path / "build"
    build.mkdir()
    ds = Dataset()
    ds.parse(fixture, format="trig")
    ds.serialize(build / "clusterkg.nq", format="nquads")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--build", str(build), "--port", str(port),
         "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.skip(f"clusterkg serve did not start: {server.stderr.read()[-500:]!r}")
                time.sleep(0.2)
        args = ["--shapes", str(SHAPES / "clusters.shacl.ttl"), "--format", "json"]
        code_ep, out_ep, err_ep = run(["--endpoint", url, *args], monkeypatch, capsys)
        code_file, out_file, _ = run([str(fixture), *args], monkeypatch, capsys)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert code_ep == code_file == 1, err_ep

    def keys(text: str) -> list[tuple[str, ...]]:
        return sorted((r["focus"], r["shape"], str(r["path"]), str(r["value"]), r["component"])
                      for r in json.loads(text)["results"])

    assert keys(out_ep) == keys(out_file) and len(keys(out_file)) == 7
