"""``clusterkg serve``: linked data and a read-only SPARQL endpoint over the built graph.

Every IRI under ``https://w3id.org/clusterkg/`` is served at the same path under the local
base URL (``--base-url``). The routes live in :mod:`kg.publish.routers` (linked data, SPARQL,
files); every page and query is made in a worker process (:mod:`kg.publish.workers`) with
time and memory limits, from a read-only copy of the build (:mod:`kg.publish.snapshot`),
except the entity documents pre-rendered by the build (or at start when the build's page
store does not fit its graph: :mod:`kg.publish.prerender`), which the front process reads
as bytes; answers carry HTTP validators and repeated requests are
answered from a cache of the release (:mod:`kg.publish.caching`).
Every answer carries ``X-Content-Type-Options: nosniff`` and
``Access-Control-Allow-Origin: *``; HTML pages a Content-Security-Policy.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import click

from kg.options import build_dir_option
from kg.paths import BUILD_DIR, MAPPINGS_DIR, QUERIES_DIR
from kg.publish.site import Reply, Settings, with_security_headers

MAX_QUERY_LENGTH = 10_000
CQ_HEADER = re.compile(r"^#\s*CQ:\s*(.+)$", re.MULTILINE)


def load_examples(queries_dir: Path = QUERIES_DIR) -> tuple[tuple[str, str, str], ...]:
    """``(file name, competency question, query text)`` of ``queries/cq/*.rq``."""
    examples = []
    for path in sorted((queries_dir / "cq").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = CQ_HEADER.search(text)
        examples.append((path.name, match.group(1).strip() if match else path.stem, text))
    return tuple(examples)


class SecurityHeaders:
    """ASGI middleware: the headers every answer carries, and a CSP on HTML."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_security_headers(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _static_replies(build_dir: Path, settings: Settings, mapping_files: dict[str, Path],
                    dump_files: dict[str, str]) -> dict[str, Reply]:  # fmt: skip
    """Answers that do not depend on the request: VoID, indexes, service description."""
    import pyoxigraph as ox

    from kg.namespace import BASE, PREFIXES
    from kg.publish.dumps import CHECKSUMS
    from kg.publish.pages import RDF_DOCUMENTS, serialize
    from kg.publish.render import render
    from kg.publish.routers.sparql import SD_OFFERS
    from kg.publish.site import html_reply
    from kg.publish.sparql import service_description

    base = settings.base_url
    static: dict[str, Reply] = {}
    void = build_dir / "void.ttl"
    if void.is_file():
        triples = [q.triple for q in ox.parse(path=str(void), format=ox.RdfFormat.TURTLE)]
        for ext, (media, fmt, _) in RDF_DOCUMENTS.items():
            static[f"void.{ext}"] = serialize(triples, media, fmt)
        turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        static["void.html"] = html_reply(
            render(
                "void.html", base_url=base, title="VoID", lang="en", turtle=(turtle or b"").decode()
            )
        )
    files = [
        (name, media, (build_dir / name).stat().st_size)
        for name, media in dump_files.items()
        if (build_dir / name).is_file()
    ]
    static["dumps"] = html_reply(
        render(
            "dumps.html", base_url=base, title="Dumps", lang="en", files=files, checksums=CHECKSUMS
        )
    )
    static["mappings"] = html_reply(
        render(
            "mappings.html",
            base_url=base,
            title="Mappings",
            lang="en",
            namespace=BASE,
            sets=[(n, p.name) for n, p in mapping_files.items()],
        )
    )
    for media, fmt in SD_OFFERS.items():
        if fmt != "HTML":
            static[f"sd:{media}"] = service_description(settings, media, fmt)
    return static


def create_app(
    build_dir: Path = BUILD_DIR,
    base_url: str = "http://127.0.0.1:8000",
    *,
    workers: int = 4,
    queue_size: int = 64,
    queue_timeout: float = 30.0,
    query_timeout: float = 10.0,
    query_memory_mb: int = 1024,
    max_result_bytes: int = 16 * 1024 * 1024,
    max_query_length: int = MAX_QUERY_LENGTH,
    allowed_service_hosts: tuple[str, ...] = (),
    cache_mb: int = 64,
    cache_queries: bool = False,
    max_age: int = 3600,
    queries_dir: Path = QUERIES_DIR,
    mappings_dir: Path = MAPPINGS_DIR,
    snapshot_dir: Path | None = None,
    prerender_mb: int = 256,
    prerender_seconds: float = 300.0,
    memory_store_mb: int = 64,
    page_store: bool = True,
) -> Any:
    """The ASGI application (Starlette) serving ``build_dir`` (which must hold
    ``clusterkg.nq``).

    Its serving store is prepared at start-up in a temporary folder (removed at shutdown).
    The entity documents come from the build's page store when it was rendered from this
    ``clusterkg.nq`` (and ``page_store``), else they are pre-rendered there (at most
    ``prerender_mb`` MB of bodies and ``prerender_seconds``; 0 MB = none); or the snapshot
    and its pages were prepared by the caller in ``snapshot_dir`` (several front processes
    share one). Each worker holds the store in
    memory when ``clusterkg.nq`` is at most ``memory_store_mb`` MB.
    """
    from starlette.applications import Starlette

    from kg.errors import InputError
    from kg.publish.caching import ReleaseCache
    from kg.publish.dumps import CHECKSUMS, DUMPS
    from kg.publish.prerender import PAGES, Pages, graph_digest, render_in_child
    from kg.publish.routers import files, linked_data, sparql
    from kg.publish.routers.common import ServerState
    from kg.publish.snapshot import prepare_in_child
    from kg.publish.workers import WorkerPool

    build_dir = Path(build_dir)
    nquads = build_dir / "clusterkg.nq"
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    settings = Settings(
        base_url=base_url.rstrip("/"),
        query_timeout=query_timeout,
        max_result_bytes=max_result_bytes,
        max_query_length=max_query_length,
        query_memory_mb=query_memory_mb,
        memory_store=nquads.stat().st_size <= memory_store_mb << 20,
        allowed_service_hosts=frozenset(h.lower() for h in allowed_service_hosts),
        examples=load_examples(queries_dir),
    )
    mapping_files = {
        p.name.removeprefix("clusterkg-").removesuffix(".sssom.tsv"): p
        for p in sorted(Path(mappings_dir).glob("*.sssom.tsv"))
    }
    dump_files = {**{n: m for n, (m, _) in DUMPS.items()}, "void.ttl": "text/turtle",
                  CHECKSUMS: "text/plain; charset=utf-8"}  # fmt: skip
    # made when the server starts (an app that is never started leaves nothing behind)
    fresh = Path(tempfile.gettempdir()) / f"clusterkg-serve-{secrets.token_hex(8)}"
    workdir = snapshot_dir or fresh
    pool = WorkerPool(
        workdir, settings, workers=workers, queue_size=queue_size, queue_timeout=queue_timeout
    )
    server = ServerState(
        settings=settings,
        build_dir=build_dir,
        pool=pool,
        static=_static_replies(build_dir, settings, mapping_files, dump_files),
        mapping_files=mapping_files,
        dump_files=dump_files,
    )

    pages = Pages(settings.base_url)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        try:
            graph = await loop.run_in_executor(None, graph_digest, nquads)
            released = pages.open(build_dir / PAGES, graph) if page_store else None
            if snapshot_dir is None:
                workdir.mkdir(mode=0o700)
                await loop.run_in_executor(None, prepare_in_child, nquads, workdir)
                render = loop.run_in_executor(
                    None, render_in_child, workdir, settings.base_url, prerender_mb << 20,
                    prerender_seconds, nquads,
                ) if prerender_mb > 0 and released is None else asyncio.sleep(0)  # fmt: skip
                await asyncio.gather(pool.start(), render)
                if released is not None:
                    click.echo(f"the page store of the build: {released}", err=True)
                elif prerender_mb > 0:
                    click.echo(str(pages.open(workdir / PAGES, graph)), err=True)
            else:
                if released is None:
                    pages.open(workdir / PAGES, graph)
                await pool.start()
            yield
        finally:
            pool.close()
            pages.close()
            if snapshot_dir is None:
                shutil.rmtree(workdir, ignore_errors=True)

    app = Starlette(routes=[*linked_data.routes, *sparql.routes, *files.routes], lifespan=lifespan)
    app.state.server = server
    return ReleaseCache(
        SecurityHeaders(app),
        last_modified=nquads.stat().st_mtime,
        max_bytes=cache_mb << 20,
        max_age=max_age,
        cache_queries=cache_queries,
        pages=pages,
    )


@click.command("serve")
@build_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--base-url",
    default=None,
    help="Public base URL that https://w3id.org/clusterkg/ maps to (default http://HOST:PORT).",
)
@click.option(
    "--workers", default=4, show_default=True, type=click.IntRange(1, 64),
    help="Worker processes for queries and pages (each holds one job at a time).",
)  # fmt: skip
@click.option(
    "--queue", "queue_size", default=64, show_default=True, type=click.IntRange(0),
    help="Jobs that may wait for a worker; past that 429 with Retry-After.",
)  # fmt: skip
@click.option(
    "--queue-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
    help="Seconds a job may wait for a worker (then 503 with Retry-After).",
)  # fmt: skip
@click.option(
    "--query-timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
    help="Seconds a query or page may run in its worker (then 503; waiting not counted).",
)  # fmt: skip
@click.option(
    "--query-memory", "query_memory_mb", default=1024, show_default=True,
    type=click.IntRange(0), help="MB a query may allocate in its worker (then 503; 0 = no cap).",
)  # fmt: skip
@click.option(
    "--max-result-bytes", default=16 * 1024 * 1024, show_default=True, type=click.IntRange(1),
    help="Largest serialised SPARQL result (then 413).",
)  # fmt: skip
@click.option(
    "--max-query-length", default=MAX_QUERY_LENGTH, show_default=True, type=click.IntRange(1),
    help="Longest query text in characters (then 414/413).",
)  # fmt: skip
@click.option(
    "--allow-service", "allowed_service_hosts", multiple=True, metavar="HOST",
    help="Host (or host:port) a SPARQL SERVICE may call; repeat for more. Default: none.",
)  # fmt: skip
@click.option(
    "--fronts", default=1, show_default=True, type=click.IntRange(1, 16),
    help="HTTP front processes sharing the port (SO_REUSEPORT); --workers are split "
    "among them, and each has its own queue and cache.",
)  # fmt: skip
@click.option(
    "--cache-mb", default=64, show_default=True, type=click.IntRange(0),
    help="MB of answers kept in memory for repeated requests (0 = none; validators stay).",
)  # fmt: skip
@click.option(
    "--cache-queries/--no-cache-queries", default=False, show_default=True,
    help="Also keep the answers of deterministic SPARQL queries (GET).",
)  # fmt: skip
@click.option(
    "--prerender-mb", default=256, show_default=True, type=click.IntRange(0),
    help="MB of entity documents (HTML per label language, Turtle, JSON-LD, RDF/XML, "
    "N-Triples) rendered at start and served as bytes (0 = none: every page on demand).",
)  # fmt: skip
@click.option(
    "--prerender-seconds", default=300.0, show_default=True, type=click.FloatRange(min=0),
    help="Longest time spent pre-rendering at start (the rest on demand).",
)  # fmt: skip
@click.option(
    "--page-store/--no-page-store", default=True, show_default=True,
    help="Answer entity documents from the build's page store (pages.sqlite, written by "
    "clusterkg build) when it was rendered from this clusterkg.nq.",
)  # fmt: skip
@click.option(
    "--memory-store-mb", default=64, show_default=True, type=click.IntRange(0),
    help="Each worker holds the store in memory (faster queries) when clusterkg.nq is at "
    "most this many MB; larger builds are read from disk.",
)  # fmt: skip
@click.option(
    "--max-age", default=3600, show_default=True, type=click.IntRange(0),
    help="Seconds clients and proxies may reuse an answer (Cache-Control: max-age).",
)  # fmt: skip
def serve_command(
    build_dir: Path,
    host: str,
    port: int,
    base_url: str | None,
    workers: int,
    queue_size: int,
    queue_timeout: float,
    query_timeout: float,
    query_memory_mb: int,
    max_result_bytes: int,
    max_query_length: int,
    allowed_service_hosts: tuple[str, ...],
    fronts: int,
    cache_mb: int,
    cache_queries: bool,
    prerender_mb: int,
    prerender_seconds: float,
    memory_store_mb: int,
    page_store: bool,
    max_age: int,
) -> None:
    """Serve linked data (303 + content negotiation) and a read-only SPARQL endpoint."""
    import uvicorn

    base = base_url or f"http://{host}:{port}"
    options: dict[str, Any] = dict(
        base_url=base, workers=max(1, workers // fronts), queue_size=queue_size,
        queue_timeout=queue_timeout, query_timeout=query_timeout,
        query_memory_mb=query_memory_mb, max_result_bytes=max_result_bytes,
        max_query_length=max_query_length, allowed_service_hosts=allowed_service_hosts,
        cache_mb=cache_mb, cache_queries=cache_queries, max_age=max_age,
        prerender_mb=prerender_mb, prerender_seconds=prerender_seconds,
        memory_store_mb=memory_store_mb, page_store=page_store,
    )  # fmt: skip
    if fronts == 1:
        app = create_app(build_dir, **options)
        click.echo(f"serving {build_dir} at {base}/ (SPARQL: {base}/sparql)", err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    serve_fronts(build_dir, host, port, fronts, options)


def serve_fronts(build_dir: Path, host: str, port: int, fronts: int,
                 options: dict[str, Any]) -> None:  # fmt: skip
    """Prepare the serving store once, then run ``fronts`` processes on one port."""
    import multiprocessing
    import signal
    import sys
    from multiprocessing.connection import wait

    from kg.errors import InputError
    from kg.publish.prerender import PAGES, Pages, graph_digest, render_in_child
    from kg.publish.snapshot import prepare_in_child

    nquads = Path(build_dir) / "clusterkg.nq"
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    workdir = Path(tempfile.mkdtemp(prefix="clusterkg-serve-"))
    processes: list[Any] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so that `finally` runs
    try:
        prepare_in_child(nquads, workdir)
        graph = graph_digest(nquads)
        pages = Pages(options["base_url"])
        released = pages.open(Path(build_dir) / PAGES, graph) if options["page_store"] else None
        pages.close()
        if released is not None:
            click.echo(f"the page store of the build: {released}", err=True)
        elif options["prerender_mb"] > 0:
            render_in_child(workdir, options["base_url"], options["prerender_mb"] << 20,
                            options["prerender_seconds"], nquads)  # fmt: skip
            click.echo(str(pages.open(workdir / PAGES, graph)), err=True)
            pages.close()
        ctx = multiprocessing.get_context("spawn")
        processes = [
            ctx.Process(target=_front, args=(build_dir, workdir, host, port, options))
            for _ in range(fronts)
        ]
        for process in processes:
            process.start()
        base = options["base_url"]
        click.echo(f"serving {build_dir} at {base}/ (SPARQL: {base}/sparql) with {fronts} "
                   "front processes", err=True)  # fmt: skip
        wait([p.sentinel for p in processes])  # until one of them ends
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
        shutil.rmtree(workdir, ignore_errors=True)


def _front(build_dir: Path, workdir: Path, host: str, port: int, options: dict[str, Any]) -> None:
    """One front process: its own event loop, worker pool and cache, on a shared port."""
    import socket

    import uvicorn

    app = create_app(build_dir, snapshot_dir=workdir, **options)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
