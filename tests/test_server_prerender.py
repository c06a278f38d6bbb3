"""Pre-rendered entity documents (:mod:`kg.publish.prerender`): a server that answers from
them, pre-rendered at start or from the build's page store (rendered against a placeholder
base URL, served under another), sends, for every document and language variant, the same
status, headers and bytes as a server that computes each page in a worker; whatever was not
pre-rendered still goes to the routes; a page store of another graph or renderer, or that
cannot take the served base URL, is not used; the bounds hold; the store is deterministic.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_server import SV, mini_build, start_serve, stop_server  # noqa: F401

from kg.paths import ROOT

pytestmark = pytest.mark.server

#: headers that differ between two servers for reasons other than the answer
PER_SERVER = {"date", "server", "server-timing"}
STEM = SV.removeprefix("https://w3id.org/clusterkg/id/")
PRERENDERED = 'cache;desc="prerendered"'


def start(build: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``clusterkg serve`` with one worker and a fixed base URL."""
    return start_serve(build, "--workers", "1", "--base-url", "http://example.test", *extra)


def released_copy(build: Path, target: Path) -> Path:
    """A copy of ``build`` with its page store written by ``clusterkg pages``."""
    shutil.copytree(build, target)
    done = subprocess.run([sys.executable, "-m", "kg.cli", "pages", "--build", str(target)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "pre-rendered the documents of" in done.stderr
    return target


@pytest.fixture(scope="module")
def released_build(mini_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return released_copy(mini_build, tmp_path_factory.mktemp("released") / "build")


@pytest.fixture(scope="module")
def servers(mini_build: Path, released_build: Path) -> Iterator[dict[str, str]]:  # noqa: F811
    """A server computing every page (no cache, nothing pre-rendered), one pre-rendering at
    start and one answering from the build's page store (nothing rendered at start)."""
    started = {
        "computed": start(mini_build, "--cache-mb", "0", "--prerender-mb", "0"),
        "at start": start(mini_build, "--cache-mb", "0"),
        "released": start(released_build, "--cache-mb", "0", "--prerender-mb", "0"),
    }
    yield {name: base for name, (_, base) in started.items()}
    for proc, _ in started.values():
        stop_server(proc)


def answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in PER_SERVER)
    return response.status_code, headers, response.content


DOCUMENTS = [f"/doc/{STEM}.{ext}" for ext in ("html", "ttl", "jsonld", "rdf", "nt")]
KINDS = ["at start", "released"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", [*DOCUMENTS, f"/id/{STEM}.ttl"])
@pytest.mark.parametrize("language", [None, "ru", "uz-Cyrl", "uz-latn,en;q=0.5", "fr",
                                      "en-US,en;q=0.9", "de-DE,de;q=0.9,ru;q=0.8", "ru,uz-Cyrl"])
def test_prerendered_answers_equal_computed_ones(servers: dict[str, str], kind: str, path: str,
                                                 language: str | None) -> None:  # fmt: skip
    computed, prerendered = servers["computed"], servers[kind]
    headers = {"Accept-Language": language} if language else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert expected.status_code == 200
    assert answer(got)[1] == answer(expected)[1]
    assert answer(got) == answer(expected)
    assert "server-timing" not in expected.headers
    # a browser's header picks the labels of a stored order (no label is tagged fr, en-us or
    # de); "ru,uz-Cyrl" is an order that was not rendered: a worker makes it
    timing = PRERENDERED if language != "ru,uz-Cyrl" or "html" not in path else None
    assert got.headers.get("server-timing") == timing
    # the served base URL, never the placeholder the build rendered against
    assert b".invalid" not in got.content
    if path.endswith(".html"):
        assert b'href="http://example.test/doc/' in got.content
    # validators work on a pre-rendered answer as on a computed one
    again = httpx.get(prerendered + path, headers={**headers, "If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = httpx.head(prerendered + path, headers=headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(expected.content))
    assert head.headers["etag"] == expected.headers["etag"]  # from the store or the routes


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", [f"/doc/{STEM}", f"/id/{STEM}"])
@pytest.mark.parametrize(
    "accept", [None, "text/turtle", "application/ld+json;q=0.9, text/html;q=0.5", "*/*"]
)
def test_negotiated_documents_and_303s_equal_computed_ones(
    servers: dict[str, str], kind: str, path: str, accept: str | None
) -> None:
    computed, prerendered = servers["computed"], servers[kind]
    headers = {"Accept": accept} if accept else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert expected.status_code == (303 if path.startswith("/id/") else 200)
    assert answer(got) == answer(expected)
    assert got.headers.get("server-timing") == PRERENDERED
    if path.startswith("/doc/"):
        assert got.headers["content-location"].startswith("http://example.test/doc/")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("path", "accept"),
    [("/doc/cluster/no-such-thing.html", None), ("/doc/cluster/no-such-thing.ttl", None),
     ("/id/cluster/no-such-thing", None), ("/doc/a%20b.ttl", None), ("/id/a%20b", None),
     (f"/doc/{STEM}.ttl?x=1", None), (f"/id/{STEM}", "image/png"), (f"/doc/{STEM}", "x/y")],
)  # fmt: skip
def test_what_was_not_prerendered_goes_to_the_routes(
    servers: dict[str, str], kind: str, path: str, accept: str | None
) -> None:
    computed, prerendered = servers["computed"], servers[kind]
    headers = {"Accept": accept} if accept else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert got.status_code == expected.status_code
    assert got.status_code in {200, 400, 404, 406}
    assert got.content == expected.content
    assert got.headers.get("server-timing") != PRERENDERED


def test_every_entity_of_the_release_equals_its_computed_page(
    servers: dict[str, str], released_build: Path
) -> None:
    """Every document of the page store, each format and stored language order."""
    from kg.publish.prerender import LANGUAGES, PAGES

    db = sqlite3.connect(released_build / PAGES)
    iris = [iri for (iri,) in db.execute("SELECT DISTINCT iri FROM pages ORDER BY iri")]
    entities, rendered = db.execute("SELECT entities, rendered FROM release").fetchone()
    db.close()
    assert len(iris) == entities == rendered == 7
    with httpx.Client() as client:
        for iri in iris:
            stem = iri.removeprefix("https://w3id.org/clusterkg/id/")
            for ext in ("html", "ttl", "jsonld", "rdf", "nt"):
                for language in LANGUAGES if ext == "html" else (None,):
                    headers = {"Accept-Language": language} if language else {}
                    path = f"/doc/{stem}.{ext}"
                    got = client.get(servers["released"] + path, headers=headers)
                    expected = client.get(servers["computed"] + path, headers=headers)
                    assert got.headers.get("server-timing") == PRERENDERED, path
                    assert answer(got) == answer(expected), (path, language)


def test_a_page_store_of_another_graph_is_not_used(mini_build: Path,  # noqa: F811
                                                   tmp_path: Path) -> None:  # fmt: skip
    """The graph changed after its pages were rendered: every page is computed from the new
    graph (the start-time pre-rendering off, so nothing else could answer)."""
    build = released_copy(mini_build, tmp_path / "build")
    nquads = build / "clusterkg.nq"
    nquads.write_bytes(nquads.read_bytes().replace(b"Silicon Valley", b"Silicon Vale"))
    proc, base = start(build, "--cache-mb", "0", "--prerender-mb", "0")
    try:
        got = httpx.get(f"{base}/doc/{STEM}.html")
        assert got.status_code == 200 and got.headers.get("server-timing") != PRERENDERED
        assert "Silicon Vale" in got.text and "Silicon Valley" not in got.text
        assert httpx.get(f"{base}/doc/{STEM}.ttl").headers.get("server-timing") != PRERENDERED
    finally:
        stop_server(proc)


def test_pages_open_only_a_store_that_fits(released_build: Path, tmp_path: Path) -> None:
    from kg.publish.prerender import PAGES, Pages, graph_digest, placeholder_base, renderer

    graph = graph_digest(released_build / "clusterkg.nq")
    store = released_build / PAGES
    row = sqlite3.connect(store).execute("SELECT graph, renderer, base FROM release").fetchone()
    assert row == (graph, renderer(), placeholder_base(graph))
    assert placeholder_base(graph).encode() not in (released_build / "clusterkg.nq").read_bytes()
    for base in ("http://example.test", "https://kg.example.org/a/b", placeholder_base(graph)):
        pages = Pages(base)
        assert pages.open(store, graph) is not None, base
        assert (pages.rebase is None) == (base == placeholder_base(graph))
        pages.close()
    # a served base URL that HTML escaping would change, another graph, no store
    for base, digest, path in [("http://example.test/?a=1&b=2", graph, store),
                               ('http://example.test/"', graph, store),
                               ("http://example.test", "0" * 32, store),
                               ("http://example.test", graph, tmp_path / PAGES)]:  # fmt: skip
        pages = Pages(base)
        assert pages.open(path, digest) is None and pages.db is None, (base, digest)
    # another renderer (code, templates or library versions)
    other = tmp_path / "other.sqlite"
    shutil.copy(store, other)
    with sqlite3.connect(other) as db:
        db.execute("UPDATE release SET renderer = 'x'")
    assert Pages("http://example.test").open(other, graph) is None
    # only the HTML bodies link to the base URL
    db = sqlite3.connect(store)
    based = dict(db.execute(
        "SELECT p.ext, MAX(b.based) FROM pages p JOIN bodies b ON b.id = p.body GROUP BY p.ext"
    ).fetchall())  # fmt: skip
    assert based == {"html": 1, "ttl": 0, "jsonld": 0, "rdf": 0, "nt": 0}
    db.close()


def test_the_page_store_is_deterministic(mini_build: Path, tmp_path: Path) -> None:  # noqa: F811
    from kg.publish.prerender import PAGES, write_release_pages

    first = released_copy(mini_build, tmp_path / "one")
    second = tmp_path / "two"
    shutil.copytree(mini_build, second)
    summary = write_release_pages(second, workers=2, memory_mb=0)  # from disk, two processes
    assert summary.rendered == summary.entities == 7
    assert (first / PAGES).read_bytes() == (second / PAGES).read_bytes()


def test_orders_that_pick_the_same_labels_are_one_variant(mini_build: Path,  # noqa: F811
                                                          tmp_path: Path) -> None:  # fmt: skip
    """A graph with no uz-Latn label: "uz-Latn" first and "uz-Cyrl" first pick the same labels,
    so they are stored once (as one key), and a browser's header is answered from it."""
    import re

    from kg.publish.prerender import PAGES, Pages, graph_digest, variant

    build = tmp_path / "build"
    shutil.copytree(mini_build, build)
    nquads = build / "clusterkg.nq"
    lines = nquads.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if not re.search(rb'"@uz-latn ', line, re.I)]
    assert len(kept) < len(lines)
    nquads.write_bytes(b"".join(kept))
    released_copy(build, tmp_path / "released")
    pages = Pages("http://example.test")
    assert pages.open(tmp_path / "released" / PAGES, graph_digest(nquads)) is not None
    assert pages.db is not None and "uz-latn" not in pages.languages
    keys = {k for (k,) in pages.db.execute("SELECT variant FROM pages WHERE ext = 'html'")}
    assert keys == {variant("html", h, pages.languages) for h in (None, "ru", "uz-Cyrl")}
    assert variant("html", "uz-Latn", pages.languages) == variant("html", "uz-Cyrl",
                                                                  pages.languages)  # fmt: skip
    assert pages._document(SV, "html", b"uz-Latn,en;q=0.5") is not None
    pages.close()


def test_bounds_stop_the_rendering(mini_build: Path, tmp_path: Path) -> None:  # noqa: F811
    from kg.publish.prerender import PAGES, Pages, entities, graph_digest, render_pages
    from kg.publish.snapshot import Snapshot, prepare

    nquads = mini_build / "clusterkg.nq"
    graph = graph_digest(nquads)
    prepare(nquads, tmp_path)
    every = entities(Snapshot.open(tmp_path).data)
    assert SV in every and all("#" not in e for e in every)
    render_pages(tmp_path, "http://example.test", max_bytes=1, seconds=60, nquads=nquads)
    pages = Pages("http://example.test")
    summary = pages.open(tmp_path / PAGES, graph)
    assert summary is not None and summary.entities == len(every) and summary.rendered == 1
    assert pages.db is not None and pages.rebase is None
    rendered = {iri for (iri,) in pages.db.execute("SELECT DISTINCT iri FROM pages")}
    assert rendered == {every[0]}
    pages.close()
    (tmp_path / PAGES).unlink()
    render_pages(tmp_path, "http://example.test", max_bytes=1 << 30, seconds=0, nquads=nquads)
    assert pages.open(tmp_path / PAGES, graph) is not None and pages.db is not None
    assert pages.db.execute("SELECT COUNT(*) FROM pages").fetchone() == (0,)
    pages.close()


def test_an_app_that_never_starts_leaves_no_folder(build_dir: Path) -> None:
    import tempfile

    from kg.publish.server import create_app

    before = set(Path(tempfile.gettempdir()).glob("clusterkg-serve-*"))
    create_app(build_dir)
    assert set(Path(tempfile.gettempdir()).glob("clusterkg-serve-*")) == before


def test_pages_of_no_build_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "pages", "--build", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") <= 2 and "no built graph in" in done.stderr
    assert not (tmp_path / "pages.sqlite").exists()
