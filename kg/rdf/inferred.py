"""The inferred graph ``id:graph/inferred``: what the ontology entails from the asserted data.

The rules are data: one SPARQL CONSTRUCT per file in ``queries/inference/`` (header ``# Rule:``
name, ``# Title:``, ``# Justification:`` the OWL 2 RL / RDFS rule it implements). They run on
a pyoxigraph store whose default graph is the union of the named graphs, in file order, round
after round until no rule adds a triple (a fixpoint). A triple goes into the inferred graph
only when no graph of the store holds it yet; the first rule that produced it is its rule
(:attr:`Inference.rule_of`). The graph also describes itself: ``id:graph/inferred
prov:wasGeneratedBy id:activity/inference``, which ``prov:used`` every rule
(``id:rule/{name}``, a ``ck:InferenceRule`` with its title, justification and query text).

What the rules cover: concept classes and other value-restriction classes, the subclass and
subproperty closure, inverse and symmetric properties, the transitive place hierarchy and the
membership property chain. Not covered on purpose: ``rdfs:domain``/``rdfs:range`` typing (it
types places and concepts as agents wherever a property is used loosely; see
shapes/README.md). ``tests/test_inferred.py`` checks the rules against HermiT's entailments.

Entry points: :func:`infer_store` (a pyoxigraph store, adds the graph in place),
:func:`infer_graph_file` (the build's reduce: the merged store, plus the graph as a sorted
N-Quads file) and :func:`add_inferred_graph` (an rdflib Dataset).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.namespace import CK, ID
from kg.paths import QUERIES_DIR

if TYPE_CHECKING:
    from rdflib import Dataset

    from kg.publish.dumps import GraphFile
    from kg.validate import LoadedData

#: a triple's terms as pyoxigraph gives them: (subject, predicate, object)
Key = tuple[ox.NamedNode | ox.BlankNode | ox.Triple, ox.NamedNode,
            ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]

RULES_DIR = QUERIES_DIR / "inference"
INFERRED_GRAPH = str(ID["graph/inferred"])
ACTIVITY = str(ID["activity/inference"])
MAX_ROUNDS = 10

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_PROV = "http://www.w3.org/ns/prov#"
_DCTERMS = "http://purl.org/dc/terms/"
_NNI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
_HEADER = re.compile(r"^#\s*(Rule|Title|Justification):\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(.*)$")


@dataclass(frozen=True)
class Rule:
    """One inference rule: a SPARQL CONSTRUCT with its header."""

    name: str
    title: str
    justification: str
    query: str
    path: Path

    @property
    def iri(self) -> str:
        return str(ID[f"rule/{self.name}"])


@dataclass
class Inference:
    """The outcome of a run: the new triples, the rule of each, counts and rounds."""

    triples: list[Key] = field(default_factory=list)
    quads: list[ox.Quad] = field(default_factory=list)  # everything added, as written
    rule_of: dict[Key, str] = field(default_factory=dict)
    rounds: int = 0

    def counts(self) -> dict[str, int]:
        """Inferred triples per rule name."""
        counts: dict[str, int] = {}
        for name in self.rule_of.values():
            counts[name] = counts.get(name, 0) + 1
        return counts


def load_rules(rules_dir: Path = RULES_DIR) -> list[Rule]:
    """The rules of ``rules_dir/*.rq`` in file order; a file without ``# Rule:`` is an error."""
    rules = []
    for path in sorted(Path(rules_dir).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, str] = {}
        last = ""
        for line in text.splitlines():
            match = _HEADER.match(line)
            if match:
                last = match.group(1).lower()
                header[last] = match.group(2).strip()
                continue
            more = _CONTINUATION.match(line)
            if more and last:
                header[last] += " " + more.group(1).strip()
                continue
            if not line.startswith("#"):
                break
        if "rule" not in header:
            raise ValueError(f"{path}: no '# Rule:' header")
        rules.append(
            Rule(
                header["rule"],
                header.get("title", header["rule"]),
                header.get("justification", ""),
                text,
                path,
            )
        )
    return rules


def infer_store(
    store: ox.Store, rules: Sequence[Rule] | None = None, graph: str = INFERRED_GRAPH
) -> Inference:
    """Run the rules to a fixpoint on ``store`` and add the new triples to ``graph`` in it."""
    result = Inference()

    def keep(rule: str | None, quads: list[ox.Quad]) -> None:
        if rule is not None:
            for q in quads:
                key = (q.subject, q.predicate, q.object)
                result.rule_of[key] = rule
                result.triples.append(key)
        result.quads += quads

    result.rounds = _run_rules(store, load_rules() if rules is None else list(rules),
                               ox.NamedNode(graph), keep)
    return result


def _run_rules(store: ox.Store, rules: list[Rule], target: ox.NamedNode,
               emit: Callable[[str | None, list[ox.Quad]], None]) -> int:
    """Add the inferred graph ``target`` to ``store``; every quad added goes to ``emit`` (with
    the name of its rule, None for the graph's description) as written. The rounds run."""
    description = _description(rules, target)
    store.extend(description)
    emit(None, description)
    counts: dict[str, int] = {}
    rounds = 0
    for round_ in range(1, MAX_ROUNDS + 1):
        added = 0
        for rule in rules:
            fresh = []
            seen: set[Key] = set()  # earlier rules' triples are in the store
            for triple in _construct(store, rule.query):
                key = (triple.subject, triple.predicate, triple.object)
                if key in seen or _present(store, key):
                    continue
                seen.add(key)
                fresh.append(ox.Quad(key[0], key[1], key[2], target))
            store.extend(fresh)
            emit(rule.name, fresh)
            counts[rule.name] = counts.get(rule.name, 0) + len(fresh)
            added += len(fresh)
        rounds = round_
        if not added:
            break
    totals = [
        ox.Quad(ox.NamedNode(rule.iri), ox.NamedNode(str(CK.inferredTriples)),
                ox.Literal(str(counts.get(rule.name, 0)), datatype=_NNI), target)
        for rule in rules
    ]  # fmt: skip
    store.extend(totals)
    emit(None, totals)
    return rounds


def infer_graph_file(data: LoadedData, path: Path) -> GraphFile:
    """The build's call: infer on the merged store of ``data`` (``kg.validate.LoadedData``),
    which then holds the inferred graph too, and write the graph as a sorted N-Quads file.

    Inferred triples copy the store's terms, so the file and the store hold the same literals
    (the loader's record of literals as written concerns the loaded files only). Each rule's
    new quads are kept only as their N-Quads lines (not as term objects: some 1,100 inferred
    triples per article, about 1 kB each as objects)."""
    from kg.publish.dumps import nquads_lines, write_lines_file

    lines: set[bytes] = set()
    _run_rules(data.store, load_rules(), ox.NamedNode(INFERRED_GRAPH),
               lambda _rule, quads: lines.update(nquads_lines(quads)))
    return write_lines_file(lines, INFERRED_GRAPH, path)


def _construct(store: ox.Store, query: str) -> ox.QueryTriples:
    """The triples of a rule's CONSTRUCT over the union of the store's graphs."""
    answer = store.query(query, use_default_graph_as_union=True)
    if not isinstance(answer, ox.QueryTriples):
        raise TypeError(f"an inference rule must be a CONSTRUCT query, not {query[:40]!r}")
    return answer


def _present(store: ox.Store, triple: Key) -> bool:
    return next(iter(store.quads_for_pattern(*triple, None)), None) is not None


def _description(rules: Iterable[Rule], graph: ox.NamedNode) -> list[ox.Quad]:
    """The provenance of the inferred graph: the activity and the rule table."""
    activity = ox.NamedNode(ACTIVITY)

    def node(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    def en(text: str) -> ox.Literal:
        return ox.Literal(text, language="en")

    quads = [
        ox.Quad(graph, node(_PROV + "wasGeneratedBy"), activity, graph),
        ox.Quad(activity, node(_RDF + "type"), node(_PROV + "Activity"), graph),
        ox.Quad(
            activity,
            node(_RDFS + "label"),
            en("Rule-based inference over the asserted graphs"),
            graph,
        ),
    ]
    for rule in rules:
        iri = node(rule.iri)
        quads += [
            ox.Quad(activity, node(_PROV + "used"), iri, graph),
            ox.Quad(iri, node(_RDF + "type"), node(str(CK.InferenceRule)), graph),
            ox.Quad(iri, node(_RDFS + "label"), en(rule.title), graph),
            ox.Quad(iri, node(_DCTERMS + "description"), en(rule.justification), graph),
            ox.Quad(
                iri,
                node(_DCTERMS + "source"),
                ox.Literal(f"queries/inference/{rule.path.name}"),
                graph,
            ),
            ox.Quad(iri, node(str(CK.ruleQuery)), ox.Literal(rule.query), graph),
        ]
    return quads


def add_inferred_graph(ds: Dataset, rules: Sequence[Rule] | None = None) -> Inference:
    """Add ``id:graph/inferred`` to an rdflib Dataset (via a pyoxigraph store of its graphs)."""
    from rdflib import URIRef

    from kg.terms import to_ox, to_rdflib

    store = ox.Store()
    quads: list[ox.Quad] = []
    for graph in ds.graphs():
        if str(graph.identifier) == INFERRED_GRAPH:
            continue
        name = to_ox(graph.identifier) if isinstance(graph.identifier, URIRef) else None
        if name is None:
            continue
        quads.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in graph)
    store.extend(quads)
    result = infer_store(store, rules)
    target = ds.graph(URIRef(INFERRED_GRAPH))
    for quad in result.quads:  # as written (the store canonicalises integer literals)
        target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return result


def trace(
    store: ox.Store, triple: Key, rules: Sequence[Rule] | None = None
) -> list[str]:
    """The names of the rules whose CONSTRUCT yields ``triple`` on ``store`` (its explanation)."""
    rules = load_rules() if rules is None else list(rules)
    found = []
    for rule in rules:
        for produced in _construct(store, rule.query):
            if (produced.subject, produced.predicate, produced.object) == triple:
                found.append(rule.name)
                break
    return found
