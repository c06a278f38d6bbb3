"""SPARQL ``SERVICE`` (federated queries): refused unless the service's host is allowed.

pyoxigraph evaluates ``SERVICE <iri> { ... }`` itself: it POSTs the inner pattern to
``<iri>`` with its built-in HTTP client (``user-agent: Oxigraph``), from inside
``Store.query``, and offers no hook to stop it. So the check runs before the query does, on
the query's algebra as rdflib's SPARQL parser builds it (prefixes, ``BASE`` and ``\\u``
escapes resolved; ``SERVICE`` inside ``OPTIONAL``, ``EXISTS``, sub-queries included).

The parse costs milliseconds, so it runs only when the text could hold the keyword: it
contains ``service`` in any case, or a ``\\u``/``\\U`` escape (SPARQL expands those before
parsing). A query that mentions SERVICE but that rdflib cannot parse is refused: what
cannot be checked is not run.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from typing import Any


class ServiceRefused(Exception):
    """A query calls a SERVICE that is not allowed (the message says which and why)."""


def might_call_service(query: str) -> bool:
    """Whether the query text could contain the SERVICE keyword (a cheap filter)."""
    folded = query.casefold()
    return "service" in folded or "\\u" in folded


def service_targets(query: str) -> list[str | None]:
    """The IRI of every SERVICE in ``query`` (``None`` for ``SERVICE ?variable``).

    Raises :class:`ValueError` when rdflib cannot parse the query.
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception as err:  # pyparsing and rdflib raise many kinds
        raise ValueError(" ".join(str(err).split())[:200] or type(err).__name__) from err
    found: list[str | None] = []
    for node in _walk(algebra):
        term = node.get("term")
        found.append(str(term) if isinstance(term, URIRef) else None)
    return found


def _walk(root: Any) -> Iterable[Any]:
    """Every ``ServiceGraphPattern`` node of an rdflib algebra tree."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                yield node
            stack.extend(node.values())
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend(node)


def check_service(query: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Raise :class:`ServiceRefused` unless every SERVICE of ``query`` is to an allowed host.

    ``allowed_hosts`` are host names (``query.wikidata.org``) or ``host:port``; empty
    refuses every SERVICE. ``SERVICE ?variable`` is always refused.
    """
    if not might_call_service(query):
        return
    allowed = {h.lower() for h in allowed_hosts}
    try:
        targets = service_targets(query)
    except ValueError as err:
        raise ServiceRefused(
            f"the query mentions SERVICE but could not be checked ({err}); not run"
        ) from err
    for target in targets:
        if target is None:
            raise ServiceRefused("SERVICE with a variable is not allowed on this endpoint")
        parts = urllib.parse.urlsplit(target)
        host = (parts.hostname or "").lower()
        hostport = f"{host}:{parts.port}" if parts.port else host
        if parts.scheme not in {"http", "https"} or not (host in allowed or hostport in allowed):
            what = "SERVICE is not allowed on this endpoint"
            if allowed:
                what = f"SERVICE is allowed only to {', '.join(sorted(allowed))}"
            raise ServiceRefused(f"{what}: refused <{target}>")
