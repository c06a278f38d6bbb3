"""The fast engine: SHACL shapes compiled to SPARQL queries, run on pyoxigraph.

Each constraint of each shape becomes one SELECT query that returns exactly the violating
(focus node, value) pairs for *all* focus nodes at once, instead of pyshacl's one evaluation (and
one SPARQL parse) per focus node. Supported: targets (class, node, subjectsOf, objectsOf),
property paths (predicate, inverse, sequence, alternative, *, +, ?), and the core components
minCount, maxCount, class, datatype, nodeKind, pattern, minLength, maxLength, in, hasValue,
min/maxInclusive, min/maxExclusive, languageIn, uniqueLang, lessThan(OrEquals), equals,
qualifiedValueShape (one class/datatype/languageIn/nodeKind constraint inside), and SPARQL-based
constraints (sh:sparql, the focus node joined in instead of pre-bound). A shapes graph using
anything else (sh:node, sh:or, sh:closed, ...) is validated by the reference engine (pyshacl),
so results are always complete.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.namespace import CKSH
from kg.terms import memoised_to_rdflib
from kg.validate import INTEGER_FAMILY, LoadedData, ResultRow
from kg.validation.reference import path_text, shape_label
from kg.validation.terms import node_text, value_text

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"

# lexical forms of the datatypes the shapes use (rdflib flags other forms as ill-typed)
LEXICAL = {
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "nonNegativeInteger": r"^(\+?[0-9]+|-0+)$",
    XSD + "positiveInteger": r"^\+?0*[1-9][0-9]*$",
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "boolean": r"^(true|false|0|1)$",
}

SUPPORTED = {
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.hasValue,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.languageIn,
    SH.uniqueLang,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.equals,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.sparql,
}
IGNORED = {
    RDF.type,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
    SH.defaultValue,
}


FAST_SELECT = CKSH.fastSelect


class Unsupported(Exception):
    """The shapes graph uses a feature the compiler does not handle."""


@dataclass
class Check:
    """One compiled constraint: a query and how to turn its solutions into results."""

    shape: Node
    component: str
    query: str
    path: Node | None  # the shape's sh:path (property shapes)
    value_is_focus: bool  # node shapes: sh:value is the focus node
    sparql_messages: list[str] | None = None  # SPARQL constraint messages (with {?var})
    python_filter: Callable[[Node | None], bool] | None = None  # exact test on the values
    raw_ok: Callable[[LoadedData, Any, Any], bool] | None = None  # cheap pre-test: conforms
    count_violates: Callable[[int], bool] | None = None  # the query returns ?c per focus node


def run_fast(data: LoadedData, default_graph: list[Any] | None, shapes: Graph) -> list[ResultRow]:
    """Validate one data graph of the store (None = union of all graphs) with the shapes."""
    try:
        checks = _compiled(shapes)
    except Unsupported:
        from kg.validation.reference import run_pyshacl

        return run_pyshacl(data, default_graph, shapes)
    store = data.store
    kwargs: dict[str, Any] = (
        {"use_default_graph_as_union": True}
        if default_graph is None
        else {"default_graph": default_graph}
    )
    rows: list[ResultRow] = []
    rd = memoised_to_rdflib()

    labels: dict[Node, str] = {}
    shared: dict[str, tuple[list[str], list[Any]]] = {}
    for check in checks:
        severity = _severity(shapes, check.shape)
        label = labels.get(check.shape)
        if label is None:
            label = labels[check.shape] = shape_label(shapes, check.shape)
        shape_messages = [
            str(m)
            for m in shapes.objects(check.shape, SH.message)
            if isinstance(m, Literal) and m.language in (None, "en")
        ]
        shape_id = str(check.shape) if isinstance(check.shape, URIRef) else f"_:{check.shape}"
        seen: set[tuple[Any, ...]] = set()
        cached = shared.get(check.query)
        if cached is None:
            solutions = store.query(check.query, **kwargs)
            names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
            sols: Any = solutions
            if check.count_violates is not None:  # shared by min and max: keep the rows
                sols = list(solutions)  # type: ignore[arg-type]
                shared[check.query] = (names, sols)
        else:
            names, sols = cached
        fast_ok = check.raw_ok
        for sol in sols:
            if fast_ok is not None and fast_ok(data, sol["this"], sol["v"]):
                continue
            if check.count_violates is not None and not check.count_violates(int(sol["c"].value)):
                continue
            focus = rd(sol["this"])
            value: Node | None = None
            path = check.path
            extra: dict[str, Node] = {}
            if check.sparql_messages is not None:
                for name in names:
                    term = sol[name]
                    if term is not None and name not in ("this", "path", "value"):
                        extra[name] = rd(term)
                if "value" in names and sol["value"] is not None:
                    value = rd(sol["value"])
                if "path" in names and sol["path"] is not None:
                    path = rd(sol["path"])
            elif "v" in names and sol["v"] is not None:
                value = rd(sol["v"])
            if value is None and check.value_is_focus:
                value = focus
            candidates: list[Node | None] = [value]
            raw_v = sol["v"] if "v" in names else (sol["value"] if "value" in names else None)
            if isinstance(raw_v, ox.Literal) and (data.originals or data.by_subject):
                if isinstance(path, URIRef):
                    originals = data.originals.get((sol["this"], ox.NamedNode(str(path)), raw_v))
                else:
                    originals = data.by_subject.get((sol["this"], raw_v))
                    originals = originals if originals and len(originals) == 1 else None
                if originals:
                    candidates = [rd(o) for o in originals]
            if check.python_filter is not None:
                candidates = [c for c in candidates if check.python_filter(c)]
            for value in candidates:
                key = (focus, path, value, tuple(sorted(extra.items())))
                if key in seen:
                    continue
                seen.add(key)
                rows.append(
                    _row(
                        shapes,
                        check,
                        severity,
                        shape_id,
                        label,
                        focus,
                        path,
                        value,
                        extra,
                        shape_messages,
                    )
                )
    return rows


def _row(
    shapes: Graph,
    check: Check,
    severity: str,
    shape_id: str,
    label: str,
    focus: Node,
    path: Node | None,
    value: Node | None,
    extra: dict[str, Node],
    shape_messages: list[str],
) -> ResultRow:
    if check.sparql_messages is not None:
        bound = {
            "this": focus,
            **({"path": path} if path is not None else {}),
            **({"value": value} if value is not None else {}),
            **extra,
        }
        texts = [_substitute(m, bound) for m in (check.sparql_messages or shape_messages)]
    else:
        texts = shape_messages
    if value is None:
        value_str = None
    else:
        value_str = f"_:{value}" if isinstance(value, BNode) else value_text(value)
    return ResultRow(
        severity=severity,
        shape=shape_id,
        shape_label=label,
        focus=node_text(focus),
        focus_label=None,
        path=_path_str(shapes, path),
        value=value_str,
        message=texts[0] if texts else "",
        component=check.component,
    )


def _path_str(shapes: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    return path_text(shapes, path)


def _substitute(msg: str, bound: dict[str, Node]) -> str:
    for var, val in bound.items():
        msg = re.sub("{[?$]" + re.escape(var) + "}", str(val).replace("\\", "\\\\"), msg)
    return msg


def _severity(shapes: Graph, shape: Node) -> str:
    sev = shapes.value(shape, SH.severity)
    return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"


# --------------------------------------------------------------------------------------------
# compiler


_CACHE: dict[int, tuple[Graph, list[Check]]] = {}


def _compiled(shapes: Graph) -> list[Check]:
    """Compile once per shapes graph (the same graph checks every article graph)."""
    hit = _CACHE.get(id(shapes))
    if hit is None or hit[0] is not shapes:
        if len(_CACHE) > 16:
            _CACHE.clear()
        hit = _CACHE[id(shapes)] = (shapes, compile_shapes(shapes))
    return hit[1]


def compile_shapes(shapes: Graph) -> list[Check]:
    """Compile every active shape with targets (and its property shapes) to checks."""
    checks: list[Check] = []
    node_shapes: set[Node] = set()
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        node_shapes.update(shapes.subjects(pred, None))
    for shape in sorted(node_shapes, key=str):
        if _deactivated(shapes, shape):
            continue
        target = _targets(shapes, shape)
        if shapes.value(shape, SH.path) is not None:
            checks.extend(_compile(shapes, shape, target, shapes.value(shape, SH.path)))
        else:
            checks.extend(_compile(shapes, shape, target, None))
        for prop in shapes.objects(shape, SH.property):
            if _deactivated(shapes, prop):
                continue
            path = shapes.value(prop, SH.path)
            if path is None:
                raise Unsupported(f"property shape {prop} without sh:path")
            checks.extend(_compile(shapes, prop, target, path))
    return checks


def _deactivated(shapes: Graph, shape: Node) -> bool:
    value = shapes.value(shape, SH.deactivated)
    return isinstance(value, Literal) and value.value is True


def _targets(shapes: Graph, shape: Node) -> str:
    parts = []
    for c in shapes.objects(shape, SH.targetClass):
        parts.append(f"?this {TYPE}/{RDFS_SUBCLASS}* {_n(c)} .")
    for n in shapes.objects(shape, SH.targetNode):
        parts.append(f"BIND ({_n(n)} AS ?this)")
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_n(p)} ?_ts .")
    for p in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"?_to {_n(p)} ?this .")
    return " UNION ".join("{ " + p + " }" for p in parts)


def _n(term: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = _str(str(term))
        if term.language:
            return f"{lex}@{term.language}"
        if term.datatype:
            return f"{lex}^^<{term.datatype}>"
        return lex
    raise Unsupported(f"blank node {term} in a constraint")


def _str(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        + '"'
    )


def _path(shapes: Graph, path: Node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    inv = shapes.value(path, SH.inversePath)
    if inv is not None:
        return f"^({_path(shapes, inv)})"
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path(shapes, p) for p in shapes.items(alt)) + ")"
    for pred, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, pred)
        if inner is not None:
            return f"({_path(shapes, inner)}){op}"
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, p) for p in shapes.items(path)) + ")"
    raise Unsupported(f"path {path}")


def _compile(shapes: Graph, shape: Node, target: str, path: Node | None) -> list[Check]:
    preds = set(shapes.predicates(shape, None))
    unknown = preds - SUPPORTED - IGNORED
    if unknown:
        raise Unsupported(f"{shape}: {sorted(map(str, unknown))}")
    checks: list[Check] = []
    focus = "{ SELECT DISTINCT ?this WHERE { " + target + " } }"  # every focus node once
    if path is not None:
        p = _path(shapes, path)
        values = f"?this {p} ?v . {{ {target} }}"  # values first: targets joined per value
    else:
        p = ""
        values = f"{focus} BIND (?this AS ?v)"
    node_shape = path is None

    def add(component: str, query: str) -> None:
        checks.append(Check(shape, "sh:" + component, query, path, node_shape))

    def violating(cond: str) -> str:
        return f"SELECT DISTINCT ?this ?v WHERE {{ {values} FILTER ({cond}) }}"

    def value(pred: Node) -> Node | None:
        return shapes.value(shape, pred)

    if (n := value(SH.minCount)) is not None and path is not None:
        k = int(str(n))
        if k == 1:
            add(
                "MinCountConstraintComponent",
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?v }} }}",
            )
        elif k > 1:
            add(
                "MinCountConstraintComponent",
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?c) "
                f"WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} GROUP BY ?this }} "
                f"FILTER (?c < {k}) }}",
            )
    if (n := value(SH.maxCount)) is not None and path is not None:
        add(
            "MaxCountConstraintComponent",
            f"SELECT DISTINCT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {p} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(str(n))}) }} {{ {target} }} }}",
        )
    for c in shapes.objects(shape, SH["class"]):
        add(
            "ClassConstraintComponent",
            f"SELECT DISTINCT ?this ?v WHERE {{ {values} "
            f"FILTER NOT EXISTS {{ ?v {TYPE}/{RDFS_SUBCLASS}* {_n(c)} }} }}",
        )
    if (dt := value(SH.datatype)) is not None:
        if str(dt) in INTEGER_FAMILY and not isinstance(path, URIRef | None):
            raise Unsupported("integer datatype on a complex path")
        checks.append(
            Check(
                shape,
                "sh:DatatypeConstraintComponent",
                violating(_not_datatype_superset(str(dt))),
                path,
                node_shape,
                python_filter=_datatype_violation(URIRef(str(dt))),
                raw_ok=_integer_ok(str(dt), path),
            )
        )
    if (kind := value(SH.nodeKind)) is not None:
        cond = {
            SH.IRI: "!isIRI(?v)",
            SH.Literal: "!isLiteral(?v)",
            SH.BlankNode: "!isBlank(?v)",
            SH.IRIOrLiteral: "isBlank(?v)",
            SH.BlankNodeOrIRI: "isLiteral(?v)",
            SH.BlankNodeOrLiteral: "isIRI(?v)",
        }[kind]  # type: ignore[index]
        add("NodeKindConstraintComponent", violating(cond))
    for pat in shapes.objects(shape, SH.pattern):
        flags = value(SH.flags)
        fl = f", {_str(str(flags))}" if flags is not None else ""
        add(
            "PatternConstraintComponent",
            violating(f"isBlank(?v) || !REGEX(STR(?v), {_str(str(pat))}{fl})"),
        )
    if (n := value(SH.minLength)) is not None:
        k = int(str(n))
        add("MinLengthConstraintComponent", violating(f"isBlank(?v) || STRLEN(STR(?v)) < {k}"))
    if (n := value(SH.maxLength)) is not None:
        k = int(str(n))
        add("MaxLengthConstraintComponent", violating(f"isBlank(?v) || STRLEN(STR(?v)) > {k}"))
    if (lst := value(SH["in"])) is not None:
        members = list(shapes.items(lst))
        cond = " || ".join(f"sameTerm(?v, {_n(m)})" for m in members) or "false"
        add("InConstraintComponent", violating(f"!({cond})"))
    for hv in shapes.objects(shape, SH.hasValue):
        if path is None:
            add(
                "HasValueConstraintComponent",
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER (!sameTerm(?this, {_n(hv)})) }}",
            )
        else:
            add(
                "HasValueConstraintComponent",
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} ?x . "
                f"FILTER (sameTerm(?x, {_n(hv)})) }} }}",
            )
    for pred, op, comp in (
        (SH.minInclusive, ">=", "MinInclusive"),
        (SH.maxInclusive, "<=", "MaxInclusive"),
        (SH.minExclusive, ">", "MinExclusive"),
        (SH.maxExclusive, "<", "MaxExclusive"),
    ):
        if (bound := value(pred)) is not None:
            add(f"{comp}ConstraintComponent", violating(f"!COALESCE(?v {op} {_n(bound)}, false)"))
    if (lst := value(SH.languageIn)) is not None:
        add("LanguageInConstraintComponent", violating(_not_lang(list(shapes.items(lst)))))
    u = value(SH.uniqueLang)
    if isinstance(u, Literal) and path is not None and u.toPython() is True:
        add(
            "UniqueLangConstraintComponent",
            f"SELECT DISTINCT ?this ?lang WHERE {{ ?this {p} ?a . ?this {p} ?b . {{ {target} }} "
            f'FILTER (isLiteral(?a) && isLiteral(?b) && !sameTerm(?a, ?b) && LANG(?a) != "" '
            f"&& LCASE(LANG(?a)) = LCASE(LANG(?b))) BIND (LCASE(LANG(?a)) AS ?lang) }}",
        )
    for pred, op, comp in (
        (SH.lessThan, "<", "LessThan"),
        (SH.lessThanOrEquals, "<=", "LessThanOrEquals"),
    ):
        for other in shapes.objects(shape, pred):
            add(
                f"{comp}ConstraintComponent",
                f"SELECT DISTINCT ?this ?v WHERE {{ {values} ?this {_n(other)} ?w . "
                f"FILTER (!COALESCE(?v {op} ?w, false)) }}",
            )
    for other in shapes.objects(shape, SH.equals):
        add(
            "EqualsConstraintComponent",
            f"SELECT DISTINCT ?this ?v WHERE {{ {{ {values} "
            f"FILTER NOT EXISTS {{ ?this {_n(other)} ?v }} }} "
            f"UNION {{ {focus} ?this {_n(other)} ?v . "
            f"FILTER NOT EXISTS {{ ?this {p or '<urn:x-none>'} ?v }} }} }}",
        )
    if (q := value(SH.qualifiedValueShape)) is not None and path is not None:
        checks.extend(_qualified(shapes, shape, q, focus, p, path))
    for constraint in shapes.objects(shape, SH.sparql):
        checks.append(_sparql(shapes, shape, constraint, focus, path))
    return checks


def _not_datatype_superset(dt: str) -> str:
    """A SPARQL filter true for (at least) every value violating sh:datatype ``dt``."""
    if dt in INTEGER_FAMILY:  # stored as xsd:integer: decided in Python from the originals
        return f"!isLiteral(?v) || DATATYPE(?v) != <{dt}> || true"
    return _not_datatype(dt)


def _integer_ok(dt: str, path: Node | None) -> Callable[[LoadedData, Any, Any], bool] | None:
    """For integer datatypes: a cheap test on the stored terms that a value conforms."""
    if dt not in INTEGER_FAMILY or not isinstance(path, URIRef):
        return None
    predicate = ox.NamedNode(str(path))
    pattern = re.compile(LEXICAL.get(dt, r"^[+-]?[0-9]+$"))

    def ok(data: LoadedData, this: Any, v: Any) -> bool:
        if not isinstance(v, ox.Literal):
            return False
        originals = data.originals.get((this, predicate, v))
        if originals is None:
            return dt == XSD + "integer" and v.datatype.value == dt
        return all(o.datatype.value == dt and pattern.match(o.value) for o in originals)

    return ok


def _datatype_violation(dt: URIRef) -> Callable[[Node | None], bool]:
    """The exact sh:datatype test, as pyshacl does it (rdflib's ill-typed literals fail)."""
    xsd_string = URIRef(XSD + "string")
    lang_string = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")

    def violates(v: Node | None) -> bool:
        if not isinstance(v, Literal):
            return True
        if dt == lang_string:
            return not v.language
        if v.language:
            return True
        datatype = v.datatype or xsd_string
        if datatype != dt:
            return True
        return bool(getattr(v, "ill_typed", False))

    return violates


def _not_datatype(dt: str) -> str:
    if dt == "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString":
        return '!isLiteral(?v) || LANG(?v) = ""'
    cond = f"!isLiteral(?v) || DATATYPE(?v) != <{dt}>"
    if dt in LEXICAL:
        cond += f" || !REGEX(STR(?v), {_str(LEXICAL[dt])})"
    return cond


def _not_lang(langs: list[Node]) -> str:
    tests = " || ".join(f"LANGMATCHES(LANG(?v), {_str(str(lang))})" for lang in langs) or "false"
    return f"!isLiteral(?v) || !({tests})"


def _qualified(shapes: Graph, shape: Node, q: Node, target: str, p: str, path: Node) -> list[Check]:
    inner = set(shapes.predicates(q, None)) - {RDF.type}
    conds = []
    for pred in inner:
        obj = shapes.value(q, pred)
        if pred == SH["class"]:
            conds.append(f"EXISTS {{ ?v {TYPE}/{RDFS_SUBCLASS}* {_n(obj)} }}")  # type: ignore[arg-type]
        elif pred == SH.languageIn:
            conds.append(f"!({_not_lang(list(shapes.items(obj)))})")  # type: ignore[arg-type]
        elif pred == SH.datatype:
            conds.append(f"!({_not_datatype(str(obj))})")
        else:
            raise Unsupported(f"qualifiedValueShape with {pred}")
    if shapes.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
        raise Unsupported("qualifiedValueShapesDisjoint")
    ok = " && ".join(conds) or "true"
    # one query counts the conforming values of every focus node; min and max share it
    count = (
        f"SELECT ?this (COUNT(DISTINCT ?q) AS ?c) WHERE {{ {target} "
        f"OPTIONAL {{ ?this {p} ?v . FILTER ({ok}) BIND (?v AS ?q) }} }} GROUP BY ?this"
    )
    out = []
    if (n := shapes.value(shape, SH.qualifiedMinCount)) is not None:
        k = int(str(n))
        out.append(
            Check(
                shape,
                "sh:QualifiedMinCountConstraintComponent",
                count,
                path,
                False,
                count_violates=partial(operator.gt, k),  # k > c
            )
        )
    if (n := shapes.value(shape, SH.qualifiedMaxCount)) is not None:
        k = int(str(n))
        out.append(
            Check(
                shape,
                "sh:QualifiedMaxCountConstraintComponent",
                count,
                path,
                False,
                count_violates=partial(operator.lt, k),  # k < c
            )
        )
    return out


_THIS = re.compile(r"\$this\b")


def _sparql(shapes: Graph, shape: Node, constraint: Node, target: str, path: Node | None) -> Check:
    """A SPARQL-based constraint: the focus nodes are joined in as the first group element."""
    if _deactivated(shapes, constraint):
        return Check(
            shape,
            "sh:SPARQLConstraintComponent",
            "SELECT ?this WHERE { FILTER (false) }",
            path,
            path is None,
            [],
        )
    select = shapes.value(constraint, FAST_SELECT) or shapes.value(constraint, SH.select)
    if select is None:
        raise Unsupported("SPARQL constraint without sh:select")
    text = _THIS.sub("?this", str(select))
    if path is not None:
        text = re.sub(r"\$PATH\b", _path(shapes, path), text)
    m = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if m is None:
        raise Unsupported("SPARQL constraint without WHERE {")
    text = text[: m.end()] + " " + target + " " + text[m.end() :]  # target: the focus nodes
    prefixes = []
    for pnode in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(pnode, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            prefixes.append(f"PREFIX {prefix}: <{namespace}>")
    messages = [
        str(m)
        for m in shapes.objects(constraint, SH.message)
        if isinstance(m, Literal) and m.language in (None, "en")
    ]
    shape_msgs = [
        str(m)
        for m in shapes.objects(shape, SH.message)
        if isinstance(m, Literal) and m.language in (None, "en")
    ]
    return Check(
        shape,
        "sh:SPARQLConstraintComponent",
        "\n".join([*sorted(set(prefixes)), text]),
        path,
        path is None,
        messages or shape_msgs,
    )
