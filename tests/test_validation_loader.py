"""The line-based loader of N-Triples/N-Quads (the store's bulk loader plus a re-parse of the
lines with canonicalised literals or blank nodes) gives the same store and the same ledger of
literals as written as the quad-by-quad loader."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.validation.data import LoadedData, Loader

XSD = "http://www.w3.org/2001/XMLSchema#"
NQ = f"""\
<http://ex/a> <http://ex/start> "014"^^<{XSD}nonNegativeInteger> <http://ex/g1> .
<http://ex/a> <http://ex/end> "14"^^<{XSD}integer> <http://ex/g1> .
<http://ex/a> <http://ex/conf> "0.90"^^<{XSD}decimal> <http://ex/g1> .
<http://ex/a> <http://ex/conf> "0.900"^^<{XSD}decimal> <http://ex/g1> .
<http://ex/a> <http://ex/label> "_: is not a blank node" <http://ex/g1> .
_:r <http://ex/card> "1"^^<{XSD}nonNegativeInteger> <http://ex/g2> .
<http://ex/c> <http://ex/sub> _:r <http://ex/g2> .
_:r <http://ex/on> <http://ex/p> <http://ex/g2> .
<http://ex/b> <http://ex/n> "300"^^<{XSD}byte> .
<http://ex/b> <http://ex/d> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema\\u0023date> .
<http://ex/b> <http://ex/s> "plain \\u00e9" .
"""


def _both(path: Path) -> tuple[LoadedData, LoadedData]:
    fast = Loader()
    fast.add_file(path)
    slow = Loader()
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    base = path.resolve().as_uri()
    name = ox.NamedNode(base)
    slow.add(ox.Quad(q.subject, q.predicate, q.object,
                     name if type(q.graph_name) is ox.DefaultGraph else q.graph_name)
             for q in ox.parse(path=str(path), format=fmt, base_iri=base))
    return fast.finish(), slow.finish()


@pytest.mark.parametrize("suffix", [".nq", ".nt"])
def test_line_based_loader_matches_quad_by_quad(tmp_path: Path, suffix: str) -> None:
    text = NQ if suffix == ".nq" else "".join(
        line.rsplit(" ", 2)[0] + " .\n" if line.count("<http://ex/g") else line
        for line in NQ.splitlines(keepends=True))
    path = tmp_path / f"data{suffix}"
    path.write_text(text, encoding="utf-8")
    fast, slow = _both(path)
    assert set(fast.store) == set(slow.store)
    assert len(fast.store) == 10  # "0.90" and "0.900" are one stored decimal
    assert not list(fast.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # the blank node keeps its label from the file (the store's loader alone renames it)
    assert ox.BlankNode("r") in {q.subject for q in fast.store}
    for field in ("by_triple", "by_value", "predicates", "merged", "also_as_stored",
                  "plain_types", "changed_types"):
        assert getattr(fast.written, field) == getattr(slow.written, field), field
    a = ox.NamedNode("http://ex/a")
    start = ox.NamedNode("http://ex/start")
    assert fast.written.by_triple[(a, start, ox.Literal("14", datatype=ox.NamedNode(
        XSD + "integer")))] == (ox.Literal("014", datatype=ox.NamedNode(
            XSD + "nonNegativeInteger")),)
    assert "http://ex/conf" in fast.written.merged
    date = [o for (_s, p, _o), os in fast.written.by_triple.items()
            if p.value == "http://ex/d" for o in os]
    assert not date  # a date is stored as written; it was noted (plain) all the same
    assert ("http://www.w3.org/2001/XMLSchema#date", True) in fast.written.plain_types[
        "http://ex/d"]


def test_line_based_loader_reports_the_line_of_a_syntax_error(tmp_path: Path) -> None:
    from kg.errors import InputError

    path = tmp_path / "bad.nq"
    path.write_text(NQ + "<http://ex/x> <http://ex/y> .\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        Loader().add_file(path)
    assert "bad.nq:12" in str(err.value)
