"""Stored SPARQL queries: competency questions (``queries/cq``) and integrity checks
(``queries/checks``), their headers, parameters, execution and result formats.

Each ``.rq`` file opens with a comment header::

    # CQ: Clusters by country and sector
    # Question: Which clusters does the graph know, in which country and sector?
    # Params: lang (lang, "en")
    # Terms: ck:Cluster, ck:locatedIn, ck:partOfPlace
    # Expects: one row per cluster and sector ...

A header line starting with ``#`` followed by two or more spaces continues the previous key.
Parameter types: ``iri`` (CURIE with a project prefix, ``<IRI>`` or an absolute http(s) IRI),
``string``, ``lang`` (a BCP 47 tag, bound as a plain string), ``integer``, ``decimal``,
``boolean``, ``date``. A default of ``required`` (or none) makes the parameter mandatory.

Parameters are bound as RDF terms, never pasted into the query text: on the embedded store by
``Store.query(..., substitutions=...)`` (SEP-0007; a SELECT query must therefore project its
parameters); on a remote endpoint by a VALUES block, see :func:`inject_values`. A query whose
header says ``# Binding: values`` gets the VALUES block on the embedded store too (pyoxigraph
picks a much better plan for some queries that way; ``benchmarks/peers.py`` measures both).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.errors import InputError
from kg.namespace import PREFIXES, compact_iri
from kg.options import build_dir_option, http_auth_options
from kg.paths import QUERIES_DIR

if TYPE_CHECKING:
    import pyoxigraph

    from kg.endpoint import Endpoint

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "lang", "integer", "decimal", "boolean", "date")
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt")
HEADER_KEYS = ("CQ", "Check", "Question", "Params", "Terms", "Expects", "Binding")
BINDINGS = ("substitution", "values")
_PARAM_RE = re.compile(r"([A-Za-z_]\w*)\s*\(\s*([a-z]+)\s*(?:,\s*((?:\"[^\"]*\"|[^)])*?))?\s*\)")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_FORM_RE = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    """A declared query parameter: SPARQL variable name, type and default (None = required)."""

    name: str
    type: str
    default: str | None

    def describe(self) -> str:
        """``name (type, default)`` as written in headers and error messages."""
        return f"{self.name} ({self.type}{'' if self.default is None else ', ' + self.default})"


@dataclass(frozen=True)
class StoredQuery:
    """One ``.rq`` file with its parsed header."""

    name: str
    path: Path
    kind: str  # "cq" or "check"
    title: str
    text: str
    header: dict[str, str] = field(default_factory=dict)
    params: tuple[Param, ...] = ()

    @cached_property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE (the first query-form keyword after comments)."""
        match = _FORM_RE.search(_strip_comments(self.text))
        return match.group(1).upper() if match else "SELECT"

    @cached_property
    def binding(self) -> str:
        """How parameters are bound on the embedded store: substitution (default) or values."""
        value = (self.header.get("Binding", "").split() or ["substitution"])[0].lower()
        if value not in BINDINGS:
            raise InputError(f"'# Binding: {value}': use one of {', '.join(BINDINGS)}",
                             where=f"{self.path}:1")
        return value

    @cached_property
    def ordered(self) -> bool:
        """True when the outermost query has ORDER BY (results compare in order)."""
        return re.search(r"\bORDER\s+BY\b[^{}]*$", _strip_comments(self.text), re.I) is not None


def _strip_comments(text: str) -> str:
    """The query text with comment lines removed (good enough for form/ORDER detection)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def parse_header(text: str, path: Path) -> dict[str, str]:
    """The ``# Key: value`` lines at the top of a query file (continuations joined)."""
    header: dict[str, str] = {}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:]
        match = re.match(r"\s*([A-Za-z]+):\s?(.*)$", body)
        if match and match.group(1) in HEADER_KEYS:
            last = match.group(1)
            header[last] = match.group(2).strip()
        elif last and body.startswith("  ") and body.strip():
            header[last] = f"{header[last]} {body.strip()}".strip()
    if "CQ" not in header and "Check" not in header:
        raise InputError("query file has no '# CQ:' or '# Check:' header", where=f"{path}:1")
    return header


def parse_params(spec: str, path: Path) -> tuple[Param, ...]:
    """``name (type, default) ...`` -> parameters; ``none`` or empty -> ()."""
    if spec.strip().lower() in ("", "none", "-"):
        return ()
    params = []
    for match in _PARAM_RE.finditer(spec):
        name, ptype, default = match.group(1), match.group(2), match.group(3)
        if ptype not in PARAM_TYPES:
            raise InputError(f"parameter {name}: unknown type {ptype!r} "
                             f"(one of {', '.join(PARAM_TYPES)})", where=f"{path}:1")
        if default is not None:
            default = default.strip()
            if default.lower() == "required" or not default:
                default = None
        params.append(Param(name, ptype, default))
    if not params:
        raise InputError(f"cannot read '# Params: {spec}'", where=f"{path}:1",
                         hint="write name (type, default) ...")
    return tuple(params)


def load_query(path: Path, kind: str) -> StoredQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    return StoredQuery(name=path.stem, path=path, kind=kind,
                       title=header.get("CQ") or header.get("Check", ""), text=text,
                       header=header, params=parse_params(header.get("Params", ""), path))


def load_queries(queries_dir: Path = QUERIES_DIR) -> dict[str, StoredQuery]:
    """Every stored query by name: ``queries/cq/*.rq`` then ``queries/checks/*.rq``."""
    found: dict[str, StoredQuery] = {}
    for sub, kind in (("cq", "cq"), ("checks", "check")):
        for path in sorted((Path(queries_dir) / sub).glob("*.rq")):
            found[path.stem] = load_query(path, kind)
    return found


def find_query(name: str, queries: dict[str, StoredQuery]) -> StoredQuery:
    """A query by full name, or by a unique prefix such as ``CQ03``; else list the names."""
    if name in queries:
        return queries[name]
    hits = [q for key, q in queries.items() if key.lower().startswith(name.lower())]
    if len(hits) == 1:
        return hits[0]
    available = ", ".join(queries) or "(none)"
    reason = "ambiguous" if hits else "unknown"
    raise InputError(f"{reason} query {name!r}; available: {available}",
                     hint="clusterkg queries lists them with titles")


# --- parameters as RDF terms ---------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """A parameter value as an RDF term: an IRI or a literal with datatype (no language)."""

    value: str
    datatype: str | None = None  # None for IRIs

    @property
    def is_iri(self) -> bool:
        return self.datatype is None

    def to_oxigraph(self) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
        """The pyoxigraph term (for ``substitutions``)."""
        import pyoxigraph

        if self.datatype is None:
            return pyoxigraph.NamedNode(self.value)
        return pyoxigraph.Literal(self.value, datatype=pyoxigraph.NamedNode(self.datatype))

    def to_sparql(self) -> str:
        """SPARQL syntax produced by rdflib's term serialiser (escapes quotes and newlines)."""
        from rdflib import Literal, URIRef

        if self.datatype is None:
            return URIRef(self.value).n3()
        if self.datatype == XSD + "string":  # a simple literal (same term in RDF 1.1)
            return Literal(self.value).n3()
        return Literal(self.value, datatype=URIRef(self.datatype)).n3()


def expand_iri(value: str) -> str:
    """``id:place/usa`` / ``<https://...>`` / ``https://...`` -> absolute IRI, else ValueError."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    elif not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        prefix, sep, local = value.partition(":")
        if not sep or prefix not in PREFIXES:
            raise ValueError("not a CURIE with a known prefix nor an absolute IRI")
        value = PREFIXES[prefix] + local
    if not re.match(r"^(https?|urn|mailto):", value, re.I) and "://" not in value:
        raise ValueError("not an absolute IRI")
    if _IRI_FORBIDDEN.search(value):
        raise ValueError("contains a character not allowed in an IRI")
    return value


def to_term(param: Param, raw: str) -> Term:
    """Convert a command-line value to the RDF term the header's type declares."""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as err:  # undecodable argv bytes arrive as lone surrogates
        code = ord(raw[err.start])
        what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else \
            f"lone surrogate U+{code:04X}"
        raise InputError(f"parameter {param.name} ({param.type}): not valid UTF-8 text "
                         f"({what} at character {err.start})",
                         hint="pass the value as UTF-8") from None
    text = raw
    if param.type in ("string", "lang") and len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    try:
        if param.type == "iri":
            return Term(expand_iri(text))
        if param.type == "string":
            return Term(text, XSD + "string")
        if param.type == "lang":
            if not _LANG_RE.match(text):
                raise ValueError("not a BCP 47 language tag")
            return Term(text, XSD + "string")
        if param.type == "integer":
            return Term(str(int(text.strip())), XSD + "integer")
        if param.type == "decimal":
            number = Decimal(text.strip())
            if not number.is_finite():
                raise ValueError("not a finite number")
            return Term(str(number), XSD + "decimal")
        if param.type == "boolean":
            low = text.strip().lower()
            if low not in ("true", "false", "1", "0"):
                raise ValueError("not true/false")
            return Term("true" if low in ("true", "1") else "false", XSD + "boolean")
        if param.type == "date":
            from datetime import date

            return Term(date.fromisoformat(text.strip()).isoformat(), XSD + "date")
    except (ValueError, InvalidOperation) as err:
        raise InputError(f"parameter {param.name} ({param.type}): invalid value {raw!r}: {err}",
                         hint=f"declared as {param.describe()}") from err
    raise InputError(f"parameter {param.name}: unsupported type {param.type}")


def bind_params(query: StoredQuery, given: dict[str, str]) -> dict[str, Term]:
    """Declared parameters -> terms (given values, else defaults); reject unknown/missing."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        names = ", ".join(p.describe() for p in query.params) or "none"
        raise InputError(f"{query.name}: unknown parameter {', '.join(unknown)}",
                         hint=f"parameters: {names}")
    bound: dict[str, Term] = {}
    for param in query.params:
        raw = given.get(param.name, param.default)
        if raw is None:
            raise InputError(f"{query.name}: missing parameter {param.name} ({param.type})",
                             hint=f"pass --param {param.name}=VALUE")
        bound[param.name] = to_term(param, raw)
    return bound


def parse_param_options(values: tuple[str, ...]) -> dict[str, str]:
    """``("k=v", ...)`` -> dict; a value may contain ``=``."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out


# --- VALUES injection for remote endpoints -------------------------------------------------

_TOKEN_RE = re.compile(
    r'(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)'
    r'|(?P<word>[A-Za-z_][\w-]*)'
    r'|(?P<brace>[{}])',
    re.DOTALL,
)


@dataclass
class _Group:
    """A ``{ ... }`` of the query text: where it opens and closes, what it is."""

    start: int  # offset just after "{"
    end: int = -1  # offset of the matching "}"
    kind: str = "group"  # group | template | data | subquery | exists
    depth: int = 0
    fresh: bool = True  # no token seen inside yet
    variables: set[str] = field(default_factory=set)


def scan_groups(text: str) -> list[_Group]:
    """Every brace pair of a query with its kind (group graph pattern, CONSTRUCT template,
    VALUES data block, subquery wrapper or EXISTS pattern) and the variables mentioned
    inside; comments, strings and IRIs are skipped by a small tokenizer, so braces and
    ``?x`` in them do not count."""
    groups: list[_Group] = []
    stack: list[_Group] = []
    form: str | None = None
    pending_values = False
    after_where = False
    last_word = ""
    for match in _TOKEN_RE.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "comment":
            continue
        if stack and stack[-1].fresh:
            stack[-1].fresh = False
            if kind == "word" and token.upper() == "SELECT" and stack[-1].kind == "group":
                stack[-1].kind = "subquery"  # "{ SELECT ...}": nothing may precede SELECT
        if kind == "word":
            upper = token.upper()
            if form is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = upper
            elif upper == "VALUES":
                pending_values = True
            elif upper == "WHERE" and not stack:
                after_where = True
            last_word = upper
        elif kind == "var":
            last_word = ""
            for group in stack:
                group.variables.add(token[1:])
        elif kind == "brace" and token == "{":
            if pending_values:
                group_kind = "data"
                pending_values = False
            elif last_word == "EXISTS":
                group_kind = "exists"
            elif not stack and form == "CONSTRUCT" and not after_where and not any(
                    g.depth == 0 for g in groups):
                group_kind = "template"
            else:
                group_kind = "group"
            group = _Group(start=match.end(), kind=group_kind, depth=len(stack))
            groups.append(group)
            stack.append(group)
        elif kind == "brace" and stack:
            stack.pop().end = match.start()
    return groups


def inject_values(text: str, terms: dict[str, Term]) -> str:
    """The query with ``VALUES (?p ...) { (term ...) }`` opening its WHERE group and every
    nested group pattern that mentions a parameter.

    Why this is safe: the only text added is produced by rdflib's term serialisers from values
    already validated against the declared type (an IRI may not contain ``<>"{}|^`\\`` or
    spaces; a literal's ``n3()`` escapes quotes, backslashes and newlines), so a value such as
    ``"} DROP ALL {`` stays one plain literal; variable names come from the trusted header,
    and the positions come from a tokenizer that skips strings, IRIs and comments.

    Why it gives the embedded store's answers: pyoxigraph substitutes the value for the
    variable everywhere (SEP-0007). A VALUES block placed first in a group is joined with that
    group, so its BGPs, FILTERs, BINDs see the value; repeating it in each nested group that
    mentions the variable (OPTIONAL, UNION branch, GRAPH, subquery WHERE) makes the value
    visible there too, whatever the server's evaluation order (Virtuoso evaluates an
    OPTIONAL's FILTER inside the OPTIONAL, where an outer binding is not in scope). The same
    constant on both sides of a join changes nothing else. ``EXISTS { }`` patterns are left
    alone: they see the outer bindings by definition (and Virtuoso 7 mis-evaluates a VALUES
    block inside them). A trailing VALUES clause would not do: SPARQL
    joins it after GROUP BY and HAVING.
    """
    if not terms:
        return text
    insertions: list[tuple[int, str]] = []

    def block(names: list[str]) -> str:
        variables = " ".join(f"?{n}" for n in names)
        row = " ".join(terms[n].to_sparql() for n in names)
        return f" VALUES ({variables}) {{ ({row}) }} "

    outer_found = False
    for group in scan_groups(text):
        if group.kind != "group":
            continue
        if group.depth == 0 and not outer_found:
            outer_found = True
            insertions.append((group.start, block(list(terms))))
        else:
            names = [n for n in terms if n in group.variables]
            if names:
                insertions.append((group.start, block(names)))
    if not outer_found:
        return f"{text.rstrip()}\nWHERE {{{block(list(terms))}}}\n"
    for pos, added in sorted(insertions, reverse=True):
        text = text[:pos] + added + text[pos:]
    return text


def with_dataset(text: str, graphs: list[str]) -> str:
    """The query with ``FROM <g>`` and ``FROM NAMED <g>`` for each of ``graphs`` (absolute
    IRIs of the endpoint's own graphs, never user input), placed where SPARQL wants dataset
    clauses: before the outermost ``WHERE`` (or its group), or at the end of a ``DESCRIBE``
    without one. A query that names its own dataset (a top-level ``FROM``) is left alone."""
    if not graphs:
        return text
    bad = next((g for g in graphs if _IRI_FORBIDDEN.search(g)), None)
    if bad is not None:
        raise InputError(f"graph name {bad!r} from the endpoint is not an IRI")
    where = next((g for g in scan_groups(text) if g.depth == 0 and g.kind == "group"), None)
    pos = len(text.rstrip()) if where is None else where.start - 1
    head = text[:pos]
    if any(m.lastgroup == "word" and m.group().upper() == "FROM"
           for m in _TOKEN_RE.finditer(head)):
        return text
    keyword = re.search(r"\bWHERE\s*$", head, re.IGNORECASE)
    if keyword:
        pos = keyword.start()
    clauses = "".join(f"FROM <{g}>\n" for g in graphs) + \
        "".join(f"FROM NAMED <{g}>\n" for g in graphs)
    return f"{text[:pos].rstrip()}\n{clauses}{text[pos:].lstrip()}"


# --- execution -----------------------------------------------------------------------------

@dataclass
class Result:
    """A query result: ``boolean`` for ASK, ``variables`` + ``rows`` for SELECT,
    ``triples`` for CONSTRUCT/DESCRIBE (all as pyoxigraph terms)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)


def syntax_error(query: StoredQuery, err: Exception, text: str | None = None) -> InputError:
    """A one-line SPARQL syntax error pointing at ``file:line`` of the stored query.

    Oxigraph's parser often reports the end of the query; rdflib's parser (asked only when
    there is an error) usually names the line where parsing stopped, so its line wins.
    """
    message = " ".join(str(err).split())
    match = re.search(r"(\d+):(\d+)", message)
    line = int(match.group(1)) if match else 1
    try:
        from rdflib.plugins.sparql import prepareQuery

        prepareQuery(text if text is not None else query.text)
    except Exception as other:
        lineno = getattr(other, "lineno", None)
        if isinstance(lineno, int) and 0 < lineno <= line:
            line = lineno
    if len(message) > 160:
        message = message[:157] + "..."
    return InputError(f"SPARQL syntax error: {message}", where=f"{query.path}:{line}")


def run_embedded(query: StoredQuery, terms: dict[str, Term], store: pyoxigraph.Store) -> Result:
    """Run on a pyoxigraph store with the default graph = union of the named graphs."""
    import pyoxigraph

    text = query.text
    substitutions: dict[pyoxigraph.Variable, Any] | None = None
    if terms and query.binding == "values":
        text = _values_text(text, tuple(terms.items()))
    elif terms:
        substitutions = {pyoxigraph.Variable(k): t.to_oxigraph() for k, t in terms.items()}
    try:
        answer = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    except SyntaxError as err:
        raise syntax_error(query, err) from err
    except RuntimeError as err:  # e.g. a parameter missing from the SELECT projection
        raise InputError(f"cannot run query: {err}", where=f"{query.path}:1") from err
    return _result(query.form, answer)


@lru_cache(maxsize=256)
def _values_text(text: str, terms: tuple[tuple[str, Term], ...]) -> str:
    """:func:`inject_values` remembered per query and values (the tokenizer reads the whole
    text: a third of the time of a sub-millisecond query)."""
    return inject_values(text, dict(terms))


def _result(form: str, answer: Any) -> Result:
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, pyoxigraph.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            values = tuple(solution)
            rows.append(dict(zip(variables, values, strict=True)) if None not in values else
                        {v: t for v, t in zip(variables, values, strict=True) if t is not None})
        return Result("SELECT", variables=variables, rows=rows)
    return Result(form, triples=list(answer))


def run_remote(query: StoredQuery, terms: dict[str, Term], endpoint: Endpoint) -> Result:
    """Run on a SPARQL 1.1 endpoint; parameters are bound by :func:`inject_values`."""
    import pyoxigraph

    text = inject_values(query.text, terms)
    try:  # check the syntax locally so a broken stored query points at its file and line
        pyoxigraph.Store().query(query.text)
    except SyntaxError as err:
        raise syntax_error(query, err) from err
    form = query.form
    data = endpoint.query(text, form)
    if form in ("CONSTRUCT", "DESCRIBE"):
        quads = pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)
        return Result(form, triples=[q.triple for q in quads])
    return _result(form, pyoxigraph.parse_query_results(
        data, format=pyoxigraph.QueryResultsFormat.JSON))


def execute(query: StoredQuery, given: dict[str, str] | None = None, *,
            store: pyoxigraph.Store | None = None, endpoint: Endpoint | None = None) -> Result:
    """Bind the parameters and run the query on the embedded store or an endpoint."""
    terms = bind_params(query, given or {})
    if endpoint is not None:
        return run_remote(query, terms, endpoint)
    if store is None:
        from kg.store import open_store

        store = open_store()
    return run_embedded(query, terms, store)


# --- output --------------------------------------------------------------------------------

def serialize(result: Result, fmt: str) -> bytes:
    """SPARQL 1.1 result formats (json, xml, csv, tsv) or RDF (ttl, nt) for graphs."""
    import pyoxigraph

    if result.form in ("CONSTRUCT", "DESCRIBE"):
        rdf = {"ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES}
        if fmt not in rdf:
            raise InputError(f"a {result.form} query returns a graph: use --format ttl or nt")
        prefixes = PREFIXES if fmt == "ttl" else None
        return pyoxigraph.serialize(result.triples, format=rdf[fmt], prefixes=prefixes) or b""
    formats = {"json": pyoxigraph.QueryResultsFormat.JSON,
               "xml": pyoxigraph.QueryResultsFormat.XML,
               "csv": pyoxigraph.QueryResultsFormat.CSV,
               "tsv": pyoxigraph.QueryResultsFormat.TSV}
    if fmt not in formats:
        raise InputError(f"a {result.form} query returns results: use --format "
                         "table, json, xml, csv or tsv")
    if result.form == "ASK":
        if fmt in ("csv", "tsv"):  # no standard CSV/TSV for booleans: one cell
            return f"boolean\n{'true' if result.boolean else 'false'}\n".encode()
        answer = pyoxigraph.Store().query("ASK { }" if result.boolean else "ASK { FILTER(false) }")
        assert isinstance(answer, pyoxigraph.QueryBoolean)
        return answer.serialize(format=formats[fmt]) or b""
    return _solutions(result).serialize(format=formats[fmt]) or b""


def _solutions(result: Result) -> pyoxigraph.QuerySolutions:
    """Rebuild a QuerySolutions object (for pyoxigraph's serializers) from a Result."""
    import json

    import pyoxigraph

    def term_json(term: Any) -> dict[str, str]:
        if isinstance(term, pyoxigraph.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, pyoxigraph.BlankNode):
            return {"type": "bnode", "value": term.value}
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out

    doc = {"head": {"vars": result.variables},
           "results": {"bindings": [{k: term_json(v) for k, v in row.items()}
                                    for row in result.rows]}}
    solutions = pyoxigraph.parse_query_results(json.dumps(doc).encode(),
                                               format=pyoxigraph.QueryResultsFormat.JSON)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a document with "results"
    return solutions


def short(term: Any) -> str:
    """A compact human form of a term: CURIE for IRIs, text@lang for literals."""
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


def render_table(result: Result, title: str) -> None:
    """Print a result for people with rich."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.form == "ASK":
        console.print(f"[bold]{title}[/bold]: {'yes' if result.boolean else 'no'}")
        return
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        table = Table("subject", "predicate", "object", title=title)
        for t in result.triples:
            table.add_row(short(t.subject), short(t.predicate), short(t.object))
    else:
        table = Table(*result.variables, title=title)
        for row in result.rows:
            table.add_row(*(short(row.get(v)) for v in result.variables))
    console.print(table)
    count = len(result.triples) if result.form != "SELECT" else len(result.rows)
    console.print(f"{count} {'triples' if result.form != 'SELECT' else 'rows'}")


# --- commands ------------------------------------------------------------------------------

@click.command("queries")
@click.option("--queries-dir", type=click.Path(path_type=Path), default=QUERIES_DIR,
              show_default=True, help="Directory with cq/ and checks/.")
def queries_command(queries_dir: Path) -> None:
    """List the stored competency questions and integrity checks with their parameters."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Stored queries (clusterkg query NAME --param k=v)")
    table.add_column("name", no_wrap=True)
    table.add_column("form")
    table.add_column("title")
    table.add_column("params")
    for query in load_queries(queries_dir).values():
        table.add_row(query.name, query.form, query.title,
                      " ".join(p.describe() for p in query.params))
    Console().print(table)


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a declared parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table",
              show_default=True, help="table for people; SPARQL results or RDF for machines.")
@click.option("--endpoint", metavar="URL", help="Query a SPARQL 1.1 endpoint instead.")
@build_dir_option
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE.")
@click.option("--queries-dir", type=click.Path(path_type=Path), default=QUERIES_DIR,
              show_default=True, help="Directory with cq/ and checks/.")
@http_auth_options
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds per HTTP request.")
def query_command(name: str, params: tuple[str, ...], fmt: str, endpoint: str | None,
                  build_dir: Path, output: Path | None, queries_dir: Path, user: str | None,
                  password: str | None, auth: str, timeout: float) -> None:
    """Run the stored query NAME (e.g. CQ03 or CQ03-statistics-by-area) with parameters.

    An integrity check (queries/checks) that returns rows exits with code 1."""
    from kg.api import connect, open_build

    graph = (connect(endpoint, user=user, password=password, auth=auth, timeout=timeout,
                     queries_dir=queries_dir) if endpoint
             else open_build(build_dir, queries_dir=queries_dir))
    answer = graph.query(name, parse_param_options(params))  # parameters checked first
    query, result = answer.query, answer.result
    if fmt == "table" and output is None:
        render_table(result, f"{query.name}: {query.title}")
    else:
        if fmt == "table":
            fmt = "ttl" if result.form in ("CONSTRUCT", "DESCRIBE") else "csv"
        data = serialize(result, fmt)
        if output is not None:
            from kg.atomic import write_bytes_atomic

            write_bytes_atomic(output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    if query.kind == "check" and result.rows:  # ODK style: any row is a failure
        from kg.errors import CheckFailed

        raise CheckFailed(f"{query.name}: {len(result.rows)} violation(s)",
                          where=str(query.path))
