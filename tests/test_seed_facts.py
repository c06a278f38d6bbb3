"""The seed build loses none of the facts it had before open extraction (issue #10).

``tests/fixtures/seed_facts.json`` was written from the build of ``data/corpus`` made before the
recognisers, relation and open statistics extractors existed (``clusterkg build --out
/tmp/seed-before`` at commit 721b8b5, then ``python -m tests.test_seed_facts /tmp/seed-before``).
It lists, per article graph, every asserted triple that is reified with evidence and every
n-ary fact node (observation, membership, enumeration and its items, table and cells) as the set
of its properties other than provenance (evidence, extractor, confidence, source). The current
build must contain each: the reified triple asserted in the same graph, and for every n-ary node
one node of the same graph with a superset of its properties (IRIs of n-ary nodes hash their
content, so the comparison is by content). A fact removed on purpose (a data error corrected)
is listed with its reason in ``tests/fixtures/seed_facts_corrected.json``; the build must lose
exactly those facts and no other.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox

FIXTURE = Path(__file__).parent / "fixtures" / "seed_facts.json"
CORRECTED = Path(__file__).parent / "fixtures" / "seed_facts_corrected.json"
PROVENANCE = {
    "https://w3id.org/clusterkg/ontology#evidence",
    "https://w3id.org/clusterkg/ontology#extractedBy",
    "https://w3id.org/clusterkg/ontology#confidence",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
}
REIFIED = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ck: <https://w3id.org/clusterkg/ontology#>
SELECT DISTINCT ?g ?s ?p ?o WHERE { GRAPH ?g {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ck:evidence ?e .
  ?s ?p ?o } }"""
NARY = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ck: <https://w3id.org/clusterkg/ontology#>
SELECT ?g ?n ?p ?o WHERE { GRAPH ?g {
  ?n a ck:Fact ; ck:evidence ?e ; ?p ?o .
  FILTER NOT EXISTS { ?n a rdf:Statement } } }"""


def _term(term: object) -> str:
    """A term as N-Triples text."""
    return str(term)


def article_facts(nquads: Path) -> dict[str, list]:
    """``{"triples": [[g, s, p, o]...], "nodes": [[g, type-set, [[p, o]...]]...]}``."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    triples = sorted(
        [_term(r["g"]), _term(r["s"]), _term(r["p"]), _term(r["o"])]
        for r in store.query(REIFIED)  # type: ignore[union-attr]
    )
    nodes: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for r in store.query(NARY):  # type: ignore[union-attr]
        if r["p"].value in PROVENANCE:
            continue
        nodes.setdefault((_term(r["g"]), _term(r["n"])), set()).add((_term(r["p"]), _term(r["o"])))
    return {
        "triples": triples,
        "nodes": sorted([g, sorted(map(list, props))] for (g, _n), props in nodes.items()),
    }


def test_seed_build_keeps_every_fact(build_dir: Path) -> None:
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))
    corrected = json.loads(CORRECTED.read_text(encoding="utf-8"))
    assert all(c["why"] for c in corrected["triples"] + corrected["nodes"])
    now = article_facts(build_dir / "clusterkg.nq")
    have = {tuple(t) for t in now["triples"]}
    lost = [t for t in before["triples"] if tuple(t) not in have]
    assert lost == [c["triple"] for c in corrected["triples"]], "reified triples lost or kept"
    by_graph: dict[str, list[set[tuple[str, str]]]] = {}
    for graph, props in now["nodes"]:
        by_graph.setdefault(graph, []).append({tuple(p) for p in props})
    missing = []
    for graph, props in before["nodes"]:
        wanted = {tuple(p) for p in props}
        if not any(wanted <= node for node in by_graph.get(graph, [])):
            missing.append(sorted(wanted))
    expected = [sorted({tuple(p) for p in c["properties"]}) for c in corrected["nodes"]]
    assert missing == expected, f"{len(missing)} n-ary facts lost, e.g. {missing[:2]}"
    assert len(before["triples"]) == 242 and len(before["nodes"]) == 106


if __name__ == "__main__":  # regenerate the fixture from a build directory
    data = article_facts(Path(sys.argv[1]) / "clusterkg.nq")
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(data['triples'])} triples, {len(data['nodes'])} n-ary facts -> {FIXTURE}")
