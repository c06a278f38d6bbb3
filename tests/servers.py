"""Real SPARQL servers on loopback for the tests: Oxigraph and Virtuoso open source.

Each server runs in its own temporary directory on free ports, is waited for with a bounded
poll, and is stopped (terminate, then kill) when the context ends. ``start_*`` raise
:class:`ServerUnavailable` with the reason when a server truly cannot be started; the test
fixtures turn that into a loud ``pytest.skip`` (a failure under ``CI=true``, see conftest).
Programs are looked for beside the running Python first (a virtual environment's ``bin/``,
where ``pip install oxigraph`` puts its server, need not be on ``PATH``), then on ``PATH``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_BIN = "virtuoso-t"
VIRTUOSO_VAD = Path("/usr/share/virtuoso-opensource-7/vad")
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")


class ServerUnavailable(RuntimeError):
    """The server binary is missing or the server did not come up in time."""


def find_program(name: str) -> str | None:
    """The executable ``name`` beside ``sys.executable`` (the venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


@dataclass
class Server:
    """A running server: its query URL, GSP URL, credentials and process."""

    name: str
    query_url: str
    gsp_url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    log: Path | None = None
    sql_port: int | None = None  # Virtuoso's SQL port (isql-vt, the bulk loader)

    def stop(self) -> None:
        """Terminate the server process (bounded wait, then kill)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port with no listener (connections are refused)."""
    return free_port()


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float,
               log: Path | None = None) -> None:
    """Poll ``url`` until it answers (any HTTP status) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:] if log and log.exists() else ""
            raise ServerUnavailable(f"server exited with code {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise ServerUnavailable(f"{url} did not answer within {timeout:g} s")


@contextlib.contextmanager
def oxigraph_server(workdir: Path, timeout: float = 20.0) -> Iterator[Server]:
    """``oxigraph serve`` (from the PyPI package ``oxigraph``) on a free loopback port."""
    binary = find_program("oxigraph")
    if binary is None:
        raise ServerUnavailable("the oxigraph binary is neither beside the running Python nor "
                                "on PATH (pip install oxigraph)")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(workdir / "data"),
             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", f"{base}/query", f"{base}/store", process, workdir, log=log)
    try:
        _wait_http(f"{base}/", process, timeout, log)
        yield server
    finally:
        server.stop()


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 8
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {dir}, {vad}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = {vad}/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 200M
NumberOfBuffers          = 4000
MaxDirtyBuffers          = 3000
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {vsp}
MaxClientConnections        = 8
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 8
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[Replication]
ServerName   = clusterkg-test
ServerEnable = 0

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
DeferInferenceRulesInit    = 0
"""


@contextlib.contextmanager
def virtuoso_server(workdir: Path, timeout: float = 60.0) -> Iterator[Server]:
    """Virtuoso open source (Debian ``virtuoso-opensource``) in a temporary directory.

    Data is loaded through ``/sparql-graph-crud-auth`` with digest authentication as
    dba/dba (the fresh database's default), so no grants are needed.
    """
    binary = find_program(VIRTUOSO_BIN)
    if binary is None:
        raise ServerUnavailable("virtuoso-t is not installed (apt install virtuoso-opensource)")
    workdir.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port,
                                       vad=VIRTUOSO_VAD, vsp=VIRTUOSO_VSP), encoding="utf-8")
    log = workdir / "virtuoso.stdout"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)],
                                   cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    server = Server("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", process,
                    workdir, user="dba", password="dba", auth="digest",
                    log=workdir / "virtuoso.log", sql_port=sql_port)
    try:
        _wait_sparql(f"{base}/sparql", process, timeout, server.log)
        yield server
    finally:
        server.stop()


def _wait_sparql(url: str, process: subprocess.Popen[bytes], timeout: float,
                 log: Path | None) -> None:
    """Poll a SPARQL endpoint with ASK {} until it answers 200 (Virtuoso serves 503/404
    while it initialises its database)."""
    import urllib.parse

    deadline = time.monotonic() + timeout
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:] if log and log.exists() else ""
            raise ServerUnavailable(f"virtuoso exited with code {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ServerUnavailable(f"{url} did not answer within {timeout:g} s")


# --- comparing answers across stores ----------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt")}


def normalise(term: object) -> tuple[str, ...] | None:
    """A store-independent key for an RDF term: numbers by value, language tags lower-case,
    xsd:string = simple literal (servers differ in these details, not in meaning)."""
    import decimal

    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return ("iri", term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return ("bnode",)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return ("lang", term.value, term.language.lower())
    datatype = term.datatype.value
    if datatype in NUMERIC:
        try:
            number = decimal.Decimal(term.value)
            return ("number", str(number.normalize()))
        except decimal.InvalidOperation:
            pass
    if datatype == XSD + "string":
        return ("string", term.value)
    return ("typed", term.value, datatype)


def normal_rows(result: object) -> list[tuple[tuple[str, object], ...]]:
    """SELECT rows as sorted tuples of (variable, normalised term)."""
    return [tuple(sorted((k, normalise(v)) for k, v in row.items()))
            for row in result.rows]  # type: ignore[attr-defined]


def normal_triples(triples: list[object]) -> set[tuple[object, object, object]]:
    """CONSTRUCT/DESCRIBE triples as a set of normalised terms (no blank nodes expected)."""
    return {(normalise(t.subject), normalise(t.predicate), normalise(t.object))  # type: ignore[attr-defined]
            for t in triples}


def compare_results(query: object, expected: object, actual: object,
                    describe_subject: str | None = None) -> str | None:
    """None when two results agree, else a short description of the difference.

    SELECT: same multiset of rows; same order too when the query has ORDER BY. ASK: same
    boolean. CONSTRUCT: same set of triples. DESCRIBE: servers may add more than the
    resource's own triples (Virtuoso adds the triples pointing at it), so only the triples
    whose subject is ``describe_subject`` are compared.
    """
    from collections import Counter

    form = expected.form  # type: ignore[attr-defined]
    if form == "ASK":
        ok = expected.boolean == actual.boolean  # type: ignore[attr-defined]
        return None if ok else f"ASK {expected.boolean} != {actual.boolean}"  # type: ignore[attr-defined]
    if form in ("CONSTRUCT", "DESCRIBE"):
        a = normal_triples(expected.triples)  # type: ignore[attr-defined]
        b = normal_triples(actual.triples)  # type: ignore[attr-defined]
        if form == "DESCRIBE" and describe_subject:
            key = ("iri", describe_subject)
            a = {t for t in a if t[0] == key}
            b = {t for t in b if t[0] == key}
        if a == b:
            return None
        return f"graph differs: missing {sorted(a - b)[:3]}, extra {sorted(b - a)[:3]}"
    a_rows, b_rows = normal_rows(expected), normal_rows(actual)
    if Counter(a_rows) != Counter(b_rows):
        missing = list((Counter(a_rows) - Counter(b_rows)).elements())[:2]
        extra = list((Counter(b_rows) - Counter(a_rows)).elements())[:2]
        return f"rows differ ({len(a_rows)} vs {len(b_rows)}): missing {missing}, extra {extra}"
    if query.ordered and a_rows != b_rows:  # type: ignore[attr-defined]
        return "same rows in a different order"
    return None


# --- a scripted HTTP server for retry and timeout tests ------------------------------------

SELECT_JSON = (b'{"head":{"vars":["x"]},'
               b'"results":{"bindings":[{"x":{"type":"literal","value":"ok"}}]}}')


@contextlib.contextmanager
def scripted_server(script: list[str]) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering request i by ``script[i]`` (the last one repeats):
    ``"200"`` SPARQL JSON, ``"503"``/``"429"``/``"502"``/``"401"`` that status,
    ``"reset"`` close the connection without answering, ``"slow"`` wait 5 s first,
    ``"basic"`` 200 only with HTTP basic credentials user:secret (else 401).
    Yields the URL and the list of request methods seen."""
    import http.server
    import threading

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            step = script[min(len(seen), len(script) - 1)]
            seen.append(self.command)
            if step == "reset":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if step == "slow":
                time.sleep(5)
                step = "200"
            if step == "basic":
                import base64

                expected = "Basic " + base64.b64encode(b"user:secret").decode()
                step = "200" if self.headers.get("Authorization") == expected else "401"
            if step == "200":
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(SELECT_JSON)))
                self.end_headers()
                self.wfile.write(SELECT_JSON)
                return
            body = f"scripted failure {step}\nsecond line".encode()
            self.send_response(int(step))
            if step == "401":
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
            if step == "429":
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", seen
    finally:
        httpd.shutdown()
        httpd.server_close()
