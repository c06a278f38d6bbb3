"""The worker processes of ``clusterkg serve``: every query and every page is made in one.

Each worker opens the serving store read-only (:class:`kg.publish.snapshot.Snapshot`; a
small one is copied into the worker's memory, where queries run faster), then caps its own
address space (``RLIMIT_AS`` = what it holds at rest + the per-query memory limit), and
answers one job at a time. The event loop of the server only parses HTTP and waits:

- a job runs at most ``timeout`` seconds, counted from the moment a worker takes it; a job
  over its time, a job whose client disconnected, and a worker that died (over its memory)
  get their worker killed and replaced;
- jobs wait for a free worker in a queue of at most ``queue_size``: when it is full the
  answer is 429 with ``Retry-After``; a job that waited ``queue_timeout`` gets 503. The wait
  never counts against the job's own time limit.

Across the pipe (a socket pair) a job goes as a small pickle; a reply comes back as two
frames of ``multiprocessing``'s framing (4-byte length, then the bytes): the pickled
``(status, media type, headers)`` and the body as it is, read by the event loop as a stream
(no pickling of bodies, no blocking read on the loop).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import multiprocessing
import os
import pickle
import resource
import socket
import struct
from collections.abc import Awaitable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.publish.site import Reply, Settings, text_reply

READY = b"ready"


@dataclass
class Job:
    """One unit of work for a worker: a handler name and its keyword arguments."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)


def _handlers() -> dict[str, Any]:
    from kg.publish import pages, sparql

    return {
        "sparql": sparql.execute,
        "entity": pages.entity_page,
        "document": pages.rdf_document,
        "exists": pages.exists_reply,
        "ontology_page": pages.ontology_page,
        "ontology_document": pages.ontology_document,
        "landing": pages.landing_page,
    }


def _virtual_memory() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def worker_main(conn: Connection, directory: str, settings: Settings) -> None:
    """A worker process: open the store, cap memory, answer jobs until the pipe closes."""
    from kg.publish.render import environment
    from kg.publish.snapshot import Snapshot

    snapshot = Snapshot.open(Path(directory), in_memory=settings.memory_store)
    handlers = _handlers()
    environment()  # templates compiled before the cap
    if settings.query_memory_mb > 0:
        cap = _virtual_memory() + settings.query_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    conn.send_bytes(READY)
    while True:
        try:
            job: Job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply = handlers[job.kind](snapshot, settings=settings, **job.args)
        except MemoryError:
            _send(conn, _over_memory(settings))
            return  # the pool replaces this worker
        except Exception as err:  # report it, keep serving
            reply = text_reply(500, f"internal error: {type(err).__name__}")
        _send(conn, reply)


def _send(conn: Connection, reply: Reply) -> None:
    conn.send_bytes(pickle.dumps((reply.status, reply.media_type, reply.headers)))
    conn.send_bytes(reply.body)


def _over_memory(settings: Settings) -> Reply:
    return text_reply(
        503,
        f"the query needed more than {settings.query_memory_mb} MB and was stopped; "
        "narrow it down or add a LIMIT",
    )


class PoolBusy(Exception):
    """Every worker is busy and the queue is full (-> 429)."""


class QueueTimeout(Exception):
    """A job waited longer than the queue allows (-> 503)."""


class ClientGone(Exception):
    """The client disconnected before its answer was ready (nothing is sent)."""


class _Worker:
    """One worker process and the parent's end of its socket pair, as an asyncio stream."""

    def __init__(self, ctx: Any, directory: Path, settings: Settings):
        parent, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker_main, args=(child, str(directory), settings), daemon=True
        )
        self.process.start()
        child.close()
        fd = os.dup(parent.fileno())
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=fd)
        parent.close()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        """Attach the socket to the running event loop."""
        self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)

    def send(self, job: Job) -> None:
        assert self.writer is not None
        payload = pickle.dumps(job)
        self.writer.write(struct.pack("!i", len(payload)) + payload)

    async def _frame(self) -> bytes:
        assert self.reader is not None
        try:
            (size,) = struct.unpack("!i", await self.reader.readexactly(4))
            if size == -1:  # multiprocessing's header of a message over 2 GiB
                (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
            return await self.reader.readexactly(size)
        except asyncio.IncompleteReadError as err:
            raise EOFError from err

    async def receive(self) -> Reply:
        """The next reply (``EOFError`` when the worker is gone)."""
        status, media_type, headers = pickle.loads(await self._frame())
        return Reply(status, media_type, await self._frame(), headers)

    async def ready(self) -> bool:
        """Whether the worker opened the store (its first message)."""
        await self.connect()
        try:
            return await self._frame() == READY
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            if self.writer is not None:
                self.writer.close()
            else:
                self.sock.close()

    def reap(self) -> None:
        self.process.join(5)


class WorkerPool:
    """``workers`` processes, a bounded queue of waiting jobs, per-job time limit."""

    def __init__(
        self,
        directory: Path,
        settings: Settings,
        *,
        workers: int = 4,
        queue_size: int = 64,
        queue_timeout: float | None = None,
    ):
        self.directory = Path(directory)
        self.settings = settings
        self.size = max(1, workers)
        self.timeout = settings.query_timeout
        self.queue_size = queue_size
        self.queue_timeout = queue_timeout if queue_timeout is not None else settings.query_timeout
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["kg.publish.workers", "kg.publish.pages"])
        self._idle: list[_Worker] = []
        self._waiting: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._closed = False

    @property
    def queued(self) -> int:
        """Jobs waiting for a worker now."""
        return sum(1 for w in self._waiting if not w.done())

    async def start(self, timeout: float = 120.0) -> None:
        """Start every worker and wait until each has opened the store."""
        await asyncio.wait_for(asyncio.gather(*(self._spawn() for _ in range(self.size))), timeout)

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(None, _Worker, self._ctx, self.directory, self.settings)
        self._all.add(worker)
        if not await worker.ready() or self._closed:
            self._discard(worker)
            if not self._closed:
                raise RuntimeError("a query worker failed to open the store")
            return
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        asyncio.get_running_loop().run_in_executor(None, worker.reap)

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        if not self._closed:
            task = asyncio.ensure_future(self._spawn())
            task.add_done_callback(lambda t: t.exception())

    async def _acquire(self, gone: Awaitable[Any] | None) -> _Worker:
        if self._idle:
            return self._idle.pop()
        if self.queued >= self.queue_size:
            raise PoolBusy
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        watch = {waiter} | ({asyncio.ensure_future(gone)} if gone is not None else set())
        try:
            done, _ = await asyncio.wait(
                watch, timeout=self.queue_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:
            self._give_back(waiter)
            raise
        if waiter in done:
            return waiter.result()
        self._give_back(waiter)
        if done:
            raise ClientGone
        raise QueueTimeout

    def _give_back(self, waiter: asyncio.Future[_Worker]) -> None:
        if waiter.done() and not waiter.cancelled():
            self._release(waiter.result())
        else:
            waiter.cancel()

    async def run(self, job: Job, gone: Awaitable[Any] | None = None) -> Reply:
        """The reply of ``job``; ``gone`` completes when the client disconnects.

        Raises :class:`PoolBusy`, :class:`QueueTimeout` or :class:`ClientGone`.
        """
        gone_future = asyncio.ensure_future(gone) if gone is not None else None
        worker = await self._acquire(gone_future)
        try:
            worker.send(job)
        except OSError:
            self._replace(worker)
            return text_reply(503, "a query worker stopped; try again", **{"Retry-After": "1"})
        receive = asyncio.ensure_future(worker.receive())
        watch = {receive} | ({gone_future} if gone_future is not None else set())
        try:
            done, _ = await asyncio.wait(
                watch, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED
            )
        except asyncio.CancelledError:
            receive.cancel()
            self._replace(worker)
            raise
        if receive in done:
            try:
                reply: Reply = receive.result()
            except (EOFError, OSError):
                self._replace(worker)
                return _over_memory(self.settings)
            if worker.process.is_alive() and not _ended(reply, self.settings):
                self._release(worker)
            else:
                self._replace(worker)
            return reply
        receive.cancel()
        self._replace(worker)
        if done:
            raise ClientGone
        return text_reply(
            503,
            f"query exceeded the time limit of {self.timeout:g} s and was stopped; "
            "narrow it down or add a LIMIT",
        )

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for waiter in self._waiting:
            waiter.cancel()
        for worker in list(self._all):
            worker.kill()
            worker.reap()
        self._all.clear()
        self._idle.clear()


def _ended(reply: Reply, settings: Settings) -> bool:
    """Whether the worker ended itself after this reply (it ran out of memory)."""
    return reply.status == 503 and reply.body == _over_memory(settings).body
