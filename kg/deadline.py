"""HTTP clients with one deadline per request: from the first byte sent to the last byte read.

httpx (like urllib) bounds each socket operation, so a server that trickles a byte every few
seconds never times out. Here the deadline lives in httpx's network layer: every connect,
read and write of the request's sockets gets at most the time left, and none once it has
passed, so the request ends at the deadline whatever the server does (an
``httpx.TimeoutException``).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from functools import cache
from typing import Any

import httpcore
import httpx

WRITE_CHUNK = 1 << 16  # large bodies are written in pieces, each within the deadline


class Deadline:
    """The end of one request."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self, timeout: float | None, error: type[Exception]) -> float:
        """Seconds left (at most ``timeout``); raise ``error`` when none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise error(f"deadline of {self.seconds:g} s passed")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline):
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), WRITE_CHUNK):
            self.inner.write(buffer[start:start + WRITE_CHUNK],
                             self.deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        left = self.deadline.left(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, left),
                              self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, its streams bounded by a deadline."""

    def __init__(self, deadline: Deadline):
        self.inner, self.deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        left = self.deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self.inner.connect_tcp(host, port, left, local_address, socket_options)
        return DeadlineStream(stream, self.deadline)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        left = self.deadline.left(timeout, httpcore.ConnectTimeout)
        stream = self.inner.connect_unix_socket(path, left, socket_options)
        return DeadlineStream(stream, self.deadline)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context per process (loading the CA bundle takes milliseconds)."""
    return httpx.create_ssl_context()


def deadline_client(seconds: float, auth: httpx.Auth | None = None) -> httpx.Client:
    """An httpx client for one request that must be complete within ``seconds``.

    Proxies from the environment are not used (their transports would not be bounded)."""
    transport = httpx.HTTPTransport(verify=_ssl_context())
    # httpx takes no network backend as a parameter: give its connection pool ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(), network_backend=DeadlineBackend(Deadline(seconds)))
    return httpx.Client(transport=transport, auth=auth, timeout=seconds, trust_env=False)
