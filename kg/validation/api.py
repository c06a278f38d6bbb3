"""Validation as a Python API: ``validate_store`` (a pyoxigraph store), ``validate_dataset`` (an
rdflib Dataset, the build's entry point), ``validate_files`` and ``validate_graph``.

The shapes of each scope (``cksh:dataGraph``) are checked against each data graph of that scope.
The fast engine checks one shape with targets at a time; a shape it cannot decide exactly goes
to the reference engine (pyshacl), and ``ValidationResult.engines`` says so. On large stores the
shapes are spread over worker processes (``fork``: the store is shared, not copied).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import InputError
from kg.validation.data import (
    DataGraph,
    LoadedData,
    Written,
    load_dataset,
    load_files,
    scope_graphs,
)
from kg.validation.model import SEVERITY_ORDER, Result, ValidationResult
from kg.validation.paths import path_text
from kg.validation.report import annotate, report_graph, to_row
from kg.validation.shapes import (
    Constraint,
    ShapesGraph,
    load_shapes,
    shape_files,
    sparql_where,
)
from kg.validation.sparql import OPTIONAL_PREBOUND, plan, substitute_path

ENGINES = ("fast", "pyshacl")
PARALLEL_FROM = 200_000  # quads: below this, worker processes cost more than they save


def validate_dataset(ds: Any, shapes: list[Path] | None = None, *, engine: str = "fast",
                     profiles: list[str] | None = None, workers: int | None = None
                     ) -> ValidationResult:
    """Validate an rdflib Dataset (all named graphs) against the shapes (default: shapes/)."""
    return _load_and_validate(lambda: load_dataset(ds), shapes, engine, profiles, workers)


def validate_files(files: list[Path], shapes: list[Path] | None = None, *, engine: str = "fast",
                   profiles: list[str] | None = None, workers: int | None = None
                   ) -> ValidationResult:
    """Validate RDF files (parsed into one store) against the shapes."""
    return _load_and_validate(lambda: load_files(files), shapes, engine, profiles, workers)


def _load_and_validate(load: Callable[[], LoadedData], shapes: list[Path] | None, engine: str,
                       profiles: list[str] | None, workers: int | None) -> ValidationResult:
    t0 = time.perf_counter()
    data = load()
    load_seconds = time.perf_counter() - t0
    result = validate_store(data, shapes, engine=engine, profiles=profiles, workers=workers)
    result.timings["load"] = load_seconds
    return result


def validate_store(store: ox.Store | LoadedData, shapes: list[Path] | None = None, *,
                   engine: str = "fast", profiles: list[str] | None = None,
                   written: Written | None = None, workers: int | None = None,
                   prepared: PreparedShapes | None = None) -> ValidationResult:
    """Validate a pyoxigraph store (all its graphs) against the shapes (default: shapes/).

    A bare store holds literals in pyoxigraph's canonical form (``xsd:nonNegativeInteger``
    values read back as ``xsd:integer``): load it with :class:`kg.validation.data.Loader` and
    pass the ``LoadedData`` (or its ``written``) to check and report literals as written.
    ``workers``: processes for large stores (default: the CPUs). ``prepared``: the shapes
    already made ready (:func:`prepare_shapes`; then ``shapes`` and ``profiles`` are not read).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} ({', '.join(ENGINES)})")
    data = store if isinstance(store, LoadedData) else LoadedData(store, written or Written())
    if prepared is None:
        prepared = prepare_shapes(shapes, profiles)
    timings: dict[str, float] = {"shapes": prepared.seconds}
    scopes = [(sg, scope_graphs(data.store, scope)) for scope, sg in prepared.by_scope]
    t = time.perf_counter()
    results, engines = _run(data, scopes, engine, workers)
    timings["validate"] = time.perf_counter() - t
    t = time.perf_counter()
    result = _result(data, results, engines, engine, {sg: sg.graph for sg, _ in scopes})
    timings["report"] = time.perf_counter() - t
    result.timings.update(timings)
    return result


@dataclass(frozen=True)
class PreparedShapes:
    """The shapes of each scope parsed, compiled and checked: all validation needs before the
    data (the build makes it while the articles are extracted)."""

    by_scope: list[tuple[str, ShapesGraph]]
    seconds: float  # what making them took


def prepare_shapes(shapes: list[Path] | None = None,
                   profiles: list[str] | None = None) -> PreparedShapes:
    """The shapes files (default: shapes/, plus ``profiles``) ready to validate with."""
    t = time.perf_counter()
    shapes_set = load_shapes(shape_files(shapes, profiles))
    by_scope = [(scope, ShapesGraph(g)) for scope, g in shapes_set.by_scope.items()]
    for _scope, sg in by_scope:
        check_queries(sg)
    return PreparedShapes(by_scope, time.perf_counter() - t)


def validate_graph(data: LoadedData, shapes: Graph, *, engine: str = "fast",
                   graph: DataGraph | None = None) -> ValidationResult:
    """Validate one data graph (default: the union of the store) against one shapes graph."""
    sg = ShapesGraph(shapes)
    check_queries(sg)
    graphs = [graph or DataGraph("union")]
    results, engines = _run(data, [(sg, graphs)], engine, workers=1)
    return _result(data, results, engines, engine, {sg: shapes})


def check_queries(sg: ShapesGraph) -> None:
    """SHACL's restrictions on every SHACL-SPARQL query, before any engine runs (so that
    SERVICE is refused before a request is made, by both engines)."""
    seen: set[int] = set()
    for top in sg.targeted:
        for shape in top.walk():
            if id(shape) in seen:
                continue
            seen.add(id(shape))
            for c in shape.constraints:
                _check(sg, c)


def _check(sg: ShapesGraph, c: Constraint) -> None:
    query = c.query
    if query is None:
        return
    params = set(c.params) if c.custom is not None else set()
    prebound = {"this", "currentShape", "shapesGraph", *params}
    if query.form == "ask":
        prebound.add("value")
    text = query.text
    if c.shape.path is not None:
        text = substitute_path(text, path_text(c.shape.path))
    plan(text, prebound, prebound - OPTIONAL_PREBOUND, sparql_where(sg, c, query))


# --------------------------------------------------------------------------------------------
# running: jobs, fallback, worker processes


@dataclass(frozen=True)
class Job:
    """One shape with targets against one data graph."""

    scope: int
    graph: DataGraph
    shape: int  # index in ShapesGraph.targeted
    cost: int


_STATE: dict[str, Any] = {}


def _jobs(scopes: list[tuple[ShapesGraph, list[DataGraph]]]) -> list[Job]:
    jobs = []
    for i, (sg, graphs) in enumerate(scopes):
        for graph in graphs:
            for j, shape in enumerate(sg.targeted):
                cost = sum(1 + 8 * (c.query is not None) + 4 * bool(c.shapes)
                           for s in shape.walk() for c in s.constraints)
                jobs.append(Job(i, graph, j, cost))
    jobs.sort(key=lambda job: -job.cost)
    return jobs


def _run(data: LoadedData, scopes: list[tuple[ShapesGraph, list[DataGraph]]], engine: str,
         workers: int | None) -> tuple[list[Result], dict[str, str]]:
    if engine == "pyshacl":
        return _run_reference(data, scopes)
    jobs = _jobs(scopes)
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n > 1 and len(jobs) > 1 and len(data.store) >= PARALLEL_FROM:
        return _run_parallel(data, scopes, jobs, n)
    results: list[Result] = []
    engines: dict[str, str] = {}
    for job in jobs:
        out, label = _run_job(data, scopes, job)
        results.extend(out)
        engines[scopes[job.scope][0].targeted[job.shape].name] = label
    return results, engines


def _run_reference(data: LoadedData, scopes: list[tuple[ShapesGraph, list[DataGraph]]]
                   ) -> tuple[list[Result], dict[str, str]]:
    from kg.validation.reference import ReferenceEngine

    results: list[Result] = []
    engines: dict[str, str] = {}
    for sg, graphs in scopes:
        for graph in graphs:
            results.extend(ReferenceEngine(data, graph, sg).run())
        engines.update({s.name: "pyshacl" for s in sg.targeted})
    return results, engines


def _run_job(data: LoadedData, scopes: list[tuple[ShapesGraph, list[DataGraph]]], job: Job
             ) -> tuple[list[Result], str]:
    from kg.validation.fast import FastEngine, Unsupported
    from kg.validation.reference import ReferenceEngine

    sg = scopes[job.scope][0]
    shape = sg.targeted[job.shape]
    engine = FastEngine(data, job.graph, sg)
    try:
        return engine.run(shape), "fast"
    except Unsupported as why:
        return ReferenceEngine(data, job.graph, sg).run([shape]), f"pyshacl ({why})"
    finally:
        engine.close()


def _run_parallel(data: LoadedData, scopes: list[tuple[ShapesGraph, list[DataGraph]]],
                  jobs: list[Job], workers: int) -> tuple[list[Result], dict[str, str]]:
    import multiprocessing

    _STATE.update(data=data, scopes=scopes, jobs=jobs)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(workers, len(jobs))) as pool:
            packed = pool.map(_worker, range(len(jobs)), chunksize=1)
    finally:
        _STATE.clear()
    results: list[Result] = []
    engines: dict[str, str] = {}
    for index, (items, label) in enumerate(packed):
        job = jobs[index]
        sg = scopes[job.scope][0]
        results.extend(_unpack(item, sg) for item in items)
        engines[sg.targeted[job.shape].name] = label
    return results, engines


def _worker(index: int) -> tuple[list[tuple[Any, ...]], str]:
    results, label = _run_job(_STATE["data"], _STATE["scopes"], _STATE["jobs"][index])
    return [_pack(r) for r in results], label


def _pack(r: Result) -> tuple[Any, ...]:
    """A result without its Shape object (not shared across processes)."""
    return (r.focus, r.shape.node, r.component, r.path, r.value, r.messages, r.source,
            [_pack(d) for d in r.details], r.graph)


def _unpack(item: tuple[Any, ...], sg: ShapesGraph) -> Result:
    focus, node, component, path, value, messages, source, details, graph = item
    return Result(focus, sg.shape(node), component, path, value, messages, source,
                  [_unpack(d, sg) for d in details], graph)


# --------------------------------------------------------------------------------------------
# the outcome


def _result(data: LoadedData, results: list[Result], engines: dict[str, str], engine: str,
            graphs: dict[ShapesGraph, Graph]) -> ValidationResult:
    all_shapes = Graph()
    for g in graphs.values():
        all_shapes += g
    pairs = [(to_row(r, all_shapes), r) for r in results]
    pairs.sort(key=_order)
    rows = annotate(data.store, [row for row, _r in pairs])
    full = [r for _row, r in pairs]
    return ValidationResult(conforms=not full, results=rows, report_graph=report_graph(full),
                            engine=engine, engines=dict(sorted(engines.items())), full=full)


def _order(pair: tuple[Any, Result]) -> tuple[Any, ...]:
    row = pair[0]
    return (SEVERITY_ORDER.get(row.severity, 9), row.shape_label, row.focus, row.path or "",
            row.value or "", row.component, row.graph or "", row.message)
