"""Stored queries: headers, parameters, exact answers on a hand-made fixture graph, integrity
checks (clean and deliberately broken data), and golden answers on the built graph.

Golden files (``tests/golden/queries/NAME.srj`` or ``.ttl``) are rewritten on purpose with
``python -m pytest tests/test_queries.py --update-golden`` (or ``CLUSTERKG_UPDATE_GOLDEN=1``);
review the diff against the articles before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plugins.golden import update_golden_requested

from kg.errors import InputError
from kg.query import (
    Result,
    StoredQuery,
    Term,
    bind_params,
    execute,
    inject_values,
    load_queries,
    scan_groups,
    serialize,
    with_dataset,
)
from kg.store import open_store

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "queries" / "fixture.nq"
GOLDEN = HERE / "golden" / "queries"
ID = "https://w3id.org/clusterkg/id/"
CK = "https://w3id.org/clusterkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
A = "000_294bae6919eed714"
B = "003_2c5d2ceac335d1da"
QUERIES = load_queries()
CQS = {n: q for n, q in QUERIES.items() if q.kind == "cq"}
CHECKS = {n: q for n, q in QUERIES.items() if q.kind == "check"}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The fixture graph in an embedded store."""
    return open_store(nquads=FIXTURE)


def cell(term: object) -> str | None:
    """A compact comparable value: IRIs shortened to ``id:``/``ck:``, literals as text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value.replace(ID, "id:").replace(CK, "ck:")
    if isinstance(term, ox.BlankNode):
        return "_:"
    assert isinstance(term, ox.Literal)
    return term.value


def table(store: ox.Store, name: str, **params: str) -> list[dict[str, str | None]]:
    """Run a stored query on ``store``; rows of compact values."""
    result = execute(QUERIES[name], params, store=store)
    return [{k: cell(v) for k, v in row.items()} for row in result.rows]


# --- the stored queries themselves -------------------------------------------------------

def test_at_least_25_competency_questions_with_full_headers() -> None:
    assert len(CQS) >= 25
    for query in CQS.values():
        assert re.match(r"CQ\d\d-[a-z0-9-]+$", query.name), query.name
        for key in ("CQ", "Question", "Params", "Terms", "Expects"):
            assert query.header.get(key), f"{query.path}: no '# {key}:'"


def test_checks_are_named_violation_and_have_headers() -> None:
    assert len(CHECKS) >= 8
    for query in CHECKS.values():
        assert query.name.endswith("-violation"), query.name
        assert query.form == "SELECT"
        for key in ("Check", "Question", "Expects"):
            assert query.header.get(key), f"{query.path}: no '# {key}:'"


def test_query_forms_and_features_are_all_covered() -> None:
    forms = {q.form for q in CQS.values()}
    assert forms == {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    text = "\n".join(q.text for q in CQS.values())
    for feature in ("COUNT(", "GROUP BY", "HAVING", "OPTIONAL", "langMatches", "VALUES",
                    "GRAPH ?", "ck:partOfPlace+", "rdfs:subClassOf*", "UNION",
                    "FILTER NOT EXISTS", "ORDER BY", "oa:exact", "oa:start"):
        assert feature in text, feature


def test_every_default_parameter_has_its_declared_type() -> None:
    for query in QUERIES.values():
        terms = bind_params(query, {})
        assert set(terms) == {p.name for p in query.params}
        if query.form == "SELECT":  # SEP-0007 substitution needs projected parameters
            projection = query.text.split("WHERE")[0]
            for name in terms:
                assert f"?{name}" in projection, f"{query.name} does not project ?{name}"


def test_parameters_are_typed_and_validated() -> None:
    query = QUERIES["CQ29-low-confidence-facts"]
    assert bind_params(query, {"threshold": "0.5"})["threshold"] == Term("0.5", XSD + "decimal")
    with pytest.raises(InputError, match=r"threshold \(decimal\)"):
        bind_params(query, {"threshold": "high"})
    area = QUERIES["CQ03-statistics-by-area"]
    eu = bind_params(area, {"area": "id:place/european-union"})["area"]
    assert eu == Term(ID + "place/european-union")
    for bad in ("usa", "id:place/u sa", "<https://x/>}", "nope:thing"):
        with pytest.raises(InputError, match=r"area \(iri\)"):
            bind_params(area, {"area": bad})
    with pytest.raises(InputError, match="unknown parameter colour"):
        bind_params(area, {"colour": "red"})


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_parameter_round_trips_as_one_literal(value: str) -> None:
    text = inject_values("SELECT ?text WHERE { FILTER(true) }",
                         {"text": Term(value, XSD + "string")})
    (row,) = list(ox.Store().query(text))
    assert row["text"].value == value


def test_values_are_injected_into_every_group_that_mentions_a_parameter() -> None:
    query = QUERIES["CQ01-clusters-by-country-and-sector"]
    text = inject_values(query.text, {"lang": Term('"} DROP ALL {', XSD + "string")})
    block = 'VALUES (?lang) { ("\\"} DROP ALL {") }'
    # WHERE, the country and sector OPTIONALs and the three label OPTIONALs (nested or not)
    assert text.count(block) == 6
    ox.Store().query(text)  # still one valid query
    kinds = [g.kind for g in scan_groups(QUERIES["CQ19-construct-cluster-card"].text)]
    assert kinds[0] == "template" and "data" not in kinds
    kinds = [g.kind for g in scan_groups(QUERIES["CQ18-ask-table-complete"].text)]
    assert kinds[:2] == ["group", "subquery"]


# --- exact answers on the fixture graph ------------------------------------------------------

def test_cq02_members_of_silicon_valley(store: ox.Store) -> None:
    assert table(store, "CQ02-cluster-members") == [
        {"cluster": "id:cluster/silicon-valley", "member": "id:org/intel",
         "memberLabel": "Intel", "kind": "ck:TransnationalCorporation",
         "role": "id:actor-role/member-firm", "helixSector": "id:triple-helix-sector/business",
         "source": f"id:source/{A}"},
        {"cluster": "id:cluster/silicon-valley", "member": "id:org/stanford-university",
         "memberLabel": "Stanford University", "kind": "ck:University",
         "role": "id:actor-role/research-partner",
         "helixSector": "id:triple-helix-sector/science", "source": f"id:source/{A}"},
    ]


def test_cq03_statistics_follow_the_region_hierarchy(store: ox.Store) -> None:
    usa = table(store, "CQ03-statistics-by-area")
    assert [(r["indicator"], r["value"], r["unit"], r["quote"]) for r in usa] == [
        ("id:indicator/number-of-companies", "87000", "id:unit/count", "87 мингта компания"),
        ("id:indicator/share-of-patents", "97", "id:unit/percent", "патентларнинг 97 фоизи"),
    ]
    eu = table(store, "CQ03-statistics-by-area", area="id:place/european-union")
    assert [(r["value"], r["qualifier"]) for r in eu] == [("2000", "id:qualifier/more-than")]
    assert table(store, "CQ03-statistics-by-area", area="id:place/california") == [
        {**usa[0], "area": "id:place/california"}]


def test_cq04_table_rows_in_table_order(store: ox.Store) -> None:
    assert [(r["dimensionLabel"], r["traditional"], r["clusterType"])
            for r in table(store, "CQ04-table-1-side-by-side")] == [
        ("production basis", "Қатъий ихтисослашув", "Инновацион ёндашув ва"),
        ("competition", "Ташқи бозорда, худуд", "Чекланган худудда"),
    ]
    ru = table(store, "CQ04-table-1-side-by-side", lang="ru")
    assert [r["dimensionLabel"] for r in ru] == ["основа производства", "конкуренция"]


def test_cq05_problems_in_order_with_labels_in_any_language(store: ox.Store) -> None:
    rows = table(store, "CQ05-innovation-problems-uzbekistan", lang="uz-Latn")
    assert [(r["position"], r["label"]) for r in rows] == [
        ("1", "innovatsion infratuzilmaning parchalanganligi"),
        ("2", "xalqaro kooperatsiyaning past darajasi")]


def test_cq06_theories_and_proponents(store: ox.Store) -> None:
    rows = table(store, "CQ06-theories-cited")
    assert {(r["source"][-20:], r["work"], r.get("proponentLabel")) for r in rows} == {
        (A, "id:theory/industrial-districts", "Alfred Marshall"),
        (A, "id:theory/porter-clusters", "Michael Porter"),
        (B, "id:theory/porter-clusters", "Michael Porter"),
        (B, "id:theory/open-innovation", "Henry Chesbrough")}


def test_cq07_cq08_cq12_cq13(store: ox.Store) -> None:
    project = [r for r in table(store, "CQ07-policies-and-programmes")
               if r["kind"] == "ck:Project"]
    assert project == [{"kind": "ck:Project",
                        "initiative": "id:project/europa-innova-cluster-mapping-project",
                        "label": "Europa INNOVA Cluster Mapping Project",
                        "funder": "id:org/european-commission",
                        "runner": "id:org/oxford-research"}]
    assert [r["entity"] for r in table(store, "CQ08-entities-in-both-articles")] == [
        "id:cluster/silicon-valley"]
    assert [r["entity"] for r in table(store, "CQ08-entities-in-both-articles",
                                       kind="ck:Place")] == ["id:place/usa"]
    assert [(r["cluster"], r["place"]) for r in table(store, "CQ12-clusters-in-area")] == [
        ("id:cluster/silicon-valley", "id:place/santa-clara-county"),
        ("id:cluster/silicon-valley", "id:place/usa")]
    assert [r["cluster"] for r in table(store, "CQ12-clusters-in-area",
                                        area="id:place/germany")] == [
        "id:cluster/german-automotive-cluster"]
    assert [(r["place"], r["ancestor"]) for r in table(store, "CQ13-place-hierarchy")] == [
        ("id:place/california", "id:place/usa"),
        ("id:place/santa-clara-county", "id:place/california"),
        ("id:place/santa-clara-county", "id:place/usa")]


def test_cq11_quote_behind_a_fact_is_at_its_offsets(store: ox.Store) -> None:
    (row,) = table(store, "CQ11-quote-behind-a-fact")
    text = (HERE.parent / "data" / "corpus" / f"{A}.txt").read_text(encoding="utf-8")
    assert row["quote"] == "Сант-Круздаги Калифорния университети, Стенфорд университети"
    assert text[int(row["start"]):int(row["end"])] == row["quote"]
    assert row["graph"] == f"id:graph/{A}" and row["confidence"] == "1"


def test_ask_queries_with_parameters(store: ox.Store) -> None:
    def ask(name: str, **params: str) -> bool | None:
        return execute(QUERIES[name], params, store=store).boolean

    assert ask("CQ17-ask-mentioned-in-both") is True
    assert ask("CQ17-ask-mentioned-in-both", entity="id:org/oxford-research") is False
    assert ask("CQ18-ask-table-complete") is False  # the fixture table has 2 dimensions


def test_construct_and_describe(store: ox.Store) -> None:
    card = execute(QUERIES["CQ19-construct-cluster-card"], {}, store=store)
    members = {t.object.value for t in card.triples if t.predicate.value == CK + "hasMember"}
    assert members == {ID + "org/intel", ID + "org/stanford-university"}
    assert len(card.triples) == 14
    described = execute(QUERIES["CQ20-describe-entity"], {"entity": "id:place/usa"},
                        store=store)
    labels = {(t.object.value, t.object.language) for t in described.triples
              if t.predicate.value.endswith("prefLabel")}
    assert labels == {("AQSh", "uz-latn"), ("United States", "en"), ("США", "ru"),
                      ("АҚШ", "uz-cyrl")}
    chain = execute(QUERIES["CQ30-construct-evidence-chain"], {}, store=store)
    exact = {t.object.value for t in chain.triples if t.predicate.value.endswith("#exact")}
    assert exact == {"Стенфорд университети",
                     "Сант-Круздаги Калифорния университети, Стенфорд университети"}


def test_threshold_and_minimum_parameters(store: ox.Store) -> None:
    assert [r["confidence"] for r in table(store, "CQ29-low-confidence-facts")] == ["0.8"]
    assert len(table(store, "CQ29-low-confidence-facts", threshold="0.95")) == 19
    assert table(store, "CQ36-mention-frequency") == []
    assert len(table(store, "CQ36-mention-frequency", minimum="1")) == 18


def test_injection_attempt_is_a_plain_literal(store: ox.Store) -> None:
    before = len(store)
    assert table(store, "CQ33-search-labels", text='"} DROP ALL {') == []
    assert table(store, "CQ33-search-labels", text="} DROP ALL {") == []
    assert len(store) == before
    assert [r["thing"] for r in table(store, "CQ33-search-labels", text="ВОДИЙ")] == [
        "id:cluster/silicon-valley"]


def test_result_formats(store: ox.Store) -> None:
    result = execute(QUERIES["CQ13-place-hierarchy"], {}, store=store)
    csv = serialize(result, "csv").decode()
    assert csv.splitlines()[0] == "place,placeLabel,ancestor,ancestorLabel"
    assert csv.splitlines()[1] == f"{ID}place/california,California,{ID}place/usa,United States"
    assert serialize(result, "tsv").decode().splitlines()[0] == \
        "?place\t?placeLabel\t?ancestor\t?ancestorLabel"
    assert b"<sparql" in serialize(result, "xml")
    parsed = ox.parse_query_results(serialize(result, "json"), format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == 3
    ask = execute(QUERIES["CQ17-ask-mentioned-in-both"], {}, store=store)
    assert serialize(ask, "json").decode().replace(" ", "").endswith('"boolean":true}')
    card = execute(QUERIES["CQ19-construct-cluster-card"], {}, store=store)
    assert len(list(ox.parse(serialize(card, "nt"), format=ox.RdfFormat.N_TRIPLES))) == 14
    assert b"@prefix ck:" in serialize(card, "ttl")
    with pytest.raises(InputError, match="use --format ttl or nt"):
        serialize(card, "json")


# --- integrity checks ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CHECKS))
def test_checks_pass_on_the_fixture(store: ox.Store, name: str) -> None:
    assert table(store, name) == []


BREAKAGES = {
    "fact-without-evidence-violation": (
        f"DELETE {{ GRAPH ?g {{ ?f <{CK}evidence> ?e }} }} WHERE {{ GRAPH ?g {{ ?f "
        f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> <{ID}org/stanford-university> ;"
        f" <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{CK}hasMember> ;"
        f" <{CK}evidence> ?e }} }}", 1),
    "unevidenced-triple-violation": (
        f"INSERT DATA {{ GRAPH <{ID}graph/{A}> {{ <{ID}cluster/silicon-valley> "
        f"<{CK}cooperatesWith> <{ID}org/intel> }} }}", 1),
    "quote-offset-mismatch-violation": (
        "DELETE { GRAPH ?g { ?q <http://www.w3.org/ns/oa#exact> ?x } } INSERT { GRAPH ?g { ?q "
        "<http://www.w3.org/ns/oa#exact> \"Silicon Valley\"@en } } WHERE { GRAPH ?g { ?q "
        "<http://www.w3.org/ns/oa#exact> ?x FILTER(STR(?x) = \"патентларнинг 97 фоизи\") } }",
        1),
    "selector-incomplete-violation": (
        "DELETE { GRAPH ?g { ?p <http://www.w3.org/ns/oa#end> ?e } } INSERT { GRAPH ?g { ?p "
        "<http://www.w3.org/ns/oa#end> 0 } } WHERE { GRAPH ?g { ?p "
        "<http://www.w3.org/ns/oa#start> 14819 ; <http://www.w3.org/ns/oa#end> ?e } }", 2),
    "blank-node-violation": (
        f"INSERT DATA {{ GRAPH <{ID}graph/lexicon> {{ _:b <{CK}partOfPlace> "
        f"<{ID}place/usa> }} }}", 1),
    "enumeration-count-mismatch-violation": (
        f"DELETE {{ GRAPH ?g {{ ?l <{CK}itemCount> ?n }} }} INSERT {{ GRAPH ?g {{ ?l "
        f"<{CK}itemCount> 3 }} }} WHERE {{ GRAPH ?g {{ ?l <{CK}itemCount> ?n }} }}", 1),
    "fact-provenance-incomplete-violation": (
        f"DELETE {{ GRAPH ?g {{ ?f <{CK}confidence> ?c }} }} WHERE {{ GRAPH ?g {{ ?f "
        f"<{CK}confidence> ?c ; a <http://purl.org/linked-data/cube#Observation> ; "
        f"<{CK}indicator> <{ID}indicator/share-of-patents> }} }}", 1),
    "observation-incomplete-violation": (
        f"DELETE {{ GRAPH ?g {{ ?o <{CK}unit> ?u }} }} WHERE {{ GRAPH ?g {{ ?o <{CK}unit> ?u ; "
        f"<{CK}indicator> <{ID}indicator/share-of-patents> }} }}", 1),
    "concept-label-missing-violation": (
        "DELETE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } } WHERE "
        f"{{ GRAPH ?g {{ ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} "
        f"FILTER(?c = <{ID}sector/automotive> && lang(?l) = \"uz-latn\") }}", 1),
    "evidence-source-mismatch-violation": (
        f"DELETE {{ GRAPH ?g {{ ?f <http://www.w3.org/ns/prov#wasDerivedFrom> ?s }} }} INSERT "
        f"{{ GRAPH ?g {{ ?f <http://www.w3.org/ns/prov#wasDerivedFrom> <{ID}source/{B}> }} }} "
        f"WHERE {{ GRAPH ?g {{ ?f <http://www.w3.org/ns/prov#wasDerivedFrom> ?s ; "
        f"<{CK}indicator> <{ID}indicator/share-of-patents> }} }}", 1),
    "membership-without-shortcut-violation": (
        f"DELETE DATA {{ GRAPH <{ID}graph/{A}> {{ <{ID}cluster/silicon-valley> <{CK}hasMember> "
        f"<{ID}org/intel> }} }}", 1),
}


def test_every_check_has_a_breakage_test() -> None:
    assert set(BREAKAGES) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_checks_catch_broken_data(name: str) -> None:
    broken = open_store(nquads=FIXTURE)
    update, expected = BREAKAGES[name]
    broken.update(update)
    assert len(table(broken, name)) == expected


# --- golden answers on the built graph ----------------------------------------------------

@pytest.fixture(scope="module")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """``--update-golden`` (plugin ``plugins.golden``) or ``CLUSTERKG_UPDATE_GOLDEN=1``."""
    return update_golden_requested(request.config)


@pytest.fixture(scope="module")
def built_store(build_dir: Path) -> ox.Store:
    """The real build (``clusterkg build`` into a temporary directory) in a store."""
    return open_store(build_dir)


def golden_path(query: StoredQuery) -> Path:
    """``.ttl`` for graph results, ``.srj`` (SPARQL JSON) otherwise."""
    suffix = ".ttl" if query.form in ("CONSTRUCT", "DESCRIBE") else ".srj"
    return GOLDEN / f"{query.name}{suffix}"


def canonical_golden(result: Result) -> bytes:
    """Bytes to store, stable and readable in a diff: SPARQL JSON indented one space per level
    (UTF-8, not escaped), or the sorted N-Triples lines of a graph (valid Turtle)."""
    import json

    if result.form in ("CONSTRUCT", "DESCRIBE"):
        lines = sorted(set(serialize(result, "nt").decode("utf-8").splitlines()))
        return ("\n".join(line for line in lines if line) + "\n").encode("utf-8")
    doc = json.loads(serialize(result, "json"))
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@pytest.mark.parametrize("name", sorted(CQS))
def test_golden_answers_on_the_built_graph(built_store: ox.Store, update_golden: bool,
                                           name: str) -> None:
    query = CQS[name]
    result = execute(query, {}, store=built_store)
    path = golden_path(query)
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(canonical_golden(result))
        return
    if not path.exists():
        pytest.fail(f"no golden file {path.name}: run pytest {__file__} --update-golden")
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        from rdflib import Graph
        from rdflib.compare import isomorphic

        expected = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        actual = Graph().parse(data=serialize(result, "nt").decode(), format="nt")
        assert isomorphic(expected, actual), f"{name}: graph differs from {path.name}"
        return
    golden = ox.parse_query_results(path.read_bytes(), format=ox.QueryResultsFormat.JSON)
    if query.form == "ASK":
        assert bool(golden) == result.boolean
        return
    want = [tuple(sorted((k, str(v)) for k, v in
                         ((var.value, sol[var]) for var in golden.variables) if v is not None))
            for sol in golden]
    got = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in result.rows]
    if not query.ordered:
        want, got = sorted(want), sorted(got)
    assert got == want, f"{name}: answers differ from {path.name}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_checks_pass_on_the_built_graph(built_store: ox.Store, name: str) -> None:
    rows = execute(CHECKS[name], {}, store=built_store).rows
    assert rows == [], f"{name}: {len(rows)} violations, e.g. {rows[:3]}"


def test_selector_check_reports_each_missing_selector() -> None:
    broken = open_store(nquads=FIXTURE)
    broken.update("DELETE { GRAPH ?g { ?t <http://www.w3.org/ns/oa#hasSelector> ?q } } WHERE { "
                  "GRAPH ?g { ?t <http://www.w3.org/ns/oa#hasSelector> ?q . ?q "
                  "<http://www.w3.org/ns/oa#exact> ?x FILTER(STR(?x) = \"Х.Чесбро\") } }")
    rows = table(broken, "selector-incomplete-violation")
    assert [r["problem"] for r in rows] == ["no quote selector", "no quote selector"]


def test_values_binding_gives_the_substitution_answers(store: ox.Store, tmp_path: Path) -> None:
    from dataclasses import replace

    from kg.query import load_query

    for name in ("CQ02-cluster-members", "CQ11-quote-behind-a-fact", "CQ33-search-labels"):
        query = QUERIES[name]
        assert query.binding == "values"
        substituted = replace(query, header={**query.header, "Binding": "substitution"})
        assert substituted.binding == "substitution"
        for params in ({}, {"text": '"} DROP ALL {'} if name.startswith("CQ33") else {}):
            a = execute(query, params, store=store)
            b = execute(substituted, params, store=store)
            assert a.rows == b.rows and a.triples == b.triples, name
    bad = tmp_path / "CQ99-bad.rq"
    bad.write_text("# CQ: bad\n# Binding: paste\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(InputError, match="use one of substitution, values"):
        _ = load_query(bad, "cq").binding


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_dataset_clauses_keep_every_stored_query_valid_and_scoped(store: ox.Store,
                                                                  name: str) -> None:
    """with_dataset (an endpoint with many graphs): the FROM clauses parse in every stored
    query, and on the fixture store a query scoped to all its graphs answers as before."""
    query = QUERIES[name]
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    text = with_dataset(query.text, graphs)
    assert text.count("FROM NAMED <") == len(graphs)
    terms = bind_params(query, {})
    scoped = store.query(inject_values(text, terms))
    plain = store.query(inject_values(query.text, terms), use_default_graph_as_union=True)
    if isinstance(plain, ox.QueryBoolean):
        assert bool(scoped) == bool(plain)
    else:
        assert sorted(map(str, scoped)) == sorted(map(str, plain))  # type: ignore[call-overload]


def test_dataset_clauses_respect_a_query_dataset_and_refuse_a_bad_graph_name() -> None:
    own = "SELECT * FROM <https://example.org/g> WHERE { ?s ?p ?o }"
    assert with_dataset(own, ["https://example.org/other"]) == own
    assert with_dataset("ASK { ?s ?p ?o } # WHERE {", ["https://e.org/g"]).startswith(
        "ASK\nFROM <https://e.org/g>\nFROM NAMED <https://e.org/g>\n{")
    with pytest.raises(InputError, match="not an IRI"):
        with_dataset("ASK { }", ["https://e.org/g> } DROP ALL { <x:y"])
