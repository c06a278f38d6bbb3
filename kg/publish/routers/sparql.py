"""``/sparql``: the SPARQL 1.1 Protocol (query operation), read-only.

GET with ``query=``, POST as a form or as ``application/sparql-query``; ``default-graph-uri``
and ``named-graph-uri`` (valid IRIs, else 400); one ``query`` only (400 when repeated);
updates 403; bodies read as a stream and cut at the limit (413, before the rest is read);
a GET without a query gives the service description for RDF types and the query page for
HTML. The query itself runs in a worker process (:mod:`kg.publish.sparql`).
"""

from __future__ import annotations

import time
import urllib.parse

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kg.publish.conneg import negotiate
from kg.publish.routers.common import job_response, route, state, text, to_response
from kg.publish.sparql import QueryRequest
from kg.publish.workers import Job

routes: list[Route] = []

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
#: media types of the service description (RDF first: a bare GET gets Turtle) and HTML
SD_OFFERS: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "text/html": "HTML",
}
CORS_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, Accept-Language",
    "Access-Control-Max-Age": "86400",
}
MAX_FIELDS = 64


class BadRequest(Exception):
    """A request the protocol does not allow: status and one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def refused_update() -> BadRequest:
    return BadRequest(403, "this endpoint is read-only: SPARQL Update is not accepted")


def parse_params(raw: str) -> dict[str, list[str]]:
    """URL-encoded parameters (strict UTF-8: 400 otherwise)."""
    try:
        return urllib.parse.parse_qs(
            raw, keep_blank_values=True, encoding="utf-8", errors="strict",
            max_num_fields=MAX_FIELDS,
        )  # fmt: skip
    except UnicodeDecodeError as err:
        raise BadRequest(400, "parameters are not valid UTF-8") from err
    except ValueError as err:
        raise BadRequest(400, f"malformed parameters: {err}") from err


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read as a stream; 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest(413, f"request body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(413, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, charset: str | None) -> str:
    if charset and charset.lower() not in {"utf-8", "utf8"}:
        raise BadRequest(415, f"charset {charset} not accepted: send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(400, "the body is not valid UTF-8") from err


def media_type(header: str | None) -> tuple[str, str | None]:
    """``"application/sparql-query; charset=utf-8"`` -> ``(type, charset)``."""
    parts = (header or "").split(";")
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"')
    return parts[0].strip().lower(), charset


def graph_iris(values: list[str], name: str) -> list[str]:
    import pyoxigraph as ox

    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as err:
            raise BadRequest(400, f"{name} is not an IRI: {value[:200]!r}") from err
    return values


async def query_request(request: Request) -> QueryRequest | None:
    """The query of ``request`` (``None`` when it has none); raises :class:`BadRequest`."""
    settings = state(request).settings
    url_params = parse_params(request.url.query)
    params = url_params
    if request.method in {"GET", "HEAD"}:
        if "update" in params:
            raise refused_update()
        too_long = 414
    else:
        ctype, charset = media_type(request.headers.get("content-type"))
        too_long = 413
        if ctype == UPDATE:
            raise refused_update()
        if ctype not in {FORM, DIRECT}:
            raise BadRequest(415, f"POST a form ({FORM}) or {DIRECT}")
        body = await read_body(request, settings.max_query_length * 12 + 4096)
        text_body = decode(body, charset)
        if ctype == FORM:
            form = parse_params(text_body)
            if "update" in form:
                raise refused_update()
            params = {k: url_params.get(k, []) + form.get(k, []) for k in {*url_params, *form}}
        else:
            if "query" in url_params:
                raise BadRequest(400, "a direct POST carries the query in the body only")
            params = {**url_params, "query": [text_body]}
    queries = params.get("query", [])
    if len(queries) > 1:
        raise BadRequest(400, "more than one query parameter")
    if not queries or not queries[0].strip():
        return None
    query = queries[0]
    if len(query) > settings.max_query_length:
        raise BadRequest(too_long, f"query longer than {settings.max_query_length} characters")
    formats = params.get("format", [])
    return QueryRequest(
        query=query,
        accept=request.headers.get("accept"),
        format=formats[0] if formats else None,
        default_graphs=graph_iris(params.get("default-graph-uri", []), "default-graph-uri"),
        named_graphs=graph_iris(params.get("named-graph-uri", []), "named-graph-uri"),
    )


def no_query(request: Request) -> Response:
    """The service description, the query page (HTML), or 400."""
    media = negotiate(request.headers.get("accept"), list(SD_OFFERS))
    if media == "text/html":
        return RedirectResponse(f"{state(request).settings.base_url}/#query", status_code=303)
    if media is None:
        return text(400, "missing query parameter")
    return to_response(state(request).static[f"sd:{media}"], Vary="Accept")


@route(routes, "/sparql", ("GET", "POST", "HEAD"))
async def sparql(request: Request) -> Response:
    try:
        req = await query_request(request)
    except BadRequest as err:
        # an unread body is not read on: the connection closes after the answer
        close = {"Connection": "close"} if err.status == 413 else {}
        return text(err.status, str(err), **close)
    if req is None:
        return no_query(request)
    started = time.perf_counter()
    response = await job_response(request, Job("sparql", {"req": req}), Vary="Accept")
    response.headers["Server-Timing"] = f"query;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@route(routes, "/sparql", ("OPTIONS",))
def preflight(request: Request) -> Response:
    """CORS preflight (POST with ``Content-Type: application/sparql-query`` needs one)."""
    return Response(status_code=204, headers=CORS_PREFLIGHT)
