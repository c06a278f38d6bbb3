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
    return fast.finish(), _quad_by_quad([path])


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


def _quad_by_quad(paths: list[Path]) -> LoadedData:
    slow = Loader()
    for path in paths:
        fmt = ox.RdfFormat.from_extension(path.suffix[1:])
        base = path.resolve().as_uri()
        name = ox.NamedNode(base)
        slow.add(ox.Quad(q.subject, q.predicate, q.object,
                         name if type(q.graph_name) is ox.DefaultGraph else q.graph_name)
                 for q in ox.parse(path=str(path), format=fmt, base_iri=base))
    return slow.finish()


def test_files_after_the_first_match_quad_by_quad(tmp_path: Path) -> None:
    """The build's reduce: one file per graph into a filled store (the bulk loader when a
    file has no blank node, the quad-by-quad parse when it has: labels kept)."""
    first, plain, blank, triples = (tmp_path / n for n in ("a.nq", "b.nq", "c.nq", "d.nt"))
    first.write_text(NQ, encoding="utf-8")
    plain.write_text(f'<http://ex/e> <http://ex/start> "07"^^<{XSD}nonNegativeInteger> '
                     f'<http://ex/g3> .\n<http://ex/e> <http://ex/n> "5"^^<{XSD}int> .\n'
                     '<http://ex/e> <http://ex/label> "x" <http://ex/g3> .\n', encoding="utf-8")
    blank.write_text("_:q <http://ex/on> <http://ex/p> <http://ex/g4> .\n", encoding="utf-8")
    triples.write_text(f'<http://ex/f> <http://ex/n> "08"^^<{XSD}short> .\n', encoding="utf-8")
    paths = [first, plain, blank, triples]
    fast = Loader()
    for path in paths:
        fast.add_file(path)
    got, want = fast.finish(), _quad_by_quad(paths)
    assert set(got.store) == set(want.store)
    assert len(got.store) == 10 + 3 + 1 + 1
    assert not list(got.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert ox.BlankNode("q") in {q.subject for q in got.store}
    for field in ("by_triple", "by_value", "predicates", "merged", "also_as_stored",
                  "plain_types", "changed_types"):
        assert getattr(got.written, field) == getattr(want.written, field), field
    e, start = ox.NamedNode("http://ex/e"), ox.NamedNode("http://ex/start")
    assert got.written.by_triple[(e, start, ox.Literal("7", datatype=ox.NamedNode(
        XSD + "integer")))] == (ox.Literal("07", datatype=ox.NamedNode(
            XSD + "nonNegativeInteger")),)


def test_a_syntax_error_in_a_later_file_names_its_line(tmp_path: Path) -> None:
    from kg.errors import InputError

    good, bad = tmp_path / "good.nq", tmp_path / "bad.nq"
    good.write_text(NQ, encoding="utf-8")
    bad.write_text(f'<http://ex/a> <http://ex/n> "1"^^<{XSD}int> <http://ex/g> .\n'
                   "<http://ex/x> <http://ex/y> .\n", encoding="utf-8")
    loader = Loader()
    loader.add_file(good)
    with pytest.raises(InputError) as err:
        loader.add_file(bad)
    assert "bad.nq:2" in str(err.value)


def test_the_noted_terms_are_one_object_per_distinct_term(tmp_path: Path) -> None:
    """A build notes four offsets per evidence selector: the subject, the predicates and the
    values repeat, and each distinct term is kept once (not one pyoxigraph object per
    quad: 520 instead of 161 bytes per noted literal)."""
    paths = []
    for i, name in enumerate(("a.nq", "b.nq", "c.nt")):
        path = tmp_path / name
        graph = "" if name.endswith(".nt") else f" <http://ex/g{i}>"
        one = f'"01"^^<{XSD}nonNegativeInteger>{graph} .\n'
        path.write_text(f"<http://ex/s> <http://ex/start> {one}<http://ex/s> <http://ex/end> {one}",
                        encoding="utf-8")
        paths.append(path)
    loader = Loader()
    loader.add_file(paths[0])  # into the empty store
    loader.add_file(paths[1])  # into a filled one
    loader.add(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("http://ex/g9"))
               for q in ox.parse(path=str(paths[2]), format=ox.RdfFormat.N_TRIPLES))
    noted = loader._noted
    assert len(noted) == 6
    assert len({id(s) for s, _p, _o in noted}) == 1
    assert len({id(p) for _s, p, _o in noted}) == 2
    assert len({id(o) for _s, _p, o in noted}) == 1
    data = loader.finish()
    assert data.written.by_triple[(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/end"),
                                   ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")))] \
        == (ox.Literal("01", datatype=ox.NamedNode(XSD + "nonNegativeInteger")),)


def test_a_file_into_a_large_store_does_not_scan_the_store(tmp_path: Path) -> None:
    """The build's reduce loads one file per article into the growing store: a file's cost
    must not grow with the store (``len(store)`` scans every quad: once per file it made
    the reduce quadratic in the corpus, 1,000 articles did not finish)."""
    import time

    big = ox.Store()
    big.bulk_load(b"".join(b'<http://ex/s%d> <http://ex/p> "%d" <http://ex/g%d> .\n'
                           % (i, i, i % 50) for i in range(150_000)),
                  format=ox.RdfFormat.N_QUADS)
    small = tmp_path / "small.nq"
    small.write_text(f'<http://ex/a> <http://ex/start> "1"^^<{XSD}nonNegativeInteger> '
                     "<http://ex/article> .\n", encoding="utf-8")
    loader = Loader(big)

    def best(fn: object, times: int = 5) -> float:
        out = []
        for _ in range(times):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            out.append(time.perf_counter() - t)
        return min(out)

    scan = best(lambda: len(big))
    load = best(lambda: loader.add_file(small))
    assert load < scan / 4, (load, scan)
    assert len(big) == 150_001
