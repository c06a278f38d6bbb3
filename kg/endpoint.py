"""Remote SPARQL 1.1 endpoints: queries through SPARQLWrapper, loading through the Graph Store
Protocol (GSP), with timeouts, retries with exponential back-off and HTTP authentication.

Queries are scoped to the project's own named graphs: the endpoint is asked once which graphs
under ``https://w3id.org/clusterkg/id/graph/`` it holds, and every query is then sent with
those graphs as ``default-graph-uri`` (so the default graph is their union, as on the embedded
store) and as ``named-graph-uri`` (so ``GRAPH ?g`` ranges over them only). This keeps a
server's system graphs (Virtuoso has several) out of the answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import InputError
from kg.namespace import ID
from kg.options import build_dir_option, http_auth_options

GRAPH_BASE = f"{ID}graph/"
TRANSIENT_HTTP = frozenset({429, 502, 503, 504})
T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying (overload, gateway errors, connection reset)."""


@dataclass
class Endpoint:
    """A SPARQL 1.1 query endpoint (and optionally its Graph Store Protocol URL)."""

    url: str
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # or "digest"
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5  # seconds; doubled after each failed attempt
    graph_base: str | None = GRAPH_BASE  # None: do not scope queries to the project graphs
    _graphs: list[str] | None = field(default=None, repr=False)

    # -- queries ------------------------------------------------------------------------

    def query(self, text: str, form: str) -> bytes:
        """Run a query; SPARQL JSON results for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE."""
        graphs = self.graphs() if self.graph_base else []
        return self._query(text, form, graphs)

    def graphs(self) -> list[str]:
        """The project's named graphs held by the endpoint (asked once, then cached)."""
        if self._graphs is None:
            probe = (
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "{self.graph_base}")) }} ORDER BY ?g'
            )
            data = self._query(probe, "SELECT", [])
            import json

            doc = json.loads(data)
            self._graphs = [b["g"]["value"] for b in doc["results"]["bindings"]]
        return self._graphs

    def _query(self, text: str, form: str, graphs: list[str]) -> bytes:
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper

        def attempt() -> bytes:
            client = SPARQLWrapper(self.url)
            client.setQuery(text)
            client.queryType = form  # do not let comments in the header mislead the guess
            client.setMethod(POST)
            client.setTimeout(max(1, round(self.timeout)))
            client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
            if form in ("CONSTRUCT", "DESCRIBE"):  # accept only Turtle, not RDF/XML
                client.setOnlyConneg(True)
                client.addCustomHttpHeader("Accept", "text/turtle")
            if self.user is not None:
                client.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
                client.setCredentials(self.user, self.password or "")
            for graph in graphs:
                client.addDefaultGraph(graph)
                client.addNamedGraph(graph)
            response = client.query().response
            return response.read()

        return with_retries(attempt, self)

    # -- Graph Store Protocol -------------------------------------------------------------

    def put_graph(
        self, gsp_url: str, graph: str | None, data: bytes, content_type: str = "text/turtle"
    ) -> int:
        """HTTP PUT ``data`` as the content of ``graph`` (None = default graph); status code."""
        import httpx

        params = {"graph": graph} if graph else {"default": ""}
        auth: Any = None
        if self.user is not None:
            auth = (httpx.DigestAuth if self.auth == "digest" else httpx.BasicAuth)(
                self.user, self.password or ""
            )

        def attempt() -> int:
            response = httpx.put(
                gsp_url,
                params=params,
                content=data,
                auth=auth,
                headers={"Content-Type": f"{content_type}; charset=utf-8"},
                timeout=self.timeout,
            )
            if response.status_code in TRANSIENT_HTTP:
                raise TransientError(f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise InputError(
                    f"{gsp_url}: HTTP {response.status_code} "
                    f"{response.reason_phrase}: {_first_line(response.text)}"
                )
            return response.status_code

        return with_retries(attempt, self, url=gsp_url)


def _first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of a server message, shortened."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return "(no message)"


def with_retries(call: Callable[[], T], endpoint: Endpoint, *, url: str | None = None) -> T:
    """Run ``call``; retry transient failures with exponential back-off; one-line errors.

    Transient: HTTP 429/502/503/504 and reset connections. Everything else (refused
    connection, timeout, 4xx, 500) fails at once with an :class:`InputError`.
    """
    import http.client
    import urllib.error

    import httpx
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    url = url or endpoint.url
    delay = endpoint.backoff
    for attempt in range(endpoint.retries + 1):
        retry_after: float | None = None
        try:
            return call()
        except urllib.error.HTTPError as err:
            if err.code not in TRANSIENT_HTTP:
                body = err.read().decode("utf-8", "replace") if err.fp else ""
                raise InputError(
                    f"{url}: HTTP {err.code} {err.reason}: {_first_line(body)}"
                ) from err
            header = err.headers.get("Retry-After") if err.headers else None
            retry_after = float(header) if header and header.isdigit() else None
            problem = f"HTTP {err.code} {err.reason}"
        except SPARQLWrapperException as err:  # 400, 401, 404, 414, 500 (already read)
            message = " ".join(str(err).split())
            raise InputError(f"{url}: {message[:300]}") from err
        except TransientError as err:
            problem = str(err)
        except (ConnectionResetError, http.client.RemoteDisconnected) as err:
            problem = f"connection reset ({err.__class__.__name__})"
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, ConnectionResetError):
                problem = "connection reset"
            elif isinstance(reason, TimeoutError):
                raise InputError(f"{url}: no answer within {endpoint.timeout:g} s") from err
            else:
                raise InputError(f"{url}: cannot connect ({reason})") from err
        except TimeoutError as err:
            raise InputError(f"{url}: no answer within {endpoint.timeout:g} s") from err
        except ConnectionRefusedError as err:
            raise InputError(f"{url}: cannot connect (connection refused)") from err
        except httpx.TimeoutException as err:
            raise InputError(f"{url}: no answer within {endpoint.timeout:g} s") from err
        except (httpx.RemoteProtocolError, httpx.ReadError) as err:
            problem = f"connection reset ({err.__class__.__name__})"
        except httpx.ConnectError as err:
            raise InputError(f"{url}: cannot connect ({err})") from err
        if attempt == endpoint.retries:
            raise InputError(f"{url}: {problem} (gave up after {attempt + 1} attempts)")
        time.sleep(min(retry_after if retry_after is not None else delay, 30.0))
        delay *= 2
    raise AssertionError("unreachable")


# --- loading a build into a store --------------------------------------------------------


def graphs_of_build(nquads: Path) -> dict[str | None, bytes]:
    """The canonical N-Quads split into N-Triples documents, one per graph (None = default)."""
    import pyoxigraph

    by_graph: dict[str | None, list[Any]] = {}
    for quad in pyoxigraph.parse(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS):
        name = (
            None if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else quad.graph_name.value
        )
        by_graph.setdefault(name, []).append(quad.triple)
    return {
        name: pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
        for name, triples in sorted(by_graph.items(), key=lambda kv: kv[0] or "")
    }


def default_gsp_url(query_url: str, authenticated: bool) -> str:
    """Guess the GSP URL: Oxigraph ``/query`` -> ``/store``; Virtuoso ``/sparql`` ->
    ``/sparql-graph-crud`` (``-auth`` when credentials are given)."""
    base = query_url.rstrip("/")
    if base.endswith("/query"):
        return base[: -len("query")] + "store"
    if base.endswith("/sparql"):
        return base + ("-graph-crud-auth" if authenticated else "-graph-crud")
    raise InputError(
        f"cannot guess the Graph Store Protocol URL of {query_url}", hint="pass --gsp URL"
    )


def count_triples(endpoint: Endpoint, graphs: list[str]) -> dict[str, int]:
    """Triples per named graph as the endpoint reports them."""
    import json

    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    text = (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    doc = json.loads(endpoint._query(text, "SELECT", []))
    return {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}


def load_build(endpoint: Endpoint, gsp_url: str, nquads: Path) -> list[tuple[str, int, int]]:
    """PUT every graph of the build; return (graph, triples sent, triples in store) rows."""
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    documents = graphs_of_build(nquads)
    sent: dict[str, int] = {}
    for graph, data in documents.items():
        endpoint.put_graph(gsp_url, graph, data)
        sent[graph or "(default graph)"] = data.count(b"\n")
    named = [g for g in documents if g]
    stored = count_triples(endpoint, named)
    endpoint._graphs = None  # forget a stale graph list
    return [(g, n, stored.get(g, -1)) for g, n in sent.items()]


@click.command("load")
@click.option(
    "--endpoint",
    "url",
    required=True,
    metavar="URL",
    help="SPARQL query endpoint (used to count what was stored).",
)
@click.option("--gsp", metavar="URL", help="Graph Store Protocol URL (guessed if omitted).")
@build_dir_option
@http_auth_options
@click.option(
    "--timeout", type=float, default=60.0, show_default=True, help="Seconds per HTTP request."
)
def load_command(
    url: str,
    gsp: str | None,
    build_dir: Path,
    user: str | None,
    password: str | None,
    auth: str,
    timeout: float,
) -> None:
    """Push the built graph to a store: one HTTP PUT per named graph (articles, ontology,
    lexicon), replacing what the store held in that graph; report triples per graph."""
    from rich.console import Console
    from rich.table import Table

    endpoint = Endpoint(url, user=user, password=password, auth=auth, timeout=timeout)
    gsp_url = gsp or default_gsp_url(url, user is not None)
    rows = load_build(endpoint, gsp_url, Path(build_dir) / "clusterkg.nq")
    table = Table("graph", "triples sent", "triples in store", title=f"Loaded into {gsp_url}")
    for graph, n_sent, n_stored in rows:
        table.add_row(graph, str(n_sent), "?" if n_stored < 0 else str(n_stored))
    Console().print(table)
    mismatched = [g for g, a, b in rows if b >= 0 and a != b]
    if mismatched:
        from kg.errors import CheckFailed

        raise CheckFailed(f"store holds a different number of triples in {', '.join(mismatched)}")
