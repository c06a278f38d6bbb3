"""What the server's routers and its worker processes share: the settings and the reply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

#: ``Content-Security-Policy`` of the HTML pages the server renders: no inline script, no
#: third-party resource, no framing, forms only to this server.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"Content-Location, Retry-After, Server-Timing"),
    (b"referrer-policy", b"no-referrer"),
]


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` (raw ASGI pairs) with the ones every answer carries, and a CSP on HTML."""
    out = list(headers)
    names = {name.lower() for name, _ in out}
    out += [h for h in SECURITY_HEADERS if h[0] not in names]
    ctype = next((v for n, v in out if n.lower() == b"content-type"), b"")
    if ctype.startswith(b"text/html") and b"content-security-policy" not in names:
        out.append((b"content-security-policy", PAGE_CSP.encode()))
    return out


@dataclass(frozen=True)
class Settings:
    """How the server was started (picklable: every worker process gets a copy)."""

    base_url: str = "http://127.0.0.1:8000"
    query_timeout: float = 10.0
    max_result_bytes: int = 16 * 1024 * 1024
    max_query_length: int = 10_000
    query_memory_mb: int = 1024
    #: whether each worker holds the serving store in memory (small builds) or reads it
    #: from disk
    memory_store: bool = False
    #: hosts a SPARQL ``SERVICE`` may call; empty = SERVICE refused
    allowed_service_hosts: frozenset[str] = frozenset()
    #: ``(file name, competency question, query text)`` of the stored queries
    examples: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Reply:
    """An HTTP answer made in a worker process: status, media type, body, extra headers."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    """A one-line ``text/plain`` answer (errors, refusals)."""
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode(), headers)


def html_reply(body: str, status: int = 200, **headers: str) -> Reply:
    """An HTML page rendered by :mod:`kg.publish.render`."""
    return Reply(status, "text/html; charset=utf-8", body.encode(), headers)
