"""The read-only SPARQL 1.1 Protocol engine behind ``clusterkg serve``.

Queries run in worker processes that hold their own copy of the store, so a query over the
time limit is stopped for real (its worker is killed and replaced) instead of burning a
thread. Results are serialised by pyoxigraph into a size-capped buffer.

Limits (documented on the landing page and in the README):

- query text longer than ``max_query_length`` characters -> 414 (GET) / 413 (POST);
- a query running longer than ``timeout`` seconds -> 503 (the worker is restarted);
- a serialised result larger than ``max_result_bytes`` -> 413 (add a LIMIT);
- updates (``update=`` or ``application/sparql-update``) -> 403.
"""

from __future__ import annotations

import html
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.publish.conneg import negotiate
from kg.publish.pages import STYLE

SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "text/html": "HTML",
    "application/json": "JSON",
    "application/xml": "XML",
}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "text/html": "HTML",
    "text/plain": "N_TRIPLES",
}
#: ``format=`` parameter values -> media types (override ``Accept``)
FORMAT_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
HTML_ROW_LIMIT = 2000


@dataclass
class QueryRequest:
    """One SPARQL query to run, with what the client accepts."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    #: HTML results link IRIs under https://w3id.org/clusterkg/ to this server instead
    link_base: str | None = None


@dataclass
class QueryResponse:
    """An HTTP answer: status, media type, body."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> QueryResponse:
    return QueryResponse(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


class ResultTooLarge(Exception):
    """Raised by :class:`CappedBuffer` when the result exceeds the byte limit."""


class CappedBuffer:
    """A binary writer that raises :class:`ResultTooLarge` past ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush (file-like protocol)."""

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _term_html(term: Any, link_base: str | None = None) -> str:
    import pyoxigraph as ox

    from kg.publish.pages import local_url

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        href = local_url(term.value, link_base) if link_base else term.value
        return f'<a href="{html.escape(href)}">{html.escape(term.value)}</a>'
    if isinstance(term, ox.Literal):
        lang = f' lang="{html.escape(term.language)}"' if term.language else ""
        return f"<span{lang}>{html.escape(term.value)}</span>"
    return html.escape(str(term))


def _html_page(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}"
        '<p><a href="/">back to the query page</a></p></main></body></html>'
    ).encode()


def _solutions_html(result: Any, limit: int, link_base: str | None = None) -> bytes:
    variables = [v.value for v in result.variables]
    head = "".join(f"<th>?{html.escape(v)}</th>" for v in variables)
    rows: list[str] = []
    truncated = False
    for solution in result:
        if len(rows) >= HTML_ROW_LIMIT:
            truncated = True
            break
        cells = "".join(f"<td>{_term_html(solution[v], link_base)}</td>" for v in variables)
        rows.append(f"<tr>{cells}</tr>")
        if sum(len(r) for r in rows) > limit:
            raise ResultTooLarge
    note = f"<p>{len(rows)} rows" + (" (HTML view truncated)" if truncated else "") + "</p>"
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return _html_page("SPARQL results", note + table)


def execute(store: Any, req: QueryRequest, max_result_bytes: int) -> QueryResponse:
    """Run ``req`` on a pyoxigraph store and serialise the result as negotiated."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {}
    if req.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if req.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
    try:
        result = store.query(req.query, **kwargs)
    except SyntaxError as err:
        return _text(400, f"malformed query: {err}")
    except (ValueError, OSError) as err:
        return _text(400, f"query failed: {err}")

    is_graph = isinstance(result, ox.QueryTriples)
    offers = GRAPH_TYPES if is_graph else SOLUTION_TYPES
    if req.format:
        wanted = FORMAT_ALIASES.get(req.format.lower(), req.format.lower())
        if wanted not in offers:
            return _text(406, f"format {req.format!r} not available; offered: {', '.join(offers)}")
        media = wanted
    else:
        media = negotiate(req.accept, list(offers)) or ""
        if not media:
            return _text(406, f"none of the accepted types is offered: {', '.join(offers)}")
    kind = offers[media]
    buffer = CappedBuffer(max_result_bytes)
    try:
        if kind == "HTML":
            if is_graph:
                result.serialize(buffer, format=ox.RdfFormat.TURTLE)
                text = buffer.getvalue().decode("utf-8")
                body = _html_page("SPARQL results", f"<pre>{html.escape(text)}</pre>")
            elif isinstance(result, ox.QueryBoolean):
                body = _html_page("SPARQL results", f"<p>ASK: <b>{bool(result)}</b></p>")
            else:
                body = _solutions_html(result, max_result_bytes, req.link_base)
        else:
            fmt = getattr(ox.RdfFormat if is_graph else ox.QueryResultsFormat, kind)
            result.serialize(buffer, format=fmt)
            body = buffer.getvalue()
    except ResultTooLarge:
        return _text(
            413,
            f"result larger than {max_result_bytes} bytes: add a LIMIT (or ask for fewer columns)",
        )
    except (ValueError, OSError) as err:
        if buffer.size > buffer.limit:
            return _text(413, f"result larger than {max_result_bytes} bytes: add a LIMIT")
        return _text(400, f"query failed: {err}")
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    return QueryResponse(200, media + charset, body)


def _worker_main(conn: Connection, nquads: str, max_result_bytes: int) -> None:
    """Worker process: load the store once, then answer requests until the pipe closes."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            response = execute(store, req, max_result_bytes)
        except Exception as err:  # report, keep serving
            response = _text(500, f"internal error: {type(err).__name__}: {err}")
        conn.send(response)


class _Worker:
    def __init__(self, ctx: Any, nquads: Path, max_result_bytes: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, str(nquads), max_result_bytes), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            self.ready = self.conn.recv() == "ready"
        return self.ready

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of query worker processes with a per-query time limit."""

    def __init__(
        self,
        nquads: Path,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        max_result_bytes: int = 16 * 1024 * 1024,
    ):
        self.nquads = Path(nquads)
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._ctx, self.nquads, self.max_result_bytes)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until every worker has loaded the store."""
        deadline = time.monotonic() + timeout
        for worker in list(self._all):
            worker.wait_ready(max(0.0, deadline - time.monotonic()))

    def run(self, req: QueryRequest) -> QueryResponse:
        """Run a query in an idle worker; 503 when over the time limit or all workers busy."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _text(503, "all query workers are busy; try again later")
        remaining = max(0.1, self.timeout - (time.monotonic() - started))
        # a fresh worker first loads the store: that time does not count against the query
        if not worker.wait_ready(60.0):
            self._replace(worker)
            return _text(503, "query worker failed to start")
        try:
            worker.conn.send(req)
            if worker.conn.poll(remaining):
                response: QueryResponse = worker.conn.recv()
                self._idle.put(worker)
                return response
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return _text(500, "query worker died")
        self._replace(worker)
        return _text(
            503,
            f"query exceeded the time limit of {self.timeout:g} s and was stopped; "
            "narrow it down or add a LIMIT",
        )

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._add()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.kill()
