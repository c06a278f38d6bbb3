"""The fast engine: each shape evaluated set-at-a-time with SPARQL queries on pyoxigraph.

A shape is evaluated for a *set* of focus nodes given as a SPARQL group (its targets, or the
value nodes of an enclosing shape): every constraint of the shape is one query that returns the
violating (focus node, value) pairs of all focus nodes at once, instead of one evaluation per
focus node. Value-level constraints of one shape (class, datatype, nodeKind, pattern, lengths,
ranges, languageIn, in) share one query. Shape-based constraints (node, not, and, or, xone,
property, qualified value shapes) evaluate the inner shape on the value nodes and combine the
sets of failing nodes in Python. SHACL-SPARQL constraints run once for all focus nodes when that
is equivalent to pre-binding (:mod:`kg.validation.sparql`), else once per focus node.

Literals are reported and checked as written (:mod:`kg.validation.data`). What the engine cannot
decide exactly raises :class:`Unsupported`; the caller then validates that shape with the
reference engine and says so in the report.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.terms import to_ox
from kg.validation.data import DataGraph, LoadedData, stored_forms
from kg.validation.datatypes import (
    CANONICALISED,
    INTEGER_TYPES,
    RDF_LANG_STRING,
    STORED_AS,
    XSD,
    is_well_formed,
    known,
    python_regex,
)
from kg.validation.model import SH, Result
from kg.validation.paths import Path, path_text
from kg.validation.shapes import (
    Constraint,
    Shape,
    ShapeError,
    ShapesGraph,
    SparqlQuery,
    node_name,
    sparql_where,
)
from kg.validation.sparql import (
    OPTIONAL_PREBOUND,
    insert_values,
    join_focus,
    mentions,
    plan,
    substitute_path,
)

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_STORED_TYPES = sorted({STORED_AS.get(t, t) for t in CANONICALISED})
CHANGED = ("(isLiteral(?v) && DATATYPE(?v) IN ("
           + ", ".join(f"<{t}>" for t in _STORED_TYPES) + "))")
SHAPES_GRAPH = "urn:x-clusterkg:shapes-graph"


class Unsupported(Exception):
    """A construct the fast engine does not decide exactly (the shape goes to pyshacl)."""


# --------------------------------------------------------------------------------------------
# focus sets


@dataclass(frozen=True)
class Focus:
    """A set of focus nodes as a SPARQL group binding a variable (each node once).

    ``literals`` says whether the nodes may include literals the store holds in another form
    than written (then node-level checks need the written form).
    """

    body: Callable[[str], str]  # variable -> group pattern (may bind a node several times)
    literals: bool = False

    def group(self, var: str = "?this") -> str:
        """A group binding ``var`` to each focus node exactly once."""
        return f"{{ SELECT DISTINCT {var} WHERE {{ {self.body(var)} }} }}"

    def raw(self, var: str = "?this") -> str:
        """A group binding ``var`` to each focus node, maybe several times (cheaper: for
        queries that are DISTINCT or count distinct values anyway)."""
        return f"{{ {self.body(var)} }}"


def term_text(term: Node | Any) -> str:
    """An rdflib or pyoxigraph term in SPARQL syntax (blank nodes: Unsupported)."""
    if isinstance(term, BNode | ox.BlankNode):
        raise Unsupported("a blank node of the shapes graph used as a constant")
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        term = to_ox(term)
    return str(term)


@dataclass
class ValueCheck:
    """A value-level constraint: ``cond`` is a SPARQL expression true when the stored ``?v``
    violates; ``exact(written, stored_verdict)`` decides on a written form (mode ``changed``:
    for literals the store changed, ``all``: for every row the query returns)."""

    constraint: Constraint
    cond: str
    mode: str = "none"
    exact: Callable[[Any, bool], bool] | None = None
    no_value: bool = False  # the result has no sh:value (sh:hasValue of a node shape)


# --------------------------------------------------------------------------------------------
# the engine


class FastEngine:
    """Validates shapes of one shapes graph against one data graph of a store."""

    name = "fast"

    def __init__(self, data: LoadedData, graph: DataGraph, shapes: ShapesGraph):
        self.data = data
        self.store = data.store
        self.graph = graph
        self.sg = shapes
        self.written = data.written
        self.options = graph.query_options()
        self._vars = itertools.count()
        self._shapes_graph: ox.NamedNode | None = None
        self.node_forms: dict[Any, Any] = {}  # stored literal -> written literal target node
        self._subclasses: dict[Node, list[str]] = {}
        self._qualified_counts: dict[tuple[int, int, int], tuple[Focus, list[Any]]] = {}

    # -- queries --------------------------------------------------------------------------

    def select(self, query: str, options: dict[str, Any] | None = None,
               substitutions: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; the solutions as dicts (variable name -> term, unbound left out)."""
        kwargs = dict(options if options is not None else self.options)
        if substitutions:
            kwargs["substitutions"] = substitutions
        try:
            res = self.store.query(query, **kwargs)
            names = [v.value for v in res.variables]  # type: ignore[union-attr]
            return [{n: t for n, t in zip(names, sol, strict=True) if t is not None}
                    for sol in res]  # type: ignore[union-attr]
        except (SyntaxError, OSError, RuntimeError, ValueError) as err:
            raise Unsupported(f"pyoxigraph cannot run a query: {' '.join(str(err).split())}"
                              ) from None

    def subclasses(self, cls: Node) -> list[str] | None:
        """``cls`` and its subclasses in the data graph as SPARQL terms (None: a blank node
        among them, so they cannot be listed)."""
        hit = self._subclasses.get(cls)
        if hit is None:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c {SUBCLASS}* {term_text(cls)} }}"
            found = [sol["c"] for sol in self.select(q)]
            hit = self._subclasses[cls] = (
                [] if any(type(c) is ox.BlankNode for c in found)
                else sorted({str(c) for c in found} | {term_text(cls)}))
        return hit or None

    def instance_of(self, var: str, cls: Node) -> str:
        """A pattern: ``var`` is a SHACL instance of ``cls`` (rdf:type/rdfs:subClassOf*)."""
        classes = self.subclasses(cls)
        if classes is None:
            return f"{var} {TYPE}/{SUBCLASS}* {term_text(cls)} ."
        t = self.fresh()
        if len(classes) == 1:
            return f"{var} {TYPE} {classes[0]} ."
        return f"VALUES {t} {{ {' '.join(classes)} }} {var} {TYPE} {t} ."

    def fresh(self) -> str:
        """A variable name no user query uses."""
        return f"?_ck{next(self._vars)}"

    def close(self) -> None:
        """Remove the shapes graph copy added for ``$shapesGraph`` queries."""
        if self._shapes_graph is not None:
            self.store.remove_graph(self._shapes_graph)
            self._shapes_graph = None

    # -- entry point ----------------------------------------------------------------------

    def run(self, shape: Shape) -> list[Result]:
        """Every result of a shape with targets (Unsupported when not decided exactly)."""
        focus = self.targets(shape)
        results = self.evaluate(shape, focus)
        out = [self.finish(r) for r in results]
        for r in out:
            r.graph = self.graph.name
        return out

    def targets(self, shape: Shape) -> Focus:
        """The focus nodes of a shape's targets."""
        parts: list[Callable[[str], str]] = []
        literals = False
        def class_target(c: Node) -> Callable[[str], str]:
            return lambda v: self.instance_of(v, c)

        for c in shape.target_classes:
            parts.append(class_target(c))
        nodes = [n for n in shape.target_nodes]
        if nodes:
            literals = self._literal_targets(nodes)
            texts = " ".join(term_text(n) for n in nodes)
            parts.append(lambda v: f"VALUES {v} {{ {texts} }}")

        def subjects_of(p: str) -> Callable[[str], str]:
            return lambda v: f"{v} <{p}> {self.fresh()} ."

        def objects_of(p: str) -> Callable[[str], str]:
            return lambda v: f"{self.fresh()} <{p}> {v} ."

        for p in shape.target_subjects_of:
            parts.append(subjects_of(str(p)))
        for p in shape.target_objects_of:
            literals = literals or str(p) in self.written.predicates
            parts.append(objects_of(str(p)))

        def body(var: str) -> str:
            return " UNION ".join("{ " + part(var) + " }" for part in parts)

        return Focus(body, literals)

    def _literal_targets(self, nodes: list[Node]) -> bool:
        """Remember the written form of literal target nodes the store would canonicalise."""
        written = [to_ox(n) for n in nodes if isinstance(n, Literal) and n.datatype is not None
                   and str(n.datatype) in CANONICALISED]
        changed = False
        for w, stored in zip(written, [stored_forms({w})[w] for w in written], strict=True):
            if stored == w:
                continue
            if self.node_forms.get(stored, w) != w:
                raise Unsupported(f"target nodes {w} and {self.node_forms[stored]} are the "
                                  "same literal in the store")
            self.node_forms[stored] = w
            changed = True
        return changed

    def finish(self, r: Result) -> Result:
        """The focus node as written (literal focus nodes); nested details too."""
        r.focus = self.node_form(r.focus)
        for d in r.details:
            self.finish(d)
        return r

    # -- written forms --------------------------------------------------------------------

    def expand(self, s: Any, path: Path | None, v: Any) -> tuple[Any, ...]:
        """The written forms of value ``v`` reached from ``s`` by ``path``."""
        if type(v) is not ox.Literal or not (self.written.by_value or self.node_forms):
            return (v,)
        if path is not None and path.is_predicate:
            hit = self.written.by_triple.get((s, ox.NamedNode(path.iri), v))
            return hit if hit is not None else (v,)
        if path is not None and not (path.forward_predicates() & self.written.predicates):
            return (v,)
        return (self.node_form(v),)

    def node_form(self, v: Any) -> Any:
        """The written form of a literal used as a node (not reached by a known triple)."""
        if type(v) is not ox.Literal:
            return v
        hit = self.node_forms.get(v)
        if hit is not None:
            return hit
        form = self.written.written_form(v)
        if form is None:
            raise Unsupported(f"the literal {v} is written in several forms and reached "
                              "without a plain predicate")
        return form

    # -- shapes ---------------------------------------------------------------------------

    def evaluate(self, shape: Shape, focus: Focus) -> list[Result]:
        """The results of ``shape`` for the focus nodes (stored terms as focus nodes)."""
        if shape.deactivated:
            return []
        results: list[Result] = []
        checks: list[ValueCheck] = []
        counts: dict[str, Constraint] = {}  # sh:minCount 1 / sh:maxCount 1 of a plain path
        for c in shape.constraints:
            kind = c.component[len(SH):].removesuffix("ConstraintComponent") \
                if c.component.startswith(SH) else "Custom"
            value_check = VALUE_CHECKS.get(kind)
            if kind == "HasValue" and shape.path is not None:
                value_check = None
            if value_check is not None:
                checks.append(value_check(self, c))
            elif kind in ("MinCount", "MaxCount") and shape.path is not None \
                    and c.params[kind[0].lower() + kind[1:]] == 1 \
                    and kind not in counts and not self.merged(shape):
                counts[kind] = c
            else:
                handler = getattr(self, "c_" + kind, None)
                if handler is None:
                    raise Unsupported(f"constraint component {node_name(URIRef(c.component))}")
                results.extend(handler(c, focus))
        if counts and (checks or len(counts) == 2):
            results.extend(self.counts_and_values(shape, focus, counts, checks))
            return results
        for c in counts.values():
            results.extend(self.c_MinCount(c, focus) if "MinCount" in c.component
                           else self.c_MaxCount(c, focus))
        if checks:
            results.extend(self.value_checks(shape, focus, checks))
        return results

    def value_pattern(self, shape: Shape, this: str, v: str) -> str:
        """Pattern binding ``v`` to the value nodes of focus node ``this``."""
        if shape.path is None:
            return f"BIND ({this} AS {v})"
        return f"{this} {path_text(shape.path)} {v} ."

    def values_focus(self, shape: Shape, focus: Focus) -> Focus:
        """The value nodes of ``shape`` for ``focus``, as a focus set."""
        if shape.path is None:
            return focus
        path = shape.path
        literals = focus.literals if path is None else bool(
            path.forward_predicates() & self.written.predicates)

        def body(var: str) -> str:
            o = self.fresh()
            return f"{focus.raw(o)} {o} {path_text(path)} {var} ."

        return Focus(body, literals)

    def pairs(self, shape: Shape, focus: Focus) -> list[tuple[Any, Any]]:
        """Every (focus node, value node) pair, values as stored."""
        q = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus.raw()} "
             f"{self.value_pattern(shape, '?this', '?v')} }}")
        return [(sol["this"], sol["v"]) for sol in self.select(q)]

    def focus_nodes(self, focus: Focus) -> list[Any]:
        """Every focus node."""
        return [sol["this"] for sol in
                self.select(f"SELECT DISTINCT ?this WHERE {{ {focus.raw()} }}")]

    def failing(self, shape: Shape, focus: Focus) -> dict[Any, list[Result]]:
        """The nodes of ``focus`` that do not conform to ``shape``, with their results."""
        out: dict[Any, list[Result]] = {}
        for r in self.evaluate(shape, focus):
            out.setdefault(r.focus, []).append(r)
        return out

    def result(self, c: Constraint, focus: Any, value: Any | None = None,
               path: Path | None = None, details: list[Result] | None = None,
               bindings: dict[str, Any] | None = None, messages: list[Literal] | None = None
               ) -> Result:
        """A result of constraint ``c`` (messages from the shape, or a default)."""
        shape = c.shape
        texts = messages if messages else shape.messages
        if texts:
            params = dict(c.params) if c.custom is not None else {}
            bound = {**params, "this": focus, "value": value, **(bindings or {})}
            msgs = [(_substitute(str(m), bound), m.language) for m in texts]
        else:
            msgs = [(default_message(c, value), None)]
        return Result(focus=focus, shape=shape, component=c.component,
                      path=path if path is not None else shape.path, value=value,
                      messages=msgs, source=c.source, details=details or [])

    # -- value-level constraints ------------------------------------------------------------

    def may_change(self, shape: Shape, focus: Focus) -> bool:
        """Whether value nodes may be literals the store holds in another form."""
        if shape.path is None:
            return focus.literals
        if not self.written.by_value:
            return False
        return bool(shape.path.forward_predicates() & self.written.predicates)

    def value_checks(self, shape: Shape, focus: Focus, checks: list[ValueCheck]
                     ) -> list[Result]:
        """One query for all value-level constraints of a shape; exact checks in Python."""
        may_change = self.may_change(shape, focus)
        changed = may_change and any(k.mode != "none" for k in checks)
        binds = " ".join(f"BIND (COALESCE({k.cond}, true) AS ?c{i})"
                         for i, k in enumerate(checks))
        cond = " || ".join(f"?c{i}" for i in range(len(checks)))
        if changed:
            cond += " || " + CHANGED
        names = " ".join(f"?c{i}" for i in range(len(checks)))
        q = (f"SELECT DISTINCT ?this ?v {names} WHERE {{ {focus.raw()} "
             f"{self.value_pattern(shape, '?this', '?v')} {binds} FILTER ({cond}) }}")
        return self.check_values(shape, checks, self.select(q), may_change)

    def counts_and_values(self, shape: Shape, focus: Focus, counts: dict[str, Constraint],
                          checks: list[ValueCheck]) -> list[Result]:
        """sh:minCount 1, sh:maxCount 1 and the value-level constraints of a property shape in
        one query: a focus node without a value (``?v`` unbound), with a second value (``?w``
        bound), or a value some check flags."""
        assert shape.path is not None
        p = path_text(shape.path)
        may_change = self.may_change(shape, focus)
        changed = may_change and any(k.mode != "none" for k in checks)
        binds = " ".join(f"BIND (IF(BOUND(?v), COALESCE({k.cond}, true), false) AS ?c{i})"
                         for i, k in enumerate(checks))
        conds = [f"?c{i}" for i in range(len(checks))]
        if changed:
            conds.append(f"(BOUND(?v) && COALESCE({CHANGED}, false))")
        if "MinCount" in counts:
            conds.append("!BOUND(?v)")
        second = ""
        if "MaxCount" in counts:
            second = f"OPTIONAL {{ ?this {p} ?w FILTER (!sameTerm(?v, ?w)) }}"
            conds.append("BOUND(?w)")
        names = " ".join(f"?c{i}" for i in range(len(checks)))
        q = (f"SELECT DISTINCT ?this ?v ?w {names} WHERE {{ {focus.raw()} "
             f"OPTIONAL {{ ?this {p} ?v }} {second} {binds} FILTER ({' || '.join(conds)}) }}")
        sols = self.select(q)
        out: list[Result] = []
        for kind, test in (("MinCount", "v"), ("MaxCount", "w")):
            if kind in counts:
                nodes = dict.fromkeys(sol["this"] for sol in sols
                                      if (test in sol) == (kind == "MaxCount"))
                out.extend(self.result(counts[kind], n) for n in nodes)
        if checks:
            pairs = {(sol["this"], sol["v"]): sol for sol in sols if "v" in sol}
            out.extend(self.check_values(shape, checks, list(pairs.values()), may_change))
        return out

    def check_values(self, shape: Shape, checks: list[ValueCheck],
                     sols: list[dict[str, Any]], may_change: bool) -> list[Result]:
        """The results of value checks from solutions binding ``?this``, ``?v`` and the
        verdict ``?c{i}`` of each check (exact checks on written forms in Python)."""
        out: list[Result] = []
        true = "true"
        for sol in sols:
            this, v = sol["this"], sol["v"]
            verdicts = [sol[f"c{i}"].value == true for i in range(len(checks))]
            forms = self.expand(this, shape.path, v) if may_change else (v,)
            for w in forms:
                is_changed = w is not v and w != v
                for k, verdict in zip(checks, verdicts, strict=True):
                    if k.exact is not None and (k.mode == "all" or (is_changed and
                                                                    k.mode == "changed")):
                        verdict = k.exact(w, verdict)
                    if verdict:
                        out.append(self.result(k.constraint, this,
                                               None if k.no_value else w))
        return out

    # -- counts and focus-level constraints -------------------------------------------------

    def merged(self, shape: Shape) -> bool:
        """Whether two written literals of this path may be one stored literal."""
        return shape.path is not None and bool(
            shape.path.forward_predicates() & (self.written.merged or set()))

    def c_MinCount(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._count(c, focus, "minCount", lambda n, k: n < k)

    def c_MaxCount(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._count(c, focus, "maxCount", lambda n, k: n > k)

    def _count(self, c: Constraint, focus: Focus, param: str,
               violates: Callable[[int, int], bool]) -> list[Result]:
        shape, k = c.shape, c.params[param]
        if param == "minCount" and k == 0:
            return []
        p = path_text(shape.path)  # type: ignore[arg-type]
        if self.merged(shape):
            counts = {n: 0 for n in self.focus_nodes(focus)}
            for this, v in self.pairs(shape, focus):
                counts[this] = counts.get(this, 0) + len(self.expand(this, shape.path, v))
            return [self.result(c, n) for n, cnt in counts.items() if violates(cnt, k)]
        if param == "minCount" and k == 1:
            q = (f"SELECT DISTINCT ?this WHERE {{ {focus.raw()} "
                 f"FILTER NOT EXISTS {{ ?this {p} ?v }} }}")
        elif param == "minCount":
            q = (f"SELECT ?this WHERE {{ {focus.raw()} OPTIONAL {{ ?this {p} ?v }} }} "
                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {k})")
        elif k == 0:
            q = f"SELECT DISTINCT ?this WHERE {{ {focus.raw()} ?this {p} ?v }}"
        elif k == 1:  # two distinct values: a self-join is cheaper than grouping
            q = (f"SELECT DISTINCT ?this WHERE {{ {focus.raw()} ?this {p} ?v . "
                 f"?this {p} ?w FILTER (!sameTerm(?v, ?w)) }}")
        else:
            q = (f"SELECT ?this WHERE {{ {focus.raw()} ?this {p} ?v }} "
                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {k})")
        return [self.result(c, sol["this"]) for sol in self.select(q)]

    def c_HasValue(self, c: Constraint, focus: Focus) -> list[Result]:
        shape, hv = c.shape, c.params["hasValue"]
        target = to_ox(hv) if not isinstance(hv, BNode) else None
        if target is None:
            raise Unsupported("sh:hasValue with a blank node")
        canonical = isinstance(hv, Literal) and str(hv.datatype) in CANONICALISED
        if canonical or self.may_change(shape, focus):
            found = set()
            for this, v in self.pairs(shape, focus):
                if target in self.expand(this, shape.path, v):
                    found.add(this)
            return [self.result(c, n) for n in self.focus_nodes(focus) if n not in found]
        q = (f"SELECT ?this WHERE {{ {focus.group()} FILTER NOT EXISTS {{ "
             f"{self.value_pattern(shape, '?this', '?x')} FILTER (sameTerm(?x, {term_text(hv)})) "
             "} }")
        return [self.result(c, sol["this"]) for sol in self.select(q)]

    def c_UniqueLang(self, c: Constraint, focus: Focus) -> list[Result]:
        if not c.params["uniqueLang"]:
            return []
        p = path_text(c.shape.path)  # type: ignore[arg-type]
        q = (f"SELECT ?this ?lang WHERE {{ {focus.raw()} ?this {p} ?a . "
             f'FILTER (isLiteral(?a) && LANG(?a) != "") BIND (LCASE(LANG(?a)) AS ?lang) }} '
             "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?a) > 1)")
        return [self.result(c, sol["this"]) for sol in self.select(q)]

    def _other_risky(self, shape: Shape, focus: Focus, other: str) -> bool:
        return bool(self.written.by_value) and (
            other in self.written.predicates or self.may_change(shape, focus))

    def c_Equals(self, c: Constraint, focus: Focus) -> list[Result]:
        shape, other = c.shape, str(c.params["equals"])
        if self._other_risky(shape, focus, other):
            return self._compare_sets(c, focus, other, equals=True)
        vp = self.value_pattern(shape, "?this", "?v")
        q = (f"SELECT ?this ?v WHERE {{ {{ {focus.group()} {vp} "
             f"FILTER NOT EXISTS {{ ?this <{other}> ?v }} }} UNION {{ {focus.group()} "
             f"?this <{other}> ?v FILTER NOT EXISTS {{ {self.value_pattern(shape, '?this', '?w')}"
             " FILTER (sameTerm(?w, ?v)) } } }")
        return [self.result(c, sol["this"], sol["v"]) for sol in self.select(q)]

    def c_Disjoint(self, c: Constraint, focus: Focus) -> list[Result]:
        shape, other = c.shape, str(c.params["disjoint"])
        if self._other_risky(shape, focus, other):
            return self._compare_sets(c, focus, other, equals=False)
        q = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus.group()} "
             f"{self.value_pattern(shape, '?this', '?v')} ?this <{other}> ?v }}")
        return [self.result(c, sol["this"], sol["v"]) for sol in self.select(q)]

    def _compare_sets(self, c: Constraint, focus: Focus, other: str, equals: bool
                      ) -> list[Result]:
        shape = c.shape
        mine: dict[Any, list[Any]] = {n: [] for n in self.focus_nodes(focus)}
        for this, v in self.pairs(shape, focus):
            mine.setdefault(this, []).extend(self.expand(this, shape.path, v))
        theirs: dict[Any, list[Any]] = {}
        other_path = Path("predicate", iri=other)
        q = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus.group()} ?this <{other}> ?v }}")
        for sol in self.select(q):
            theirs.setdefault(sol["this"], []).extend(self.expand(sol["this"], other_path,
                                                                  sol["v"]))
        out = []
        for this, values in mine.items():
            others = theirs.get(this, [])
            if equals:
                out += [self.result(c, this, v) for v in values if v not in others]
                out += [self.result(c, this, v) for v in others if v not in values]
            else:
                out += [self.result(c, this, v) for v in values if v in others]
        return out

    def c_LessThan(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._less(c, focus, str(c.params["lessThan"]), "<")

    def c_LessThanOrEquals(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._less(c, focus, str(c.params["lessThanOrEquals"]), "<=")

    def _less(self, c: Constraint, focus: Focus, other: str, op: str) -> list[Result]:
        shape = c.shape
        risky = self._other_risky(shape, focus, other) and not (
            shape.path is not None and shape.path.is_predicate
            and self.written.well_formed(shape.path.iri) and self.written.well_formed(other))
        keep = "" if risky else "FILTER (!?ok)"
        q = (f"SELECT DISTINCT ?this ?v ?w ?ok WHERE {{ {focus.raw()} "
             f"{self.value_pattern(shape, '?this', '?v')} ?this <{other}> ?w . "
             f"BIND (COALESCE(?v {op} ?w, false) AS ?ok) {keep} }}")
        out = []
        other_path = Path("predicate", iri=other)
        for sol in self.select(q):
            this, ok = sol["this"], sol["ok"].value == "true"
            forms_v = self.expand(this, shape.path, sol["v"])
            forms_w = self.expand(this, other_path, sol["w"])
            for v in forms_v:
                for w in forms_w:
                    good = ok and _well_formed(v) and _well_formed(w)
                    if not good:
                        out.append(self.result(c, this, v))
        return out

    def c_Closed(self, c: Constraint, focus: Focus) -> list[Result]:
        shape = c.shape
        allowed = ", ".join(f"<{p}>" for p in c.params["allowed"])
        cond = f"FILTER (?p NOT IN ({allowed}))" if allowed else ""
        q = (f"SELECT DISTINCT ?this ?v ?p ?o WHERE {{ {focus.raw()} "
             f"{self.value_pattern(shape, '?this', '?v')} ?v ?p ?o {cond} }}")
        out = []
        seen: set[tuple[Any, ...]] = set()
        for sol in self.select(q):
            key = (sol["this"], sol["v"], sol["p"], sol["o"])
            if key in seen:  # the same triple in several graphs of the union
                continue
            seen.add(key)
            path = Path("predicate", iri=sol["p"].value)
            for o in self.expand(sol["v"], path, sol["o"]):
                out.append(self.result(c, sol["this"], o, path=path))
        return out

    # -- shape-based constraints ----------------------------------------------------------

    def c_Property(self, c: Constraint, focus: Focus) -> list[Result]:
        """The property shape's results for the value nodes, once per (focus, value) pair."""
        results = self.evaluate(c.shapes[0], self.values_focus(c.shape, focus))
        if c.shape.path is None or not results:
            return results
        times = Counter(v for _this, v in self.pairs(c.shape, focus))
        return [r if i == 0 else replace(r) for r in results
                for i in range(times.get(r.focus, 1))]

    def _logical(self, c: Constraint, focus: Focus,
                 violates: Callable[[list[bool]], bool], details: bool = False) -> list[Result]:
        shape = c.shape
        values = self.values_focus(shape, focus)
        failing = [self.failing(s, values) for s in c.shapes]
        out = []
        for this, v in self.pairs(shape, focus):
            fails = [v in f for f in failing]
            if violates(fails):
                detail = [r for f in failing for r in f.get(v, [])] if details else []
                for w in self.expand(this, shape.path, v):
                    out.append(self.result(c, this, w, details=detail))
        return out

    def c_Node(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._logical(c, focus, lambda fails: fails[0], details=True)

    def c_Not(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._logical(c, focus, lambda fails: not fails[0])

    def c_And(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._logical(c, focus, any)

    def c_Or(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._logical(c, focus, lambda fails: bool(fails) and all(fails))

    def c_Xone(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._logical(c, focus, lambda fails: sum(not f for f in fails) != 1)

    def c_QualifiedMinCount(self, c: Constraint, focus: Focus) -> list[Result]:
        k = c.params["qualifiedMinCount"]
        return self._qualified(c, focus, lambda n: n < k)

    def c_QualifiedMaxCount(self, c: Constraint, focus: Focus) -> list[Result]:
        k = c.params["qualifiedMaxCount"]
        return self._qualified(c, focus, lambda n: n > k)

    def _qualified(self, c: Constraint, focus: Focus, violates: Callable[[int], bool]
                   ) -> list[Result]:
        shape, q = c.shape, c.shapes[0]
        disjoint = c.params.get("disjoint")
        k = c.params.get("qualifiedMinCount", c.params.get("qualifiedMaxCount"))
        is_min = "qualifiedMinCount" in c.params
        p = path_text(shape.path)  # type: ignore[arg-type]
        classes = self._class_only(q, shape, focus) if not disjoint else None
        simple = self._simple_conditions(q, shape, focus) if not disjoint else None
        if classes is not None:  # conforming values by a join, not a test per value
            good = f"?this {p} ?v . " + " ".join(self.instance_of("?v", cls) for cls in classes)
        elif simple is not None:
            good = f"?this {p} ?v FILTER (!({simple}))"
        if classes is not None or simple is not None:
            # one query counts for the sh:qualifiedMinCount and -MaxCount of the same shape
            bounds = {sib.component: sib.params for sib in shape.constraints
                      if sib.shapes and sib.shapes[0] is q and "disjoint" in sib.params}
            low = bounds.get(SH + "QualifiedMinCountConstraintComponent", {}).get(
                "qualifiedMinCount")
            high = bounds.get(SH + "QualifiedMaxCountConstraintComponent", {}).get(
                "qualifiedMaxCount")
            key = (id(shape), id(q), id(focus))
            cached = self._qualified_counts.get(key)
            counts = cached[1] if cached is not None and cached[0] is focus else None
            if counts is None and classes is not None and low in (None, 1) \
                    and high in (None, 1):
                # at most one: no conforming value (?v unbound) or a second one (?w bound);
                # cheaper than grouping
                conds = (["!BOUND(?v)"] if low == 1 else []) + (
                    ["BOUND(?w)"] if high == 1 else [])
                second = ("OPTIONAL { ?this " + p + " ?w . "
                          + " ".join(self.instance_of("?w", cls) for cls in classes)
                          + " FILTER (!sameTerm(?v, ?w)) }") if high == 1 else ""
                q_text = (f"SELECT DISTINCT ?this ?w WHERE {{ {focus.raw()} OPTIONAL {{ {good} }} "
                          f"{second} FILTER ({' || '.join(conds)}) }}")
                found: dict[Any, int] = {}
                for sol in self.select(q_text):
                    found[sol["this"]] = max(found.get(sol["this"], 0), 2 if "w" in sol else 0)
                counts = list(found.items())
                self._qualified_counts[key] = (focus, counts)
            if counts is None:
                having = " || ".join(
                    ([f"COUNT(DISTINCT ?v) < {low}"] if low is not None else [])
                    + ([f"COUNT(DISTINCT ?v) > {high}"] if high is not None else []))
                q_text = (f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus.raw()} "
                          f"OPTIONAL {{ {good} }} }} GROUP BY ?this HAVING ({having})")
                counts = [(sol["this"], int(sol["n"].value)) for sol in self.select(q_text)]
                self._qualified_counts[key] = (focus, counts)
            return [self.result(c, this) for this, n in counts
                    if (n < k if is_min else n > k)]
        values = self.values_focus(shape, focus)
        bad = self.failing(q, values)
        siblings = [self.failing(s, values) for s in self._siblings(c)] \
            if c.params.get("disjoint") else []
        conforming = {n: 0 for n in self.focus_nodes(focus)}
        for this, v in self.pairs(shape, focus):
            if v in bad or any(v not in s for s in siblings):
                continue
            conforming[this] = conforming.get(this, 0) + len(self.expand(this, shape.path, v))
        return [self.result(c, n) for n, cnt in conforming.items() if violates(cnt)]

    def _class_only(self, q: Shape, shape: Shape, focus: Focus) -> list[Node] | None:
        """The classes of ``q`` when it has only sh:class constraints (else None)."""
        if q.path is not None or q.deactivated or not q.constraints or self.merged(shape):
            return None
        if any(c.component != SH + "ClassConstraintComponent" for c in q.constraints):
            return None
        return [c.params["class"] for c in q.constraints]

    def _simple_conditions(self, q: Shape, shape: Shape, focus: Focus) -> str | None:
        """A SPARQL condition true when ``?v`` violates node shape ``q``, when ``q`` has only
        value-level constraints decided in SPARQL (else None)."""
        if q.path is not None or q.deactivated or not q.constraints or \
                self.may_change(shape, focus) or self.merged(shape):
            return None
        conds = []
        for c in q.constraints:
            kind = c.component[len(SH):].removesuffix("ConstraintComponent")
            make = VALUE_CHECKS.get(kind) if c.component.startswith(SH) else None
            if make is None:
                return None
            check = make(self, c)
            if check.mode == "all":
                return None
            conds.append(f"COALESCE({check.cond}, true)")
        return " || ".join(conds)

    def _siblings(self, c: Constraint) -> list[Shape]:
        from rdflib.namespace import SH as SHNS

        g, me, own = self.sg.graph, c.shape.node, c.shapes[0].node
        out: dict[Node, Shape] = {}
        for parent in g.subjects(SHNS.property, me):
            for prop in g.objects(parent, SHNS.property):
                for q in g.objects(prop, SHNS.qualifiedValueShape):
                    if q != own:
                        out[q] = self.sg.shape(q)
        return list(out.values())

    # -- SHACL-SPARQL ---------------------------------------------------------------------

    def constants(self, c: Constraint, query: SparqlQuery) -> dict[str, str]:
        """Pre-bound constants the query mentions: $currentShape, $shapesGraph, parameters."""
        row: dict[str, str] = {}
        if mentions(query.text, "currentShape"):
            row["currentShape"] = term_text(c.shape.node)
        if mentions(query.text, "shapesGraph"):
            row["shapesGraph"] = f"<{self.shapes_graph_iri()}>"
        for name, value in c.params.items():
            if c.custom is not None and mentions(query.text, name):
                row[name] = term_text(value)
        return row

    def shapes_graph_iri(self) -> str:
        """A copy of the shapes graph as a named graph of the store (for ``$shapesGraph``)."""
        if self._shapes_graph is None:
            name = ox.NamedNode(SHAPES_GRAPH)
            self.store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name)
                                   for s, p, o in self.sg.graph)
            self._shapes_graph = name
        return SHAPES_GRAPH

    def query_options(self, text: str) -> dict[str, Any]:
        """The data graph as default graph; the shapes graph only reachable by name."""
        if self._shapes_graph is None or self.graph.graphs is not None:
            return self.options
        graphs = [g for g in self.store.named_graphs() if g != self._shapes_graph]
        return {"default_graph": [ox.DefaultGraph(), *graphs]}

    def c_SPARQL(self, c: Constraint, focus: Focus) -> list[Result]:
        return self._select(c, focus, c.query)  # type: ignore[arg-type]

    def c_Custom(self, c: Constraint, focus: Focus) -> list[Result]:
        query = c.query
        assert query is not None
        if query.form == "ask":
            return self._ask(c, focus, query)
        return self._select(c, focus, query)

    def _where(self, c: Constraint, query: SparqlQuery) -> str:
        return sparql_where(self.sg, c, query)

    def _prebound(self, c: Constraint, ask: bool) -> tuple[set[str], set[str]]:
        params = set(c.params) if c.custom is not None else set()
        prebound = {"this", "currentShape", "shapesGraph", *params} | ({"value"} if ask else set())
        return prebound, prebound - OPTIONAL_PREBOUND

    def _prepare(self, c: Constraint, query: SparqlQuery, ask: bool
                 ) -> tuple[str, str, Any, dict[str, str], list[Any]]:
        """(where, text with $PATH substituted, plan, constant values, messages) of a
        SPARQL-based constraint; the plan rejects what the spec forbids."""
        where = self._where(c, query)
        prebound, required = self._prebound(c, ask=ask)
        text = query.text
        if c.shape.path is not None:
            text = substitute_path(text, path_text(c.shape.path))
        the_plan = plan(text, prebound, required, where)
        messages = query.messages or (c.custom.messages if c.custom else [])
        return where, text, the_plan, self.constants(c, query), messages

    def _select(self, c: Constraint, focus: Focus, query: SparqlQuery) -> list[Result]:
        shape = c.shape
        where, text, the_plan, row, messages = self._prepare(c, query, ask=False)
        options = self.query_options(text)
        if query.fast_text is not None:
            fast = query.fast_text
            if shape.path is not None:
                fast = substitute_path(fast, path_text(shape.path))
            solutions = self.select(join_focus(insert_values(fast, row), focus.group(), []),
                                    options)
        elif the_plan.batch:
            solutions = self.select(join_focus(insert_values(text, row), focus.group(),
                                               the_plan.projected), options)
        else:
            solutions = []
            for node in self.focus_nodes(focus):
                solutions.extend(self._per_node(text, {**row}, node, options))
        # identical solutions give one result, as in pyshacl (and pyoxigraph's union default
        # graph repeats a triple once per graph that holds it: the union is a set for SHACL)
        solutions = _distinct(solutions)
        out = []
        for sol in solutions:
            bindings = sol
            failure = bindings.get("failure")
            if isinstance(failure, ox.Literal) and failure.value == "true":
                raise ShapeError(f"{where}: the query reported a failure (?failure true)")
            this = bindings.get("this")
            if this is None:
                continue
            path = shape.path
            bound_path = bindings.get("path")
            if isinstance(bound_path, ox.NamedNode):
                path = Path("predicate", iri=bound_path.value)
            value = bindings.get("value")
            if value is None:
                value = this if shape.path is None else None
            if "value" in bindings:
                value = (self.expand(this, path, value)[0] if path is not None
                         and path.is_predicate else self.node_form(value))
            out.append(self.result(c, this, value, path=path, bindings=bindings,
                                   messages=messages))
        return out

    def _per_node(self, text: str, row: dict[str, str], node: Any,
                  options: dict[str, Any]) -> list[Any]:
        """Run the query with ``$this`` pre-bound to one node (values insertion)."""
        if isinstance(node, ox.BlankNode):
            texts = insert_values(text, row)
            query = join_focus(texts, "", ["this"]) if "this" not in row else texts
            return self.select(query, options, {ox.Variable("this"): node})
        row["this"] = str(node)
        sols = self.select(insert_values(text, row), options)
        return [{"this": node, **s} for s in sols]

    def _ask(self, c: Constraint, focus: Focus, query: SparqlQuery) -> list[Result]:
        shape = c.shape
        _, text, _, row, messages = self._prepare(c, query, ask=True)
        out = []
        options = self.query_options(text)
        for this, v in self.pairs(shape, focus):
            if isinstance(this, ox.BlankNode) or isinstance(v, ox.BlankNode):
                subst = {ox.Variable("this"): this, ox.Variable("value"): v}
                ask_text = insert_values(text, row)
                conforms = bool(self.store.query(ask_text, substitutions=subst, **options))
            else:
                values_row = {**row, "this": str(this), "value": str(v)}
                conforms = bool(self.store.query(insert_values(text, values_row), **options))
            if not conforms:
                for w in self.expand(this, shape.path, v):
                    out.append(self.result(c, this, w, messages=messages,
                                           ))
        return out


def _distinct(solutions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[frozenset[tuple[str, Any]]] = set()
    out = []
    for sol in solutions:
        key = frozenset(sol.items())
        if key not in seen:
            seen.add(key)
            out.append(sol)
    return out


def _well_formed(term: Any) -> bool:
    if type(term) is not ox.Literal or term.language:
        return True
    return is_well_formed(term.value, term.datatype.value)


def _substitute(message: str, bound: dict[str, Any]) -> str:
    import re

    def repl(m: re.Match[str]) -> str:
        value = bound.get(m.group(1))
        if value is None:
            return m.group(0)
        if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
            return value.value
        return str(value)

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", repl, message)


def _n3(value: Any) -> str:
    return value.n3() if hasattr(value, "n3") else str(value)


def default_message(c: Constraint, value: Any) -> str:
    """A message for a result of a shape without ``sh:message``."""
    kind = c.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    params = ", ".join(f"sh:{k} {_n3(v)}" for k, v in c.params.items()
                       if k not in ("allowed", "disjoint", "flags"))
    return f"{kind} constraint not met" + (f" ({params})" if params else "")


# --------------------------------------------------------------------------------------------
# value checks


def _class(engine: FastEngine, c: Constraint) -> ValueCheck:
    return ValueCheck(c, f"NOT EXISTS {{ {engine.instance_of('?v', c.params['class'])} }}")


def _datatype(engine: FastEngine, c: Constraint) -> ValueCheck:
    dt = str(c.params["datatype"])

    def exact(w: Any, _stored: bool) -> bool:
        if type(w) is not ox.Literal:
            return True
        if dt == RDF_LANG_STRING:
            return not w.language
        if w.language or w.datatype.value != dt:
            return True
        return not is_well_formed(w.value, dt)

    base = f"!isLiteral(?v) || DATATYPE(?v) != <{dt}>"
    path = c.shape.path
    stored = STORED_AS.get(dt, dt)
    if dt in CANONICALISED and path is not None and path.is_predicate and \
            engine.written.all_written_as(path.iri, dt, stored):
        # every literal stored as `stored` was written as a well-formed `dt`: only the others
        # violate, whatever their written form
        return ValueCheck(c, f"!isLiteral(?v) || DATATYPE(?v) != <{stored}>")
    if dt == RDF_LANG_STRING:
        return ValueCheck(c, '!isLiteral(?v) || LANG(?v) = ""')
    if dt in (XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"):
        return ValueCheck(c, base + " || !isNumeric(?v)", "changed", exact)
    if dt == XSD + "boolean":
        return ValueCheck(c, base + " || !(sameTerm(?v, true) || sameTerm(?v, false))",
                          "changed", exact)
    if dt in CANONICALISED or (known(dt) and dt != XSD + "string") or dt in INTEGER_TYPES:
        return ValueCheck(c, "true", "all", exact)
    return ValueCheck(c, base, "changed", exact)


def _node_kind(engine: FastEngine, c: Constraint) -> ValueCheck:
    kind = str(c.params["nodeKind"]).rsplit("#", 1)[-1]
    cond = {"IRI": "!isIRI(?v)", "Literal": "!isLiteral(?v)", "BlankNode": "!isBlank(?v)",
            "IRIOrLiteral": "isBlank(?v)", "BlankNodeOrIRI": "isLiteral(?v)",
            "BlankNodeOrLiteral": "isIRI(?v)"}[kind]
    return ValueCheck(c, cond)


def _text(w: Any) -> str | None:
    return None if type(w) is ox.BlankNode else w.value


def _pattern(engine: FastEngine, c: Constraint) -> ValueCheck:
    pat, flags = c.params["pattern"], c.params["flags"]
    test = python_regex(pat, flags)
    fl = f", {_string(flags)}" if flags else ""

    def exact(w: Any, _stored: bool) -> bool:
        text = _text(w)
        return text is None or not test(text)

    return ValueCheck(c, f"isBlank(?v) || !REGEX(STR(?v), {_string(pat)}{fl})", "changed", exact)


def _length(op: str, param: str) -> Callable[[FastEngine, Constraint], ValueCheck]:
    def make(engine: FastEngine, c: Constraint) -> ValueCheck:
        n = c.params[param]

        def exact(w: Any, _stored: bool) -> bool:
            text = _text(w)
            return text is None or (len(text) < n if op == "<" else len(text) > n)

        return ValueCheck(c, f"isBlank(?v) || STRLEN(STR(?v)) {op} {n}", "changed", exact)

    return make


def _range(op: str, param: str) -> Callable[[FastEngine, Constraint], ValueCheck]:
    def make(engine: FastEngine, c: Constraint) -> ValueCheck:
        bound = c.params[param]

        def exact(w: Any, stored: bool) -> bool:
            return stored or not _well_formed(w)

        cond = f"!COALESCE(?v {op} {term_text(bound)}, false)"
        path = c.shape.path
        if path is not None and path.is_predicate and engine.written.complete and \
                engine.written.well_formed(path.iri):
            # every literal of the predicate the store changed was well-formed: its stored
            # value is its value, the comparison of the stored form decides
            return ValueCheck(c, cond)
        return ValueCheck(c, cond, "changed", exact)

    return make


def _language_in(engine: FastEngine, c: Constraint) -> ValueCheck:
    tests = " || ".join(f"LANGMATCHES(LANG(?v), {_string(str(lang))})"
                        for lang in c.params["languageIn"]) or "false"
    return ValueCheck(c, f"!isLiteral(?v) || !({tests})")


def _in(engine: FastEngine, c: Constraint) -> ValueCheck:
    members = c.params["in"] if "in" in c.params else [c.params["hasValue"]]
    if any(isinstance(m, BNode) for m in members):
        raise Unsupported("sh:in or sh:hasValue with a blank node")
    terms = {to_ox(m) for m in members}

    def exact(w: Any, _stored: bool) -> bool:
        return w not in terms

    canonical = any(isinstance(m, Literal) and str(m.datatype) in CANONICALISED
                    for m in members)
    no_value = "hasValue" in c.params
    if canonical:
        return ValueCheck(c, "true", "all", exact, no_value)
    cond = " || ".join(f"sameTerm(?v, {term_text(m)})" for m in members) or "false"
    return ValueCheck(c, f"!({cond})", "changed", exact, no_value)


def _string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


VALUE_CHECKS: dict[str, Callable[[FastEngine, Constraint], ValueCheck]] = {
    "Class": _class,
    "Datatype": _datatype,
    "NodeKind": _node_kind,
    "Pattern": _pattern,
    "MinLength": _length("<", "minLength"),
    "MaxLength": _length(">", "maxLength"),
    "MinInclusive": _range(">=", "minInclusive"),
    "MaxInclusive": _range("<=", "maxInclusive"),
    "MinExclusive": _range(">", "minExclusive"),
    "MaxExclusive": _range("<", "maxExclusive"),
    "LanguageIn": _language_in,
    "In": _in,
    "HasValue": _in,
}
