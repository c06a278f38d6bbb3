"""Misbehaving HTTP servers on loopback for the crash-safety tests of remote operations.

- :func:`trickling_server`: answers 200 and then sends its body one byte every few seconds;
- :func:`scripted_proxy`: forwards requests to a real server (Oxigraph, Virtuoso) unless a
  script decides to answer a request itself (a 500 in the middle of a load) or to rewrite it.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

EMPTY_SELECT = b'{"head":{"vars":["g"]},"results":{"bindings":[]}}'


@contextlib.contextmanager
def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def trickling_server(every: float = 2.0, methods: frozenset[str] = frozenset({"POST", "PUT"})
                     ) -> Iterator[str]:
    """A server whose answers to ``methods`` trickle one byte every ``every`` seconds (other
    requests get an empty SPARQL result at once). Yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            if self.command not in methods:
                self.send_header("Content-Length", str(len(EMPTY_SELECT)))
                self.end_headers()
                self.wfile.write(EMPTY_SELECT)
                return
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.flush()
            with contextlib.suppress(OSError):  # the client gives up: the test passes
                for _ in range(100000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(every)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    with _serve(Handler) as url:
        yield url


@dataclass
class Seen:
    """What a proxy saw: (method, path) of every request, and the bodies of updates."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)

    def count(self, method: str) -> int:
        return sum(m == method for m, _ in self.requests)


# A script gets (method, path, body, seen) and returns None (forward as is), an int (answer
# that status without forwarding) or bytes (forward this body instead).
Script = Callable[[str, str, bytes, Seen], "int | bytes | None"]


@contextlib.contextmanager
def scripted_proxy(upstream: str, script: Script) -> Iterator[tuple[str, Seen]]:
    """A loopback proxy to ``upstream`` (``http://host:port``) run by ``script``; yields its
    base URL and what it saw."""
    import urllib.parse

    import httpx

    seen = Seen()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                seen.requests.append((self.command, self.path))
                if self.command == "POST" and body.startswith(b"update="):
                    form = urllib.parse.parse_qs(body.decode())
                    seen.updates.append(form["update"][0])
                decision = script(self.command, self.path, body, seen)
            if isinstance(decision, int):
                message = f"scripted failure {decision}".encode()
                self.send_response(decision)
                self.send_header("Content-Length", str(len(message)))
                self.end_headers()
                self.wfile.write(message)
                return
            if isinstance(decision, bytes):
                body = decision
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "content-length", "connection")}
            answer = httpx.request(self.command, upstream + self.path, headers=headers,
                                   content=body, timeout=60)
            self.send_response(answer.status_code)
            for key in ("Content-Type", "WWW-Authenticate"):
                if key in answer.headers:
                    self.send_header(key, answer.headers[key])
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

    with _serve(Handler) as url:
        yield url, seen
