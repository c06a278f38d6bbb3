"""SHACL-SPARQL queries: the spec's restrictions, pre-binding, and running all focus nodes at once.

SHACL pre-binds ``$this`` (and ``$currentShape``, ``$shapesGraph``, the parameters of a
constraint component, ``$value`` in ASK validators) by *values insertion*: every basic graph
pattern of the query is joined with the pre-bound row (SHACL 1.0, appendix "Pre-binding of
Variables"). To make that well-defined the spec forbids MINUS, SERVICE, VALUES, ``AS ?var`` for
a pre-bound variable, and sub-SELECTs that do not return the pre-bound variables;
:func:`plan` reports them as a :class:`~kg.validation.shapes.ShapeError` before anything runs
(so SERVICE never makes a request).

:func:`plan` also decides whether the query can run *once* for all focus nodes, with the focus
nodes joined in as the first element of its WHERE clause: that gives the same solutions as
pre-binding when every use of ``$this`` in an expression sits where ``$this`` is certainly bound
(the top group, or a group whose own patterns bind it), there is no LIMIT/OFFSET, and grouping
is by ``$this``. Otherwise the query runs once per focus node with :func:`insert_values` (the
spec's definition, done on the query text).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kg.validation.shapes import ShapeError, one_line

OPTIONAL_PREBOUND = frozenset({"shapesGraph", "currentShape"})


# --------------------------------------------------------------------------------------------
# tokens


_TOKEN = re.compile(
    r'(?P<ws>\s+)|(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)'
    r'|(?P<word>[A-Za-z_][\w.\-:]*|:[\w.\-]*)'
    r'|(?P<punct>[{}()\[\];,.])'
    r'|(?P<other>.)', re.S)


@dataclass(frozen=True)
class Token:
    """A lexical token of a SPARQL query."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased word ('' for non-words)."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """Tokens of ``text`` (strings, IRIs and comments kept whole; whitespace skipped)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "ws":
            yield Token(kind, m.group(), m.start())


def var_name(tok: Token) -> str | None:
    """The name of a variable token (``$this`` and ``?this`` are the same variable)."""
    return tok.text[1:] if tok.kind == "var" else None


# --------------------------------------------------------------------------------------------
# the plan: restrictions and whether all focus nodes can run at once


@dataclass
class Plan:
    """How a SHACL-SPARQL query runs: once for all focus nodes, or once per focus node."""

    batch: bool
    reason: str  # why it cannot run at once ("" when it can)
    used: set[str] = field(default_factory=set)  # pre-bound variables the query mentions
    projected: list[str] = field(default_factory=list)  # the SELECT variables ([] for *)


def plan(text: str, prebound: set[str], required: set[str], where: str) -> Plan:
    """See :func:`_plan` (memoised: every engine and scope asks again)."""
    return _plan(text, frozenset(prebound), frozenset(required), where)


@functools.lru_cache(maxsize=4096)
def _plan(text: str, prebound: frozenset[str], required: frozenset[str], where: str) -> Plan:
    """Check ``text`` against SHACL's restrictions and decide how it runs.

    ``prebound``: the potentially pre-bound variables; ``required``: those that sub-SELECTs
    must return. Raises ShapeError (naming ``where``) for SERVICE, MINUS, VALUES, ``AS ?var``
    of a pre-bound variable, a sub-SELECT that does not return them, or unparseable text.
    """
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        kw = tok.keyword
        if kw == "SERVICE":
            raise ShapeError(f"{where}: SERVICE is not allowed in SHACL-SPARQL (no federated "
                             "queries; nothing was sent)")
        if kw == "MINUS":
            raise ShapeError(f"{where}: MINUS is not allowed in SHACL-SPARQL (pre-binding)")
        if kw == "VALUES":
            raise ShapeError(f"{where}: VALUES is not allowed in SHACL-SPARQL (pre-binding)")
        if kw == "AS" and i + 1 < len(toks) and var_name(toks[i + 1]) in prebound:
            raise ShapeError(f"{where}: 'AS {toks[i + 1].text}' binds a pre-bound variable")
    used = {n for t in toks if (n := var_name(t)) in prebound}
    _syntax(text, where)
    root = _blocks(toks)
    reasons: list[str] = []
    for block in root.walk():
        if block.kind != "subselect":
            continue
        returned = block.in_scope() if block.star else block.projected
        missing = sorted(required - returned)
        if missing:
            raise ShapeError(f"{where}: a sub-SELECT must return the pre-bound variable"
                             + ("s " if len(missing) > 1 else " ")
                             + ", ".join("$" + m for m in missing))
    form = next((t.keyword for t in toks if t.keyword in ("SELECT", "ASK", "CONSTRUCT",
                                                         "DESCRIBE")), "")
    if form != "SELECT":
        return Plan(batch=False, reason=f"{form or 'not a SELECT'} query", used=used)
    projected, star, aggregates = _projection(toks, 0)
    tail = _tail(toks)
    if any(t.keyword in ("LIMIT", "OFFSET") for t in toks):
        reasons.append("LIMIT/OFFSET")
    if "GROUP" in tail:
        if "this" not in tail["GROUP"]:
            reasons.append("GROUP BY without $this")
    elif aggregates:
        reasons.append("aggregates without GROUP BY $this")
    for block in root.walk():
        for name in sorted(block.expression_uses() & prebound - {"shapesGraph",
                                                                 "currentShape"}):
            if not block.binds(name):
                reasons.append(f"${name} used in an expression of a group that does not bind it")
    return Plan(batch=not reasons, reason="; ".join(dict.fromkeys(reasons)), used=used,
                projected=[] if star else sorted(projected))


_EMPTY: list[Any] = []


def _syntax(text: str, where: str) -> None:
    """Parse the query with pyoxigraph (on an empty store: nothing is read or sent)."""
    import pyoxigraph as ox

    if not _EMPTY:
        _EMPTY.append(ox.Store())
    try:
        result = _EMPTY[0].query(text)
        if hasattr(result, "__iter__"):
            for _ in result:
                break
    except SyntaxError as err:
        raise ShapeError(f"{where}: the query cannot be parsed: {one_line(str(err))}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise ShapeError(f"{where}: the query cannot run: {one_line(str(err))}") from None


_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


def _projection(toks: list[Token], start: int) -> tuple[set[str], bool, bool]:
    """(variables, is ``*``, uses aggregates) of the SELECT clause at or after ``start``."""
    i = next(j for j in range(start, len(toks)) if toks[j].keyword == "SELECT") + 1
    names: set[str] = set()
    star = aggregates = False
    depth = 0
    while i < len(toks) and not (depth == 0 and (toks[i].keyword == "WHERE"
                                                or toks[i].text == "{")):
        tok = toks[i]
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "*" and depth == 0:
            star = True
        elif tok.kind == "var" and (depth == 0 or toks[i - 1].keyword == "AS"):
            names.add(tok.text[1:])
        elif tok.keyword in _AGGREGATES:
            aggregates = True
        i += 1
    return names, star, aggregates


def _tail(toks: list[Token]) -> dict[str, set[str]]:
    """Solution modifiers after the top WHERE group: keyword -> variables (GROUP BY ...)."""
    start = _where_brace(toks)
    depth = 0
    end = len(toks)
    for i in range(start, len(toks)):
        if toks[i].text == "{":
            depth += 1
        elif toks[i].text == "}":
            depth -= 1
            if depth == 0:
                end = i
                break
    out: dict[str, set[str]] = {}
    current = None
    parens = 0
    for tok in toks[end + 1:]:
        if tok.keyword in ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET"):
            current = tok.keyword
            out.setdefault(current, set())
        elif tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif current is not None and tok.kind == "var" and (current != "GROUP" or parens == 0):
            out[current].add(tok.text[1:])
    return out


@dataclass
class _Block:
    """A ``{ ... }`` group of the query text and the variables used directly in it."""

    kind: str  # top, group, exists, optional, subselect (the braces around a sub-SELECT)
    parent: _Block | None = None
    children: list[_Block] = field(default_factory=list)
    uses: list[tuple[str, bool]] = field(default_factory=list)  # (variable, in an expression)
    bound_by_as: set[str] = field(default_factory=set)
    star: bool = False
    projected: set[str] = field(default_factory=set)  # sub-SELECT: the variables it returns

    def walk(self) -> Iterator[_Block]:
        yield self
        for child in self.children:
            yield from child.walk()

    def expression_uses(self) -> set[str]:
        if self.kind == "subselect":
            return set()
        return {name for name, in_expr in self.uses if in_expr}

    def binds(self, name: str) -> bool:
        """Whether ``name`` is certainly bound where this group's expressions run: by the
        focus nodes (the top group), by the enclosing group (EXISTS, OPTIONAL), or by one of
        its own triple patterns."""
        if self.kind == "top":
            return True
        if any(n == name and not in_expr for n, in_expr in self.uses) and \
                self.kind != "subselect":
            return True
        if self.kind in ("exists", "optional") and self.parent is not None:
            return self.parent.binds(name)
        return False

    def in_scope(self) -> set[str]:
        """Variables a ``SELECT *`` sub-query returns: those of its patterns and BINDs."""
        out: set[str] = set()
        for block in self.walk():
            if block is not self and block.kind == "exists":
                continue
            out |= {n for n, in_expr in block.uses if not in_expr} | block.bound_by_as
        return out


def _blocks(toks: list[Token]) -> _Block:
    """The group structure of the WHERE clause (variables in parentheses are expressions)."""
    start = _where_brace(toks)
    root = _Block("top")
    stack: list[tuple[_Block, int]] = []
    current, parens = root, 0
    for i in range(start + 1, len(toks)):
        tok = toks[i]
        if tok.text == "{":
            prev = toks[i - 1].keyword if i > 0 else ""
            nxt = toks[i + 1].keyword if i + 1 < len(toks) else ""
            kind = ("subselect" if nxt == "SELECT" else "exists" if prev == "EXISTS"
                    else "optional" if prev == "OPTIONAL" else "group")
            block = _Block(kind, current)
            if kind == "subselect":
                block.projected, block.star, _agg = _projection(toks, i + 1)
            current.children.append(block)
            stack.append((current, parens))
            current, parens = block, 0
        elif tok.text == "}":
            if not stack:
                break
            current, parens = stack.pop()
        elif tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.kind == "var":
            current.uses.append((tok.text[1:], parens > 0))
            if i > 0 and toks[i - 1].keyword == "AS":
                current.bound_by_as.add(tok.text[1:])
    return root


# --------------------------------------------------------------------------------------------
# rewriting the query text


def _where_brace(toks: list[Token]) -> int:
    """Index of the ``{`` opening the query's WHERE pattern."""
    depth = 0
    for i, tok in enumerate(toks):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "{" and depth == 0:
            return i
    raise ValueError("no WHERE clause")


def join_focus(text: str, focus: str, projected: list[str]) -> str:
    """The query with ``focus`` (a group binding ``?this``) first in its WHERE clause and
    ``?this`` in its projection (for running it once for all focus nodes)."""
    toks = list(tokens(text))
    brace = toks[_where_brace(toks)]
    out = text[: brace.start + 1] + " " + focus + " " + text[brace.start + 1:]
    if projected and "this" not in projected:
        for tok in toks:
            if tok.keyword == "SELECT":
                end = tok.start + len(tok.text)
                nxt = next((t for t in toks if t.start >= end), None)
                if nxt is not None and nxt.keyword in ("DISTINCT", "REDUCED"):
                    end = nxt.start + len(nxt.text)
                out = out[:end] + " ?this" + out[end:]
                break
    return out


def insert_values(text: str, row: dict[str, str]) -> str:
    """Pre-binding by values insertion: ``VALUES (?vars) { (terms) }`` at the start of every
    group of the query (``row``: variable name -> term in SPARQL syntax). A group that opens a
    sub-SELECT gets it inside the sub-SELECT's own WHERE."""
    if not row:
        return text
    names = sorted(row)
    values = ("VALUES (" + " ".join("?" + n for n in names) + ") { ("
              + " ".join(row[n] for n in names) + ") }")
    toks = list(tokens(text))
    pieces: list[str] = []
    last = 0
    for i, tok in enumerate(toks):
        if tok.text != "{":
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.keyword == "SELECT":
            continue
        pieces.append(text[last: tok.start + 1])
        pieces.append(" " + values + " ")
        last = tok.start + 1
    pieces.append(text[last:])
    return "".join(pieces)


def substitute_path(text: str, path: str) -> str:
    """Replace ``$PATH`` (a predicate position) with the SPARQL text of the shape's path."""
    out: list[str] = []
    last = 0
    for tok in tokens(text):
        if tok.kind == "var" and tok.text[1:] == "PATH":
            out.append(text[last:tok.start])
            out.append(path)
            last = tok.start + len(tok.text)
    out.append(text[last:])
    return "".join(out)


def mentions(text: str, name: str) -> bool:
    """Whether the query mentions variable ``name`` (``?name`` or ``$name``)."""
    return any(var_name(t) == name for t in tokens(text))
