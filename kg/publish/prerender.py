"""Entity documents rendered ahead of time, then served as bytes.

A release is immutable while it is served, so the documents of its entities are a static
linked-data site. :func:`write_pages` renders, for every typed IRI under ``/id/`` in IRI
order, its HTML page in each label-language preference (:data:`LANGUAGES`: no
``Accept-Language``, and each label language first) and its Turtle, JSON-LD, RDF/XML and
N-Triples documents, with the headers the routes send, into a ``pages.sqlite`` (identical
bodies are stored once). It is written

- by ``clusterkg build`` (and ``clusterkg pages`` for a build made elsewhere) beside the
  dumps, for every entity: the *page store* of the release (:func:`write_release_pages`);
- by ``clusterkg serve`` at start beside its snapshot when the build has no page store
  that fits it, within a bound of bytes and seconds.

A store records the digest of the ``clusterkg.nq`` it was rendered from, a fingerprint of
the code and templates that render (:func:`renderer`) and the base URL its HTML links to.
:class:`Pages` opens a store only when the first two match (else every page is rendered on
demand, as before); the build's store is rendered against a placeholder base URL made from
the graph's digest (it occurs in no literal of the graph), which the front replaces by the
served base URL in the HTML bodies, with their ``ETag`` and ``Content-Length`` computed for
the bytes it sends.

:class:`Pages` answers a ``GET``/``HEAD`` of ``/doc/{e}.{ext}`` or ``/id/{e}.{ext}`` from
it with one primary-key read in the front process, without a worker, and so the negotiated
``/doc/{e}`` (with its ``Content-Location``) and the 303 of ``/id/{e}``. Whatever it does
not hold (another language preference, an IRI past the bound, an unknown or invalid IRI, a
406) goes to the routes as before; a request is never parsed into anything but the lookup
key (bound as a parameter).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import click

from kg.namespace import BASE, PREFIXES
from kg.options import build_dir_option
from kg.publish.caching import Found, Scope, etag_of
from kg.publish.conneg import effective_preference, language_preference, negotiate
from kg.publish.routers.linked_data import DOC_OFFERS, IRI_SAFE, split_ext
from kg.publish.site import with_security_headers

PAGES = "pages.sqlite"
ID = BASE + "id/"
#: the ``Accept-Language`` headers whose label order is rendered (``None`` = no header,
#: the same order as English first)
LANGUAGES: tuple[str | None, ...] = (None, "ru", "uz-Latn", "uz-Cyrl")
#: what the HTML of a page depends on besides the graph (hashed into :func:`renderer`)
RENDERER_FILES = (
    "namespace.py", "publish/pages.py", "publish/render.py", "publish/snapshot.py",
    "publish/conneg.py", "publish/site.py", "publish/prerender.py",
    "publish/routers/linked_data.py", "publish/routers/common.py",
)  # fmt: skip
RENDERER_PACKAGES = ("pyoxigraph", "jinja2", "markupsafe", "starlette")
#: a served base URL put into the pages as it is (HTML escaping leaves it unchanged)
PLAIN_BASE = re.compile(r"https?://[A-Za-z0-9._~:@!$()*+,;=%/\[\]-]+")
#: stores at most this size (MB) of N-Quads in memory while the build renders its pages
MEMORY_STORE_MB = 64
#: bodies in a rowid table (a body is found by its row number, not a search among blobs) on
#: 64 KiB pages (most bodies fit in one: no chain of overflow pages to follow): a lookup is
#: 3-5x faster than with bodies keyed by their ETag on 4 KiB pages
_SCHEMA = """
PRAGMA page_size = 65536;
CREATE TABLE bodies (id INTEGER PRIMARY KEY, etag BLOB NOT NULL, body BLOB NOT NULL,
                     based INTEGER NOT NULL);
CREATE TABLE heads (id INTEGER PRIMARY KEY, headers TEXT NOT NULL);
CREATE TABLE pages (iri TEXT NOT NULL, ext TEXT NOT NULL, variant TEXT NOT NULL,
                    head INTEGER NOT NULL, body INTEGER NOT NULL,
                    PRIMARY KEY (iri, ext, variant)) WITHOUT ROWID;
CREATE TABLE release (graph TEXT NOT NULL, renderer TEXT NOT NULL, base TEXT NOT NULL,
                      entities INTEGER NOT NULL, rendered INTEGER NOT NULL,
                      bytes INTEGER NOT NULL, languages TEXT NOT NULL);
"""
_LOOKUP = (
    "SELECT p.head, b.body, b.etag, b.based FROM pages p JOIN bodies b ON b.id = p.body"
    " WHERE p.iri = ? AND p.ext = ? AND p.variant = ?"
)
#: one rendered representation: ext, variant, headers (JSON, any ``Content-Length``), ETag,
#: body, whether it links to the base URL
Row = tuple[str, str, str, bytes, bytes, bool]


@lru_cache(maxsize=256)
def variant(ext: str, accept_language: str | None, languages: tuple[str, ...]) -> str:
    """The key of a representation's variant: for HTML, the label order of
    ``accept_language`` among the graph's label ``languages`` (``en-US,en;q=0.9`` and no
    header are one variant when no label is tagged ``en-us``), else empty."""
    if ext != "html":
        return ""
    return ",".join(effective_preference(language_preference(accept_language), languages))


def graph_digest(nquads: Path) -> str:
    """The digest of a ``clusterkg.nq`` (which release a page store was rendered from)."""
    digest = hashlib.blake2b(digest_size=16)
    with nquads.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def renderer() -> str:
    """A fingerprint of the code, templates and library versions that render the pages."""
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    files = [root / name for name in RENDERER_FILES]
    files += sorted((root / "publish" / "templates").glob("*.html"))
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for package in RENDERER_PACKAGES:
        digest.update(f"{package}={version(package)}\0".encode())
    return digest.hexdigest()


def placeholder_base(graph: str) -> str:
    """The base URL a release's page store is rendered against (no graph holds its own
    digest, so it marks exactly the places the served base URL goes)."""
    return f"http://{graph}.invalid"


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


def _representations(snapshot: Any, iri: str, base_url: str, languages: tuple[str, ...]
                     ) -> Iterator[tuple[str, str, Any]]:  # fmt: skip
    """``(ext, variant, reply)`` of every document of ``iri`` made here (the document's
    triples and the page's content are looked up once for all of its representations)."""
    from kg.publish.pages import RDF_DOCUMENTS, describe, gather, pages_of, serialize
    from kg.publish.site import Settings

    settings = Settings(base_url=base_url)
    triples = describe(snapshot, iri)
    if triples:
        for ext, (media, fmt, _) in RDF_DOCUMENTS.items():
            yield ext, "", serialize(triples, media, fmt)
    found = gather(snapshot, iri)
    if found is not None:
        # two headers with one effective order (a graph with no uz-Latn label: "uz-Latn"
        # and "uz-Cyrl") are one variant, drawn once
        keys: dict[str, list[str]] = {}
        for header in LANGUAGES:
            keys.setdefault(variant("html", header, languages), language_preference(header))
        preferences = list(keys.values())
        for key, reply in zip(keys, pages_of(snapshot, found, preferences, settings),
                              strict=True):  # fmt: skip
            yield "html", key, reply


@lru_cache(maxsize=64)
def _headers(status: int, media_type: str, extra: tuple[tuple[str, str], ...]) -> str:
    """The headers the document routes send with a reply (as the middleware adds them), as
    JSON; its ``Content-Length`` is set when it is sent (a few sets recur: one per type and
    language)."""
    from kg.publish.routers.common import to_response
    from kg.publish.routers.linked_data import VARY
    from kg.publish.site import Reply

    raw = with_security_headers(to_response(Reply(status, media_type, b"", dict(extra)),
                                            **VARY).raw_headers)  # fmt: skip
    return json.dumps([(n.decode("latin-1"), v.decode("latin-1")) for n, v in raw])


def rows(snapshot: Any, iri: str, base_url: str, languages: tuple[str, ...]) -> list[Row]:
    """Every rendered representation of ``iri`` (200s only), as stored; ``languages``: the
    snapshot's label languages."""
    based = base_url.encode()
    found: list[Row] = []
    for ext, key, reply in _representations(snapshot, iri, base_url, languages):
        if reply.status != 200:
            continue
        headers = _headers(reply.status, reply.media_type, tuple(reply.headers.items()))
        found.append((ext, key, headers, etag_of(reply.body), reply.body, based in reply.body))
    return found


_worker_snapshot: Any = None


def _open_worker(directory: Path) -> None:
    global _worker_snapshot
    from kg.publish.snapshot import Snapshot

    _worker_snapshot = Snapshot.open(directory)


def _worker_rows(job: tuple[list[str], str, tuple[str, ...]]) -> list[list[Row]]:
    iris, base_url, languages = job
    return [rows(_worker_snapshot, iri, base_url, languages) for iri in iris]


def _rendered(snapshot: Any, directory: Path, iris: list[str], base_url: str,
              languages: tuple[str, ...], workers: int) -> Iterator[list[Row]]:  # fmt: skip
    """The rows of each IRI in order; in ``workers`` processes that open the snapshot in
    ``directory`` when there are more than one (and it is on disk)."""
    if workers < 2:
        for iri in iris:
            yield rows(snapshot, iri, base_url, languages)
        return
    import multiprocessing

    chunks = [(iris[i : i + 64], base_url, languages) for i in range(0, len(iris), 64)]
    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(workers, initializer=_open_worker, initargs=(directory,)) as pool:
        for rendered in pool.imap(_worker_rows, chunks):
            yield from rendered


def write_pages(snapshot: Any, directory: Path, out: Path, base_url: str, graph: str, *,
                max_bytes: int | None = None, seconds: float | None = None,
                workers: int = 1) -> Summary:  # fmt: skip
    """Write the page store ``out``: the entity documents of ``snapshot`` (whose lookups are
    in ``directory``) rendered against ``base_url``, for the graph of digest ``graph``;
    until ``max_bytes`` of bodies or ``seconds`` have been spent, when given. The same
    snapshot gives the same bytes."""
    started = time.monotonic()
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.executescript(_SCHEMA)
    iris = entities(snapshot.data)
    languages = snapshot.label_languages()
    size = rendered = 0
    heads: dict[str, int] = {}
    bodies: dict[bytes, int] = {}
    for iri, found in zip(iris, _rendered(snapshot, directory, iris, base_url, languages, workers),
                          strict=True):
        if (max_bytes is not None and size >= max_bytes) or (
            seconds is not None and time.monotonic() - started >= seconds
        ):
            break
        for ext, key, headers, etag, body, based in found:
            if headers not in heads:
                heads[headers] = len(heads)
                db.execute("INSERT INTO heads VALUES (?, ?)", (heads[headers], headers))
            if etag not in bodies:
                bodies[etag] = len(bodies) + 1
                db.execute("INSERT INTO bodies VALUES (?, ?, ?, ?)",
                           (bodies[etag], etag, body, based))  # fmt: skip
                size += len(body)
            db.execute("INSERT INTO pages VALUES (?, ?, ?, ?, ?)",
                       (iri, ext, key, heads[headers], bodies[etag]))  # fmt: skip
        rendered += 1
    db.execute("INSERT INTO release VALUES (?, ?, ?, ?, ?, ?, ?)",
               (graph, renderer(), base_url, len(iris), rendered, size,
                ",".join(languages)))  # fmt: skip
    db.commit()
    db.close()
    partial.rename(out)
    return Summary(len(iris), rendered, size, time.monotonic() - started)


def render_pages(directory: Path, base_url: str, max_bytes: int, seconds: float,
                 nquads: Path) -> None:  # fmt: skip
    """Write ``directory/pages.sqlite``: the entity documents of the snapshot in
    ``directory`` (of ``nquads``), within ``max_bytes`` of bodies and ``seconds``."""
    from kg.publish.snapshot import Snapshot

    write_pages(Snapshot.open(directory), directory, directory / PAGES, base_url,
                graph_digest(nquads), max_bytes=max_bytes, seconds=seconds)  # fmt: skip


def render_in_child(directory: Path, base_url: str, max_bytes: int, seconds: float,
                    nquads: Path) -> None:  # fmt: skip
    """:func:`render_pages` in a child process (the front never holds its memory)."""
    import multiprocessing

    process = multiprocessing.get_context("forkserver").Process(
        target=render_pages, args=(directory, base_url, max_bytes, seconds, nquads)
    )
    process.start()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"pre-rendering the entity pages in {directory} failed")


def write_release_pages(build_dir: Path, workers: int = 1,
                        memory_mb: int = MEMORY_STORE_MB) -> Summary:  # fmt: skip
    """Write ``build_dir/pages.sqlite``: every entity document of the release's
    ``clusterkg.nq`` (byte-deterministic), rendered from a snapshot made for it in a
    temporary folder (in memory when ``clusterkg.nq`` has at most ``memory_mb`` MB, else on
    disk, in ``workers`` processes)."""
    from kg.publish.snapshot import Snapshot, prepare

    nquads = build_dir / "clusterkg.nq"
    graph = graph_digest(nquads)
    small = nquads.stat().st_size <= memory_mb << 20
    with tempfile.TemporaryDirectory(prefix=".pages-", dir=build_dir) as work:
        store = prepare(nquads, Path(work), in_memory=small)
        snapshot = Snapshot.open(Path(work), store=store) if small else None
        if snapshot is None:
            del store  # the workers open the store read-only
            snapshot = Snapshot.open(Path(work))
        try:
            return write_pages(snapshot, Path(work), build_dir / PAGES, placeholder_base(graph),
                               graph, workers=1 if small else workers)  # fmt: skip
        finally:
            snapshot.lookups.close()


@dataclass
class Summary:
    """How much was pre-rendered: entities in all, rendered, bytes of bodies, seconds."""

    entities: int
    rendered: int
    bytes: int
    seconds: float | None = None

    def __str__(self) -> str:
        spent = f", {self.seconds:.1f} s" if self.seconds is not None else ""
        return (f"pre-rendered the documents of {self.rendered:,} of {self.entities:,} entities "
                f"({self.bytes / 1e6:.1f} MB{spent})")  # fmt: skip


class Pages:
    """The pre-rendered documents, opened read-only by a front process (none until
    :meth:`open`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.db: sqlite3.Connection | None = None
        #: the stored header sets as ASGI pairs, by id
        self.heads: dict[int, list[tuple[bytes, bytes]]] = {}
        #: (base URL of the stored HTML, the served one) when they differ
        self.rebase: tuple[bytes, bytes] | None = None
        #: the release's label languages (the HTML variants are keyed among them)
        self.languages: tuple[str, ...] = ()

    def open(self, path: Path, graph: str) -> Summary | None:
        """Open the page store ``path`` if it exists and was rendered from the graph of
        digest ``graph`` by this renderer (and its base URL can be replaced); its summary."""
        if self.db is not None or not path.is_file():
            return None
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        try:
            row = db.execute("SELECT * FROM release").fetchone()
        except sqlite3.DatabaseError:  # an older schema, or not a page store
            row = None
        if row is None or tuple(row[:2]) != (graph, renderer()):
            db.close()
            return None
        base = row[2]
        if base != self.base_url:
            if not PLAIN_BASE.fullmatch(self.base_url):
                db.close()
                return None
            self.rebase = (base.encode(), self.base_url.encode())
        # read through a memory map (no read call per page; the fronts share the page cache)
        db.execute(f"PRAGMA mmap_size = {int(path.stat().st_size)}")
        self.heads = {
            head: [(n.encode("latin-1"), v.encode("latin-1")) for n, v in json.loads(headers)]
            for head, headers in db.execute("SELECT id, headers FROM heads")
        }
        self.db = db
        self.languages = tuple(row[6].split(",")) if row[6] else ()
        return Summary(*row[3:6])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
            self.heads, self.rebase = {}, None

    def __call__(self, scope: Scope) -> Found | None:
        """The pre-rendered answer to ``scope`` (a page ``GET`` or ``HEAD``), if there is one:
        a document, a negotiated ``/doc/{e}`` (with ``Content-Location``), the 303 of
        ``/id/{e}``."""
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
        quoted = urllib.parse.quote(stem, safe=IRI_SAFE)
        return f"{self.base_url}/doc/{quoted}.{ext}".encode("latin-1")

    def _document(self, iri: str, ext: str, language: bytes | None) -> Found | None:
        assert self.db is not None
        key = variant(ext, language.decode("latin-1") if language is not None else None,
                      self.languages)
        row = self.db.execute(_LOOKUP, (iri, ext, key)).fetchone()
        if row is None:
            return None
        head, body, etag, based = row
        if based and self.rebase is not None:
            body = body.replace(*self.rebase)
            etag = etag_of(body)
        return 200, _with_length(self.heads[head], len(body)), bytes(body), bytes(etag)


def _with_length(headers: Iterable[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Content-Length`` set to ``length``."""
    value = str(length).encode()
    return [(n, value if n == b"content-length" else v) for n, v in headers]


def _redirect_headers(location: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of the route's 303 See Other to ``location``."""
    return with_security_headers(
        [(b"vary", b"Accept"), (b"content-length", b"0"), (b"location", location)]
    )


@click.command("pages")
@build_dir_option
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64),
    help="Processes rendering the pages of a large graph.",
)  # fmt: skip
def pages_command(build_dir: Path, workers: int) -> None:
    """Write the page store of a build: every entity document, served as bytes."""
    from kg.errors import InputError

    if not (Path(build_dir) / "clusterkg.nq").is_file():
        raise InputError(f"no built graph in {build_dir}", hint="run clusterkg build first")
    summary = write_release_pages(Path(build_dir), workers=workers)
    click.echo(f"{build_dir / PAGES}: {summary}", err=True)
