"""The W3C SHACL test suite (120 approved tests: 98 core, 22 SHACL-SPARQL) on both engines.

Each test's validation report is compared structurally with the expected one (see
``tests/w3c_shacl.py``); an expected ``sht:Failure`` must be a one-line error (exit 2 in the
CLI). Known failures are listed with their reason, as pySHACL lists its allowable failures; the
fast engine's list may only hold tests that pyshacl fails too.
"""

from __future__ import annotations

import pytest
from w3c_shacl import load_tests, passes, run, wrong_conforms

TESTS = load_tests()

KNOWN_FAILURES: dict[str, dict[str, str]] = {
    "fast": {},
    "pyshacl": {
        "core/property/uniqueLang-002": "pyshacl reads sh:uniqueLang \"1\"^^xsd:boolean as true; "
        "SHACL activates the constraint only for the literal true",
        "sparql/node/prefixes-001": "pyshacl does not follow owl:imports from the sh:prefixes "
        "node to its sh:declare (Unknown namespace prefix: ex)",
        "sparql/pre-binding/shapesGraph-001": "pyshacl does not support $shapesGraph "
        "(NotImplementedError)",
    },
}


def test_the_suite_is_complete() -> None:
    assert len(TESTS) == 120
    assert sum(t.part == "core" for t in TESTS) == 98
    assert sum(t.part == "sparql" for t in TESTS) == 22


def test_fast_engine_known_failures_are_failures_of_pyshacl_too() -> None:
    assert set(KNOWN_FAILURES["fast"]) <= set(KNOWN_FAILURES["pyshacl"])
    assert set(KNOWN_FAILURES["pyshacl"]) <= {t.name for t in TESTS}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c(test, engine: str) -> None:
    outcome = run(test, engine)
    ok, why = passes(test, outcome)
    known = KNOWN_FAILURES[engine].get(test.name)
    if known is not None:
        assert not ok, f"{test.name} passes now on {engine}: remove it from KNOWN_FAILURES"
        pytest.xfail(known)
    assert not wrong_conforms(test, outcome), f"CONFORMS where the suite expects results: {why}"
    assert ok, why
    if engine == "fast":  # the fast engine decides every test itself
        assert set(outcome.engines.values()) <= {"fast"}, outcome.engines
