"""The same answers everywhere, at scale: every stored query on a 100k-triple synthetic graph
(``benchmarks/scale.py``) gives the embedded store's answer on a real Oxigraph server and on
a real Virtuoso (loaded with its bulk loader, :mod:`kg.virtuoso_bulk`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Server, ServerUnavailable, compare_results, oxigraph_server, virtuoso_server

from kg.endpoint import Endpoint, count_triples
from kg.paths import ROOT
from kg.query import bind_params, execute, load_queries
from kg.store import open_store
from kg.virtuoso_bulk import Isql, bulk_load, graphs_in, stage_files

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.scale import generate

pytestmark = [pytest.mark.server, pytest.mark.slow]
QUERIES = load_queries()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "g100k.nq"
    generate(100_000, path, seed=42)
    return path


@pytest.fixture(scope="module")
def embedded(synthetic: Path) -> ox.Store:
    return open_store(nquads=synthetic)


def _endpoint(server: Server) -> Endpoint:
    return Endpoint(server.query_url, user=server.user, password=server.password,
                    auth=server.auth, timeout=60)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest, synthetic: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    import httpx

    workdir = tmp_path_factory.mktemp(request.param)
    starter = oxigraph_server if request.param == "oxigraph" else virtuoso_server
    try:
        context = starter(workdir)
        server = context.__enter__()
    except ServerUnavailable as err:
        pytest.skip(f"SKIPPED LOUDLY: the {request.param} server cannot be started: {err}")
    try:
        graphs = graphs_in(synthetic)
        if request.param == "oxigraph":  # the whole dataset in one POST to the store
            response = httpx.post(server.gsp_url, content=synthetic.read_bytes(), timeout=120,
                                  headers={"Content-Type": "application/n-quads"})
            assert response.status_code in (200, 201, 204), response.text
        else:
            assert server.sql_port is not None
            bulk_load(Isql(port=server.sql_port), stage_files([synthetic], workdir / "load"),
                      graphs)
        endpoint = _endpoint(server)
        counts = count_triples(endpoint, graphs)
        assert sum(counts.values()) == sum(1 for _ in synthetic.open("rb"))
        yield endpoint
    finally:
        context.__exit__(None, None, None)


def describe_subject(name: str) -> str | None:
    query = QUERIES[name]
    if query.form != "DESCRIBE":
        return None
    (term,) = bind_params(query, {}).values()
    return term.value


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_server_answers_like_the_embedded_store_at_100k(embedded: ox.Store, remote: Endpoint,
                                                        name: str) -> None:
    query = QUERIES[name]
    expected = execute(query, {}, store=embedded)
    actual = execute(query, {}, endpoint=remote)
    problem = compare_results(query, expected, actual, describe_subject(name))
    assert problem is None, f"{remote.url}, {name}: {problem}"
