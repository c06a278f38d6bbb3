"""Entity documents rendered once when ``clusterkg serve`` starts, then served as bytes.

A release is immutable while it is served, so the documents of its entities are a static
linked-data site: :func:`render_pages` (run in a child process once the snapshot is
prepared) renders, for every typed IRI under ``/id/`` in IRI order, its HTML page in each
label-language preference (:data:`LANGUAGES`: no ``Accept-Language``, and each label
language first) and its Turtle, JSON-LD, RDF/XML and N-Triples documents, with the headers
the routes send, into ``pages.sqlite`` beside the snapshot, until ``max_bytes`` of bodies
or ``seconds`` have been spent (identical bodies are stored once).

:class:`Pages` answers a ``GET``/``HEAD`` of ``/doc/{e}.{ext}`` or ``/id/{e}.{ext}`` from
it with one primary-key read in the front process, without a worker, and so the negotiated
``/doc/{e}`` (with its ``Content-Location``) and the 303 of ``/id/{e}``. Whatever it does
not hold (another language preference, an IRI past the bound, an unknown or invalid IRI, a
406) goes to the routes as before; a request is never parsed into anything but the lookup
key (bound as a parameter).
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.namespace import BASE, PREFIXES
from kg.publish.caching import Found, Scope, etag_of
from kg.publish.conneg import language_preference

PAGES = "pages.sqlite"
ID = BASE + "id/"
#: the ``Accept-Language`` headers whose label order is rendered (``None`` = no header,
#: the same order as English first)
LANGUAGES: tuple[str | None, ...] = (None, "ru", "uz-Latn", "uz-Cyrl")
_SCHEMA = """
CREATE TABLE bodies (etag BLOB PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE pages (iri TEXT NOT NULL, ext TEXT NOT NULL, variant TEXT NOT NULL,
                    headers TEXT NOT NULL, etag BLOB NOT NULL,
                    PRIMARY KEY (iri, ext, variant)) WITHOUT ROWID;
CREATE TABLE summary (entities INTEGER, rendered INTEGER, bytes INTEGER, seconds REAL);
"""
_LOOKUP = (
    "SELECT p.headers, b.body, p.etag FROM pages p JOIN bodies b ON b.etag = p.etag"
    " WHERE p.iri = ? AND p.ext = ? AND p.variant = ?"
)


def variant(ext: str, accept_language: str | None) -> str:
    """The key of a representation's variant: the label order for HTML, else empty."""
    return ",".join(language_preference(accept_language)) if ext == "html" else ""


def entities(store: Any) -> list[str]:
    """The typed IRIs under ``/id/`` (no hash IRIs), in IRI order."""
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    found = {
        q.subject.value
        for q in store.quads_for_pattern(None, rdf_type, None, ox.DefaultGraph())
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith(ID)
        and "#" not in q.subject.value
    }
    return sorted(found)


def _representations(snapshot: Any, iri: str, base_url: str) -> Iterator[tuple[str, str, Any]]:
    """``(ext, variant, reply)`` of every document of ``iri`` made here."""
    from kg.publish.pages import RDF_DOCUMENTS, entity_page, rdf_document
    from kg.publish.site import Settings

    settings = Settings(base_url=base_url)
    for ext in RDF_DOCUMENTS:
        yield ext, "", rdf_document(snapshot, iri, ext, settings)
    for header in LANGUAGES:
        preference = language_preference(header)
        yield "html", ",".join(preference), entity_page(snapshot, iri, preference, settings)


def _raw_headers(reply: Any) -> list[tuple[bytes, bytes]]:
    """The headers the document routes send with ``reply`` (as the middleware adds them)."""
    from kg.publish.routers.common import to_response
    from kg.publish.routers.linked_data import VARY
    from kg.publish.site import with_security_headers

    return with_security_headers(to_response(reply, **VARY).raw_headers)


def render_pages(directory: Path, base_url: str, max_bytes: int, seconds: float) -> None:
    """Write ``directory/pages.sqlite``: the entity documents of the snapshot in
    ``directory``, within ``max_bytes`` of bodies and ``seconds``."""
    from kg.publish.snapshot import Snapshot

    started = time.monotonic()
    snapshot = Snapshot.open(directory)
    partial = directory / (PAGES + ".part")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.executescript(_SCHEMA)
    iris = entities(snapshot.data)
    size = rendered = 0
    for iri in iris:
        if size >= max_bytes or time.monotonic() - started >= seconds:
            break
        for ext, key, reply in _representations(snapshot, iri, base_url):
            if reply.status != 200:
                continue
            etag = etag_of(reply.body)
            headers = json.dumps([(n.decode("latin-1"), v.decode("latin-1"))
                                  for n, v in _raw_headers(reply)])  # fmt: skip
            kept = db.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?)", (etag, reply.body))
            size += len(reply.body) if kept.rowcount else 0
            db.execute("INSERT INTO pages VALUES (?, ?, ?, ?, ?)", (iri, ext, key, headers, etag))
        rendered += 1
    db.execute(
        "INSERT INTO summary VALUES (?, ?, ?, ?)",
        (len(iris), rendered, size, round(time.monotonic() - started, 2)),
    )
    db.commit()
    db.close()
    partial.rename(directory / PAGES)


def render_in_child(directory: Path, base_url: str, max_bytes: int, seconds: float) -> None:
    """:func:`render_pages` in a child process (the front never holds its memory)."""
    import multiprocessing

    process = multiprocessing.get_context("forkserver").Process(
        target=render_pages, args=(directory, base_url, max_bytes, seconds)
    )
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"pre-rendering the entity pages in {directory} failed")


@dataclass
class Summary:
    """How much was pre-rendered: entities in all, rendered, bytes of bodies, seconds."""

    entities: int
    rendered: int
    bytes: int
    seconds: float

    def __str__(self) -> str:
        return (f"pre-rendered the documents of {self.rendered:,} of {self.entities:,} entities "
                f"({self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s)")  # fmt: skip


class Pages:
    """The pre-rendered documents, opened read-only by a front process (none until
    :meth:`open`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.db: sqlite3.Connection | None = None

    def open(self, directory: Path) -> Summary | None:
        """Open ``directory/pages.sqlite`` if it was written; its summary."""
        path = directory / PAGES
        if not path.is_file():
            return None
        self.db = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        row = self.db.execute("SELECT * FROM summary").fetchone()
        return Summary(*row) if row else None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __call__(self, scope: Scope) -> Found | None:
        """The pre-rendered answer to ``scope`` (a page ``GET`` or ``HEAD``), if there is one:
        a document, a negotiated ``/doc/{e}`` (with ``Content-Location``), the 303 of
        ``/id/{e}``."""
        from kg.publish.conneg import negotiate
        from kg.publish.routers.linked_data import DOC_OFFERS, split_ext

        if self.db is None or scope["query_string"]:
            return None
        path: str = scope["path"]
        if path.startswith("/doc/"):
            rest = path[5:]
        elif path.startswith("/id/"):
            rest = path[4:]
        else:
            return None
        headers = dict(reversed(scope["headers"]))  # the first of repeated headers
        language = headers.get(b"accept-language")
        stem, ext = split_ext(rest)
        if ext is not None:
            return self._document(ID + stem, ext, language)
        accept = headers.get(b"accept")
        media = negotiate(accept.decode("latin-1") if accept else None, list(DOC_OFFERS))
        if media is None:
            return None  # the route answers 406
        ext = DOC_OFFERS[media]
        location = self._location(stem, ext)
        if path.startswith("/doc/"):
            found = self._document(ID + stem, ext, language)
            if found is None:
                return None
            status, raw, body, etag = found
            return status, [*raw, (b"content-location", location)], body, etag
        if self.db.execute("SELECT 1 FROM pages WHERE iri = ? LIMIT 1", (ID + stem,)).fetchone():
            return 303, _redirect_headers(location), b"", None
        return None

    def _location(self, stem: str, ext: str) -> bytes:
        from kg.publish.routers.linked_data import IRI_SAFE

        quoted = urllib.parse.quote(stem, safe=IRI_SAFE)
        return f"{self.base_url}/doc/{quoted}.{ext}".encode("latin-1")

    def _document(self, iri: str, ext: str, language: bytes | None) -> Found | None:
        assert self.db is not None
        key = variant(ext, language.decode("latin-1") if language is not None else None)
        row = self.db.execute(_LOOKUP, (iri, ext, key)).fetchone()
        if row is None:
            return None
        headers, body, etag = row
        return 200, _decoded(headers), bytes(body), bytes(etag)


@lru_cache(maxsize=256)
def _decoded(headers: str) -> list[tuple[bytes, bytes]]:
    """Stored headers as ASGI pairs (a few distinct sets recur: one per type and language)."""
    return [(n.encode("latin-1"), v.encode("latin-1")) for n, v in json.loads(headers)]


def _redirect_headers(location: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of the route's 303 See Other to ``location``."""
    from kg.publish.site import with_security_headers

    return with_security_headers(
        [(b"vary", b"Accept"), (b"content-length", b"0"), (b"location", location)]
    )
