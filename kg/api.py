"""The Python API: what the ``clusterkg`` commands do, for notebooks and scripts.

::

    import kg

    kg.build()                                    # the seed corpus -> ./build (BuildSummary)
    graph = kg.open_build("build")                # or kg.connect("http://host/sparql")
    graph.queries()                               # the stored queries by name
    result = graph.query("CQ03", area="id:place/european-union")
    result.to_dicts()                             # [{"cluster": "https://...", ...}, ...]
    result.to_dataframe()                         # pandas (pip install 'clusterkg[pandas]')
    entity = graph.entity("id:cluster/silicon-valley")
    [(f.statement, f.quote) for f in entity.facts]
    report = graph.validate()                     # or kg.validate_graph(["my.ttl"])
    report.conforms, report.violations

The commands call these functions (``clusterkg query``, ``explain`` and ``validate``), so a
notebook gets the same answers as the command line. Errors are :class:`kg.errors.InputError`
(unusable input) with the same one-line messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.paths import BUILD_DIR, CORPUS_DIR, QUERIES_DIR

if TYPE_CHECKING:
    import pandas
    import pyoxigraph
    import rdflib

    from kg.endpoint import Endpoint
    from kg.explain import Fact
    from kg.pipeline import BuildSummary
    from kg.query import Result, StoredQuery
    from kg.validate import LoadedData, ValidationResult

__all__ = [
    "Entity",
    "KnowledgeGraph",
    "QueryResult",
    "build",
    "connect",
    "open_build",
    "validate_graph",
]

NQUADS_NAME = "clusterkg.nq"


def build(
    corpus: str | Path = CORPUS_DIR,
    out: str | Path = BUILD_DIR,
    *,
    curation: str | Path | None = None,
    validate: bool = True,
    docs: bool = False,
    progress: bool = False,
) -> BuildSummary:
    """Build the graph from a corpus folder (``clusterkg build``); the summary of counts.

    ``corpus`` defaults to the seed corpus, ``out`` to ``build/`` in the current directory.
    Raises ``InputError`` (bad input) or ``CheckFailed`` (SHACL violations; nothing written).
    """
    from kg.pipeline import run_build

    return run_build(
        corpus_dir=Path(corpus),
        out_dir=Path(out),
        validate=validate,
        progress=progress,
        curation_dir=None if curation is None else Path(curation),
        with_docs=docs,
    )


def open_build(
    build_dir: str | Path = BUILD_DIR, *, queries_dir: str | Path = QUERIES_DIR
) -> KnowledgeGraph:
    """The graph written by ``clusterkg build`` (``build_dir/clusterkg.nq``), queried in memory.

    The N-Quads are loaded into pyoxigraph on first use; a missing build is an ``InputError``
    now.
    """
    nquads = Path(build_dir) / NQUADS_NAME
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    return KnowledgeGraph(nquads=nquads, queries_dir=Path(queries_dir))


def connect(
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: str = "basic",
    timeout: float = 30.0,
    queries_dir: str | Path = QUERIES_DIR,
) -> KnowledgeGraph:
    """A SPARQL 1.1 endpoint holding the graph (e.g. after ``clusterkg load``)."""
    from kg.endpoint import Endpoint

    endpoint = Endpoint(url, user=user, password=password, auth=auth, timeout=timeout)
    return KnowledgeGraph(endpoint=endpoint, queries_dir=Path(queries_dir))


def validate_graph(
    data: str | Path | Sequence[str | Path] | rdflib.Graph | KnowledgeGraph | None = None,
    *,
    shapes: Sequence[str | Path] | None = None,
    profiles: Sequence[str] = (),
    engine: str = "fast",
    timeout: float = 30.0,
    workers: int | None = None,
) -> ValidationResult:
    """Validate RDF against the SHACL shapes (``clusterkg validate``).

    ``data``: RDF file(s) (default ``build/clusterkg.nq``), an rdflib Graph or Dataset, or a
    :class:`KnowledgeGraph` (its build file, or its endpoint's graphs). ``shapes`` replaces
    the project's shapes; ``profiles`` adds e.g. ``eccp``; ``engine`` is ``fast`` or
    ``pyshacl``; ``workers``: processes for large graphs (default: the CPUs). The result has
    ``conforms`` (SHACL's: no result of any severity), ``violations``, ``warnings`` and
    ``report_graph`` (the W3C SHACL report).
    """
    from kg.validate import (
        store_from_dataset,
        store_from_endpoint,
        store_from_files,
        validate_store,
    )

    started = time.perf_counter()
    loaded: LoadedData
    if isinstance(data, KnowledgeGraph):
        if data.endpoint is not None:
            loaded = store_from_endpoint(data.endpoint.url, timeout=timeout)
        else:
            assert data.nquads is not None
            loaded = store_from_files([data.nquads])
    elif data is None or isinstance(data, str | Path):
        loaded = store_from_files([Path(data if data is not None else BUILD_DIR / NQUADS_NAME)])
    elif isinstance(data, Sequence):
        loaded = store_from_files([Path(p) for p in data])
    else:
        loaded = store_from_dataset(data)
    load = time.perf_counter() - started
    result = validate_store(
        loaded,
        [Path(s) for s in shapes] if shapes else None,
        engine=engine,
        profiles=list(profiles),
        workers=workers,
    )
    result.timings["load"] = load
    return result


@dataclass
class KnowledgeGraph:
    """The built graph, in memory (from ``clusterkg.nq``) or behind a SPARQL endpoint.

    Make one with :func:`open_build` or :func:`connect`.
    """

    nquads: Path | None = None
    endpoint: Endpoint | None = None
    queries_dir: Path = QUERIES_DIR

    @cached_property
    def store(self) -> pyoxigraph.Store:
        """The in-memory pyoxigraph store (default graph = union of the named graphs)."""
        if self.nquads is None:
            raise InputError("this graph is a remote endpoint: it has no local store")
        from kg.store import open_store

        return open_store(nquads=self.nquads)

    def queries(self) -> dict[str, StoredQuery]:
        """The stored queries (``queries/cq`` then ``queries/checks``) by name."""
        from kg.query import load_queries

        return load_queries(self.queries_dir)

    def stored_query(self, name: str) -> StoredQuery:
        """A stored query by name or unique prefix (``CQ03``)."""
        from kg.query import find_query

        return find_query(name, self.queries())

    def query(
        self, name: str, params: Mapping[str, object] | None = None, /, **kwargs: object
    ) -> QueryResult:
        """Run the stored query ``name`` with parameters (``area="id:place/usa"`` or a dict).

        Values are bound as RDF terms of the types the query's header declares, never pasted
        into the text; an unknown, missing or ill-typed parameter is an ``InputError``.
        """
        from kg.query import bind_params, run_embedded, run_remote

        query = self.stored_query(name)
        given = {key: _param_text(value) for key, value in {**(params or {}), **kwargs}.items()}
        terms = bind_params(query, given)
        if self.endpoint is not None:
            result = run_remote(query, terms, self.endpoint)
        else:
            result = run_embedded(query, terms, self.store)
        return QueryResult(query, result)

    def entity(self, name: str) -> Entity:
        """An entity (IRI, prefixed name or ``cluster/...``) with its facts and their quotes."""
        from kg.explain import explain, resolve
        from kg.namespace import compact_iri as compact

        if self.nquads is None:
            raise InputError("entity() needs a local build (open_build), not an endpoint")
        iri = resolve(name)
        about, facts = explain(iri, store=self.store)
        if not about["types"] and not about["labels"] and not facts:
            raise InputError(f"{compact(iri)} is not in the built graph", where=str(self.nquads))
        return Entity(
            iri=iri,
            name=compact(iri),
            types=about["types"],
            labels=about["labels"],
            mentions=about["mentions"],
            facts=facts,
        )

    def validate(
        self,
        *,
        shapes: Sequence[str | Path] | None = None,
        profiles: Sequence[str] = (),
        engine: str = "fast",
    ) -> ValidationResult:
        """Validate this graph against the SHACL shapes (see :func:`validate_graph`)."""
        timeout = self.endpoint.timeout if self.endpoint is not None else 30.0
        return validate_graph(
            self, shapes=shapes, profiles=profiles, engine=engine, timeout=timeout
        )


def _param_text(value: object) -> str:
    """A parameter value as the command line would give it (``True`` -> ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Entity:
    """An entity of the graph: its types, labels, mention counts and facts with evidence."""

    iri: str
    name: str  # prefixed name
    types: list[str]
    labels: list[str]  # "text@lang"
    mentions: list[str]  # "source: count"
    facts: list[Fact] = field(default_factory=list)

    @property
    def quotes(self) -> list[str]:
        """The distinct passages that state its facts, in order of appearance."""
        return list(dict.fromkeys(f.quote for f in self.facts))

    def to_dataframe(self) -> pandas.DataFrame:
        """One row per fact: statement, quote, source, offsets, extractor, confidence."""
        from dataclasses import asdict

        return _pandas().DataFrame([asdict(f) for f in self.facts])


@dataclass
class QueryResult:
    """The answer of a stored query: rows for SELECT, ``boolean`` for ASK, ``triples`` for
    CONSTRUCT and DESCRIBE. Iterating gives the rows as dicts of Python values."""

    query: StoredQuery
    result: Result

    @property
    def form(self) -> str:
        return self.result.form

    @property
    def variables(self) -> list[str]:
        return self.result.variables

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows as pyoxigraph terms (unbound variables left out)."""
        return self.result.rows

    @property
    def boolean(self) -> bool | None:
        return self.result.boolean

    @property
    def triples(self) -> list[Any]:
        return self.result.triples

    def __len__(self) -> int:
        return len(self.result.triples if self.form in ("CONSTRUCT", "DESCRIBE") else self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.to_dicts())

    def to_dicts(self, *, curies: bool = False) -> list[dict[str, Any]]:
        """SELECT rows as dicts of Python values: IRIs as strings (prefixed names such as
        ``id:place/usa`` with ``curies``), literals converted by datatype (int, Decimal,
        float, bool, date, str), unbound variables as None."""
        import pyoxigraph
        from rdflib import Literal

        from kg.namespace import compact_iri as compact
        from kg.terms import to_rdflib

        if self.form != "SELECT":
            raise InputError(f"{self.query.name} is a {self.form} query: it has no rows")

        def value(term: Any) -> Any:
            if term is None:
                return None
            if isinstance(term, pyoxigraph.NamedNode):
                return compact(term.value) if curies else term.value
            if isinstance(term, pyoxigraph.BlankNode):
                return f"_:{term.value}"
            node = to_rdflib(term)
            native = node.toPython() if isinstance(node, Literal) else node
            return str(native) if isinstance(native, Literal) else native

        return [{v: value(row.get(v)) for v in self.variables} for row in self.rows]

    def to_dataframe(self, *, curies: bool = False) -> pandas.DataFrame:
        """SELECT rows as a pandas DataFrame, one column per variable (see :meth:`to_dicts`)."""
        return _pandas().DataFrame(self.to_dicts(curies=curies), columns=self.variables)

    def serialize(self, fmt: str = "json") -> bytes:
        """SPARQL 1.1 results (json, xml, csv, tsv) or RDF (ttl, nt) for graph results."""
        from kg.query import serialize

        return serialize(self.result, fmt)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is an optional extra
        raise ImportError("DataFrames need pandas: pip install 'clusterkg[pandas]'") from None
    return pandas
