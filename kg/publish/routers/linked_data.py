"""Linked data: the W3C "Cool URIs" 303 recipe for ``/id/...``, documents under ``/doc/...``,
the ontology (hash namespace), VoID/DCAT and the landing page.

- ``/id/{path}`` (a thing) -> 303 See Other to ``/doc/{path}.{ext}``, ``ext`` chosen by
  ``Accept`` (html, ttl, jsonld, rdf, nt); 406 when no offered type fits, 404 when unknown,
  400 when the path cannot be part of an IRI;
- ``/doc/{path}.{ext}`` and ``/id/{path}.{ext}`` -> the document; ``/doc/{path}`` negotiates;
- ``/ontology`` -> 303 to ``/ontology.{ext}``; ``/void``, ``/.well-known/void``, ``/dcat``.
HTML pages pick labels by ``Accept-Language`` (en, ru, uz-Cyrl, uz-Latn, with fallbacks).
"""

from __future__ import annotations

import urllib.parse

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kg.namespace import BASE
from kg.publish.conneg import language_preference, negotiate
from kg.publish.routers.common import job_response, route, run_job, state, text, to_response
from kg.publish.workers import Job

routes: list[Route] = []

EXTENSIONS: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
#: offered media types in server preference order -> extension
DOC_OFFERS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
    "application/json": "jsonld",
    "text/plain": "nt",
}
#: characters kept as they are when a path goes back into a Location header
IRI_SAFE = "/:@!$&'()*+,;=-._~"
VARY = {"Vary": "Accept, Accept-Language"}


def split_ext(path: str) -> tuple[str, str | None]:
    """``cluster/x.ttl`` -> ``("cluster/x", "ttl")``; no known extension -> ``(path, None)``."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and "/" not in ext:
        return stem, ext
    return path, None


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` is an IRI (RFC 3987), as pyoxigraph checks it."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def not_acceptable() -> Response:
    return text(
        406,
        "none of the accepted media types is offered; offered: " + ", ".join(DOC_OFFERS),
        Vary="Accept",
    )


def choose_ext(request: Request) -> str | None:
    media = negotiate(request.headers.get("accept"), list(DOC_OFFERS))
    return DOC_OFFERS[media] if media else None


def bad_path(path: str) -> Response:
    return text(400, "this path cannot be part of an IRI (RFC 3987): no such resource")


async def entity_document(request: Request, iri: str, ext: str, **headers: str) -> Response:
    preference = language_preference(request.headers.get("accept-language"))
    if ext == "html":
        job = Job("entity", {"iri": iri, "preference": preference})
    else:
        job = Job("document", {"iri": iri, "ext": ext})
    return await job_response(request, job, **VARY, **headers)


@route(routes, "/id/{path:path}")
async def thing(request: Request) -> Response:
    path = request.path_params["path"]
    stem, ext = split_ext(path)
    iri = BASE + "id/" + stem
    if not valid_iri(iri):
        return bad_path(path)
    if ext:
        return await entity_document(request, iri, ext)
    chosen = choose_ext(request)
    if chosen is None:
        return not_acceptable()
    reply = await run_job(request, Job("exists", {"iri": iri}))
    if isinstance(reply, Response):
        return reply
    if reply.status != 204:
        return to_response(reply)
    base_url = state(request).settings.base_url
    target = f"{base_url}/doc/{urllib.parse.quote(stem, safe=IRI_SAFE)}.{chosen}"
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


@route(routes, "/doc/{path:path}")
async def document(request: Request) -> Response:
    path = request.path_params["path"]
    stem, ext = split_ext(path)
    iri = BASE + "id/" + stem
    if not valid_iri(iri):
        return bad_path(path)
    if ext is not None:
        return await entity_document(request, iri, ext)
    ext = choose_ext(request)
    if ext is None:
        return not_acceptable()
    base_url = state(request).settings.base_url
    location = f"{base_url}/doc/{urllib.parse.quote(stem, safe=IRI_SAFE)}.{ext}"
    return await entity_document(request, iri, ext, **{"Content-Location": location})


@route(routes, "/ontology")
async def ontology(request: Request) -> Response:
    chosen = choose_ext(request)
    if chosen is None:
        return not_acceptable()
    base_url = state(request).settings.base_url
    return RedirectResponse(
        f"{base_url}/ontology.{chosen}", status_code=303, headers={"Vary": "Accept"}
    )


@route(routes, "/ontology.{ext}")
async def ontology_document(request: Request) -> Response:
    ext = request.path_params["ext"]
    if ext not in EXTENSIONS:
        return text(404, f"no ontology document as .{ext}; offered: {', '.join(EXTENSIONS)}")
    if ext == "html":
        preference = language_preference(request.headers.get("accept-language"))
        job = Job("ontology_page", {"preference": preference})
    else:
        job = Job("ontology_document", {"ext": ext})
    return await job_response(request, job)


def void_response(request: Request, ext: str | None = None) -> Response:
    if ext is None:
        ext = choose_ext(request)
        if ext is None:
            return not_acceptable()
    reply = state(request).static.get(f"void.{ext}")
    if reply is None:
        return text(404, "no VoID description in this build")
    return to_response(reply, Vary="Accept")


@route(routes, "/void")
@route(routes, "/.well-known/void")
@route(routes, "/dcat")
def void(request: Request) -> Response:
    return void_response(request)


@route(routes, "/void.{ext}")
def void_ext(request: Request) -> Response:
    ext = request.path_params["ext"]
    if ext not in EXTENSIONS:
        return text(404, f"no VoID document as .{ext}")
    return void_response(request, ext)


@route(routes, "/")
async def landing(request: Request) -> Response:
    preference = language_preference(request.headers.get("accept-language"))
    return await job_response(request, Job("landing", {"preference": preference}))
