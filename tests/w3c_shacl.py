"""The W3C SHACL test suite (``tests/data/w3c-shacl/``): manifests, and a structural comparison
of a validation outcome with the expected report.

``python -m tests.w3c_shacl`` prints the pass counts of both engines (core / SPARQL / all).
A result is compared on (focus node, result path, value, source shape, constraint component,
severity) as a multiset; blank nodes match any blank node, paths are compared as structures.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import InputError
from kg.terms import to_rdflib
from kg.validation.data import Loader
from kg.validation.paths import Path as ShaclPath
from kg.validation.paths import parse_path
from kg.validation.shapes import parse_as_written

ROOT = Path(__file__).parent / "data" / "w3c-shacl" / "tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
BLANK = "_:blank"

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # ill-formed literals on purpose


@dataclass(frozen=True)
class W3CTest:
    """One ``sht:Validate`` entry of a manifest."""

    name: str  # e.g. "core/node/class-001"
    label: str
    data: Path
    shapes: Path
    manifest: Path
    node: URIRef
    status: str

    @property
    def part(self) -> str:
        """``core`` or ``sparql``."""
        return self.name.split("/", 1)[0]


def load_tests(approved_only: bool = True) -> list[W3CTest]:
    """Every test reachable from the top manifest (by ``mf:include``), in manifest order."""
    out: list[W3CTest] = []
    todo = [ROOT / "manifest.ttl"]
    seen: set[Path] = set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        g = Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
        for manifest in g.subjects(RDF.type, MF.Manifest):
            for inc in g.objects(manifest, MF.include):
                todo.append(_file(inc))
            entries = g.value(manifest, MF.entries)
            for entry in g.items(entries) if entries is not None else []:
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                status = str(g.value(entry, MF.status)).rsplit("#", 1)[-1]
                if approved_only and status != "approved":
                    continue
                action = g.value(entry, MF.action)
                name = str(_file(entry).relative_to(ROOT.resolve()))
                out.append(W3CTest(
                    name=name.split("#")[0], label=str(g.value(entry, RDFS.label) or ""),
                    data=_file(g.value(action, SHT.dataGraph)),
                    shapes=_file(g.value(action, SHT.shapesGraph)),
                    manifest=path, node=entry, status=status))  # type: ignore[arg-type]
    return out


def _file(iri: Node | None) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(str(iri)).path)).resolve()


# --------------------------------------------------------------------------------------------
# expected and actual results


Key = tuple[Any, ...]


def _term(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, BNode):
        return BLANK
    if isinstance(term, Literal):
        return (str(term), str(term.datatype or ""), (term.language or "").lower())
    return str(term)


def _path_key(path: ShaclPath | None) -> Any:
    return None if path is None else path


def expected(test: W3CTest) -> tuple[bool, Counter[Key] | None]:
    """(conforms, results) of the expected report; results None for ``sht:Failure``."""
    g = parse_as_written(test.manifest, publicID=test.manifest.resolve().as_uri())
    report = g.value(test.node, MF.result)
    if report == SHT.Failure:
        return False, None
    conforms = str(g.value(report, SH.conforms)) == "true"
    keys: Counter[Key] = Counter()
    for r in g.objects(report, SH.result):
        path = g.value(r, SH.resultPath)
        keys[(_term(g.value(r, SH.focusNode)),
              _path_key(parse_path(g, path, test.name) if path is not None else None),
              _term(g.value(r, SH.value)), _term(g.value(r, SH.sourceShape)),
              str(g.value(r, SH.sourceConstraintComponent)),
              str(g.value(r, SH.resultSeverity)))] += 1
    return conforms, keys


@dataclass
class Outcome:
    """What an engine answered for one test."""

    failure: str | None  # the one-line error, when validation failed
    conforms: bool
    results: Counter[Key]
    engines: dict[str, str]


def run(test: W3CTest, engine: str) -> Outcome:
    """Validate the test's data graph with its shapes graph."""
    from kg.validation.api import validate_graph

    shapes = parse_as_written(test.shapes, publicID=test.shapes.resolve().as_uri())
    loader = Loader()
    try:
        loader.add_file(test.data, default_graph=None)
        outcome = validate_graph(loader.finish(), shapes, engine=engine)
    except InputError as err:
        return Outcome(str(err), False, Counter(), {})
    keys: Counter[Key] = Counter()
    for r in outcome.full:
        keys[(_term(to_rdflib(r.focus)), _path_key(r.path),
              _term(to_rdflib(r.value)) if r.value is not None else None,
              _term(r.shape.node), r.component, r.severity)] += 1
    return Outcome(None, outcome.conforms, keys, outcome.engines)


def passes(test: W3CTest, outcome: Outcome) -> tuple[bool, str]:
    """Whether the outcome is the expected one, and why not."""
    conforms, want = expected(test)
    if want is None:
        return (outcome.failure is not None,
                "expected a failure, got a report" if outcome.failure is None else "")
    if outcome.failure is not None:
        return False, f"unexpected failure: {outcome.failure}"
    if outcome.conforms != conforms:
        return False, f"sh:conforms {outcome.conforms}, expected {conforms}"
    if outcome.results != want:
        return False, (f"unexpected {sorted(map(str, outcome.results - want))}; "
                       f"missing {sorted(map(str, want - outcome.results))}")
    return True, ""


def wrong_conforms(test: W3CTest, outcome: Outcome) -> bool:
    """A silent wrong answer: CONFORMS where the suite expects results (or a failure)."""
    conforms, want = expected(test)
    return outcome.failure is None and outcome.conforms and (want is None or not conforms)


def table() -> str:
    """Pass counts per engine: core, SPARQL, all."""
    tests = load_tests()
    lines = ["| engine | core | SPARQL | all | wrong CONFORMS |", "|---|---|---|---|---|"]
    totals = Counter(t.part for t in tests)
    for engine in ("fast", "pyshacl"):
        ok: Counter[str] = Counter()
        wrong = 0
        for t in tests:
            outcome = run(t, engine)
            ok[t.part] += passes(t, outcome)[0]
            wrong += wrong_conforms(t, outcome)
        lines.append(f"| {engine} | {ok['core']}/{totals['core']} | {ok['sparql']}/"
                     f"{totals['sparql']} | {sum(ok.values())}/{len(tests)} | {wrong} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
