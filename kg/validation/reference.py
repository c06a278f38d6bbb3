"""The reference engine: plain pyshacl (no inference) on an rdflib copy of the data graph."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.terms import memoised_to_rdflib
from kg.validate import LoadedData, ResultRow
from kg.validation.terms import node_text, value_text


def data_graph(data: LoadedData, default_graph: list[Any] | None) -> Graph:
    """The data graph as rdflib (literals as written): the union, or the given graphs."""
    store = data.store
    g = Graph()
    conv = memoised_to_rdflib()

    graphs = default_graph if default_graph is not None else [None]
    for name in graphs:
        for q in store.quads_for_pattern(None, None, None, name):
            s, p = conv(q.subject), conv(q.predicate)
            if isinstance(q.object, ox.Literal) and data.originals:
                for o in data.original(q.subject, q.predicate, q.object):
                    g.add((s, p, conv(o)))
            else:
                g.add((s, p, conv(q.object)))
    return g


def run_pyshacl(
    data: LoadedData, default_graph: list[Any] | None, shapes: Graph
) -> list[ResultRow]:
    """Validate with pyshacl; return the results as rows."""
    import pyshacl

    graph = data_graph(data, default_graph)
    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=False,
        abort_on_first=False,
    )
    return rows_from_report(report, shapes)


def shape_label(shapes: Graph, shape: Node) -> str:
    """The English rdfs:label of a shape, else its compact name."""
    from kg.validate import compact

    best = None
    for label in shapes.objects(shape, RDFS.label):
        if isinstance(label, Literal) and label.language in (None, "en"):
            best = str(label)
            break
    return best or (compact(str(shape)) if isinstance(shape, URIRef) else f"_:{shape}")


def path_text(g: Graph, path: Node) -> str:
    """A property path as text: an IRI, or SPARQL property-path syntax for complex paths."""
    if isinstance(path, URIRef):
        return str(path)
    inv = g.value(path, SH.inversePath)
    if inv is not None:
        return "^" + _wrap(path_text(g, inv))
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + " | ".join(_wrap(path_text(g, p)) for p in g.items(alt)) + ")"
    for pred, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, pred)
        if inner is not None:
            return _wrap(path_text(g, inner)) + op
    if (path, RDF.first, None) in g:
        return "(" + " / ".join(_wrap(path_text(g, p)) for p in g.items(path)) + ")"
    return f"_:{path}"


def _wrap(text: str) -> str:
    return f"<{text}>" if text.startswith(("http://", "https://")) else text


def rows_from_report(report: Graph, shapes: Graph) -> list[ResultRow]:
    """Flatten a SHACL validation report graph into rows."""
    rows = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(res, SH.focusNode)
        assert focus is not None, "a SHACL result has exactly one sh:focusNode"
        shape = report.value(res, SH.sourceShape)
        path = report.value(res, SH.resultPath)
        value = report.value(res, SH.value)
        sev = report.value(res, SH.resultSeverity)
        comp = report.value(res, SH.sourceConstraintComponent)
        messages = [m for m in report.objects(res, SH.resultMessage)]
        msg = next((str(m) for m in messages if getattr(m, "language", None) in (None, "en")), "")
        rows.append(
            ResultRow(
                severity=str(sev).rsplit("#", 1)[-1],
                shape=str(shape) if isinstance(shape, URIRef) else f"_:{shape}",
                shape_label=shape_label(shapes, shape) if shape is not None else "",
                focus=node_text(focus),
                focus_label=None,
                path=path_text(report, path) if path is not None else None,
                value=value_text(value)
                if value is not None and not isinstance(value, BNode)
                else (None if value is None else f"_:{value}"),
                message=msg,
                component="sh:" + str(comp).rsplit("#", 1)[-1],
            )
        )
    return rows
