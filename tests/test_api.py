"""The Python API (kg.api): the same answers as the commands, Python values, DataFrames,
entities with their quotes, validation, and a real SPARQL endpoint behind the same calls."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset
from servers import ServerUnavailable, oxigraph_server

import kg
from kg.cli import cli
from kg.errors import InputError
from kg.namespace import ID


@pytest.fixture(scope="module")
def graph(build_dir: Path) -> kg.KnowledgeGraph:
    return kg.open_build(build_dir)


def test_exported_from_kg() -> None:
    assert set(kg.__all__) == set(kg.api.__all__)
    assert kg.open_build is kg.api.open_build and kg.validate_graph is kg.api.validate_graph


def test_query_rows_as_python_values_and_dataframe(graph: kg.KnowledgeGraph,
                                                   build_dir: Path) -> None:
    result = graph.query("CQ03", area="id:place/european-union")
    assert result.query.name.startswith("CQ03") and result.form == "SELECT"
    rows = result.to_dicts()
    assert len(rows) == len(result) > 0
    assert all(r["area"] == ID + "place/european-union" for r in rows)
    assert all(isinstance(r["value"], Decimal | int | float) for r in rows)
    assert all(isinstance(r["quote"], str) and r["quote"] for r in rows)
    assert set(rows[0]) == set(result.variables)  # unbound variables are None, not missing
    frame = result.to_dataframe(curies=True)
    assert list(frame.columns) == result.variables and len(frame) == len(rows)
    assert set(frame["area"]) == {"id:place/european-union"}
    # the command line gives the same rows
    cli_out = CliRunner().invoke(cli, ["query", "CQ03", "--param", "area=id:place/european-union",
                                       "--format", "json", "--build", str(build_dir)])
    assert cli_out.exit_code == 0, cli_out.output
    bindings = json.loads(cli_out.output)["results"]["bindings"]
    assert sorted(b["quote"]["value"] for b in bindings) == sorted(r["quote"] for r in rows)
    assert json.loads(result.serialize("json"))["results"]["bindings"] == bindings


def test_query_parameters_as_dict_or_keywords_are_checked(graph: kg.KnowledgeGraph) -> None:
    by_kw = graph.query("CQ03", area="id:place/usa").to_dicts()
    by_dict = graph.query("CQ03", {"area": "id:place/usa"}).to_dicts()
    assert by_kw == by_dict
    with pytest.raises(InputError, match="unknown parameter nope"):
        graph.query("CQ03", nope="x")
    with pytest.raises(InputError, match=r"parameter area \(iri\): invalid value"):
        graph.query("CQ03", area="} DROP ALL {")
    with pytest.raises(InputError, match="unknown query 'CQ999'"):
        graph.query("CQ999")


def test_python_values_by_datatype() -> None:
    import pyoxigraph as ox

    from kg.query import Result, StoredQuery

    xsd = "http://www.w3.org/2001/XMLSchema#"
    row = {
        "i": ox.Literal("7", datatype=ox.NamedNode(xsd + "integer")),
        "d": ox.Literal("1.50", datatype=ox.NamedNode(xsd + "decimal")),
        "b": ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
        "t": ox.Literal("2025-06-01", datatype=ox.NamedNode(xsd + "date")),
        "s": ox.Literal("кластер", language="ru"),
        "x": ox.NamedNode(ID + "place/usa"),
    }
    query = StoredQuery(name="T", path=Path("T.rq"), kind="cq", title="t", text="SELECT *{}")
    result = kg.QueryResult(query, Result("SELECT", variables=[*row, "unbound"], rows=[row]))
    assert result.to_dicts() == [{"i": 7, "d": Decimal("1.50"), "b": True,
                                  "t": datetime.date(2025, 6, 1), "s": "кластер",
                                  "x": ID + "place/usa", "unbound": None}]
    assert result.to_dicts(curies=True)[0]["x"] == "id:place/usa"


def test_ask_and_construct_have_no_rows(graph: kg.KnowledgeGraph) -> None:
    ask = graph.query("CQ17", entity="id:cluster/silicon-valley")
    assert ask.form == "ASK" and ask.boolean is True
    construct = graph.query("CQ19")
    assert construct.form == "CONSTRUCT" and len(construct) == len(construct.triples) > 0
    assert {t.subject.value for t in construct.triples} >= {ID + "cluster/silicon-valley"}
    with pytest.raises(InputError, match="CONSTRUCT query: it has no rows"):
        construct.to_dicts()


def test_entity_facts_quote_their_source(graph: kg.KnowledgeGraph, build_dir: Path) -> None:
    from kg.corpus import load_corpus

    entity = graph.entity("id:cluster/silicon-valley")
    assert entity.iri == ID + "cluster/silicon-valley"
    assert entity.name == "id:cluster/silicon-valley"
    assert "Silicon Valley@en" in entity.labels
    assert len(entity.facts) > 5
    texts = {f"id:source/{doc.source_id}": doc.text for doc in load_corpus()}
    for fact in entity.facts:  # every quote is the source's text at the fact's offsets
        assert texts[fact.source][fact.start:fact.end] == fact.quote, fact
    assert entity.quotes == list(dict.fromkeys(f.quote for f in entity.facts))
    frame = entity.to_dataframe()
    assert len(frame) == len(entity.facts) and {"statement", "quote", "start"} <= set(frame)
    # the same facts as clusterkg explain prints
    out = CliRunner().invoke(cli, ["explain", "cluster/silicon-valley", "--build", str(build_dir)])
    assert out.exit_code == 0, out.output
    assert f"{len(entity.facts)} fact(s):" in out.output
    with pytest.raises(InputError, match="id:cluster/atlantis is not in the built graph"):
        graph.entity("id:cluster/atlantis")


def test_validate_build_files_and_rdflib_graphs(graph: kg.KnowledgeGraph,
                                                build_dir: Path) -> None:
    report = graph.validate()
    assert not report.violations  # warnings only: SHACL's conforms is false with any result
    assert report.conforms is (not report.results)
    same = kg.validate_graph(build_dir / "clusterkg.nq")
    assert [r.key() for r in same.results] == [r.key() for r in report.results]
    invalid = Path(__file__).parent / "fixtures" / "shapes" / "invalid" / "Clusters-001.trig"
    from_file = kg.validate_graph(invalid)
    assert not from_file.conforms and from_file.violations
    dataset = Dataset()
    dataset.parse(invalid, format="trig")
    from_rdflib = kg.validate_graph(dataset)  # the same data as an rdflib Dataset
    assert {(r.focus, r.shape, r.component) for r in from_rdflib.violations} == {
        (r.focus, r.shape, r.component) for r in from_file.violations}


def test_open_build_needs_a_build(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no built graph at .*clusterkg\.nq"):
        kg.open_build(tmp_path)


@pytest.mark.server
def test_connect_answers_like_the_embedded_store(graph: kg.KnowledgeGraph, build_dir: Path,
                                                 tmp_path: Path) -> None:
    from kg.endpoint import Endpoint, load_build

    try:
        context = oxigraph_server(tmp_path / "oxigraph")
        server = context.__enter__()
    except ServerUnavailable as err:
        pytest.skip(f"SKIPPED LOUDLY: oxigraph server cannot be started: {err}")
    try:
        load_build(Endpoint(server.query_url), server.gsp_url, build_dir / "clusterkg.nq")
        remote = kg.connect(server.query_url)
        for name, params in (("CQ03", {"area": "id:place/european-union"}), ("CQ02", {})):
            assert sorted(map(repr, remote.query(name, params).to_dicts())) == sorted(
                map(repr, graph.query(name, params).to_dicts()))
        with pytest.raises(InputError, match="needs a local build"):
            remote.entity("id:cluster/silicon-valley")
    finally:
        context.__exit__(None, None, None)
