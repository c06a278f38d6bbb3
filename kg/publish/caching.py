"""HTTP caching of a release: validators, conditional requests and a response cache.

A build is immutable while it is served, so every successful ``GET`` of a page, document or
(deterministic) query answer is a function of the request line and the headers it varies
on (``Accept``, ``Accept-Language``). :class:`ReleaseCache`, an ASGI middleware in front
of the routes, therefore

- adds ``ETag`` (a hash of the representation), ``Last-Modified`` (the build's time) and
  ``Cache-Control: public, max-age=N`` to those answers, and answers ``If-None-Match`` /
  ``If-Modified-Since`` with ``304 Not Modified`` (RFC 9110 13), so that browsers, crawlers
  and reverse proxies revalidate instead of downloading again;
- keeps the answers (200 and 303, bodies up to 1/16 of the cache) in a least-recently-used
  cache of ``max_bytes`` per front process: a repeated request is answered from memory
  without a worker (a cached answer is not a query: nothing is evaluated). Error answers
  (4xx, 5xx, 429) are never kept;
- answers a page not in memory from the documents pre-rendered at start when they hold it
  (``pages``: :class:`kg.publish.prerender.Pages`), with the same validators.
- answers a ``HEAD`` as the ``GET`` it stands for (the same headers and validators, no body).

SPARQL answers are kept only when ``cache_queries`` is on and the query cannot differ
between two runs (no ``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``, ``SERVICE``, no
``\\u`` escape that could spell them); by default every query is run, so the queue and its
429 answer apply to every query as before.
"""

from __future__ import annotations

import collections
import email.utils
import hashlib
import re
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from kg.publish.federation import might_call_service

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]

#: paths whose GET answers depend only on the build and the request (files are streamed
#: by Starlette with their own validators)
PAGE_PREFIXES = ("/id/", "/doc/", "/ontology", "/void", "/.well-known/void", "/dcat")
NONDETERMINISTIC = re.compile(r"\b(RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.I)
#: the same (and SERVICE, ``\u`` escapes) in a URL-encoded query; a letter sent as %XX
ENCODED_NONDETERMINISTIC = re.compile(
    rb"(RAND|NOW|UUID|STRUUID|BNODE)(\+|%20|%09|%0a|%0d)*(\(|%28)|service|%5cu|\\u", re.I
)
ENCODED_LETTER = re.compile(rb"%(?:[46][1-9a-f]|[57][0-9a])", re.I)
QUERY_PARAM = re.compile(rb"(?:^|&)query=")
#: headers a 304 leaves out (it has no body)
BODY_HEADERS = frozenset({b"content-length", b"content-type", b"content-language"})
HIT = (b"server-timing", b'cache;desc="hit"')
PRERENDERED = (b"server-timing", b'cache;desc="prerendered"')
#: a pre-rendered answer: status, headers as the routes send them, body, its ETag (a 200)
Found = tuple[int, list[tuple[bytes, bytes]], bytes, bytes | None]


def etag_of(body: bytes) -> bytes:
    """The (strong) ETag of a representation: a hash of its bytes."""
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'.encode()


def deterministic_query(query_string: bytes) -> bool:
    """Whether the ``query`` of a ``/sparql`` URL gives the same answer every time.

    Checked on the URL-encoded form (decoding a long query costs more than its answer from
    the cache): names are not percent-encoded unless a client encodes letters, and then the
    decoded form is checked. Anything that looks like a non-deterministic call counts as one.
    """
    if ENCODED_LETTER.search(query_string):
        try:
            queries = urllib.parse.parse_qs(query_string.decode("ascii"), errors="strict").get(
                "query", []
            )
        except (UnicodeDecodeError, ValueError):
            return False
        return len(queries) <= 1 and not any(
            NONDETERMINISTIC.search(q) or might_call_service(q) for q in queries
        )
    repeated = len(QUERY_PARAM.findall(query_string)) > 1  # the route answers 400
    return not repeated and not ENCODED_NONDETERMINISTIC.search(query_string)


@dataclass
class Entry:
    """One kept answer: status, headers as sent (with validators), body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(n) + len(v) for n, v in self.headers) + 200


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return b""


def _etag_matches(header: bytes, etag: bytes) -> bool:
    """``If-None-Match`` (weak comparison, RFC 9110 13.1.2)."""
    if header.strip() == b"*":
        return True
    wanted = etag.removeprefix(b"W/")
    return any(tag.strip().removeprefix(b"W/") == wanted for tag in header.split(b","))


class ReleaseCache:
    """ASGI middleware: validators, 304s and an LRU cache of the release's answers."""

    def __init__(self, app: Any, *, last_modified: float, max_bytes: int = 64 << 20,
                 max_age: int = 3600, cache_queries: bool = False,
                 pages: Callable[[Scope], Found | None] | None = None):  # fmt: skip
        self.app = app
        #: looks a page up among the pre-rendered ones (:mod:`kg.publish.prerender`)
        self.pages = pages
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 16
        self.cache_queries = cache_queries
        self.last_modified_at = int(last_modified)
        self.last_modified = email.utils.formatdate(last_modified, usegmt=True).encode()
        self.cache_control = f"public, max-age={max_age}".encode()
        self.entries: collections.OrderedDict[tuple[bytes, ...], Entry] = collections.OrderedDict()
        self.size = 0

    def _kind(self, scope: Scope) -> str | None:
        """``"page"``, ``"query"`` (a cacheable answer) or ``None`` (pass through)."""
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
            return None
        path: str = scope["path"]
        if path == "/" or path.startswith(PAGE_PREFIXES):
            return "page"
        if path == "/sparql" and deterministic_query(scope["query_string"]):
            return "query"
        return None

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        kind = self._kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        key = (
            scope["path"].encode(), scope["query_string"], _header(scope, b"accept"),
            _header(scope, b"accept-language"),
        )  # fmt: skip
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            await self._answer(scope, send, entry, [HIT])
            return
        keep = self.max_bytes > 0 and (kind == "page" or self.cache_queries)
        found = self.pages(scope) if kind == "page" and self.pages is not None else None
        if found is not None:
            entry = self._validated(*found)
            if keep and scope["method"] == "GET" and entry.size <= self.max_entry:
                self._keep(key, entry)
            await self._answer(scope, send, entry, [PRERENDERED])
            return
        start: Message | None = None

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            if message.get("more_body", False):  # a stream: sent as it comes, not kept
                await send(start)
                start = None
                await send(message)
                return
            entry = self._entry(start, message.get("body", b""))
            if entry is None:
                await send(start)
                await send(message)
                return
            if keep and entry.size <= self.max_entry:
                self._keep(key, entry)
            timing = [(n, v) for n, v in start.get("headers", []) if n.lower() == b"server-timing"]
            await self._answer(scope, send, entry, timing)

        # a HEAD is answered as the GET it stands for, with the same validators, without
        # the body (the server sends none for a HEAD, even of a stream)
        as_get = {**scope, "method": "GET"} if scope["method"] == "HEAD" else scope
        await self.app(as_get, receive, capture)

    def _entry(self, start: Message, body: bytes) -> Entry | None:
        """The answer with its validators, or ``None`` when it is not to be cached."""
        status = start["status"]
        if status not in {200, 303}:
            return None
        # a kept answer says it came from the cache instead of how long it took
        headers = [
            (n, v) for n, v in start.get("headers", []) if n.lower() != b"server-timing"
        ]  # fmt: skip
        return self._validated(status, headers, body, etag_of(body) if status == 200 else None)

    def _validated(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                   etag: bytes | None) -> Entry:  # fmt: skip
        """The answer with ``ETag``, ``Last-Modified`` (a 200) and ``Cache-Control``."""
        if etag is not None:
            headers = [*headers, (b"etag", etag), (b"last-modified", self.last_modified)]
        return Entry(status, [*headers, (b"cache-control", self.cache_control)], body, etag)

    def _keep(self, key: tuple[bytes, ...], entry: Entry) -> None:
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes and self.entries:
            _, old = self.entries.popitem(last=False)
            self.size -= old.size

    def _not_modified(self, scope: Scope, entry: Entry) -> bool:
        if entry.etag is None:
            return False
        match = _header(scope, b"if-none-match")
        if match:
            return _etag_matches(match, entry.etag)
        since = _header(scope, b"if-modified-since")
        if since:
            try:
                parsed = email.utils.parsedate_to_datetime(since.decode("latin-1"))
            except (TypeError, ValueError):
                return False
            return parsed.timestamp() >= self.last_modified_at
        return False

    async def _answer(self, scope: Scope, send: Send, entry: Entry,
                      extra: list[tuple[bytes, bytes]]) -> None:  # fmt: skip
        if self._not_modified(scope, entry):
            headers = [(n, v) for n, v in entry.headers if n.lower() not in BODY_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": headers + extra})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": entry.status,
                "headers": entry.headers + extra,
            }
        )
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})
