"""The inferred graph id:graph/inferred: rules as data, traceable triples, the questions it answers
(every membership through ck:memberOf, every concept class with its instances, the place
hierarchy), and the same entailments as HermiT (owlready2) on the ontology without its
domain/range axioms (which the rules leave out on purpose)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespace import CK, ID
from kg.paths import LEXICON_DIR, ONTOLOGY_FILE, VOCAB_DIR
from kg.rdf.inferred import INFERRED_GRAPH, infer_store, load_rules, trace

UNION = {"use_default_graph_as_union": True}
ENTITY_KINDS = (
    "cluster",
    "org",
    "person",
    "place",
    "theory",
    "policy",
    "project",
    "platform",
    "document",
)


@pytest.fixture(scope="module")
def store(build_dir: Path) -> ox.Store:
    s = ox.Store()
    s.bulk_load(path=str(build_dir / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS)
    return s


def ask(store: ox.Store, query: str):
    result = store.query(
        "PREFIX ck: <https://w3id.org/clusterkg/ontology#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n" + query,
        **UNION,
    )
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def test_rules_are_data_with_a_justification() -> None:
    rules = load_rules()
    assert [r.name for r in rules] == [
        "concept-classes",
        "subclass-closure",
        "subproperty-closure",
        "inverse-properties",
        "symmetric-properties",
        "transitive-place-hierarchy",
        "membership-chain",
    ]
    assert all(r.query.lstrip().startswith("#") and "CONSTRUCT" in r.query for r in rules)
    assert all(len(r.justification) > 40 for r in rules)


def test_a_file_without_a_rule_header_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n")
    with pytest.raises(ValueError, match="no '# Rule:' header"):
        load_rules(tmp_path)


#: one membership of org a in cluster c, and ck:memberOf below org:memberOf
MEMBERSHIP = """@prefix ck: <https://w3id.org/clusterkg/ontology#> .
    @prefix org: <http://www.w3.org/ns/org#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ck:memberOf rdfs:subPropertyOf org:memberOf .
    <https://w3id.org/clusterkg/id/membership/m> org:member <https://w3id.org/clusterkg/id/org/a> ;
        org:organization <https://w3id.org/clusterkg/id/cluster/c> ."""


def test_fixpoint_on_a_small_graph() -> None:
    """Two rounds are needed: the chain gives memberOf, the subproperty rule then org:memberOf."""
    s = ox.Store()
    data = MEMBERSHIP
    s.load(data.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ID["graph/x"])))
    rules = [r for r in load_rules() if r.name in ("subproperty-closure", "membership-chain")]
    result = infer_store(s, rules)
    assert result.rounds == 3  # two productive rounds and one that adds nothing
    a, c = ox.NamedNode(str(ID["org/a"])), ox.NamedNode(str(ID["cluster/c"]))
    assert result.rule_of[(a, ox.NamedNode(str(CK.memberOf)), c)] == "membership-chain"
    org_member_of = ox.NamedNode("http://www.w3.org/ns/org#memberOf")
    assert result.rule_of[(a, org_member_of, c)] == "subproperty-closure"
    assert result.counts() == {"membership-chain": 2, "subproperty-closure": 1}


def test_the_build_file_is_the_inferred_graph_as_written(tmp_path: Path) -> None:
    """``infer_graph_file`` (which keeps each rule's quads only as lines) writes the lines of
    every quad :func:`infer_store` adds, as written: the totals stay xsd:nonNegativeInteger
    (the store reads them back as xsd:integer)."""
    from kg.publish.dumps import quads_nquads
    from kg.rdf.inferred import infer_graph_file
    from kg.validation.data import LoadedData

    data = MEMBERSHIP
    one, two = ox.Store(), ox.Store()
    for s in (one, two):
        s.load(data.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ID["graph/x"])))
    want = quads_nquads(infer_store(one).quads)
    got = infer_graph_file(LoadedData(two), tmp_path / "inferred.nq")
    text = got.path.read_bytes()
    assert text == want
    assert set(two) == set(one)
    assert text.count(b"inferredTriples> \"2\"^^<http://www.w3.org/2001/XMLSchema#"
                      b"nonNegativeInteger>") == 1  # the membership chain's two


def test_the_build_writes_the_inferred_graph_with_its_rule_table(store: ox.Store) -> None:
    g = ox.NamedNode(INFERRED_GRAPH)
    assert (
        next(
            store.quads_for_pattern(
                g, ox.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy"), None, g
            ),
            None,
        )
        is not None
    )
    counts = {
        r[0].value.rsplit("/", 1)[1]: int(r[1].value)
        for r in store.query(
            f"SELECT ?r ?n {{ GRAPH <{INFERRED_GRAPH}> {{ ?r <{CK}inferredTriples> ?n }} }}"
        )
    }
    assert set(counts) == {r.name for r in load_rules()}
    total = len(list(store.quads_for_pattern(None, None, None, g)))
    described = len(load_rules()) * 7 + 3  # the activity and the rule table
    assert sum(counts.values()) == total - described
    assert counts["subclass-closure"] > 1000 and counts["concept-classes"] > 50


def test_every_inferred_triple_is_traceable_to_its_rule(store: ox.Store) -> None:
    """Rerunning the rules on the asserted graphs gives the same graph, and ``trace`` finds the
    rule of a sample of triples."""
    asserted = ox.Store()
    asserted.extend(q for q in store if q.graph_name != ox.NamedNode(INFERRED_GRAPH))
    result = infer_store(asserted)
    built = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
    }
    assert set(result.triples) <= built
    assert len(built) - len(result.triples) == len(load_rules()) * 7 + 3
    sample = result.triples[:: max(1, len(result.triples) // 12)]
    for triple in sample:
        assert result.rule_of[triple] in trace(asserted, triple), triple


def test_ck_member_of_returns_every_membership(store: ox.Store) -> None:
    memberships = ask(
        store, "SELECT DISTINCT ?m ?c { ?x a org:Membership ; org:member ?m ; org:organization ?c }"
    )
    member_of = ask(store, "SELECT DISTINCT ?m ?c { ?m ck:memberOf ?c }")
    assert len(memberships) == 14
    assert {(r[0], r[1]) for r in memberships} <= {(r[0], r[1]) for r in member_of}


def test_every_concept_class_has_its_instances(store: ox.Store) -> None:
    rows = ask(
        store,
        "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) { GRAPH <"
        + str(ID["graph/ontology"])
        + "> { ?class ck:conceptScheme ?scheme } "
        "OPTIONAL { ?x a ?class } } GROUP BY ?class",
    )
    empty = [r[0].value for r in rows if int(r[1].value) == 0]
    assert len(rows) == 22 and empty == []


def test_place_hierarchy_and_policy_classes(store: ox.Store) -> None:
    seattle, usa = str(ID["place/seattle"]), str(ID["place/usa"])
    assert ask(
        store,
        f"ASK {{ <{seattle}> ck:partOfPlace <{usa}> . <{usa}> ck:containsPlace <{seattle}> }}",
    )
    policy = str(ID["policy/smart-specialisation"])
    assert ask(store, f"ASK {{ <{policy}> a ck:SmartSpecialisationStrategy }}")
    assert ask(
        store, f"ASK {{ <{ID['cluster/silicon-valley']}> a org:OrganizationalCollaboration }}"
    )


# ----------------------------------------------------------------------------- HermiT


def _java() -> str:
    java = shutil.which("java") or ("/usr/bin/java" if Path("/usr/bin/java").exists() else None)
    if java is None:
        pytest.skip("SKIPPED LOUDLY: no Java runtime found; HermiT (owlready2) needs java on PATH")
    return java


def _abox(store: ox.Store) -> Graph:
    """Entity-to-entity statements of the article graphs and the memberships: the data HermiT
    reasons on (the reification and evidence machinery is not OWL and is left out)."""
    g = Graph()
    entity = "|".join(ENTITY_KINDS)
    rows = store.query(
        "SELECT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{ID}graph/0")) '
        f'FILTER((REGEX(STR(?s), "/id/({entity})/") && ((STRSTARTS(STR(?o), "{ID}") '
        f'&& !REGEX(STR(?o), "/id/(fact|annotation|source|observation)/")) '
        f'|| ?p = <{RDF.type}>)) || (STRSTARTS(STR(?s), "{ID}membership/") && ?p IN '
        "(<http://www.w3.org/ns/org#member>, <http://www.w3.org/ns/org#organization>, "
        f"<{RDF.type}>))) }}"
    )
    for s, p, o in rows:
        g.add((URIRef(s.value), URIRef(p.value), URIRef(o.value)))
    return g


@pytest.mark.java
def test_hermit_agrees_with_the_inferred_graph(store: ox.Store, tmp_path: Path) -> None:
    import owlready2

    owlready2.JAVA_EXE = _java()
    tbox = Graph().parse(ONTOLOGY_FILE)
    tbox.remove((None, RDFS.domain, None))
    tbox.remove((None, RDFS.range, None))
    graph = tbox
    for path in sorted(VOCAB_DIR.glob("*.ttl")) + sorted(LEXICON_DIR.glob("*.ttl")):
        graph.parse(path)
    graph += _abox(store)
    known = {str(s) for s in graph.subjects()}
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)):
        # the inferred graph about the same individuals: still consistent with it
        if q.subject.value in known and isinstance(q.object, ox.NamedNode):
            graph.add((URIRef(q.subject.value), URIRef(q.predicate.value), URIRef(q.object.value)))
    nt = tmp_path / "abox.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    assert [c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing] == []

    named = (str(CK), "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#")
    subjects = [
        s
        for s in set(graph.subjects(RDF.type, None))
        if isinstance(s, URIRef)
        and str(s).startswith(str(ID))
        and (s, RDF.type, OWL.Class) not in graph
    ]
    hermit, ours = set(), set()
    for s in subjects:
        individual = world[str(s)]
        if individual is None or not hasattr(individual, "INDIRECT_is_a"):
            continue
        for cls in individual.INDIRECT_is_a:
            iri = getattr(cls, "iri", "")
            if iri.startswith(named):
                hermit.add((str(s), iri))
        for row in store.query(f"SELECT ?c {{ <{s}> a ?c }}", **UNION):
            if row[0].value.startswith(named):
                ours.add((str(s), row[0].value))
    assert len(ours) > 400
    assert ours - hermit == set(), "types the rules infer that HermiT does not entail"
    assert hermit - ours == set(), "types HermiT entails that the rules miss"

    properties = [CK.memberOf, CK.hasMember, CK.partOfPlace, CK.containsPlace, CK.territoryOf]
    for prop in properties:
        entailed = {
            (a.iri, b.iri)
            for a, b in world.sparql(f"SELECT ?a ?b {{ ?a <{prop}> ?b }}")
            if hasattr(a, "iri") and hasattr(b, "iri")
        }
        mine = {
            (r[0].value, r[1].value)
            for r in store.query(f"SELECT ?a ?b {{ ?a <{prop}> ?b }}", **UNION)
        }
        # owlready2 hands back only part of HermiT's property entailments (not every chain or
        # inverse on a graph this size), so the check is one way: nothing HermiT derives is missing
        assert entailed <= mine, prop
        assert mine, prop
