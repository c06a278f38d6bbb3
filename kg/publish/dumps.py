"""Write the release dumps of the graph: canonical N-Quads, TriG, Turtle, N-Triples, RDF/XML,
JSON-LD with a published ``@context``, VoID/DCAT and ``SHA256SUMS``.

``clusterkg.nq`` is the canonical dump: blank nodes (only the OWL restrictions of the ontology
graph have them) get content-derived labels (:func:`rdflib.compare.to_canonical_graph`), every
line is serialised by rdflib and the lines are sorted, so an unchanged corpus gives a
byte-identical file. Every file is written atomically.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.atomic import atomic_path, write_bytes_atomic, write_text_atomic
from kg.namespace import PREFIXES, graph_iri
from kg.terms import to_ox

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


def _has_bnode(graph: Graph) -> bool:
    return any(isinstance(term, BNode) for triple in graph for term in triple)


def canonical_dataset(ds: Dataset) -> Dataset:
    """A copy of ``ds`` whose blank nodes carry deterministic, content-derived labels.

    Graphs without blank nodes (all data graphs) are copied as they are. Empty graphs are
    dropped. Triples of the default graph stay in the default graph.
    """
    out = Dataset()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True)
    for graph in ds.graphs():
        if len(graph) == 0:
            continue
        source = to_canonical_graph(graph) if _has_bnode(graph) else graph
        target = (
            out.default_graph
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID
            else out.graph(graph.identifier)
        )
        for triple in source:
            target.add(triple)
    return out


def _sorted_lines(chunks: list[bytes]) -> bytes:
    lines = {line for chunk in chunks for line in chunk.splitlines() if line.strip()}
    return b"".join(line + b"\n" for line in sorted(lines))


def canonical_nquads(ds: Dataset) -> bytes:
    """The canonical N-Quads of ``ds`` (give it the output of :func:`canonical_dataset`)."""
    chunks: list[bytes] = []
    for graph in ds.graphs():
        if len(graph) == 0:
            continue
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            plain = Graph()
            for triple in graph:
                plain.add(triple)
            chunks.append(plain.serialize(format="nt", encoding="utf-8"))
        else:
            single = Dataset()
            target = single.graph(graph.identifier)
            for triple in graph:
                target.add(triple)
            chunks.append(single.serialize(format="nquads", encoding="utf-8"))
    return _sorted_lines(chunks)


def union_graph(ds: Dataset) -> Graph:
    """All triples of all graphs of ``ds`` in one graph, with the project's prefixes bound."""
    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns, override=True)
    for graph in ds.graphs():
        for triple in graph:
            union.add(triple)
    return union


def ontology_graph(ds: Dataset) -> Graph:
    """The ontology graph (``id:graph/ontology``) as a plain graph with the prefixes bound."""
    onto = Graph()
    for prefix, ns in PREFIXES.items():
        onto.bind(prefix, ns, override=True)
    for triple in ds.graph(ONTOLOGY_GRAPH):
        onto.add(triple)
    return onto


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


def _ox_serialize_to(target: Path, source: Graph | Dataset, fmt: str) -> None:
    """Serialise with pyoxigraph, statements sorted (subject groups, stable output).

    rdflib's Turtle/TriG writers abbreviate numbers and so rewrite lexical forms
    (``"70"^^xsd:decimal`` becomes ``70.0``): a different RDF term. pyoxigraph keeps them.
    """
    import pyoxigraph as ox

    if fmt == "trig":
        rows = []
        for graph in source.graphs():  # type: ignore[union-attr]
            name = (
                ox.DefaultGraph()
                if graph.identifier == DATASET_DEFAULT_GRAPH_ID
                else ox.NamedNode(str(graph.identifier))
            )
            key = "" if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
            rows += [((key, s.n3(), p.n3(), o.n3()), (s, p, o, name)) for s, p, o in graph]
        rows.sort(key=lambda r: r[0])
        items: list[object] = [
            ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for _, (s, p, o, name) in rows
        ]
        out_format = ox.RdfFormat.TRIG
    else:
        triples = sorted(source, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
        items = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]
        out_format = ox.RdfFormat.TURTLE
    with atomic_path(target) as tmp:
        ox.serialize(items, str(tmp), format=out_format, prefixes=PREFIXES)


def _serialize_to(target: Path, graph: Graph | Dataset, fmt: str, **kwargs: object) -> None:
    with atomic_path(target) as tmp:
        graph.serialize(destination=str(tmp), format=fmt, encoding="utf-8", **kwargs)


def write_checksums(out_dir: Path, names: list[str]) -> Path:
    """Write ``SHA256SUMS`` (``sha256sum -c`` format) for the named files in ``out_dir``."""
    lines = [f"{sha256_file(out_dir / name)}  {name}\n" for name in sorted(names)]
    target = out_dir / CHECKSUMS
    write_text_atomic(target, "".join(lines))
    return target


def write_dumps(ds: Dataset, out_dir: Path) -> list[Path]:
    """Write every dump, the VoID/DCAT description and ``SHA256SUMS`` into ``out_dir``.

    Returns the written paths (dumps, ``void.ttl``, ``SHA256SUMS``). The VoID/DCAT file is
    generated from the graph and from the files just written (sizes, checksums).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    canon = canonical_dataset(ds)
    union = union_graph(canon)
    onto = ontology_graph(canon)
    context = jsonld_context()

    write_bytes_atomic(out_dir / "clusterkg.nq", canonical_nquads(canon))
    _ox_serialize_to(out_dir / "clusterkg.trig", canon, "trig")
    _ox_serialize_to(out_dir / "clusterkg.ttl", union, "turtle")
    write_bytes_atomic(
        out_dir / "clusterkg.nt", _sorted_lines([union.serialize(format="nt", encoding="utf-8")])
    )
    _serialize_to(out_dir / "clusterkg.rdf", union, "xml")
    write_text_atomic(
        out_dir / "context.jsonld", json.dumps(context, indent=2, ensure_ascii=False) + "\n"
    )
    _serialize_to(
        out_dir / "clusterkg.jsonld", canon, "json-ld", context=context["@context"], indent=1
    )
    _ox_serialize_to(out_dir / "ontology.ttl", onto, "turtle")
    _serialize_to(out_dir / "ontology.owl", onto, "xml")
    write_bytes_atomic(
        out_dir / "ontology.nt", _sorted_lines([onto.serialize(format="nt", encoding="utf-8")])
    )
    written = [out_dir / name for name in DUMPS]

    from kg.publish.void import write_void

    written.append(write_void(canon, out_dir))
    written.append(write_checksums(out_dir, [p.name for p in written]))
    return written
