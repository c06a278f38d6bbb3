"""What every router uses: the server's state, replies as responses, running worker jobs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.publish.site import Reply, Settings
from kg.publish.workers import ClientGone, Job, PoolBusy, QueueTimeout, WorkerPool

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

#: seconds a client refused with 429 / 503 is asked to wait
RETRY_AFTER = "2"


@dataclass
class ServerState:
    """Everything the routes need, kept on ``app.state.server``."""

    settings: Settings
    build_dir: Path
    pool: WorkerPool
    #: pre-rendered answers (service description, VoID, indexes): key -> reply
    static: dict[str, Reply] = field(default_factory=dict)
    mapping_files: dict[str, Path] = field(default_factory=dict)
    dump_files: dict[str, str] = field(default_factory=dict)


def route(routes: list[Route], path: str, methods: tuple[str, ...] = ("GET", "HEAD")
          ) -> Callable[[Endpoint], Endpoint]:
    """Decorator: add the endpoint (which takes the request) to ``routes`` at ``path``."""

    def add(endpoint: Endpoint) -> Endpoint:
        routes.append(Route(path, endpoint, methods=list(methods)))
        return endpoint

    return add


def state(request: Request) -> ServerState:
    """The :class:`ServerState` of the app serving ``request``."""
    server: ServerState = request.app.state.server
    return server


def text(status: int, message: str, **headers: str) -> Response:
    """A one-line ``text/plain`` answer."""
    return Response(
        message + "\n", status_code=status, media_type="text/plain; charset=utf-8",
        headers=headers,
    )  # fmt: skip


def to_response(reply: Reply, **headers: str) -> Response:
    """A worker's :class:`Reply` as a Starlette response (extra headers added)."""
    return Response(
        reply.body, status_code=reply.status, headers={**reply.headers, **headers},
        media_type=reply.media_type,
    )  # fmt: skip


async def disconnected(request: Request) -> None:
    """Complete when the client goes away (the request body must have been read)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def run_job(request: Request, job: Job) -> Reply | Response:
    """Run ``job`` in a worker: its reply, or 429/503 when the pool cannot take it.

    The job is cancelled (its worker killed) when the client disconnects."""
    watcher = asyncio.ensure_future(disconnected(request))
    try:
        return await state(request).pool.run(job, watcher)
    except PoolBusy:
        return text(
            429, "too many queries waiting; try again shortly", **{"Retry-After": RETRY_AFTER}
        )
    except QueueTimeout:
        return text(
            503, "every query worker stayed busy; try again", **{"Retry-After": RETRY_AFTER}
        )
    except ClientGone:
        return Response(status_code=499)
    finally:
        watcher.cancel()


async def job_response(request: Request, job: Job, **headers: str) -> Response:
    """:func:`run_job` as a response."""
    reply = await run_job(request, job)
    if isinstance(reply, Response):
        return reply
    return to_response(reply, **headers)
