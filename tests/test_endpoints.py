"""Remote SPARQL endpoints: real Oxigraph and Virtuoso servers on loopback, loaded through the
Graph Store Protocol, answering every stored query exactly as the embedded store does;
injection, authentication, retries, timeouts and one-line errors."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from misbehaving import Seen, trickling_server
from servers import (
    Server,
    ServerUnavailable,
    closed_port,
    compare_results,
    oxigraph_server,
    scripted_server,
    virtuoso_server,
)

from kg.endpoint import Endpoint, count_triples, graphs_of_build, load_build
from kg.errors import InputError
from kg.query import bind_params, execute, load_queries
from kg.store import open_store

pytestmark = pytest.mark.server

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "queries" / "fixture.nq"
QUERIES = load_queries()
TIMINGS: dict[str, float] = {}


@dataclass
class Loaded:
    """A running server loaded with a data set, and the same data set embedded."""

    server: Server
    endpoint: Endpoint
    store: ox.Store
    nquads: Path
    dataset: str


ALL = [("oxigraph", "fixture"), ("virtuoso", "fixture"), ("oxigraph", "build"),
       ("virtuoso", "build")]
STARTS: list[str] = []


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One fresh server per (kind, data set), started on first use and kept for the module.

    Fresh, because Virtuoso 7 answers transitive paths differently once a graph has been
    replaced (stale statistics pick another plan). The Virtuoso instances for both data sets
    are started together, in threads, to overlap their 5-15 s database initialisation.
    """
    import threading

    contexts: list[contextlib.AbstractContextManager[Server]] = []
    found: dict[tuple[str, str], Server | str] = {}
    lock = threading.Lock()

    def start(key: tuple[str, str]) -> None:
        started = time.monotonic()
        workdir = tmp_path_factory.mktemp(f"{key[0]}-{key[1]}")
        context = oxigraph_server(workdir) if key[0] == "oxigraph" else virtuoso_server(workdir)
        try:
            server: Server | str = context.__enter__()
            with lock:
                contexts.append(context)
                STARTS.append("-".join(key))
        except ServerUnavailable as err:
            server = str(err)
        with lock:
            found[key] = server
            TIMINGS[f"{key[0]} start ({key[1]})"] = time.monotonic() - started

    def get(key: tuple[str, str]) -> Server | str:
        if key not in found:
            siblings = [k for k in ALL if k[0] == key[0] and k not in found]
            threads = [threading.Thread(target=start, args=(k,)) for k in siblings]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        return found.get(key, "did not start within 120 s")

    try:
        yield {"get": get}
    finally:
        for context in reversed(contexts):
            context.__exit__(None, None, None)
        for name, seconds in sorted(TIMINGS.items()):  # visible with pytest -s
            print(f"timing {name}: {seconds:.2f} s")


@pytest.fixture(scope="module", params=ALL, ids=lambda p: f"{p[0]}-{p[1]}")
def loaded(request: pytest.FixtureRequest, running: dict[str, object]) -> Loaded:
    """A server holding one data set, PUT through the Graph Store Protocol."""
    kind, dataset = request.param
    server = running["get"]((kind, dataset))  # type: ignore[operator]
    if isinstance(server, str):
        pytest.skip(f"SKIPPED LOUDLY: the {kind} server cannot be started: {server}")
    nquads = FIXTURE if dataset == "fixture" else \
        request.getfixturevalue("build_dir") / "clusterkg.nq"
    endpoint = Endpoint(server.query_url, user=server.user, password=server.password,
                        auth=server.auth, timeout=30)
    started = time.monotonic()
    rows = load_build(endpoint, server.gsp_url, nquads)
    TIMINGS[f"{kind} load {dataset}"] = time.monotonic() - started
    assert all(sent == stored for _, sent, stored in rows), rows
    return Loaded(server, endpoint, open_store(nquads=nquads), nquads, dataset)


def describe_subject(name: str) -> str | None:
    """The resource a DESCRIBE query describes with its default parameters."""
    query = QUERIES[name]
    if query.form != "DESCRIBE":
        return None
    (term,) = bind_params(query, {}).values()
    return term.value


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_server_answers_like_the_embedded_store(loaded: Loaded, name: str) -> None:
    query = QUERIES[name]
    started = time.monotonic()
    expected = execute(query, {}, store=loaded.store)
    middle = time.monotonic()
    actual = execute(query, {}, endpoint=loaded.endpoint)
    done = time.monotonic()
    key = f"{loaded.server.name} {loaded.dataset}"
    TIMINGS[f"embedded {loaded.dataset}"] = TIMINGS.get(f"embedded {loaded.dataset}", 0) + \
        middle - started
    TIMINGS[key] = TIMINGS.get(key, 0) + done - middle
    problem = compare_results(query, expected, actual, describe_subject(name))
    assert problem is None, f"{loaded.server.name}, {name}: {problem}"


def test_injection_is_a_plain_literal_on_the_server(loaded: Loaded) -> None:
    graphs = loaded.endpoint.graphs()
    before = count_triples(loaded.endpoint, graphs)
    for attack in ('"} DROP ALL {', "} DROP ALL { ", '") } } ; DROP ALL ; SELECT * { ("',
                   'a"""} DROP ALL {"""', "x\n} DROP ALL {\\"):
        result = execute(QUERIES["CQ33-search-labels"], {"text": attack},
                         endpoint=loaded.endpoint)
        assert result.rows == []
    with pytest.raises(InputError, match=r"area \(iri\)"):
        execute(QUERIES["CQ03-statistics-by-area"],
                {"area": "<https://x/> } ; DROP ALL ; SELECT * { <y>"}, endpoint=loaded.endpoint)
    assert count_triples(loaded.endpoint, graphs) == before
    assert sum(before.values()) == len(loaded.store)


def test_query_command_against_the_server(loaded: Loaded) -> None:
    args = ["query", "CQ12", "--param", "area=id:place/usa", "--format", "json",
            "--endpoint", loaded.server.query_url]
    if loaded.server.user:
        args += ["--user", loaded.server.user, "--password", loaded.server.password or "",
                 "--auth", loaded.server.auth]
    result = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    got = sorted((b["cluster"]["value"], b["place"]["value"])
                 for b in json.loads(result.stdout)["results"]["bindings"])
    embedded = execute(QUERIES["CQ12-clusters-in-area"], {}, store=loaded.store)
    assert got == sorted((r["cluster"].value, r["place"].value) for r in embedded.rows)
    assert got


def test_load_command_reports_triples_per_graph(loaded: Loaded, tmp_path: Path) -> None:
    shutil.copy(loaded.nquads, tmp_path / "clusterkg.nq")
    args = ["load", "--endpoint", loaded.server.query_url, "--gsp", loaded.server.gsp_url,
            "--build", str(tmp_path)]
    if loaded.server.user:
        args += ["--user", loaded.server.user, "--password", loaded.server.password or "",
                 "--auth", loaded.server.auth]
    result = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                            capture_output=True, text=True, timeout=60,
                            env={"COLUMNS": "250", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    expected = {graph: data.count(b"\n") for graph, data in graphs_of_build(loaded.nquads).items()}
    # the build has the ontology, lexicon, inferred and two article graphs; the fixture no inferred
    assert len(expected) == (4 if loaded.dataset == "fixture" else 5) and None not in expected
    if loaded.dataset == "fixture":
        assert set(expected.values()) == {958, 708, 73, 268}
    for graph, triples in expected.items():
        line = next(x for x in result.stdout.splitlines() if f"{graph} " in x)
        cells = [cell.strip() for cell in line.split("│")]
        assert cells[2:4] == [str(triples), str(triples)], line


def test_wrong_credentials_give_one_line(loaded: Loaded) -> None:
    if loaded.server.user is None:  # Oxigraph has no authentication: nothing to test
        return
    endpoint = Endpoint(loaded.server.query_url, user="dba", password="wrong", auth="digest",
                        timeout=10, retries=0)
    with pytest.raises(InputError) as err:
        endpoint.put_graph(loaded.server.gsp_url, "https://example.org/g", b"")
    assert str(err.value).startswith(f"{loaded.server.gsp_url}: HTTP 401 Unauthorized")
    assert "\n" not in str(err.value)


def test_bad_query_gives_one_line_http_error(loaded: Loaded) -> None:
    with pytest.raises(InputError) as err:
        loaded.endpoint.query("SELECT * WHERE { ?s ?p }", "SELECT")
    message = str(err.value)
    assert message.startswith(loaded.server.query_url) and "\n" not in message
    assert "400" in message or "QueryBadFormed" in message


# --- transient failures, timeouts, unreachable endpoints ----------------------------------

def test_transient_errors_are_retried_with_backoff() -> None:
    with scripted_server(["503", "reset", "429", "200"]) as (url, seen):
        endpoint = Endpoint(url, retries=3, backoff=0.05, graph_base=None)
        started = time.monotonic()
        data = endpoint.query("SELECT ?x WHERE { }", "SELECT")
        assert json.loads(data)["results"]["bindings"][0]["x"]["value"] == "ok"
        assert len(seen) == 4
        assert time.monotonic() - started >= 0.05 + 0.1  # 0.05 + 0.1 (+ Retry-After: 0)


def test_persistent_overload_gives_up_with_one_line() -> None:
    with scripted_server(["502"]) as (url, seen):
        endpoint = Endpoint(url, retries=2, backoff=0.01, graph_base=None)
        with pytest.raises(InputError) as err:
            endpoint.query("SELECT ?x WHERE { }", "SELECT")
        assert str(err.value) == f"{url}: HTTP 502 Bad Gateway (gave up after 3 attempts)"
        assert len(seen) == 3


def test_client_errors_are_not_retried() -> None:
    with scripted_server(["401"]) as (url, seen):
        endpoint = Endpoint(url, retries=3, backoff=0.01, graph_base=None)
        with pytest.raises(InputError) as err:
            endpoint.query("SELECT ?x WHERE { }", "SELECT")
        assert len(seen) == 1 and "\n" not in str(err.value)


def test_basic_authentication() -> None:
    with scripted_server(["basic"]) as (url, _seen):
        good = Endpoint(url, user="user", password="secret", auth="basic", graph_base=None)
        assert b'"ok"' in good.query("SELECT ?x WHERE { }", "SELECT")
        bad = Endpoint(url, user="user", password="wrong", auth="basic", graph_base=None,
                       retries=0)
        with pytest.raises(InputError) as err:
            bad.query("SELECT ?x WHERE { }", "SELECT")
        assert "Unauthorized" in str(err.value) and "\n" not in str(err.value)


def test_slow_endpoint_times_out() -> None:
    with scripted_server(["slow"]) as (url, _seen):
        endpoint = Endpoint(url, timeout=1, retries=0, graph_base=None)
        started = time.monotonic()
        with pytest.raises(InputError, match=r"no complete answer within 1 s"):
            endpoint.query("SELECT ?x WHERE { }", "SELECT")
        assert time.monotonic() - started < 4


def test_unreachable_endpoint_fails_within_the_timeout() -> None:
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    endpoint = Endpoint(url, timeout=2, retries=3)
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        execute(QUERIES["CQ13-place-hierarchy"], {}, endpoint=endpoint)
    assert time.monotonic() - started < 2
    assert str(err.value) == f"{url}: cannot connect ([Errno 111] Connection refused)"
    with pytest.raises(InputError, match="cannot connect"):
        load_build(endpoint, url.replace("sparql", "store"), FIXTURE)


def test_each_server_started_once() -> None:
    assert len(STARTS) == len(set(STARTS)), STARTS


def test_gsp_url_is_guessed_from_the_query_url() -> None:
    from kg.endpoint import default_gsp_url

    assert default_gsp_url("http://h:7878/query", False) == "http://h:7878/store"
    assert default_gsp_url("http://h:8890/sparql", True) == "http://h:8890/sparql-graph-crud-auth"
    assert default_gsp_url("http://h:8890/sparql/", False) == "http://h:8890/sparql-graph-crud"
    with pytest.raises(InputError, match="pass --gsp URL"):
        default_gsp_url("http://h/ds", False)


def test_load_without_a_build_says_run_build_first(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "load",
                             "--endpoint", "http://127.0.0.1:9/query", "--build", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == \
        f"error: no built graph at {tmp_path / 'clusterkg.nq'} (run clusterkg build first)"


# --- deadlines: a server trickling a byte every 2 s --------------------------------------

def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={"COLUMNS": "250", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(HERE.parent)})


def test_a_trickling_endpoint_is_abandoned_at_the_deadline() -> None:
    with trickling_server(every=2.0) as base:
        url = f"{base}/query"
        endpoint = Endpoint(url, timeout=2.5, retries=0, graph_base=None)
        started = time.monotonic()
        with pytest.raises(InputError) as err:
            endpoint.query("SELECT ?x WHERE { }", "SELECT")
        assert 2.4 < time.monotonic() - started < 3.5
        assert str(err.value) == (f"{url}: no complete answer within 2.5 s (the deadline of one "
                                  "request: raise it with --timeout)")
        started = time.monotonic()
        result = run_cli("query", "CQ13", "--endpoint", url, "--timeout", "2.5")
        assert time.monotonic() - started < 6  # interpreter start-up + the deadline
        assert result.returncode == 2
        assert result.stderr == f"error: {url}: no complete answer within 2.5 s (the " \
            "deadline of one request: raise it with --timeout)\n"


def test_a_load_into_a_trickling_store_is_abandoned_at_the_deadline(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "clusterkg.nq")
    with trickling_server(every=2.0, methods=frozenset({"PUT"})) as base:
        started = time.monotonic()
        result = run_cli("load", "--endpoint", f"{base}/query", "--build", str(tmp_path),
                         "--timeout", "2.5")
        assert time.monotonic() - started < 6
        assert result.returncode == 2
        assert result.stderr.startswith("error: load failed at graph 1 of 4 (https://w3id.org/"
                                        "clusterkg/id/graph/"), result.stderr
        assert f"{base}/store: no complete answer within 2.5 s" in result.stderr
        assert result.stderr.endswith("nothing was written; no graph of the store was "
                                      "replaced\n")


# --- all-or-nothing loads against the real servers, through a misbehaving proxy -----------

LOAD_BASE = "https://w3id.org/clusterkg/test/load/"  # outside the project graphs


def load_builds(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """Two builds of four graphs: "old" (3 triples each) and "new" (5 triples each)."""
    graphs = [f"{LOAD_BASE}g{i}" for i in range(1, 5)]
    paths = []
    for name, size in (("old", 3), ("new", 5)):
        folder = tmp_path / name
        folder.mkdir()
        lines = [f'<{g}#s{n}> <{LOAD_BASE}p> "{name} {n}" <{g}> .\n'
                 for g in graphs for n in range(size)]
        (folder / "clusterkg.nq").write_text("".join(lines), encoding="utf-8")
        paths.append(folder / "clusterkg.nq")
    return paths[0], paths[1], graphs


def server_for(running: dict[str, object], kind: str) -> Server:
    server = running["get"]((kind, "fixture"))  # type: ignore[operator]
    if isinstance(server, str):
        pytest.skip(f"SKIPPED LOUDLY: the {kind} server cannot be started: {server}")
    return server


def through(server: Server, proxy: str) -> tuple[Endpoint, str]:
    """An endpoint and GSP URL on ``server``, reached through ``proxy``."""
    from urllib.parse import urlsplit

    def moved(url: str) -> str:
        parts = urlsplit(url)
        return proxy + parts.path

    endpoint = Endpoint(moved(server.query_url), user=server.user, password=server.password,
                        auth=server.auth, timeout=30, retries=0, graph_base=None)
    return endpoint, moved(server.gsp_url)


def state(endpoint: Endpoint, graphs: list[str]) -> dict[str, int]:
    from kg.endpoint import STAGING_BASE

    counts = count_triples(endpoint, graphs)
    assert endpoint.graphs_under(STAGING_BASE) == [], "staging graphs left in the store"
    return {g[len(LOAD_BASE):]: counts.get(g, 0) for g in graphs}


def fail_third_put(method: str, path: str, body: bytes, seen: Seen) -> int | None:
    """500 for the third graph PUT (with digest authentication each graph takes two)."""
    graphs = list(dict.fromkeys(p for m, p in seen.requests if m == "PUT"))
    return 500 if method == "PUT" and graphs.index(path) == 2 else None


def fail_switch(method: str, path: str, body: bytes, seen: Seen) -> int | None:
    return 500 if body.startswith(b"update=") else None


def break_switch_after_two(method: str, path: str, body: bytes, seen: Seen) -> bytes | None:
    """Insert a failing operation after the second MOVE of the switch."""
    import urllib.parse

    if not body.startswith(b"update="):
        return None
    moves = urllib.parse.parse_qs(body.decode())["update"][0].split(" ;\n")
    broken = [*moves[:2], f"CREATE GRAPH <{LOAD_BASE}g1>", *moves[2:]]
    return urllib.parse.urlencode({"update": " ;\n".join(broken)}).encode()


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_load_is_all_or_nothing(running: dict[str, object], tmp_path: Path, kind: str) -> None:
    from misbehaving import scripted_proxy

    server = server_for(running, kind)
    old, new, graphs = load_builds(tmp_path)
    upstream = server.query_url.rsplit("/", 1)[0]
    with scripted_proxy(upstream, lambda *a: None) as (proxy, _seen):
        endpoint, gsp = through(server, proxy)
        load_build(endpoint, gsp, old)
        assert state(endpoint, graphs) == {"g1": 3, "g2": 3, "g3": 3, "g4": 3}

    # a 500 in the middle of the load: nothing replaced, staging removed
    with scripted_proxy(upstream, fail_third_put) as (proxy, seen):
        endpoint, gsp = through(server, proxy)
        with pytest.raises(InputError) as err:
            load_build(endpoint, gsp, new)
        assert str(err.value) == (
            f"load failed at graph 3 of 4 ({LOAD_BASE}g3): {gsp}: HTTP 500 Internal Server "
            f"Error: scripted failure 500; written to staging and removed again: "
            f"{LOAD_BASE}g1, {LOAD_BASE}g2; no graph of the store was replaced")
        assert state(endpoint, graphs) == {"g1": 3, "g2": 3, "g3": 3, "g4": 3}
        assert len({p for m, p in seen.requests if m == "DELETE"}) == 2

    # the switch refused: nothing replaced
    with scripted_proxy(upstream, fail_switch) as (proxy, seen):
        endpoint, gsp = through(server, proxy)
        with pytest.raises(InputError, match=r"no graph replaced; not replaced: .*g1, .*g4"):
            load_build(endpoint, gsp, new)
        assert state(endpoint, graphs) == {"g1": 3, "g2": 3, "g3": 3, "g4": 3}

    # the switch fails after two of its four MOVEs: Oxigraph rolls the request back,
    # Virtuoso keeps the first two, and the message says exactly which
    with scripted_proxy(upstream, break_switch_after_two) as (proxy, seen):
        endpoint, gsp = through(server, proxy)
        with pytest.raises(InputError) as err:
            load_build(endpoint, gsp, new)
        after = state(endpoint, graphs)
        if kind == "oxigraph":
            assert after == {"g1": 3, "g2": 3, "g3": 3, "g4": 3}
            assert "; no graph replaced; not replaced: " in str(err.value)
        else:
            assert after == {"g1": 5, "g2": 5, "g3": 3, "g4": 3}
            assert (f"; replaced: {LOAD_BASE}g1, {LOAD_BASE}g2; not replaced: {LOAD_BASE}g3, "
                    f"{LOAD_BASE}g4 (run clusterkg load again)") in str(err.value)

    # and a clean load replaces every graph
    with scripted_proxy(upstream, lambda *a: None) as (proxy, seen):
        endpoint, gsp = through(server, proxy)
        rows = load_build(endpoint, gsp, new)
        assert [(g[len(LOAD_BASE):], a, b) for g, a, b in rows] == \
            [(f"g{i}", 5, 5) for i in range(1, 5)]
        assert state(endpoint, graphs) == {"g1": 5, "g2": 5, "g3": 5, "g4": 5}
        assert len(set(seen.updates)) == 1 and seen.updates[0].count("MOVE") == 4
        endpoint.update(endpoint.url.rsplit("/", 1)[0] + (
            "/update" if kind == "oxigraph" else "/sparql-auth"),
            " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
