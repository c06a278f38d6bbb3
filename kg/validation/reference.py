"""The reference engine: plain pyshacl (no inference) on an rdflib copy of one data graph."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kg.terms import memoised_to_rdflib, to_ox
from kg.validation.data import DataGraph, LoadedData
from kg.validation.model import Result
from kg.validation.paths import parse_path
from kg.validation.shapes import Shape, ShapeError, ShapesGraph, one_line


def rdflib_graph(data: LoadedData, graph: DataGraph) -> Graph:
    """The data graph as rdflib, with literals as written."""
    g = Graph()
    conv = memoised_to_rdflib()
    by_triple = data.written.by_triple
    add = g.add
    for q in graph.quads(data.store):
        s, p, o = q.subject, q.predicate, q.object
        originals = by_triple.get((s, p, o)) if type(o) is ox.Literal else None
        for obj in originals or (o,):
            add((conv(s), conv(p), conv(obj)))
    return g


class ReferenceEngine:
    """Validates shapes of one shapes graph against one data graph with pyshacl."""

    name = "pyshacl"

    def __init__(self, data: LoadedData, graph: DataGraph, shapes: ShapesGraph):
        self.data = data
        self.graph = graph
        self.sg = shapes
        self._rdflib: Graph | None = None

    def data_graph(self) -> Graph:
        """The rdflib copy of the data graph (made once)."""
        if self._rdflib is None:
            self._rdflib = rdflib_graph(self.data, self.graph)
        return self._rdflib

    def run(self, shapes: list[Shape] | None = None) -> list[Result]:
        """Results of the given shapes with targets (default: all of them)."""
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        options: dict[str, Any] = {}
        if shapes is not None:
            options["use_shapes"] = [s.node for s in shapes]
        try:
            _conforms, report, _text = pyshacl.validate(
                self.data_graph(), shacl_graph=self.sg.graph, inference="none",
                allow_warnings=True, allow_infos=True, advanced=False, abort_on_first=False,
                **options)
        except ReportableRuntimeError as err:
            raise ShapeError(f"pyshacl: {one_line(getattr(err, 'message', err))}") from None
        except Exception as err:  # pyshacl raises plain exceptions for shapes it cannot use
            raise ShapeError(f"pyshacl cannot validate these shapes: {type(err).__name__}: "
                             f"{one_line(err)}") from None
        out = []
        for node in report.subjects(RDF.type, SH.ValidationReport):
            for res in report.objects(node, SH.result):
                out.append(self.result(report, res))
        return out

    def result(self, report: Graph, node: Node) -> Result:
        """One result of pyshacl's report (with its ``sh:detail`` results)."""
        shape_node = report.value(node, SH.sourceShape)
        shape = self.sg.shape(shape_node) if shape_node is not None else Shape(BNode())
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        messages = [(str(m), m.language) for m in report.objects(node, SH.resultMessage)
                    if isinstance(m, Literal)]
        return Result(
            focus=to_ox(report.value(node, SH.focusNode)),  # type: ignore[arg-type]
            shape=shape,
            component=str(report.value(node, SH.sourceConstraintComponent)),
            path=parse_path(report, path, "pyshacl report") if path is not None else None,
            value=to_ox(value) if value is not None else None,
            messages=messages,
            source=report.value(node, SH.sourceConstraint),
            details=[self.result(report, d) for d in report.objects(node, SH.detail)],
            graph=self.graph.name,
        )
