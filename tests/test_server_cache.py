"""The release cache (:mod:`kg.publish.caching`) and the snapshot's lookup tables, in process.

The cache is driven as an ASGI middleware over a counting application (no sockets): which
answers are kept, that a kept answer is served without calling the application, eviction by
size, HEAD, and which SPARQL queries count as deterministic. The lookup tables are checked
against the store they were computed from.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from test_server import FIXTURE

from kg.publish.caching import ReleaseCache, deterministic_query

SV = "https://w3id.org/clusterkg/id/cluster/silicon-valley"


class Counting:
    """An ASGI app answering ``status`` with a body of ``size`` bytes; counts its calls."""

    def __init__(self, status: int = 200, size: int = 100, chunks: int = 1):
        self.status, self.size, self.chunks, self.calls = status, size, chunks, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        headers = [(b"content-type", b"text/turtle")]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        for i in range(self.chunks):
            more = i < self.chunks - 1
            body = scope["path"].encode().ljust(self.size // self.chunks, b".")
            await send({"type": "http.response.body", "body": body, "more_body": more})


def get(app: Any, path: str, query: str = "", method: str = "GET",
        **headers: str) -> tuple[int, dict[bytes, bytes], bytes]:  # fmt: skip
    scope = {
        "type": "http", "method": method, "path": path, "query_string": query.encode(),
        "headers": [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, None, send))
    head = dict(sent[0]["headers"])
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])


def test_kept_answers_are_served_without_the_application() -> None:
    inner = Counting()
    cache = ReleaseCache(inner, last_modified=1e9, max_bytes=1 << 20)
    status, headers, body = get(cache, "/doc/a.ttl", accept="text/turtle")
    assert status == 200 and b"etag" in headers and inner.calls == 1
    again = get(cache, "/doc/a.ttl", accept="text/turtle")
    assert again[2] == body and again[1][b"etag"] == headers[b"etag"] and inner.calls == 1
    get(cache, "/doc/a.ttl", accept="text/html")  # another variant: computed
    head = get(cache, "/doc/a.ttl", method="HEAD", accept="text/turtle")
    assert head[0] == 200 and head[2] == b"" and inner.calls == 2
    assert (
        get(cache, "/doc/a.ttl", accept="text/turtle", if_none_match=headers[b"etag"].decode())[0]
        == 304
    )


@pytest.mark.parametrize(("status", "chunks", "path"), [
    (404, 1, "/doc/a.ttl"), (503, 1, "/doc/a.ttl"), (429, 1, "/sparql"),
    (200, 3, "/doc/a.ttl"),  # a streamed body
    (200, 1, "/dumps/clusterkg.nq"),  # files have their own validators
])  # fmt: skip
def test_errors_streams_and_files_are_not_kept(status: int, chunks: int, path: str) -> None:
    inner = Counting(status=status, chunks=chunks, size=300)
    cache = ReleaseCache(inner, last_modified=1e9, cache_queries=True)
    for _ in range(2):
        answer = get(cache, path)
        assert answer[0] == status and len(answer[2]) == 300
    assert inner.calls == 2 and not cache.entries


def test_cache_is_bounded_least_recently_used_first() -> None:
    inner = Counting(size=1000)
    cache = ReleaseCache(inner, last_modified=1e9, max_bytes=16 * 1400)
    for i in range(40):
        get(cache, f"/doc/{i}.ttl")
    assert cache.size <= cache.max_bytes and 5 < len(cache.entries) < 40
    assert (b"/doc/39.ttl", b"", b"", b"") in cache.entries
    assert (b"/doc/0.ttl", b"", b"", b"") not in cache.entries
    big = Counting(size=cache.max_entry + 1)
    large = ReleaseCache(big, last_modified=1e9, max_bytes=cache.max_bytes)
    get(large, "/doc/big.ttl")
    assert not large.entries  # one answer may take at most 1/16 of the cache


def test_queries_kept_only_when_asked_and_deterministic() -> None:
    inner = Counting()
    select = urllib.parse.urlencode({"query": "SELECT * { ?s ?p ?o }"})
    for cache_queries, calls in ((False, 2), (True, 1)):
        inner.calls = 0
        cache = ReleaseCache(inner, last_modified=1e9, cache_queries=cache_queries)
        get(cache, "/sparql", select)
        get(cache, "/sparql", select)
        assert inner.calls == calls
    cache = ReleaseCache(inner, last_modified=1e9, cache_queries=True)
    rand = urllib.parse.urlencode({"query": "SELECT (rand () AS ?r) {}"})
    assert b"cache-control" not in get(cache, "/sparql", rand)[1]
    assert not cache.entries


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * { ?s ?p ?o } LIMIT 5", True),
    ("SELECT ?brand { ?s <http://x/random> ?brand }", True),
    ("SELECT (RAND() AS ?r) {}", False),
    ("select (now () as ?t) {}", False),
    ("SELECT (STRUUID() AS ?u) {}", False),
    ("SELECT (BNODE() AS ?b) {}", False),
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", False),
    ("SELECT (\\u0052AND() AS ?r) {}", False),
])  # fmt: skip
def test_deterministic_query(query: str, expected: bool) -> None:
    assert deterministic_query(urllib.parse.urlencode({"query": query}).encode()) is expected
    assert deterministic_query(b"query=a&query=b") is False  # the route answers 400
    # a client may percent-encode letters: then the decoded query is checked
    assert deterministic_query(b"query=SELECT+%28%52AND%28%29+AS+%3Fr%29+%7B%7D") is False
    assert deterministic_query(b"q%75ery=SELECT+%2A+%7B%7D") is True


def test_snapshot_lookups_match_the_store(tmp_path: Path) -> None:
    import pyoxigraph as ox
    from rdflib import Dataset

    from kg.publish.dumps import write_dumps
    from kg.publish.snapshot import Snapshot, prepare

    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    write_dumps(ds, tmp_path / "build")
    prepare(tmp_path / "build" / "clusterkg.nq", tmp_path)
    snapshot = Snapshot.open(tmp_path)
    labels = dict(snapshot.labels(SV))
    assert labels["en"] == "Silicon Valley" and labels["ru"] == "Кремниевая долина"
    assert snapshot.labels("https://example.org/nothing") == ()
    ann = "https://w3id.org/clusterkg/id/annotation/bbbbbbbbbbbb"
    exact, lang, source, start, end = snapshot.quote(ann)  # type: ignore[misc]
    assert (exact, lang, start, end) == (
        "Stanford University is a member of Silicon Valley", "en", "0", "49",
    )  # fmt: skip
    assert source is not None and source.startswith("https://w3id.org/clusterkg/id/source/")
    # the store gives the offsets back as xsd:integer; the lookup restores the loaded type
    quote = ox.NamedNode(ann + "#position")
    stored = next(
        snapshot.data.quads_for_pattern(
            quote,
            None,
            ox.Literal(
                "49", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
            ),
            None,
        )
    ).triple
    assert stored.object.datatype.value.endswith("#integer")
    assert snapshot.original(stored).object.datatype.value.endswith("#nonNegativeInteger")
