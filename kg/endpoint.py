"""Remote SPARQL 1.1 stores: queries (SPARQL Protocol), loading (Graph Store Protocol, GSP)
into staging graphs switched over by one SPARQL Update, with retries and HTTP authentication.

Every HTTP request has one **deadline** (``timeout`` seconds from its start to the last byte
of the answer), not a timeout per socket read, so a server trickling a byte every few seconds
is abandoned at the deadline (:mod:`kg.deadline`).

Queries are scoped to the project's own named graphs: the endpoint is asked once which graphs
under ``https://w3id.org/clusterkg/id/graph/`` it holds, and every query is then sent with
those graphs as its dataset: the default graph is their union, as on the embedded store, and
``GRAPH ?g`` ranges over them only. This keeps a server's system graphs (Virtuoso has
several) out of the answers. Up to :data:`MAX_PROTOCOL_GRAPHS` graphs go as protocol
parameters (``default-graph-uri`` and ``named-graph-uri``); Virtuoso 7 resets the connection
on most requests with several hundred parameters (a 3M-triple build has 224 graphs), so with
more graphs the query goes without parameters when the server's default graph already is
their union (no other named graphs; Oxigraph's ``--union-default-graph``), and otherwise with
``FROM`` / ``FROM NAMED`` clauses in its text (:func:`kg.query.with_dataset`).
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.errors import CheckFailed, InputError
from kg.namespace import ID
from kg.options import build_dir_option, http_auth_options

if TYPE_CHECKING:
    import httpx

GRAPH_BASE = f"{ID}graph/"
STAGING_BASE = "https://w3id.org/clusterkg/staging/"  # outside GRAPH_BASE: never queried
STALE_STAGING_SECONDS = 3600  # staging graphs older than this were left by a killed load
TRANSIENT_HTTP = frozenset({429, 502, 503, 504})
MAX_ANSWER_BYTES = 1 << 30
FORM = "application/x-www-form-urlencoded"
MAX_PROTOCOL_GRAPHS = 40  # 2 parameters each: Virtuoso 7 fails from about 100 parameters
T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying (overload, gateway errors, connection reset)."""


def http_url(url: str, what: str = "--endpoint") -> str:
    """``url`` if it is an absolute http(s) URL with a host, else :class:`InputError`."""
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, port_ok = None, False
    bad_char = any(c.isspace() or ord(c) < 32 or c in '<>"{}|\\^`' for c in url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or \
            not port_ok or bad_char:
        raise InputError(f"{what} {url!r}: not an http(s) URL",
                         hint="e.g. http://127.0.0.1:7878/query")
    return url


@dataclass
class Endpoint:
    """A SPARQL 1.1 store: its query URL, credentials and request limits."""

    url: str
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # or "digest"
    timeout: float = 30.0  # seconds per HTTP request, first byte sent to last byte received
    retries: int = 3
    backoff: float = 0.5  # seconds; doubled after each failed attempt
    graph_base: str | None = GRAPH_BASE  # None: do not scope queries to the project graphs
    _graphs: list[str] | None = field(default=None, repr=False)
    _named: list[str] = field(default_factory=list, repr=False)
    _union_default: bool | None = field(default=None, repr=False)
    _auth: httpx.Auth | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        http_url(self.url)
        if not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise InputError(f"--timeout {self.timeout}: give a number of seconds above 0")

    # -- queries ------------------------------------------------------------------------

    def query(self, text: str, form: str) -> bytes:
        """Run a query; SPARQL JSON results for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE."""
        graphs = self.graphs() if self.graph_base else []
        if len(graphs) <= MAX_PROTOCOL_GRAPHS:
            return self._query(text, form, graphs)
        if self.union_default_graph():
            return self._query(text, form, [])
        from kg.query import with_dataset

        return self._query(with_dataset(text, graphs), form, [])

    def union_default_graph(self) -> bool:
        """True when the endpoint's own default graph is the union of the project's graphs:
        it holds no other named graph and a triple of a project graph is in its default
        graph (asked once, then cached)."""
        if self._union_default is None:
            graphs = self.graphs()
            self._union_default = bool(graphs) and len(self._named) == len(graphs) and \
                self._in_default_graph(graphs[0])
        return self._union_default

    def _ask(self, text: str) -> bool:
        return bool(json.loads(self._query(text, "ASK", [])).get("boolean"))

    def _in_default_graph(self, graph: str) -> bool:
        """Whether a triple of ``graph`` is in the endpoint's default graph too."""
        import pyoxigraph

        try:
            name = pyoxigraph.NamedNode(graph)  # the server's answer, checked as an IRI
        except ValueError as err:
            raise InputError(f"{self.url}: graph name {graph!r} is not an IRI") from err
        probe = (f"SELECT ?s ?p ?o WHERE {{ GRAPH {name} {{ ?s ?p ?o "
                 "FILTER(!isBlank(?s) && !isBlank(?o)) } } LIMIT 1")
        answer = pyoxigraph.parse_query_results(self._query(probe, "SELECT", []),
                                                format=pyoxigraph.QueryResultsFormat.JSON)
        assert isinstance(answer, pyoxigraph.QuerySolutions)
        for row in answer:  # terms as N-Triples, pyoxigraph's escaping: no text is pasted
            return self._ask(f"ASK {{ {row['s']} {row['p']} {row['o']} }}")
        return False

    def graphs(self) -> list[str]:
        """The project's named graphs held by the endpoint (asked once, then cached)."""
        if self._graphs is None:
            self._named = self.named_graphs()
            base = self.graph_base or GRAPH_BASE
            self._graphs = [g for g in self._named if g.startswith(base)]
        return self._graphs

    def graphs_under(self, base: str) -> list[str]:
        """The named graphs whose IRI starts with ``base``, asked now."""
        return [g for g in self.named_graphs() if g.startswith(base)]

    def named_graphs(self) -> list[str]:
        """Every named graph of the endpoint that holds a triple, sorted. (``GRAPH ?g { }``
        would read Oxigraph's graph index, but Virtuoso 7 answers it with unbound rows, or
        not within a minute with 800 graphs; the scan takes over 60 s on Oxigraph at 3M.)"""
        doc = json.loads(self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                     "SELECT", []))
        return sorted(b["g"]["value"] for b in doc["results"]["bindings"]
                      if b.get("g", {}).get("type") == "uri")

    def _query(self, text: str, form: str, graphs: list[str]) -> bytes:
        """POST a query (SPARQL 1.1 Protocol, form-encoded) with ``graphs`` as its dataset."""
        rdf = form in ("CONSTRUCT", "DESCRIBE")
        fields = [("query", text), *(("default-graph-uri", g) for g in graphs),
                  *(("named-graph-uri", g) for g in graphs)]
        accept = "text/turtle" if rdf else "application/sparql-results+json"
        return self.request("POST", self.url, content=urllib.parse.urlencode(fields),
                            headers={"Accept": accept, "Content-Type": FORM})

    def update(self, update_url: str, text: str) -> None:
        """POST a SPARQL 1.1 Update."""
        self.request("POST", update_url, content=urllib.parse.urlencode({"update": text}),
                     headers={"Content-Type": FORM})

    # -- Graph Store Protocol -------------------------------------------------------------

    def put_graph(self, gsp_url: str, graph: str | None, data: bytes,
                  content_type: str = "application/n-triples") -> int:
        """HTTP PUT ``data`` as the content of ``graph`` (None = default graph); status code."""
        params = {"graph": graph} if graph else {"default": ""}
        return self.request_status("PUT", gsp_url, params=params, content=data,
                                   headers={"Content-Type": f"{content_type}; charset=utf-8"})

    def delete_graph(self, gsp_url: str, graph: str) -> int:
        """HTTP DELETE a graph (404, the graph is not there, counts as done); status code."""
        return self.request_status("DELETE", gsp_url, params={"graph": graph}, missing_ok=True)

    # -- HTTP -------------------------------------------------------------------------------

    def request(self, method: str, url: str, **kwargs: Any) -> bytes:
        """One HTTP request within the deadline, retried on transient failures; the body."""
        return self._send(method, url, kwargs, missing_ok=False)[1]

    def request_status(self, method: str, url: str, *, missing_ok: bool = False,
                       **kwargs: Any) -> int:
        """Like :meth:`request`, returning the status code."""
        return self._send(method, url, kwargs, missing_ok=missing_ok)[0]

    def _send(self, method: str, url: str, kwargs: dict[str, Any],
              missing_ok: bool) -> tuple[int, bytes]:
        def attempt() -> tuple[int, bytes]:
            with self._client() as client, client.stream(method, url, **kwargs) as response:
                body = _read_capped(response, url)
                status = response.status_code
                if status in TRANSIENT_HTTP:
                    header = response.headers.get("Retry-After", "")
                    raise TransientError(f"HTTP {status} {response.reason_phrase}",
                                         float(header) if header.isdigit() else None)
                if status == 404 and missing_ok:
                    return status, body
                if status >= 400:
                    text = body.decode("utf-8", "replace")
                    raise InputError(f"{url}: HTTP {status} {response.reason_phrase}: "
                                     f"{_first_line(text)}")
                return status, body

        return with_retries(attempt, self, url=url)

    def _client(self) -> httpx.Client:
        """A client for one request, with this endpoint's credentials and deadline."""
        import httpx

        from kg.deadline import deadline_client

        if self.user is not None and self._auth is None:  # kept: digest reuses its challenge
            self._auth = (httpx.DigestAuth if self.auth == "digest" else httpx.BasicAuth)(
                self.user, self.password or "")
        return deadline_client(self.timeout, self._auth)


def _read_capped(response: httpx.Response, url: str) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise InputError(f"{url}: answer larger than {MAX_ANSWER_BYTES >> 20} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of a server message, shortened."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return "(no message)"


def with_retries(call: Callable[[], T], endpoint: Endpoint, *, url: str | None = None) -> T:
    """Run ``call``; retry transient failures with exponential back-off; one-line errors.

    Transient: HTTP 429/502/503/504 and reset connections. Everything else (refused
    connection, deadline passed, 4xx, 500) fails at once with an :class:`InputError`.
    """
    import httpx

    url = url or endpoint.url
    delay = endpoint.backoff
    for attempt in range(endpoint.retries + 1):
        retry_after: float | None = None
        try:
            return call()
        except TransientError as err:
            problem, retry_after = str(err.args[0]), err.args[1]
        except httpx.TimeoutException as err:
            raise InputError(f"{url}: no complete answer within {endpoint.timeout:g} s",
                             hint="the deadline of one request: raise it with --timeout"
                             ) from err
        except httpx.ConnectError as err:
            raise InputError(f"{url}: cannot connect ({err})") from err
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            problem = f"connection reset ({err.__class__.__name__})"
        except httpx.HTTPError as err:
            raise InputError(f"{url}: {err.__class__.__name__}: {err}") from err
        if attempt == endpoint.retries:
            raise InputError(f"{url}: {problem} (gave up after {attempt + 1} attempts)")
        time.sleep(min(retry_after if retry_after is not None else delay, 30.0))
        delay *= 2
    raise AssertionError("unreachable")


# --- loading a build into a store ----------------------------------------------------------

def graphs_of_build(nquads: Path) -> dict[str | None, bytes]:
    """The canonical N-Quads split into N-Triples documents, one per graph (None = default)."""
    import pyoxigraph

    by_graph: dict[str | None, list[Any]] = {}
    for quad in pyoxigraph.parse(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS):
        name = None if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else \
            quad.graph_name.value
        by_graph.setdefault(name, []).append(quad.triple)
    return {name: pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
            for name, triples in sorted(by_graph.items(), key=lambda kv: kv[0] or "")}


def default_gsp_url(query_url: str, authenticated: bool) -> str:
    """Guess the GSP URL: Oxigraph ``/query`` -> ``/store``; Virtuoso ``/sparql`` ->
    ``/sparql-graph-crud`` (``-auth`` when credentials are given)."""
    base = query_url.rstrip("/")
    if base.endswith("/query"):
        return base[: -len("query")] + "store"
    if base.endswith("/sparql"):
        return base + ("-graph-crud-auth" if authenticated else "-graph-crud")
    raise InputError(f"cannot guess the Graph Store Protocol URL of {query_url}",
                     hint="pass --gsp URL")


def default_update_url(query_url: str, authenticated: bool) -> str:
    """Guess the SPARQL Update URL: Oxigraph ``/query`` -> ``/update``; Virtuoso ``/sparql``
    (``/sparql-auth`` when credentials are given)."""
    base = query_url.rstrip("/")
    if base.endswith("/query"):
        return base[: -len("query")] + "update"
    if base.endswith("/sparql"):
        return base + ("-auth" if authenticated else "")
    raise InputError(f"cannot guess the SPARQL Update URL of {query_url}",
                     hint="pass --update URL")


def count_triples(endpoint: Endpoint, graphs: list[str]) -> dict[str, int]:
    """Triples per named graph as the endpoint reports them (graphs it lacks are absent)."""
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    text = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    doc = json.loads(endpoint._query(text, "SELECT", []))
    return {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}


DEFAULT_GRAPH = "(default graph)"


@dataclass
class LoadedGraph:
    """One graph of a load: triples sent and, after the switch, triples the store holds."""

    graph: str  # IRI, or DEFAULT_GRAPH
    sent: int
    staging: str
    stored: int = -1  # -1: not counted


def load_build(endpoint: Endpoint, gsp_url: str, nquads: Path,
               update_url: str | None = None) -> list[tuple[str, int, int]]:
    """Replace the store's graphs by the build's, all or nothing; (graph, sent, stored) rows.

    1. PUT every graph into a staging graph under :data:`STAGING_BASE` (GSP);
    2. check the staging graphs hold what was sent;
    3. switch with one SPARQL Update, ``MOVE <staging> TO <graph>`` for every graph. Stores
       that run an update request as one transaction (Oxigraph) switch all graphs or none;
       when the switch fails on one that does not (Virtuoso), the error says exactly which
       graphs were replaced.
    On any failure the staging graphs are deleted again and :class:`InputError` says which
    graphs were written and which replaced. Staging graphs of a killed load are deleted by
    the next load once they are :data:`STALE_STAGING_SECONDS` old.
    """
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    update_url = update_url or default_update_url(endpoint.url, endpoint.user is not None)
    documents = graphs_of_build(nquads)
    remove_stale_staging(endpoint, gsp_url)
    run = f"{STAGING_BASE}{int(time.time())}-{_random_token()}/"
    graphs = [LoadedGraph(g or DEFAULT_GRAPH, data.count(b"\n"), f"{run}{i}")
              for i, (g, data) in enumerate(documents.items(), start=1)]
    written: list[LoadedGraph] = []
    try:
        for item, data in zip(graphs, documents.values(), strict=True):
            endpoint.put_graph(gsp_url, item.staging, data)
            written.append(item)
    except InputError as err:
        failed = graphs[len(written)]
        _abandon(endpoint, gsp_url, written)
        raise InputError(
            f"load failed at graph {len(written) + 1} of {len(graphs)} ({failed.graph}): {err}; "
            f"{_written(written)}; no graph of the store was replaced") from None
    staged = count_triples(endpoint, [g.staging for g in graphs])
    short = [g for g in graphs if staged.get(g.staging, 0) != g.sent]
    if short:
        _abandon(endpoint, gsp_url, graphs)
        raise InputError(f"the store did not keep what was sent to staging for "
                         f"{', '.join(g.graph for g in short)}; no graph of the store was "
                         "replaced")
    try:
        endpoint.update(update_url, switch_update(graphs))
    except InputError as err:
        replaced, kept = _after_failed_switch(endpoint, graphs)
        _abandon(endpoint, gsp_url, graphs)
        raise InputError(
            f"switching the staged graphs failed: {err}; "
            + (f"replaced: {', '.join(replaced)}; " if replaced else "no graph replaced; ")
            + (f"not replaced: {', '.join(kept)}" if kept else "every graph replaced")
            + " (run clusterkg load again)") from None
    stored = count_triples(endpoint, [g.graph for g in graphs if g.graph != DEFAULT_GRAPH])
    endpoint._graphs = None  # forget a stale graph list
    return [(g.graph, g.sent, stored.get(g.graph, -1)) for g in graphs]


def switch_update(graphs: list[LoadedGraph]) -> str:
    """The SPARQL Update that moves every staging graph onto its graph, in one request."""
    def target(graph: str) -> str:
        return "DEFAULT" if graph == DEFAULT_GRAPH else f"<{graph}>"

    return " ;\n".join(f"MOVE <{g.staging}> TO {target(g.graph)}" for g in graphs)


def remove_stale_staging(endpoint: Endpoint, gsp_url: str) -> list[str]:
    """Delete staging graphs that killed loads left (older than the stale age)."""
    now = time.time()
    stale = []
    for graph in endpoint.graphs_under(STAGING_BASE):
        stamp = graph[len(STAGING_BASE):].split("-", 1)[0]
        if stamp.isdigit() and now - int(stamp) > STALE_STAGING_SECONDS:
            endpoint.delete_graph(gsp_url, graph)
            stale.append(graph)
    return stale


def _random_token() -> str:
    import secrets

    return secrets.token_hex(6)


def _written(graphs: list[LoadedGraph]) -> str:
    if not graphs:
        return "nothing was written"
    return (f"written to staging and removed again: {', '.join(g.graph for g in graphs)}")


def _abandon(endpoint: Endpoint, gsp_url: str, graphs: list[LoadedGraph]) -> None:
    """Delete staging graphs; best effort (the store may be the thing that failed)."""
    for graph in graphs:
        with contextlib.suppress(InputError):
            endpoint.delete_graph(gsp_url, graph.staging)


def _after_failed_switch(endpoint: Endpoint, graphs: list[LoadedGraph]
                         ) -> tuple[list[str], list[str]]:
    """Which graphs a failed switch replaced: those whose staging graph is gone (MOVE
    empties its source) and that now hold the triples sent."""
    try:
        staged = count_triples(endpoint, [g.staging for g in graphs])
        named = count_triples(endpoint, [g.graph for g in graphs if g.graph != DEFAULT_GRAPH])
    except InputError as err:
        raise InputError(f"the switch failed and the store cannot be inspected ({err}): "
                         "which graphs were replaced is unknown; run clusterkg load again"
                         ) from None
    replaced = [g.graph for g in graphs
                if staged.get(g.staging, 0) == 0 and named.get(g.graph, g.sent) == g.sent]
    kept = [g.graph for g in graphs if g.graph not in replaced]
    return replaced, kept


@click.command("load")
@click.option("--endpoint", "url", required=True, metavar="URL",
              help="SPARQL query endpoint (used to count what was stored).")
@click.option("--gsp", metavar="URL", help="Graph Store Protocol URL (guessed if omitted).")
@click.option("--update", "update", metavar="URL",
              help="SPARQL Update URL, for the switch from staging (guessed if omitted).")
@build_dir_option
@http_auth_options
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Deadline of each HTTP request, in seconds.")
@click.option("--isql", metavar="HOST:PORT",
              help="Virtuoso only, for large graphs: its bulk loader through isql-vt on this "
              "SQL port instead of HTTP PUTs (needs --stage).")
@click.option("--stage", "stage_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="With --isql: a directory in Virtuoso's DirsAllowed to stage the file in.")
def load_command(url: str, gsp: str | None, update: str | None, build_dir: Path,
                 user: str | None, password: str | None, auth: str, timeout: float,
                 isql: str | None, stage_dir: Path | None) -> None:
    """Replace the store's graphs (articles, ontology, lexicon) by the build's, all or
    nothing: each graph is PUT into a staging graph, and one SPARQL Update moves them all
    into place once every graph has arrived; report triples per graph. With ``--isql``:
    Virtuoso's bulk loader instead (:mod:`kg.virtuoso_bulk`)."""
    from rich.console import Console
    from rich.table import Table

    endpoint = Endpoint(url, user=user, password=password, auth=auth, timeout=timeout)
    if isql:
        from kg.virtuoso_bulk import Isql, load_build_bulk

        host, _, port = isql.rpartition(":")
        if not port.isdigit() or stage_dir is None:
            raise InputError("--isql HOST:PORT needs a numeric port and --stage DIR")
        graphs = load_build_bulk(Isql(host or "127.0.0.1", int(port), user or "dba",
                                      password or "dba"), Path(build_dir) / "clusterkg.nq",
                                 stage_dir)
        stored = count_triples(endpoint, graphs)
        table = Table("graph", "triples in store", title=f"Bulk-loaded through {isql}")
        for graph in graphs:
            table.add_row(graph, str(stored.get(graph, 0)))
        Console().print(table)
        return
    gsp_url = http_url(gsp, "--gsp") if gsp else default_gsp_url(url, user is not None)
    update_url = http_url(update, "--update") if update else None
    rows = load_build(endpoint, gsp_url, Path(build_dir) / "clusterkg.nq", update_url)
    table = Table("graph", "triples sent", "triples in store", title=f"Loaded into {gsp_url}")
    for graph, n_sent, n_stored in rows:
        table.add_row(graph, str(n_sent), "?" if n_stored < 0 else str(n_stored))
    Console().print(table)
    mismatched = [g for g, a, b in rows if b >= 0 and a != b]
    if mismatched:
        raise CheckFailed(f"store holds a different number of triples in {', '.join(mismatched)}")
