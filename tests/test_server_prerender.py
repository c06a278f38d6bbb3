"""Pre-rendered entity documents (:mod:`kg.publish.prerender`): a server that answers from
them sends, for every document and language variant, the same status, headers and bytes as
a server that computes each page in a worker; whatever was not pre-rendered still goes to
the routes; the bounds hold.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_server import SV, mini_build, start_serve, stop_server  # noqa: F401

pytestmark = pytest.mark.server

#: headers that differ between two servers for reasons other than the answer
PER_SERVER = {"date", "server", "server-timing"}
STEM = SV.removeprefix("https://w3id.org/clusterkg/id/")


def start(build: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``clusterkg serve`` with one worker and a fixed base URL."""
    return start_serve(build, "--workers", "1", "--base-url", "http://example.test", *extra)


@pytest.fixture(scope="module")
def servers(mini_build: Path) -> Iterator[tuple[str, str]]:  # noqa: F811
    """A server computing every page (no cache, nothing pre-rendered) and one pre-rendering."""
    computed, computed_base = start(mini_build, "--cache-mb", "0", "--prerender-mb", "0")
    prerendered, prerendered_base = start(mini_build, "--cache-mb", "0")
    yield computed_base, prerendered_base
    stop_server(computed)
    stop_server(prerendered)


def answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.multi_items() if k not in PER_SERVER)
    return response.status_code, headers, response.content


DOCUMENTS = [f"/doc/{STEM}.{ext}" for ext in ("html", "ttl", "jsonld", "rdf", "nt")]


@pytest.mark.parametrize("path", [*DOCUMENTS, f"/id/{STEM}.ttl"])
@pytest.mark.parametrize("language", [None, "ru", "uz-Cyrl", "uz-latn,en;q=0.5", "fr"])
def test_prerendered_answers_equal_computed_ones(servers: tuple[str, str], path: str,
                                                 language: str | None) -> None:  # fmt: skip
    computed, prerendered = servers
    headers = {"Accept-Language": language} if language else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert expected.status_code == 200
    assert answer(got)[1] == answer(expected)[1]
    assert answer(got) == answer(expected)
    assert "server-timing" not in expected.headers
    # French is no label language: its order ("fr" first) was not rendered, a worker makes it
    timing = 'cache;desc="prerendered"' if language != "fr" or "html" not in path else None
    assert got.headers.get("server-timing") == timing
    # validators work on a pre-rendered answer as on a computed one
    again = httpx.get(prerendered + path, headers={**headers, "If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = httpx.head(prerendered + path, headers=headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(expected.content))


@pytest.mark.parametrize("path", [f"/doc/{STEM}", f"/id/{STEM}"])
@pytest.mark.parametrize(
    "accept", [None, "text/turtle", "application/ld+json;q=0.9, text/html;q=0.5", "*/*"]
)
def test_negotiated_documents_and_303s_equal_computed_ones(
    servers: tuple[str, str], path: str, accept: str | None
) -> None:
    computed, prerendered = servers
    headers = {"Accept": accept} if accept else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert expected.status_code == (303 if path.startswith("/id/") else 200)
    assert answer(got) == answer(expected)
    assert got.headers.get("server-timing") == 'cache;desc="prerendered"'
    if path.startswith("/doc/"):
        assert got.headers["content-location"].startswith("http://example.test/doc/")


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/doc/cluster/no-such-thing.html", None), ("/doc/cluster/no-such-thing.ttl", None),
     ("/id/cluster/no-such-thing", None), ("/doc/a%20b.ttl", None), ("/id/a%20b", None),
     (f"/doc/{STEM}.ttl?x=1", None), (f"/id/{STEM}", "image/png"), (f"/doc/{STEM}", "x/y")],
)  # fmt: skip
def test_what_was_not_prerendered_goes_to_the_routes(servers: tuple[str, str], path: str,
                                                     accept: str | None) -> None:  # fmt: skip
    computed, prerendered = servers
    headers = {"Accept": accept} if accept else {}
    expected = httpx.get(computed + path, headers=headers)
    got = httpx.get(prerendered + path, headers=headers)
    assert got.status_code == expected.status_code
    assert got.status_code in {200, 400, 404, 406}
    assert got.content == expected.content
    assert got.headers.get("server-timing") != 'cache;desc="prerendered"'


def test_bounds_stop_the_rendering(mini_build: Path, tmp_path: Path) -> None:  # noqa: F811
    from kg.publish.prerender import Pages, entities, render_pages
    from kg.publish.snapshot import Snapshot, prepare

    prepare(mini_build / "clusterkg.nq", tmp_path)
    every = entities(Snapshot.open(tmp_path).data)
    assert SV in every and all("#" not in e for e in every)
    render_pages(tmp_path, "http://example.test", max_bytes=1, seconds=60)
    pages = Pages("http://example.test")
    summary = pages.open(tmp_path)
    assert summary is not None and summary.entities == len(every) and summary.rendered == 1
    assert pages.db is not None
    rendered = {iri for (iri,) in pages.db.execute("SELECT DISTINCT iri FROM pages")}
    assert rendered == {every[0]}
    pages.close()
    (tmp_path / "pages.sqlite").unlink()
    render_pages(tmp_path, "http://example.test", max_bytes=1 << 30, seconds=0)
    assert pages.open(tmp_path) is not None and pages.db is not None
    assert pages.db.execute("SELECT COUNT(*) FROM pages").fetchone() == (0,)
    pages.close()


def test_an_app_that_never_starts_leaves_no_folder(build_dir: Path) -> None:
    import tempfile

    from kg.publish.server import create_app

    before = set(Path(tempfile.gettempdir()).glob("clusterkg-serve-*"))
    create_app(build_dir)
    assert set(Path(tempfile.gettempdir()).glob("clusterkg-serve-*")) == before
