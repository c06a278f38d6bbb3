"""``clusterkg explain ENTITY``: every fact about an entity with its quote, source and offsets.

ENTITY is a full IRI, a prefixed name (``id:cluster/silicon-valley``) or a data path
(``cluster/silicon-valley``). The built graph (``build/clusterkg.nq``) is loaded into an
in-memory pyoxigraph store; the facts are the reified statements with the entity as subject or
object, and the n-ary fact nodes (memberships, observations, list items, table cells) that
point to it. The entity is bound to ``$ENTITY`` by pyoxigraph substitution, never pasted into
the query text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.errors import InputError
from kg.namespace import PREFIXES
from kg.namespace import compact_iri as compact
from kg.options import build_dir_option
from kg.paths import BUILD_DIR

if TYPE_CHECKING:
    import pyoxigraph as ox

ID = PREFIXES["id"]

QUERY_PREFIXES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())

STATEMENTS = """
SELECT ?g ?fact ?s ?p ?o ?exact ?start ?end ?rawStart ?rawEnd ?source ?extractor ?confidence
       $ENTITY
WHERE {
  GRAPH ?g {
    ?fact a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
          ck:evidence ?ann ; ck:extractedBy ?extractor ; ck:confidence ?confidence .
    FILTER (?s = $ENTITY || ?o = $ENTITY)
    ?ann oa:hasTarget ?t . ?t oa:hasSource ?source ; oa:hasSelector ?q, ?pos .
    ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
    OPTIONAL { ?pos ck:rawStart ?rawStart ; ck:rawEnd ?rawEnd }
  }
}
ORDER BY ?source ?start ?p
"""

NARY = """
SELECT ?g ?fact ?type ?p ?exact ?start ?end ?rawStart ?rawEnd ?source ?extractor ?confidence
       $ENTITY
WHERE {
  GRAPH ?g {
    ?fact a ck:Fact ; ?p $ENTITY ; ck:evidence ?ann ; ck:extractedBy ?extractor ;
          ck:confidence ?confidence .
    FILTER NOT EXISTS { ?fact a rdf:Statement }
    OPTIONAL { ?fact a ?type . FILTER (?type != ck:Fact) }
    ?ann oa:hasTarget ?t . ?t oa:hasSource ?source ; oa:hasSelector ?q, ?pos .
    ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
    OPTIONAL { ?pos ck:rawStart ?rawStart ; ck:rawEnd ?rawEnd }
  }
}
ORDER BY ?source ?start ?fact
"""

ABOUT = """
SELECT ?type ?label $ENTITY WHERE {
  GRAPH ?g { { $ENTITY a ?type } UNION { $ENTITY skos:prefLabel ?label } }
}
"""

MENTIONS = """
SELECT ?source (COUNT(?ann) AS ?n) $ENTITY WHERE {
  GRAPH ?g {
    ?ann oa:hasBody $ENTITY ; oa:motivatedBy oa:identifying ; oa:hasTarget/oa:hasSource ?source .
  }
} GROUP BY ?source $ENTITY ORDER BY ?source
"""


@dataclass(frozen=True)
class Fact:
    """One fact about the entity, with its evidence."""

    graph: str
    fact: str
    statement: str  # "subject predicate object" (compact) or the n-ary fact's type and role
    quote: str
    source: str
    start: int
    end: int
    raw_start: int | None
    raw_end: int | None
    extractor: str
    confidence: str


def resolve(name: str) -> str:
    """Expand a prefixed name or data path into a full IRI; InputError unless it is valid."""
    import pyoxigraph

    iri = _expand(name)
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as err:
        raise InputError(f"not a valid IRI: {name!r} ({err})",
                         hint="e.g. id:cluster/silicon-valley") from None
    return iri


def _expand(name: str) -> str:
    if name.startswith(("http://", "https://")):
        return name
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if "/" in name and not sep:
        return ID + name.strip("/")
    raise InputError(f"not an IRI or prefixed name: {name!r}",
                     hint="e.g. id:cluster/silicon-valley")


def explain(
    entity: str, build_dir: Path = BUILD_DIR, *, store: ox.Store | None = None
) -> tuple[dict[str, list[str]], list[Fact]]:
    """Labels/types, mention counts and every fact about ``entity`` in the built graph
    (``store``, else ``build_dir``'s loaded)."""
    import pyoxigraph as ox

    from kg.store import open_store

    iri = resolve(entity)
    if store is None:
        store = open_store(Path(build_dir))
    bound: dict[ox.Variable, Any] = {ox.Variable("ENTITY"): ox.NamedNode(iri)}

    def run(query: str) -> list[ox.QuerySolution]:
        answer = store.query(QUERY_PREFIXES + query, substitutions=bound)
        assert isinstance(answer, ox.QuerySolutions)  # the queries above are SELECTs
        return list(answer)

    about: dict[str, list[str]] = {"types": [], "labels": [], "mentions": []}
    for row in run(ABOUT):
        if row["type"] is not None:
            about["types"].append(compact(row["type"].value))
        if row["label"] is not None:
            label = row["label"]
            about["labels"].append(f"{label.value}@{label.language}")
    for row in run(MENTIONS):
        about["mentions"].append(f"{compact(row['source'].value)}: {row['n'].value}")
    facts: list[Fact] = []
    for row in run(STATEMENTS):
        obj = row["o"]
        shown = compact(obj.value) if isinstance(obj, ox.NamedNode) else str(obj)
        text = f"{compact(row['s'].value)} {compact(row['p'].value)} {shown}"
        facts.append(_fact(row, text))
    for row in run(NARY):
        kind = compact(row["type"].value) if row["type"] is not None else "ck:Fact"
        text = f"{compact(row['fact'].value)} ({kind}) {compact(row['p'].value)} {compact(iri)}"
        facts.append(_fact(row, text))
    about = {k: sorted(set(v)) for k, v in about.items()}
    return about, facts


def _fact(row: object, statement: str) -> Fact:
    def value(name: str) -> str | None:
        term = row[name]  # type: ignore[index]
        return None if term is None else term.value

    raw_start, raw_end = value("rawStart"), value("rawEnd")
    return Fact(
        graph=compact(value("g") or ""),
        fact=compact(value("fact") or ""),
        statement=statement,
        quote=value("exact") or "",
        source=compact(value("source") or ""),
        start=int(value("start") or 0),
        end=int(value("end") or 0),
        raw_start=int(raw_start) if raw_start is not None else None,
        raw_end=int(raw_end) if raw_end is not None else None,
        extractor=compact(value("extractor") or ""),
        confidence=value("confidence") or "",
    )


@click.command("explain")
@click.argument("entity")
@build_dir_option
def explain_command(entity: str, build_dir: Path) -> None:
    """Print every fact about ENTITY (IRI or prefixed name) with its quote and offsets."""
    from kg.api import open_build

    found = open_build(build_dir).entity(entity)
    click.echo(f"{found.name}  <{found.iri}>")
    if found.types:
        click.echo("  types:    " + ", ".join(found.types))
    if found.labels:
        click.echo("  labels:   " + "; ".join(found.labels))
    if found.mentions:
        click.echo("  mentions: " + "; ".join(found.mentions))
    click.echo(f"{len(found.facts)} fact(s):")
    for fact in found.facts:
        raw = f", raw [{fact.raw_start}, {fact.raw_end})" if fact.raw_start is not None else ""
        click.echo(f"- {fact.statement}")
        click.echo(f"    “{fact.quote}”")
        click.echo(
            f"    {fact.source} [{fact.start}, {fact.end}){raw}  by {fact.extractor}"
            f"  confidence {fact.confidence}  ({fact.fact})"
        )
