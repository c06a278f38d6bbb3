"""Write the release dumps of the graph: canonical N-Quads, TriG, Turtle, N-Triples, RDF/XML,
JSON-LD with a published ``@context``, VoID/DCAT and ``SHA256SUMS``.

The input is one file per named graph holding that graph's sorted, unique N-Quads lines
(:class:`GraphFile`; the build's map writes one per article). Every dump is streamed from
those files, so memory does not grow with the corpus:

- ``clusterkg.nq`` (canonical) is the sorted merge of the graph files' lines, which rdflib's
  N-Quads serialiser wrote; blank nodes (only the OWL restrictions of the ontology graph have
  them) carry content-derived labels (RDFC-1.0, :func:`canonical_blank_nodes`). An
  unchanged corpus gives a byte-identical file.
- ``clusterkg.nt`` is the sorted merge of the lines with their graph removed (duplicates
  across graphs dropped); ``.ttl`` and ``.rdf`` are pyoxigraph's serialisers over it,
  ``.trig`` pyoxigraph's over the graph files in graph order. pyoxigraph keeps literals as
  written (rdflib's Turtle writer turns ``"70"^^xsd:decimal`` into ``70.0``).
- ``clusterkg.jsonld`` is written here, one node object per line, compacted with the
  published ``@context`` (pyoxigraph 0.5 writes only expanded JSON-LD).

Every file is written atomically.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.atomic import atomic_path, write_text_atomic
from kg.namespace import PREFIXES, graph_iri

#: file name -> (media type, short description); the order is the order of ``SHA256SUMS``.
DUMPS: dict[str, tuple[str, str]] = {
    "clusterkg.nq": ("application/n-quads", "All named graphs, canonical N-Quads (sorted lines)"),
    "clusterkg.trig": ("application/trig", "All named graphs, TriG"),
    "clusterkg.ttl": ("text/turtle", "Union of all graphs, Turtle"),
    "clusterkg.nt": ("application/n-triples", "Union of all graphs, N-Triples (sorted lines)"),
    "clusterkg.rdf": ("application/rdf+xml", "Union of all graphs, RDF/XML"),
    "clusterkg.jsonld": ("application/ld+json", "All named graphs, JSON-LD compacted"),
    "context.jsonld": ("application/ld+json", "The JSON-LD @context of clusterkg.jsonld"),
    "ontology.ttl": ("text/turtle", "The ontology and SKOS vocabularies, Turtle"),
    "ontology.owl": ("application/rdf+xml", "The ontology and SKOS vocabularies, RDF/XML"),
    "ontology.nt": ("application/n-triples", "The ontology and SKOS vocabularies, N-Triples"),
}
CHECKSUMS = "SHA256SUMS"
ONTOLOGY_GRAPH = graph_iri("ontology")
FAN_IN = 200  # at most this many files open in one merge (more are merged in rounds)


@dataclass(frozen=True)
class GraphFile:
    """The sorted, unique N-Quads lines of one graph (``name`` None = the default graph)."""

    name: str | None
    path: Path

    @property
    def suffix(self) -> bytes:
        """The end of each line: the graph term and the full stop."""
        return b" .\n" if self.name is None else f" <{self.name}> .\n".encode()

    def triple_lines(self) -> Iterator[bytes]:
        """The lines as N-Triples (the graph term removed)."""
        cut = len(self.suffix)
        with self.path.open("rb") as handle:
            for line in handle:
                yield line[:-cut] + b" .\n"


def _has_bnode(graph: Graph) -> bool:
    return any(isinstance(term, BNode) for triple in graph for term in triple)


def canonical_blank_nodes(graph: Graph) -> Graph:
    """``graph`` with its blank nodes labelled from content by W3C RDFC-1.0 (pyoxigraph's
    implementation, in Rust: 0.06 s for the ontology graph, against 1.6 s for rdflib's
    ``to_canonical_graph``). Every other term goes in as a stand-in IRI numbered by its N3
    form, so that no lexical form or language tag is changed on the way (pyoxigraph
    lower-cases language tags)."""
    import pyoxigraph as ox

    terms = sorted({t for triple in graph for t in triple if not isinstance(t, BNode)},
                   key=lambda t: t.n3())
    stand_in = {t: ox.NamedNode(f"urn:x-clusterkg:term:{i}") for i, t in enumerate(terms)}
    back: dict[str, Any] = {node.value: t for t, node in stand_in.items()}
    blanks: dict[Any, Any] = {}

    def encode(t: Any) -> Any:
        if isinstance(t, BNode):
            return blanks.setdefault(t, ox.BlankNode())
        return stand_in[t]

    dataset = ox.Dataset(ox.Quad(encode(s), encode(p), encode(o)) for s, p, o in graph)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def decode(t: Any) -> Any:
        return BNode(t.value) if type(t) is ox.BlankNode else back[t.value]

    out = Graph()
    for q in dataset:
        out.add((decode(q.subject), decode(q.predicate), decode(q.object)))
    return out


def _sorted_lines(chunks: list[bytes]) -> bytes:
    lines = {line for chunk in chunks for line in chunk.splitlines() if line.strip()}
    return b"".join(line + b"\n" for line in sorted(lines))


def graph_nquads(graph: Graph, name: str | None) -> bytes:
    """The canonical N-Quads lines of one graph (``name`` None = default graph): rdflib's
    N-Triples rows (the rows of its N-Quads serialiser without the graph term) with the
    graph term added, blank nodes relabelled from content when there are any, lines
    sorted."""
    source = canonical_blank_nodes(graph) if _has_bnode(graph) else graph
    rows = source.serialize(format="nt", encoding="utf-8")
    if name is None:
        return _sorted_lines([rows])
    suffix = f" <{name}> .\n".encode()
    return b"".join(sorted({line[:-2] + suffix for line in rows.splitlines() if line.strip()}))


# pyoxigraph escapes these in literals; rdflib's N-Quads serialiser writes them as they are
_ESCAPED_BY_OX = re.compile(rb"\\\\|\\[tbf]|\\u00[01][0-9A-F]|\\u007F")
_RAW = {b"\\t": b"\t", b"\\b": b"\b", b"\\f": b"\f"}


def _as_rdflib_writes(match: re.Match[bytes]) -> bytes:
    text = match.group()
    if text == b"\\\\":
        return text
    return _RAW.get(text) or bytes([int(text[2:], 16)])


def nquads_lines(quads: Iterable[Any]) -> set[bytes]:
    """The N-Quads lines (without newline) of pyoxigraph quads without blank nodes, as
    :func:`quads_nquads` writes them."""
    import pyoxigraph as ox

    def checked() -> Iterator[Any]:
        blank = ox.BlankNode
        for q in quads:
            if type(q.subject) is blank or type(q.object) is blank:
                raise ValueError(f"a blank node in {q} (use graph_nquads)")
            yield q

    text = ox.serialize(checked(), format=ox.RdfFormat.N_QUADS) or b""
    return {_ESCAPED_BY_OX.sub(_as_rdflib_writes, line) if b"\\" in line else line
            for line in text.splitlines()}


def quads_nquads(quads: Iterable[Any]) -> bytes:
    """The sorted, unique N-Quads lines of pyoxigraph quads without blank nodes, written by
    pyoxigraph's serialiser with the bytes rdflib's would write (:func:`graph_nquads`):
    control characters in literals unescaped, as rdflib leaves them."""
    return b"".join(line + b"\n" for line in sorted(nquads_lines(quads)))


def write_quads_file(quads: Iterable[Any], name: str, path: Path) -> GraphFile:
    """Write :func:`quads_nquads` of pyoxigraph quads (all in graph ``name``) to ``path``."""
    return write_lines_file(nquads_lines(quads), name, path)


def write_lines_file(lines: Iterable[bytes], name: str, path: Path) -> GraphFile:
    """Write N-Quads lines (without their newline, all in graph ``name``) sorted to ``path``."""
    with atomic_path(path) as tmp, tmp.open("wb") as out:
        out.writelines(line + b"\n" for line in sorted(lines))
    return GraphFile(name, Path(path))


def write_graph_file(graph: Graph, name: str | None, path: Path) -> GraphFile:
    """Write :func:`graph_nquads` of ``graph`` to ``path`` (atomically)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(graph_nquads(graph, name))
    return GraphFile(name, Path(path))


def dataset_graph_files(ds: Dataset, workdir: Path) -> list[GraphFile]:
    """One :class:`GraphFile` per non-empty graph of an rdflib Dataset, in ``workdir``."""
    files = []
    for index, graph in enumerate(sorted(ds.graphs(), key=lambda g: str(g.identifier))):
        if len(graph) == 0:
            continue
        name = None if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
        files.append(write_graph_file(graph, name, Path(workdir) / f"graph-{index}.nq"))
    return files


# --- merging sorted files ----------------------------------------------------------------

def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


def merge_sorted(sources: list[Callable[[], Iterator[bytes]]], out: IO[bytes],
                 workdir: Path) -> int:
    """Write the sorted union of sorted line streams to ``out``; return the line count.

    At most :data:`FAN_IN` sources are open at once; more are merged in rounds through
    temporary files in ``workdir``.
    """
    while len(sources) > FAN_IN:
        rounds: list[Callable[[], Iterator[bytes]]] = []
        for start in range(0, len(sources), FAN_IN):
            part = Path(tempfile.mkstemp(dir=workdir, suffix=".merge")[1])
            with part.open("wb") as handle:
                merge_sorted(sources[start:start + FAN_IN], handle, workdir)
            rounds.append(partial(_lines, part))
        sources = rounds
    count = 0
    with ExitStack() as stack:
        streams = [stack.enter_context(_closing(source())) for source in sources]
        for line in _unique(heapq.merge(*streams)):
            out.write(line)
            count += 1
    return count


class _closing:
    """Close a generator (and so its file) when the merge ends."""

    def __init__(self, gen: Iterator[bytes]):
        self.gen = gen

    def __enter__(self) -> Iterator[bytes]:
        return self.gen

    def __exit__(self, *exc: object) -> None:
        close = getattr(self.gen, "close", None)
        if close is not None:
            close()


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


# --- the dumps ---------------------------------------------------------------------------

def jsonld_context() -> dict[str, object]:
    """The published JSON-LD ``@context``: the project's prefixes (``context.jsonld``)."""
    return {"@context": {prefix: PREFIXES[prefix] for prefix in sorted(PREFIXES)}}


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(out_dir: Path, names: list[str], known: dict[str, str] | None = None
                    ) -> Path:
    """Write ``SHA256SUMS`` (``sha256sum -c`` format) for the named files in ``out_dir``
    (``known``: digests already computed, by name)."""
    known = known or {}
    lines = [f"{known.get(name) or sha256_file(out_dir / name)}  {name}\n"
             for name in sorted(names)]
    target = out_dir / CHECKSUMS
    write_text_atomic(target, "".join(lines))
    return target


def _quads(files: list[GraphFile]) -> Iterator[Any]:
    import pyoxigraph as ox

    for graph in sorted(files, key=lambda f: f.name or ""):
        yield from ox.parse(path=str(graph.path), format=ox.RdfFormat.N_QUADS)


def _triples(nt: Path) -> Iterator[Any]:
    import pyoxigraph as ox

    for quad in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES):
        yield quad.triple


def _ox_write(target: Path, items: Iterable[Any], fmt: Any) -> None:
    import pyoxigraph as ox

    with atomic_path(target) as tmp:
        ox.serialize(items, str(tmp), format=fmt, prefixes=PREFIXES)


def _union_nt(files: list[GraphFile], target: Path, workdir: Path) -> int:
    with atomic_path(target) as tmp, tmp.open("wb") as out:
        return merge_sorted([f.triple_lines for f in files], out, workdir)


def write_quad_dumps(files: list[GraphFile], out_dir: Path) -> None:
    """The dumps of all named graphs into ``out_dir``: ``clusterkg.nq`` (the sorted merge
    of the graph files), ``clusterkg.trig``, ``clusterkg.jsonld`` and its ``context.jsonld``."""
    import pyoxigraph as ox

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=out_dir) as work, \
            atomic_path(out_dir / "clusterkg.nq") as tmp, tmp.open("wb") as out:
        merge_sorted([partial(_lines, f.path) for f in files], out, Path(work))
    _ox_write(out_dir / "clusterkg.trig", _quads(files), ox.RdfFormat.TRIG)
    context = jsonld_context()
    write_text_atomic(
        out_dir / "context.jsonld", json.dumps(context, indent=2, ensure_ascii=False) + "\n"
    )
    with atomic_path(out_dir / "clusterkg.jsonld") as tmp, tmp.open("w", encoding="utf-8") as fh:
        write_jsonld(_quads(files), fh, context["@context"])  # type: ignore[arg-type]


def write_union_dumps(files: list[GraphFile], out_dir: Path) -> None:
    """The dumps of the union of the graphs (``clusterkg.nt``, sorted distinct triples;
    ``.ttl``, ``.rdf``) and of the ontology graph (``ontology.nt``, ``.ttl``, ``.owl``)."""
    import pyoxigraph as ox

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=out_dir) as work:
        _union_nt(files, out_dir / "clusterkg.nt", Path(work))
        onto = [f for f in files if f.name == str(ONTOLOGY_GRAPH)]
        _union_nt(onto, out_dir / "ontology.nt", Path(work))
    _ox_write(out_dir / "clusterkg.ttl", _triples(out_dir / "clusterkg.nt"), ox.RdfFormat.TURTLE)
    _ox_write(out_dir / "clusterkg.rdf", _triples(out_dir / "clusterkg.nt"), ox.RdfFormat.RDF_XML)
    _ox_write(out_dir / "ontology.ttl", _triples(out_dir / "ontology.nt"), ox.RdfFormat.TURTLE)
    _ox_write(out_dir / "ontology.owl", _triples(out_dir / "ontology.nt"), ox.RdfFormat.RDF_XML)


def write_release(files: list[GraphFile], out_dir: Path) -> list[Path]:
    """Write every file of :data:`DUMPS` into ``out_dir`` from sorted graph files (the two
    halves, :func:`write_quad_dumps` and :func:`write_union_dumps`, can run side by side)."""
    write_quad_dumps(files, Path(out_dir))
    write_union_dumps(files, Path(out_dir))
    return [Path(out_dir) / name for name in DUMPS]


def write_dumps(ds: Dataset, out_dir: Path) -> list[Path]:
    """Every dump, the VoID/DCAT description and ``SHA256SUMS`` of an rdflib Dataset.

    Returns the written paths (dumps, ``void.ttl``, ``SHA256SUMS``). The build does not copy
    its graph into rdflib: it calls :func:`write_release` on its graph files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".graphs-", dir=out_dir) as work:
        files = dataset_graph_files(ds, Path(work))
        written = write_release(files, out_dir)
    from kg.publish.void import write_void

    written.append(write_void(ds, out_dir))
    written.append(write_checksums(out_dir, [p.name for p in written]))
    return written


# --- JSON-LD -----------------------------------------------------------------------------

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Compactor:
    """IRI -> compact IRI with the context's prefixes (namespaces ending in ``/`` or ``#``,
    which JSON-LD 1.1 treats as prefixes; the longest that fits), else the IRI itself."""

    def __init__(self, context: dict[str, str]):
        self.namespaces: dict[str, str] = {}
        for prefix, ns in context.items():
            if ns[-1:] in "/#":
                self.namespaces.setdefault(ns, prefix)
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = self._compact(iri)
            if len(self.cache) < 100_000:
                self.cache[iri] = found
        return found

    def _compact(self, iri: str) -> str:
        end = len(iri)
        while True:  # each "/" or "#" from the right ends a candidate namespace
            cut = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
            if cut < 0:
                return iri
            prefix = self.namespaces.get(iri[:cut + 1])
            if prefix is not None and not iri.startswith("//", cut + 1):
                return f"{prefix}:{iri[cut + 1:]}"
            end = cut


def write_jsonld(quads: Iterable[Any], out: IO[str], context: dict[str, str]) -> None:
    """Stream quads (grouped by graph, then by subject) as compacted JSON-LD: one top-level
    object per named graph, one node object per line."""
    import pyoxigraph as ox

    compact = _Compactor(context)

    def node_id(term: Any) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)

    def value(term: Any) -> dict[str, str]:
        if not isinstance(term, ox.Literal):
            return {"@id": node_id(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": compact(term.datatype.value)}

    out.write('{"@context": ' + json.dumps(context, ensure_ascii=False) + ',\n"@graph": [')
    top_first, inner_first = True, True
    graph: Any = None  # the graph being written (None = default graph)
    node: dict[str, Any] | None = None
    subject: Any = None

    def top(text: str) -> None:
        nonlocal top_first
        out.write(("\n" if top_first else ",\n") + text)
        top_first = False

    def flush() -> None:
        nonlocal inner_first
        if node is None:
            return
        text = json.dumps(node, ensure_ascii=False)
        if graph is None:
            top(text)
        else:
            out.write(("\n" if inner_first else ",\n") + text)
            inner_first = False

    for quad in quads:
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
        if name != graph:
            flush()
            node = None
            if graph is not None:
                out.write("\n]}")
            if name is not None:
                top(f'{{"@id": {json.dumps(node_id(name))}, "@graph": [')
                inner_first = True
            graph = name
        if node is None or quad.subject != subject:
            flush()
            subject = quad.subject
            node = {"@id": node_id(subject)}
        obj, predicate = quad.object, quad.predicate.value
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(compact(obj.value))
        else:
            node.setdefault(compact(predicate), []).append(value(obj))
    flush()
    if graph is not None:
        out.write("\n]}")
    out.write("\n]}\n")
