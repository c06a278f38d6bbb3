"""Shapes that SHACL forbids or that are malformed: one line naming the shape, exit 2, and no
request for SERVICE. Shapes that used to crash (custom severities and components, IRIs such as
``a:b`` or ``mailto:``, ``sh:prefixes`` through ``owl:imports``) validate correctly."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

import pytest

from kg.cli import main

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/> .
"""
DATA = PREFIXES + """
ex:a a ex:Thing ; ex:p "x" , "y"@en ; ex:n 5 ; ex:q ex:b .
ex:b a ex:Thing ; ex:p "z" ; ex:n "abc"^^xsd:integer .
"""


def run(args: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["clusterkg", "validate", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path):
    def write(shapes: str, data: str = DATA) -> list[str]:
        (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
        (tmp_path / "shapes.ttl").write_text(PREFIXES + shapes, encoding="utf-8")
        return [str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "shapes.ttl")]

    return write


class Listener:
    """A TCP listener on loopback that records every connection attempt."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("where", ["constraint", "component"])
def test_service_is_refused_before_any_request(files, monkeypatch, capsys, engine: str,
                                               where: str) -> None:
    listener = Listener()
    try:
        service = f"SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }}"
        if where == "constraint":
            shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
                sh:sparql [ sh:select "SELECT $this WHERE {{ $this ?x ?y . {service} }}" ] ."""
        else:
            shapes = f"""ex:C a sh:ConstraintComponent ;
                sh:parameter [ sh:path ex:flag ] ;
                sh:validator [ a sh:SPARQLAskValidator ;
                    sh:ask "ASK {{ {service} }}" ] .
            ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; ex:flag true ."""
        code, out, err = run([*files(shapes), "--engine", engine], monkeypatch, capsys)
        listener.sock.settimeout(0.5)
    finally:
        listener.close()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: shape ex:S: SPARQL") and "SERVICE is not allowed" in err
    assert listener.connections == 0


MALFORMED = {
    "minCount": ('ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ; '
                 'sh:minCount "abc" .', 'sh:minCount "abc" is not a non-negative xsd:integer'),
    "path": ('ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path "p" ; sh:minCount 1 .',
             'sh:path "p" is not an IRI or a blank node path'),
    "nodeKind": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind ex:Foo .",
                 "sh:nodeKind ex:Foo is not one of"),
    "pattern": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:pattern "(" .',
                "is not a valid regular expression"),
    "list": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:in ex:notAList .",
             "sh:in: not a well-formed RDF list"),
    "node-count": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:minCount 1 .",
                   "sh:minCount is only allowed in property shapes"),
    "no-select": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:message 'm' ] .",
                  "has no sh:select"),
    "syntax": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; '
               'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .',
               "the query cannot be parsed"),
    "minus": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; '
              'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }" ] .',
              "MINUS is not allowed"),
    "values": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; '
               'sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .',
               "VALUES is not allowed"),
    "as-this": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; '
                'sh:sparql [ sh:select "SELECT $this WHERE { BIND (1 AS $this) }" ] .',
                "'AS $this' binds a pre-bound variable"),
    "subselect": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:select '
                  '"SELECT $this WHERE { $this ?p ?o { SELECT ?o WHERE { ?o ?q ?r } } }" ] .',
                  "a sub-SELECT must return the pre-bound variable $this"),
    "prefix": ('ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; '
               'sh:sparql [ sh:select "SELECT $this WHERE { $this nope:p ?o }" ] .',
               "the query cannot be parsed"),
}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_shape_is_one_line_exit_2(files, monkeypatch, capsys, case: str,
                                            engine: str) -> None:
    shapes, expected = MALFORMED[case]
    code, out, err = run([*files(shapes), "--engine", engine], monkeypatch, capsys)
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: shape ex:S"), err
    assert expected in err


WORKING = {
    # custom severity: reported under its IRI, does not fail the exit code
    "severity": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
                 "sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:severity ex:Minor ] .", 0,
                 {("http://example.org/a", "http://example.org/Minor")}),
    # a SPARQL-based constraint component with a parameter
    "component": ("""ex:MaxLangComponent a sh:ConstraintComponent ;
        sh:parameter [ sh:path ex:lang ] ;
        sh:propertyValidator [ a sh:SPARQLSelectValidator ;
            sh:select "SELECT $this ?value WHERE { $this $PATH ?value """
                  """FILTER (isLiteral(?value) && LANG(?value) != $lang) }" ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:property [ sh:path ex:p ; ex:lang "en" ] .""", 1,
                  {("http://example.org/a", "Violation"), ("http://example.org/b", "Violation")}),
    # IRIs that are not http(s): a:b, mailto:
    "iris": ("<a:b> a sh:NodeShape ; sh:targetNode <mailto:x@example.org> ; sh:class ex:Thing .",
             1, {("mailto:x@example.org", "Violation")}),
    # sh:prefixes reaching its declarations through owl:imports
    "prefixes": ("""ex:Prefixes owl:imports ex:More .
        ex:More sh:declare [ sh:prefix "e" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
            sh:sparql [ sh:prefixes ex:Prefixes ;
                sh:select "SELECT $this WHERE { $this e:n ?n FILTER (!isNumeric(?n)) }" ] .""",
                 1, {("http://example.org/b", "Violation")}),
}


@pytest.mark.parametrize("case", sorted(WORKING))
def test_shapes_that_used_to_crash_validate(files, monkeypatch, capsys, case: str) -> None:
    import json

    shapes, exit_code, expected = WORKING[case]
    code, out, err = run([*files(shapes), "--format", "json"], monkeypatch, capsys)
    assert code == exit_code, err
    got = {(r["focus"], r["severity"]) for r in json.loads(out)["results"]}
    assert got == expected
    assert json.loads(out)["engines"] == {k: "fast" for k in json.loads(out)["engines"]}
