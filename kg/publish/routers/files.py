"""Files: the release dumps, the ontology documentation, SSSOM mapping sets, static assets.

Files are streamed by Starlette in worker threads; the indexes are rendered at start-up.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.publish.routers.common import route, state, text, to_response

routes: list[Route] = []

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
#: pyLODE pages use inline styles and data: images, and no script
DOCS_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@route(routes, "/dumps/")
def dumps_index(request: Request) -> Response:
    return to_response(state(request).static["dumps"])


@route(routes, "/dumps/{name}")
def dump(request: Request) -> Response:
    name = request.path_params["name"]
    server = state(request)
    path = server.build_dir / name
    if name not in server.dump_files or not path.is_file():
        return text(404, f"no dump named {name!r}")
    return FileResponse(path, media_type=server.dump_files[name])


@route(routes, "/docs")
def docs_root(request: Request) -> Response:
    return RedirectResponse(f"{state(request).settings.base_url}/docs/", status_code=301)


@route(routes, "/docs/{path:path}")
def docs(request: Request) -> Response:
    path = request.path_params["path"]
    docs_dir = (state(request).build_dir / "docs").resolve()
    if not docs_dir.is_dir():
        return text(404, "no documentation in this build: run clusterkg ontology docs")
    try:
        target = (docs_dir / (path or "index.html")).resolve()
    except (OSError, ValueError):
        return text(404, f"no such document: {path!r}")
    if target.is_dir():
        target = target / "index.html"
    if docs_dir not in target.parents or not target.is_file():
        return text(404, f"no such document: {path!r}")
    return FileResponse(target, headers={"Content-Security-Policy": DOCS_CSP})


@route(routes, "/mappings/")
def mappings_index(request: Request) -> Response:
    return to_response(state(request).static["mappings"])


@route(routes, "/mappings/{name}")
def mapping_set(request: Request) -> Response:
    name = request.path_params["name"]
    path = state(request).mapping_files.get(name.removesuffix(".sssom.tsv"))
    if path is None:
        return text(404, f"no mapping set named {name!r}")
    return FileResponse(path, media_type="text/tab-separated-values; charset=utf-8")


@route(routes, "/static/{name}")
def static(request: Request) -> Response:
    name = request.path_params["name"]
    path = STATIC_DIR / name
    media = STATIC_TYPES.get(path.suffix)
    if "/" in name or media is None or not path.is_file():
        return text(404, f"no static file {name!r}")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "max-age=3600"})
