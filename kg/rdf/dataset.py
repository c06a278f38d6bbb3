"""Assemble the dataset: ontology graph, lexicon graph and one graph per article."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, Literal
from rdflib.namespace import PROV

from kg.corpus.document import Document
from kg.errors import CheckFailed, InputError
from kg.extract.lexicon import Lexicon
from kg.extract.records import (
    ConceptDescription,
    EntityDescription,
    Enumeration,
    Membership,
    Mention,
    Observation,
    Record,
    Relation,
    TableCell,
)
from kg.namespace import CK, PREFIXES, graph_iri
from kg.paths import ONTOLOGY_FILE
from kg.rdf.evidence import extractor_iri
from kg.rdf.facts import FactWriter

#: write order: mentions first (so ``ck:mentions`` evidence is the first mention), then facts
RECORD_ORDER = (
    Mention,
    EntityDescription,
    ConceptDescription,
    Relation,
    Membership,
    Observation,
    Enumeration,
    TableCell,
)
EXTRACTOR_LABELS = {
    "mentions": "Lexicon-based mention extractor",
    "statistics": "Statistics extractor (numbers, units, qualifiers)",
    "enumerations": "Enumeration (bulleted list) extractor",
    "tables": "Comparison table extractor",
    "curation": "Curated relations (data/curation) aligned to their quotes",
    "entities": "Open entity extractor (spaCy, Natasha, Uzbek rules; typing, linking, anaphora)",
    "relations": "Relation extractor (trigger lexicons and dependency parses per language)",
    "review": "Facts a curator accepted or corrected (data/curation/review)",
}


def build_dataset(
    docs: Sequence[Document],
    records: Iterable[Record],
    lexicon: Lexicon,
    ontology_file: Path = ONTOLOGY_FILE,
) -> Dataset:
    """The whole graph as named graphs (docs/model.md section 2), in one rdflib Dataset.

    The build does not call this (it writes each article graph on its own, see
    :func:`article_graph`, and merges them in a pyoxigraph store); tests and small tools do.
    """
    by_source: dict[str, list[Record]] = {doc.source_id: [] for doc in docs}
    for record in records:
        source_id = record.evidence.source_id
        if source_id not in by_source:
            raise InputError(f"a {type(record).__name__} record cites unknown source {source_id}")
        by_source[source_id].append(record)
    extractors = {r.evidence.extractor for rs in by_source.values() for r in rs}
    ds = _new_dataset()
    ontology, lexicon_part = corpus_graphs(lexicon, extractors, ontology_file)
    for name, graph in (("ontology", ontology), ("lexicon", lexicon_part)):
        target = ds.graph(graph_iri(name))
        for triple in graph:
            target.add(triple)
    for doc in docs:
        fill_article_graph(ds.graph(graph_iri(doc.source_id)), doc, by_source[doc.source_id],
                           lexicon)
    return ds


def corpus_graphs(
    lexicon: Lexicon, extractors: Iterable[str], ontology_file: Path = ONTOLOGY_FILE
) -> tuple[Graph, Graph]:
    """The ontology graph (:func:`ontology_graph`) and the lexicon graph
    (:func:`lexicon_graph`)."""
    return ontology_graph(lexicon, ontology_file), lexicon_graph(lexicon, extractors)


def ontology_graph(lexicon: Lexicon, ontology_file: Path = ONTOLOGY_FILE) -> Graph:
    """The ontology and the SKOS vocabularies, with their links from ontology/mappings (it
    does not depend on the articles: the build makes it while the articles are mapped)."""
    from kg.rdf.links import add_link_triples

    ontology = Graph()
    if Path(ontology_file).is_file():
        ontology += _parse_turtle(Path(ontology_file))
    ontology += lexicon.vocab
    # model: the skos:*Match links, generated from ontology/mappings/*.sssom.tsv
    add_link_triples(ontology, Graph())
    return ontology


def lexicon_graph(lexicon: Lexicon, extractors: Iterable[str]) -> Graph:
    """The lexicon's entities, the extractors that produced records (as
    ``prov:SoftwareAgent``) and the entities' links from ontology/mappings."""
    from kg.rdf.links import add_link_triples

    graph = Graph()
    graph += lexicon.graph
    for name in sorted({"mentions", *extractors}):
        agent = extractor_iri(name)
        graph.add((agent, RDF.type, CK.Extractor))
        graph.add((agent, RDF.type, PROV.SoftwareAgent))
        graph.add((agent, RDFS.label, Literal(EXTRACTOR_LABELS.get(name, name), lang="en")))
    add_link_triples(Graph(), graph)
    return graph


def article_graph(doc: Document, records: Iterable[Record], lexicon: Lexicon) -> Graph:
    """The named graph of one article (the map step of the build), on rdflib's
    ``SimpleMemory`` store: the writers only add triples, and a store without contexts adds
    them at about half the cost."""
    records = list(records)
    for record in records:
        if record.evidence.source_id != doc.source_id:
            raise InputError(f"a {type(record).__name__} record cites unknown source "
                             f"{record.evidence.source_id}")
    graph = Graph(store="SimpleMemory", identifier=graph_iri(doc.source_id))
    fill_article_graph(graph, doc, records, lexicon)
    return graph


def fill_article_graph(graph: Graph, doc: Document, records: list[Record],
                       lexicon: Lexicon) -> None:
    """The source node and every record of ``doc`` with its evidence, in write order."""
    from kg.rdf.source import add_source

    add_source(graph, doc, lexicon)
    writer = FactWriter(graph, doc)
    for record in sorted(records, key=_order):
        ev = record.evidence
        if not 0 <= ev.start < ev.end <= len(doc.text):
            raise CheckFailed(
                f"the {ev.extractor} extractor gave a {type(record).__name__} an invalid "
                f"span [{ev.start}, {ev.end}) (text length {len(doc.text)})",
                where=doc.path,
            )
        write_record(writer, record)


def _new_dataset() -> Dataset:
    ds = Dataset()
    for prefix, namespace in PREFIXES.items():
        ds.bind(prefix, namespace, override=True)
    return ds


def write_record(writer: FactWriter, record: Record) -> None:
    """Dispatch one record to the writer method for its type."""
    if isinstance(record, Mention):
        writer.add_mention(record)
    elif isinstance(record, Relation):
        writer.add_relation(record)
    elif isinstance(record, Membership):
        writer.add_membership(record)
    elif isinstance(record, Observation):
        writer.add_observation(record)
    elif isinstance(record, Enumeration):
        writer.add_enumeration(record)
    elif isinstance(record, TableCell):
        writer.add_table_cell(record)
    elif isinstance(record, EntityDescription):
        writer.add_entity(record)
    elif isinstance(record, ConceptDescription):
        writer.add_concept(record)
    else:  # pragma: no cover - a new record type needs a writer
        raise TypeError(f"no RDF writer for {type(record).__name__}")


def _order(record: Record) -> tuple[int, int, int, str]:
    kind = next((i for i, cls in enumerate(RECORD_ORDER) if isinstance(record, cls)), 99)
    ev = record.evidence
    return kind, ev.start, ev.end, repr(record)


def _parse_turtle(path: Path) -> Graph:
    from kg.ontology import parse_turtle  # one-line errors with the line and the reason

    return parse_turtle(path)
