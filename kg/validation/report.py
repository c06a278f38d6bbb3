"""The validation report: the W3C ``sh:ValidationReport`` graph, rows for people, tables, JSON."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH as SHNS

from kg.terms import to_rdflib
from kg.validation.model import SEVERITY_ORDER, SH, Result, ResultRow, ValidationResult
from kg.validation.paths import path_text, path_to_rdf
from kg.validation.shapes import Shape, compact, prefixes


def node_text(term: Any) -> str:
    """A focus node for rows: the IRI, ``_:label`` of a blank node, or N3 of a literal."""
    if type(term) is ox.NamedNode:
        return str(term.value)
    if type(term) is ox.BlankNode:
        return f"_:{term.value}"
    return to_rdflib(term).n3()


def value_text(term: Any) -> str:
    """A value for rows: N3 (IRIs in angle brackets, ``_:label`` for blank nodes)."""
    if type(term) is ox.BlankNode:
        return f"_:{term.value}"
    return to_rdflib(term).n3()


def severity_name(iri: str) -> str:
    """``sh:Violation`` -> ``Violation``; other severities keep their IRI."""
    return iri[len(SH):] if iri.startswith(SH) else iri


def component_name(iri: str) -> str:
    """``sh:MinCountConstraintComponent``, or the compact IRI of a custom component."""
    return "sh:" + iri[len(SH):] if iri.startswith(SH) else compact(iri)


def shape_label(shape: Shape, graph: Graph) -> str:
    """The English (or untagged) ``rdfs:label`` of a shape, else its compact name."""
    for label in graph.objects(shape.node, RDFS.label):
        if isinstance(label, Literal) and label.language in (None, "en"):
            return str(label)
    return shape.name


def message(result: Result) -> str:
    """The English (or untagged) message of a result, else the first."""
    for text, lang in result.messages:
        if lang in (None, "en"):
            return text
    return result.messages[0][0] if result.messages else ""


def to_row(result: Result, graph: Graph) -> ResultRow:
    """A result flattened (paths as IRI or SPARQL property-path text)."""
    path = result.path
    return ResultRow(
        severity=severity_name(result.severity),
        shape=str(result.shape.node) if isinstance(result.shape.node, URIRef)
        else f"_:{result.shape.node}",
        shape_label=shape_label(result.shape, graph),
        focus=node_text(result.focus),
        focus_label=None,
        path=None if path is None else path.iri if path.is_predicate else path_text(path),
        value=None if result.value is None else value_text(result.value),
        message=message(result),
        component=component_name(result.component),
        graph=result.graph,
    )


def report_graph(results: Iterable[Result]) -> Graph:
    """The W3C SHACL validation report: ``sh:conforms`` is false when there is any result;
    ``sh:resultPath`` for every path form; nested results under ``sh:detail``."""
    g = Graph()
    for prefix, ns in prefixes().items():
        g.bind(prefix, ns)
    report = BNode()
    g.add((report, RDF.type, SHNS.ValidationReport))
    results = list(results)
    g.add((report, SHNS.conforms, Literal(not results)))
    for r in results:
        g.add((report, SHNS.result, _result_node(g, r)))
    return g


def _result_node(g: Graph, r: Result) -> BNode:
    node = BNode()
    g.add((node, RDF.type, SHNS.ValidationResult))
    g.add((node, SHNS.resultSeverity, URIRef(r.severity)))
    g.add((node, SHNS.focusNode, to_rdflib(r.focus)))
    g.add((node, SHNS.sourceShape, r.shape.node))
    g.add((node, SHNS.sourceConstraintComponent, URIRef(r.component)))
    if r.path is not None:
        g.add((node, SHNS.resultPath, path_to_rdf(r.path, g)))
    if r.value is not None:
        g.add((node, SHNS.value, to_rdflib(r.value)))
    if r.source is not None:
        g.add((node, SHNS.sourceConstraint, r.source))
    for text, lang in r.messages:
        g.add((node, SHNS.resultMessage, Literal(text, lang=lang)))
    for d in r.details:
        g.add((node, SHNS.detail, _result_node(g, d)))
    return node


# --------------------------------------------------------------------------------------------
# labels and quotes for people


def annotate(store: ox.Store, rows: list[ResultRow]) -> list[ResultRow]:
    """Fill ``focus_label`` and ``quote`` (evidence quote of the focus node) from the store."""
    from dataclasses import replace

    iris = sorted({r.focus for r in rows if r.focus.startswith(("http://", "https://"))})
    labels: dict[str, str] = {}
    quotes: dict[str, str] = {}
    for i in range(0, len(iris), 500):
        chunk = " ".join(f"<{iri}>" for iri in iris[i:i + 500] if ">" not in iri)
        q_label = f"""
        SELECT ?f (MIN(STR(?l)) AS ?label) WHERE {{
          VALUES ?f {{ {chunk} }}
          ?f <http://www.w3.org/2004/02/skos/core#prefLabel>
             |<http://www.w3.org/2000/01/rdf-schema#label>|<http://purl.org/dc/terms/title> ?l .
          FILTER (LANGMATCHES(LANG(?l), "en") || LANG(?l) = "")
        }} GROUP BY ?f"""
        for sol in store.query(q_label, use_default_graph_as_union=True):  # type: ignore[union-attr]
            labels[sol["f"].value] = sol["label"].value
        q_quote = f"""
        PREFIX ck: <https://w3id.org/clusterkg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?f (MIN(STR(?x)) AS ?exact) ?rank WHERE {{
          VALUES ?f {{ {chunk} }}
          {{ ?f ck:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?f oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?t oa:hasSelector ?f ; oa:hasSelector/oa:exact ?x . BIND(1 AS ?rank) }}
          UNION {{ ?st rdf:subject ?f ; ck:evidence/oa:hasTarget/oa:hasSelector/oa:exact ?x .
                   BIND(2 AS ?rank) }}
          UNION {{ ?a oa:hasBody ?f ; oa:hasTarget/oa:hasSelector/oa:exact ?x . BIND(3 AS ?rank) }}
          FILTER NOT EXISTS {{ ?f a ck:SourceDocument }}
        }} GROUP BY ?f ?rank ORDER BY ?f ?rank"""
        for sol in store.query(q_quote, use_default_graph_as_union=True):  # type: ignore[union-attr]
            quotes.setdefault(sol["f"].value, sol["exact"].value)
    return [replace(r, focus_label=r.focus_label or labels.get(r.focus),
                    quote=r.quote or quotes.get(r.focus)) for r in rows]


# --------------------------------------------------------------------------------------------
# presentation


def format_table(result: ValidationResult, width: int | None = None) -> str:
    """Rich tables: a summary per shape and severity, then every result with its quote."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    buf = StringIO()
    console = Console(file=buf, width=width or 160, force_terminal=False, color_system=None)
    counts = result.counts()
    status = "CONFORMS" if result.conforms else "DOES NOT CONFORM"
    console.print(f"SHACL validation ({result.engine}): {status} - "
                  + ", ".join(f"{n} {compact(s).lower() if ':' in s else s.lower()}"
                              f"{'s' if n != 1 else ''}" for s, n in counts.items()))
    fallback = {s: e for s, e in result.engines.items() if e != result.engine}
    for shape, engine in sorted(fallback.items()):
        console.print(f"  {shape} checked by {engine}")
    if not result.results:
        return buf.getvalue()
    summary = Table(title="Results by shape and severity", show_lines=False)
    for col in ("Severity", "Shape", "Results"):
        summary.add_column(col)
    groups = Counter((r.severity, r.shape_label) for r in result.results)
    ordered = sorted(groups.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 9), kv[0]))
    for (sev, label), n in ordered:
        summary.add_row(sev, label, str(n))
    console.print(summary)
    for (sev, label), _n in ordered:
        table = Table(title=f"{sev}: {label}", show_lines=True)
        for col in ("Focus node", "Path", "Value", "Message", "Quote"):
            table.add_column(col, overflow="fold")
        for r in result.results:
            if (r.severity, r.shape_label) != (sev, label):
                continue
            focus = compact(r.focus) + (f"\n({r.focus_label})" if r.focus_label else "")
            if r.graph and r.graph != "union":
                focus += f"\n[graph {compact(r.graph)}]"
            quote = (r.quote[:200] + "...") if r.quote and len(r.quote) > 200 else (r.quote or "")
            table.add_row(focus, compact(r.path) if r.path and "<" not in r.path else
                          (r.path or ""), _short_value(r.value), r.message, quote)
        console.print(table)
    return buf.getvalue()


def _short_value(value: str | None) -> str:
    """A value for the table: compact IRIs, literals without the XSD namespace."""
    if value is None:
        return ""
    if value.startswith("<") and value.endswith(">"):
        return compact(value[1:-1])
    m = re.fullmatch(r'(".*")\^\^<http://www\.w3\.org/2001/XMLSchema#(\w+)>', value, re.S)
    text = f"{m.group(1)}^^xsd:{m.group(2)}" if m else value
    return text if len(text) <= 120 else text[:117] + "..."


def render(result: ValidationResult, fmt: str) -> str:
    """The report as ``table``, ``turtle`` (W3C SHACL report) or ``json``."""
    if fmt == "turtle":
        return result.report_graph.serialize(format="turtle")
    if fmt == "json":
        return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    return format_table(result)

