"""The shapes graph as a model: shapes, targets, constraints and SHACL-SPARQL queries.

:func:`load_shapes` reads shapes files (grouped by the data graph they check, ``cksh:dataGraph``);
:class:`ShapesGraph` turns one shapes graph into :class:`Shape` objects with their constraints,
checking the syntax rules of SHACL on the way: a malformed shape is an :class:`ShapeError`
(one line naming the shape and the construct) before any data is looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import InputError
from kg.paths import SHAPES_DIR
from kg.validation.paths import Path, parse_path

CKSH = "https://w3id.org/clusterkg/shapes#"
FAST_SELECT = URIRef(CKSH + "fastSelect")

SCOPE_UNION = "Union"
SCOPE_ARTICLES = "EachArticleGraph"
SCOPE_ONTOLOGY = "OntologyGraph"
SCOPES = (SCOPE_UNION, SCOPE_ARTICLES, SCOPE_ONTOLOGY)

PROFILES: dict[str, FilePath] = {
    "eccp": SHAPES_DIR / "profiles" / "eccp-cluster-labelling.shacl.ttl",
}
RDF_FORMATS = {
    ".nq": "nq", ".nquads": "nq", ".trig": "trig", ".ttl": "ttl", ".turtle": "ttl",
    ".nt": "nt", ".ntriples": "nt", ".rdf": "rdf", ".xml": "rdf", ".owl": "rdf", ".n3": "n3",
}


class ShapeError(InputError):
    """A malformed or unsupported shape: one line naming the shape and the construct."""


# --------------------------------------------------------------------------------------------
# files


@dataclass
class ShapesSet:
    """Shapes files parsed and grouped by the data graph they check."""

    files: list[FilePath]
    by_scope: dict[str, Graph]
    all_shapes: Graph


def default_shapes() -> list[FilePath]:
    """Every ``shapes/*.shacl.ttl`` (profiles are opt-in)."""
    return sorted(SHAPES_DIR.glob("*.shacl.ttl"))


def shape_files(shapes: list[FilePath] | None, profiles: list[str] | None) -> list[FilePath]:
    """The shapes files to use: the given ones (default ``shapes/``) plus named profiles."""
    files = list(shapes) if shapes else default_shapes()
    for name in profiles or []:
        if name not in PROFILES:
            raise InputError(f"unknown profile {name!r} (known: {', '.join(PROFILES)})")
        files.append(PROFILES[name])
    return files


def load_shapes(files: list[FilePath]) -> ShapesSet:
    """Parse the shapes files (InputError with file and line when one is malformed)."""
    by_scope: dict[str, Graph] = {}
    all_shapes = Graph()
    for path in files:
        g = parse_graph_file(path)
        scope = SCOPE_UNION
        for o in g.objects(None, URIRef(CKSH + "dataGraph")):
            if isinstance(o, URIRef) and str(o).startswith(CKSH):
                scope = str(o)[len(CKSH):]
        if scope not in SCOPES:
            raise InputError(f"unknown cksh:dataGraph {scope!r}", where=str(path))
        target = by_scope.setdefault(scope, Graph())
        target += g
        all_shapes += g
        for prefix, namespace in g.namespaces():  # the files' own prefixes name shapes
            for graph in (target, all_shapes):
                graph.bind(prefix, namespace, override=False)
    for graph in [*by_scope.values(), all_shapes]:
        for prefix, ns in prefixes().items():
            graph.bind(prefix, ns)
    return ShapesSet(files=files, by_scope=by_scope, all_shapes=all_shapes)


def parse_graph_file(path: FilePath) -> Graph:
    """Parse one Turtle (or other triple format) file with rdflib, literals as written;
    errors as InputError."""
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    ext = RDF_FORMATS.get(path.suffix.lower(), "")
    fmt = {"nt": "nt", "rdf": "xml", "n3": "n3"}.get(ext, "turtle")
    try:
        return parse_as_written(path, fmt)
    except Exception as err:  # rdflib raises many types; all mean "malformed file"
        raise InputError(one_line(err), where=f"{path}:{_line_of(err)}") from None


def parse_as_written(source: FilePath | str, fmt: str = "turtle", **options: Any) -> Graph:
    """rdflib's parse without its literal normalisation (``"1"^^xsd:boolean`` stays "1")."""
    import rdflib

    g = Graph()
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        g.parse(source, format=fmt, **options)
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    return g


def _line_of(err: BaseException) -> str:
    for attr in ("lineno", "line"):
        value = getattr(err, attr, None)
        if isinstance(value, int):
            return str(value)
    m = re.search(r"line (\d+)", str(err))
    return m.group(1) if m else "?"


def one_line(err: BaseException | str) -> str:
    """An exception (or text) as one line of at most 300 characters."""
    text = " ".join(str(err).split())
    if not text and isinstance(err, BaseException):
        text = type(err).__name__
    return (text[:300] + "...") if len(text) > 300 else text


def prefixes() -> dict[str, str]:
    """The project's prefixes plus ``cksh:``."""
    from kg.namespace import PREFIXES

    return {**PREFIXES, "cksh": CKSH}


def compact(iri: str | None) -> str:
    """``https://w3id.org/clusterkg/id/x`` -> ``id:x`` (known prefixes), ``""`` for none."""
    from kg.namespace import compact_iri

    if iri is None:
        return ""
    if not iri.startswith(("http", "urn", "file")):
        return iri  # a path expression or a literal, shown as it is
    return compact_iri(iri, prefixes())


def node_name(node: Node, graph: Graph | None = None) -> str:
    """A shape or term for messages: a compact IRI (the project's prefixes, then those of
    ``graph``), ``_:label`` or N3."""
    if isinstance(node, URIRef):
        name = compact(str(node))
        if name.startswith("<") and graph is not None:
            try:
                prefix, _ns, local = graph.namespace_manager.compute_qname(str(node),
                                                                          generate=False)
            except (KeyError, ValueError):
                return name
            return f"{prefix}:{local}" if prefix else name
        return name
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


# --------------------------------------------------------------------------------------------
# the model


@dataclass(eq=False)
class SparqlQuery:
    """A SHACL-SPARQL query (``sh:select`` or ``sh:ask``) with its prefixes, as it will run."""

    node: Node  # the sh:sparql constraint or the validator node
    text: str  # PREFIX declarations + the query
    form: str  # "select" | "ask"
    messages: list[Literal]
    fast_text: str | None = None  # cksh:fastSelect: the same constraint for all focus nodes


@dataclass(eq=False)
class Component:
    """A SPARQL-based constraint component (``sh:ConstraintComponent``)."""

    node: URIRef
    params: list[tuple[URIRef, bool]]  # (parameter path, optional)
    messages: list[Literal]
    validator: SparqlQuery | None  # sh:validator (ASK)
    node_validator: SparqlQuery | None
    property_validator: SparqlQuery | None


@dataclass(eq=False)
class Constraint:
    """One constraint of a shape: a component with its parameter values."""

    component: str  # the component IRI
    shape: Shape
    params: dict[str, Any] = field(default_factory=dict)  # parameter local name -> value(s)
    shapes: list[Shape] = field(default_factory=list)  # shape-valued parameters
    query: SparqlQuery | None = None  # sh:sparql, or the chosen validator of a component
    source: Node | None = None  # sh:sourceConstraint (the sh:sparql node)
    custom: Component | None = None


@dataclass(eq=False)
class Shape:
    """A node or property shape: targets, severity, messages and constraints."""

    node: Node
    path: Path | None = None
    target_classes: list[Node] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    target_subjects_of: list[URIRef] = field(default_factory=list)
    target_objects_of: list[URIRef] = field(default_factory=list)
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)
    deactivated: bool = False
    constraints: list[Constraint] = field(default_factory=list)
    label: str = ""  # the shape for messages (compact IRI with the shapes file's prefixes)

    @property
    def name(self) -> str:
        """The shape for people: compact IRI or ``_:label``."""
        return self.label or node_name(self.node)

    @property
    def has_targets(self) -> bool:
        """Whether the shape has any target (explicit or implicit)."""
        return bool(self.target_classes or self.target_nodes or self.target_subjects_of
                    or self.target_objects_of)

    def walk(self, seen: set[int] | None = None) -> list[Shape]:
        """This shape and every shape it refers to (each once, cycles allowed)."""
        seen = set() if seen is None else seen
        if id(self) in seen:
            return []
        seen.add(id(self))
        out = [self]
        for c in self.constraints:
            for s in c.shapes:
                out.extend(s.walk(seen))
        return out


CORE = "http://www.w3.org/ns/shacl#"
SHAPE_CLASSES = (SH.NodeShape, SH.PropertyShape)
NODE_KINDS = {SH.IRI, SH.Literal, SH.BlankNode, SH.IRIOrLiteral, SH.BlankNodeOrIRI,
              SH.BlankNodeOrLiteral}
# single-parameter core components: parameter -> (component local name, property shapes only)
SIMPLE = {
    "class": ("Class", False), "datatype": ("Datatype", False), "nodeKind": ("NodeKind", False),
    "minCount": ("MinCount", True), "maxCount": ("MaxCount", True),
    "minExclusive": ("MinExclusive", False), "minInclusive": ("MinInclusive", False),
    "maxExclusive": ("MaxExclusive", False), "maxInclusive": ("MaxInclusive", False),
    "minLength": ("MinLength", False), "maxLength": ("MaxLength", False),
    "languageIn": ("LanguageIn", False), "uniqueLang": ("UniqueLang", True),
    "equals": ("Equals", False), "disjoint": ("Disjoint", False),
    "lessThan": ("LessThan", True), "lessThanOrEquals": ("LessThanOrEquals", True),
    "not": ("Not", False), "and": ("And", False), "or": ("Or", False), "xone": ("Xone", False),
    "node": ("Node", False), "property": ("Property", False), "hasValue": ("HasValue", False),
    "in": ("In", False),
}
COUNTS = ("minCount", "maxCount", "minLength", "maxLength", "qualifiedMinCount",
          "qualifiedMaxCount")
# predicates whose presence makes a node a shape (constraint parameters and targets)
SHAPE_PREDICATES = {SH[p] for p in [*SIMPLE, "pattern", "qualifiedValueShape", "closed",
                                   "sparql", "targetClass", "targetNode", "targetSubjectsOf",
                                   "targetObjectsOf", "path"]}


class ShapesGraph:
    """One shapes graph as :class:`Shape` objects (``targeted``: the shapes with targets)."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._shapes: dict[Node, Shape] = {}
        self._implicit: set[Node] = set()
        self.components = self._components()
        classes = self._instances(RDFS.Class)
        shape_nodes = self._instances(SH.NodeShape) | self._instances(SH.PropertyShape)
        self._implicit = {n for n in shape_nodes & classes if isinstance(n, URIRef)}
        for node in shape_nodes & classes:
            if not isinstance(node, URIRef):
                raise ShapeError(f"shape {self.name(node)}: a shape that is also a class "
                                 "must be an IRI (implicit class target)")
        candidates = set(shape_nodes)
        for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            candidates.update(graph.subjects(pred, None))
        self.targeted = [s for s in (self.shape(n) for n in sorted(candidates, key=_order))
                         if s.has_targets and not s.deactivated]

    # -- helpers ------------------------------------------------------------------------

    def name(self, node: Node) -> str:
        """A node for messages, with the shapes graph's prefixes."""
        return node_name(node, self.graph)

    def _constraint_name(self, node: Node) -> str:
        return self.name(node) if isinstance(node, URIRef) else "[...]"

    def _instances(self, cls: URIRef) -> set[Node]:
        """SHACL instances of ``cls`` in the shapes graph (rdf:type/rdfs:subClassOf*)."""
        classes: set[Node] = {cls}
        todo: list[Node] = [cls]
        while todo:
            for sub in self.graph.subjects(RDFS.subClassOf, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return {s for c in classes for s in self.graph.subjects(RDF.type, c)}

    def _values(self, node: Node, pred: URIRef) -> list[Node]:
        return sorted(self.graph.objects(node, pred), key=_order)

    def _one(self, shape: Node, pred: URIRef) -> Node | None:
        values = self._values(shape, pred)
        if len(values) > 1:
            raise ShapeError(f"shape {self.name(shape)}: {len(values)} values of "
                             f"{_short(pred)} (at most one is allowed)")
        return values[0] if values else None

    def list_items(self, head: Node, where: str) -> list[Node]:
        """The members of a well-formed RDF list (ShapeError otherwise)."""
        items: list[Node] = []
        seen: set[Node] = set()
        node = head
        while node != RDF.nil:
            first = list(self.graph.objects(node, RDF.first))
            rest = list(self.graph.objects(node, RDF.rest))
            if node in seen or len(first) != 1 or len(rest) != 1:
                raise ShapeError(f"{where}: not a well-formed RDF list")
            seen.add(node)
            items.append(first[0])
            node = rest[0]
        return items

    # -- shapes -------------------------------------------------------------------------

    def shape(self, node: Node) -> Shape:
        """The shape at ``node`` (built once; recursive references share the object)."""
        hit = self._shapes.get(node)
        if hit is not None:
            return hit
        g = self.graph
        name = self.name(node)
        shape = Shape(node=node, label=name)
        self._shapes[node] = shape
        path = self._one(node, SH.path)
        if path is not None:
            shape.path = parse_path(g, path, f"shape {name}")
        shape.target_classes = self._values(node, SH.targetClass)
        if node in self._implicit and node not in shape.target_classes:
            shape.target_classes.append(node)  # implicit class target
        shape.target_nodes = self._values(node, SH.targetNode)
        shape.target_subjects_of = [self._iri(node, SH.targetSubjectsOf, v)
                                    for v in self._values(node, SH.targetSubjectsOf)]
        shape.target_objects_of = [self._iri(node, SH.targetObjectsOf, v)
                                   for v in self._values(node, SH.targetObjectsOf)]
        for c in shape.target_classes:
            if isinstance(c, Literal):
                raise ShapeError(f"shape {name}: sh:targetClass {c.n3()} is a literal")
        severity = self._one(node, SH.severity)
        if severity is not None:
            if not isinstance(severity, URIRef):
                raise ShapeError(f"shape {name}: sh:severity {severity.n3()} is not an IRI")
            shape.severity = severity
        shape.messages = [m for m in self._values(node, SH.message) if isinstance(m, Literal)]
        deactivated = self._one(node, SH.deactivated)
        shape.deactivated = self._boolean(node, SH.deactivated, deactivated) is True
        self._constraints(shape)
        return shape

    def _iri(self, shape: Node, pred: URIRef, value: Node) -> URIRef:
        if not isinstance(value, URIRef):
            raise ShapeError(f"shape {self.name(shape)}: {_short(pred)} {self.name(value)} "
                             "is not an IRI")
        return value

    def _boolean(self, shape: Node, pred: URIRef, value: Node | None) -> bool | None:
        if value is None:
            return None
        if not (isinstance(value, Literal) and value.datatype == XSD.boolean
                and str(value) in ("true", "false", "1", "0")):
            raise ShapeError(f"shape {self.name(shape)}: {_short(pred)} {value.n3()} is not an "
                             "xsd:boolean")
        return str(value) in ("true", "1")

    def _constraints(self, shape: Shape) -> None:
        node, name = shape.node, shape.name
        is_property = shape.path is not None
        out = shape.constraints
        for param, (component, property_only) in SIMPLE.items():
            values = self._values(node, SH[param])
            if not values:
                continue
            if property_only and not is_property:
                raise ShapeError(f"shape {name}: sh:{param} is only allowed in property shapes "
                                 "(no sh:path)")
            for value in values:
                out.append(self._simple(shape, param, component, value, len(values)))
        patterns = self._values(node, SH.pattern)
        flags = self._one(node, SH.flags)
        if flags is not None and not isinstance(flags, Literal):
            raise ShapeError(f"shape {name}: sh:flags {self.name(flags)} is not a literal")
        for pat in patterns:
            if not isinstance(pat, Literal):
                raise ShapeError(f"shape {name}: sh:pattern {self.name(pat)} is not a literal")
            _compile_regex(name, str(pat), str(flags) if flags is not None else "")
            out.append(Constraint(CORE + "PatternConstraintComponent", shape,
                                  {"pattern": str(pat),
                                   "flags": str(flags) if flags is not None else ""}))
        qvs = self._values(node, SH.qualifiedValueShape)
        if qvs:
            if not is_property:
                raise ShapeError(f"shape {name}: sh:qualifiedValueShape is only allowed in "
                                 "property shapes")
            disjoint = self._boolean(node, SH.qualifiedValueShapesDisjoint,
                                     self._one(node, SH.qualifiedValueShapesDisjoint))
            for kind in ("qualifiedMinCount", "qualifiedMaxCount"):
                n = self._one(node, SH[kind])
                if n is None:
                    continue
                count = self._count(shape, kind, n)
                for q in qvs:
                    out.append(Constraint(
                        CORE + kind[0].upper() + kind[1:] + "ConstraintComponent", shape,
                        {kind: count, "disjoint": bool(disjoint)}, shapes=[self.shape(q)]))
        closed = self._boolean(node, SH.closed, self._one(node, SH.closed))
        if closed:
            ignored: list[Node] = []
            ign = self._one(node, SH.ignoredProperties)
            if ign is not None:
                ignored = self.list_items(ign, f"shape {name}: sh:ignoredProperties")
            allowed = {str(i) for i in ignored}
            for prop in self._values(node, SH.property):
                p = self._one(prop, SH.path)
                if isinstance(p, URIRef):
                    allowed.add(str(p))
            out.append(Constraint(CORE + "ClosedConstraintComponent", shape,
                                  {"allowed": sorted(allowed)}))
        for sparql in self._values(node, SH.sparql):
            if self._boolean(sparql, SH.deactivated, self._one(sparql, SH.deactivated)):
                continue
            query = self.query(sparql, SH.select,
                               f"shape {name}: sh:sparql {self._constraint_name(sparql)}")
            if query is None:
                raise ShapeError(f"shape {name}: sh:sparql {self._constraint_name(sparql)} has no "
                             "sh:select")
            fast = self._one(sparql, FAST_SELECT)
            if fast is not None:
                query.fast_text = self._with_prefixes(sparql, str(fast), f"shape {name}")
            out.append(Constraint(CORE + "SPARQLConstraintComponent", shape, {}, query=query,
                                  source=sparql))
        for comp in self.components.values():
            bound: dict[str, Any] = {}
            missing = False
            for param, optional in comp.params:
                values = self._values(node, param)
                if len(values) > 1:
                    raise ShapeError(f"shape {name}: {len(values)} values of parameter "
                                     f"{self.name(param)} of {self.name(comp.node)}")
                if values:
                    bound[_local(param)] = values[0]
                elif not optional:
                    missing = True
            if missing or not bound:
                continue
            validator = (comp.property_validator if is_property else comp.node_validator) \
                or comp.validator
            if validator is None:
                continue  # no validator for this kind of shape: the component is ignored
            out.append(Constraint(str(comp.node), shape, bound, query=validator, custom=comp))

    def _simple(self, shape: Shape, param: str, component: str, value: Node,
                n_values: int) -> Constraint:
        name = shape.name
        iri = CORE + component + "ConstraintComponent"
        c = Constraint(iri, shape)
        if param in COUNTS:
            if n_values > 1:
                raise ShapeError(f"shape {name}: {n_values} values of sh:{param}")
            c.params[param] = self._count(shape, param, value)
        elif param == "nodeKind":
            if value not in NODE_KINDS:
                raise ShapeError(f"shape {name}: sh:nodeKind {self.name(value)} is not one of "
                                 "sh:IRI, sh:Literal, sh:BlankNode, sh:IRIOrLiteral, "
                                 "sh:BlankNodeOrIRI, sh:BlankNodeOrLiteral")
            c.params[param] = value
        elif param in ("class", "datatype", "equals", "disjoint", "lessThan",
                       "lessThanOrEquals"):
            if not isinstance(value, URIRef):
                raise ShapeError(f"shape {name}: sh:{param} {self.name(value)} is not an IRI")
            c.params[param] = value
        elif param == "uniqueLang":  # only true activates it ("1"^^xsd:boolean does not)
            self._boolean(shape.node, SH.uniqueLang, value)
            c.params[param] = str(value) == "true"
        elif param in ("languageIn", "in"):
            items = self.list_items(value, f"shape {name}: sh:{param}")
            if param == "languageIn" and any(not isinstance(i, Literal) for i in items):
                raise ShapeError(f"shape {name}: sh:languageIn members must be literals")
            c.params[param] = items
        elif param in ("and", "or", "xone"):
            items = self.list_items(value, f"shape {name}: sh:{param}")
            c.shapes = [self.shape(i) for i in items]
        elif param in ("not", "node", "property"):
            if isinstance(value, Literal):
                raise ShapeError(f"shape {name}: sh:{param} {value.n3()} is a literal, not a "
                                 "shape")
            child = self.shape(value)
            if param == "property" and child.path is None:
                raise ShapeError(f"shape {name}: sh:property {child.name} has no sh:path")
            c.shapes = [child]
        elif param in ("minExclusive", "minInclusive", "maxExclusive", "maxInclusive"):
            if not isinstance(value, Literal):
                raise ShapeError(f"shape {name}: sh:{param} {self.name(value)} is not a literal")
            c.params[param] = value
        else:  # hasValue
            c.params[param] = value
        return c

    def _count(self, shape: Shape, param: str, value: Node) -> int:
        ok = (isinstance(value, Literal) and value.datatype == XSD.integer
              and re.fullmatch(r"[+]?[0-9]+", str(value)) is not None)
        if not ok:
            raise ShapeError(f"shape {shape.name}: sh:{param} {value.n3()} is not a "
                             "non-negative xsd:integer")
        return int(str(value))

    # -- SHACL-SPARQL ---------------------------------------------------------------------

    def query(self, node: Node, pred: URIRef, where: str) -> SparqlQuery | None:
        """The ``sh:select`` or ``sh:ask`` of ``node`` with its prefixes (None when absent)."""
        texts = self._values(node, pred)
        if not texts:
            return None
        if len(texts) > 1 or not isinstance(texts[0], Literal):
            raise ShapeError(f"{where}: exactly one literal {_short(pred)} is required")
        messages = [m for m in self._values(node, SH.message) if isinstance(m, Literal)]
        form = "select" if pred == SH.select else "ask"
        return SparqlQuery(node, self._with_prefixes(node, str(texts[0]), where), form, messages)

    def _with_prefixes(self, node: Node, text: str, where: str) -> str:
        """``PREFIX`` lines from ``sh:prefixes`` (and the ``owl:imports`` they reach)."""
        declared: dict[str, str] = {}
        todo = list(self._values(node, SH.prefixes))
        seen: set[Node] = set()
        while todo:
            source = todo.pop()
            if source in seen:
                continue
            seen.add(source)
            todo.extend(self.graph.objects(source, OWL.imports))
            for decl in self.graph.objects(source, SH.declare):
                prefix = self._one(decl, SH.prefix)
                namespace = self._one(decl, SH.namespace)
                if not isinstance(prefix, Literal) or not isinstance(namespace, Literal):
                    raise ShapeError(f"{where}: sh:declare {self.name(decl)} needs one literal "
                                     "sh:prefix and one literal sh:namespace")
                if re.fullmatch(r"[A-Za-z][\w.-]*|", str(prefix)) is None:
                    raise ShapeError(f"{where}: sh:prefix {str(prefix)!r} is not a SPARQL prefix")
                old = declared.get(str(prefix))
                if old is not None and old != str(namespace):
                    raise ShapeError(f"{where}: prefix {str(prefix)!r} is declared twice "
                                     f"({old} and {namespace})")
                declared[str(prefix)] = str(namespace)
        lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(declared.items())]
        return "\n".join([*lines, text])

    def _components(self) -> dict[URIRef, Component]:
        out: dict[URIRef, Component] = {}
        for node in sorted(self._instances(SH.ConstraintComponent), key=_order):
            if not isinstance(node, URIRef) or str(node).startswith(CORE):
                continue
            where = f"constraint component {self.name(node)}"
            params: list[tuple[URIRef, bool]] = []
            for p in self._values(node, SH.parameter):
                path = self._one(p, SH.path)
                if not isinstance(path, URIRef):
                    raise ShapeError(f"{where}: a parameter needs an IRI sh:path")
                optional = self._boolean(node, SH.optional, self._one(p, SH.optional))
                params.append((path, bool(optional)))
            if not params:
                raise ShapeError(f"{where}: no sh:parameter")
            validators: list[SparqlQuery | None] = []
            for pred in (SH.validator, SH.nodeValidator, SH.propertyValidator):
                value = self._one(node, pred)
                if value is None:
                    validators.append(None)
                    continue
                vwhere = f"{where}: {_short(pred)} {self.name(value)}"
                q = self.query(value, SH.ask, vwhere) or self.query(value, SH.select, vwhere)
                if q is None:
                    raise ShapeError(f"{vwhere} has neither sh:ask nor sh:select")
                if pred == SH.validator and q.form != "ask":
                    raise ShapeError(f"{vwhere}: sh:validator must be an ASK query")
                validators.append(q)
            messages = [m for m in self._values(node, SH.message) if isinstance(m, Literal)]
            out[node] = Component(node, params, messages, *validators)
        return out


def sparql_where(sg: ShapesGraph, c: Constraint, query: SparqlQuery) -> str:
    """Where a SHACL-SPARQL query is, for messages: the shape and the constraint."""
    what = "constraint" if c.custom is None else f"component {sg.name(c.custom.node)}"
    node = f" {sg.name(query.node)}" if isinstance(query.node, URIRef) else ""
    return f"shape {c.shape.name}: SPARQL {what}{node}"


def _compile_regex(name: str, pattern: str, flags: str) -> None:
    from kg.validation.datatypes import python_regex

    try:
        python_regex(pattern, flags)
    except (re.error, ValueError) as err:
        raise ShapeError(f"shape {name}: sh:pattern {pattern!r} is not a valid regular "
                         f"expression ({one_line(str(err))})") from None


def _order(node: Node) -> tuple[int, str]:
    return (0 if isinstance(node, URIRef) else 1 if isinstance(node, BNode) else 2, str(node))


def _short(pred: URIRef) -> str:
    return "sh:" + str(pred)[len(CORE):] if str(pred).startswith(CORE) else node_name(pred)


def _local(iri: URIRef) -> str:
    return re.split(r"[#/]", str(iri))[-1]
