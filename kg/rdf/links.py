"""External links of the graph, generated from the SSSOM mapping sets (the one source of truth).

``ontology/mappings/*.sssom.tsv`` are SSSOM/TSV files (a YAML header of ``#`` lines with the
``curie_map``, then one mapping per row). Every row whose subject is a data IRI
(``id:...``: a named entity or a SKOS concept) and whose predicate is a SKOS mapping property
(``skos:exactMatch``, ``closeMatch``, ``broadMatch``, ``narrowMatch``, ``relatedMatch``)
becomes one triple: entity links go into the lexicon graph, concept links into the ontology
graph. Rows about ontology terms (``ck:``) mirror axioms of the ontology and are not copied.
The lexicon files carry no such links: a link is typed once, in its mapping set, with the
check that verified it (``mapping_justification``, ``confidence``, ``comment``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from curies import Converter
from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.namespace import ENTITY_KINDS, ID, graph_iri
from kg.paths import MAPPINGS_DIR

if TYPE_CHECKING:
    from rdflib import Dataset

SKOS = "http://www.w3.org/2004/02/skos/core#"
LINK_PREDICATES = frozenset(
    SKOS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)


@dataclass(frozen=True)
class Mapping:
    """One SSSOM row, with its CURIEs expanded."""

    subject: str
    predicate: str
    object: str
    subject_label: str
    object_label: str
    justification: str
    confidence: float
    comment: str
    mapping_set: str  # file name
    line: int


def mapping_sets(mappings_dir: Path = MAPPINGS_DIR) -> list[Path]:
    """The SSSOM/TSV files of ``mappings_dir``, sorted."""
    return sorted(Path(mappings_dir).glob("*.sssom.tsv"))


def read_mapping_set(path: Path) -> tuple[dict[str, object], list[Mapping]]:
    """(metadata, rows) of one SSSOM/TSV file; a malformed file raises :class:`InputError`."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [line[1:].removeprefix(" ") for line in lines if line.startswith("#")]
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as err:
        raise InputError(
            f"malformed SSSOM header: {err}".splitlines()[0], where=str(path)
        ) from None
    converter = Converter.from_prefix_map(meta.get("curie_map") or {})
    body = [(i, line) for i, line in enumerate(lines, start=1) if not line.startswith("#")]
    reader = csv.DictReader((line for _, line in body), delimiter="\t")
    rows = []
    for (number, _), row in zip(body[1:], reader, strict=False):
        where = f"{path}:{number}"
        try:
            subject = converter.expand_strict(row["subject_id"])
            predicate = converter.expand_strict(row["predicate_id"])
            obj = converter.expand_strict(row["object_id"])
            confidence = float(row.get("confidence") or 1.0)
        except (KeyError, ValueError, TypeError) as err:
            raise InputError(f"bad SSSOM row: {err}", where=where) from None
        rows.append(
            Mapping(
                subject, predicate, obj, row.get("subject_label", ""), row.get("object_label", ""),
                row.get("mapping_justification", ""), confidence, row.get("comment", ""),
                Path(path).name, number,
            )
        )  # fmt: skip
    return meta, rows


def data_links(mappings_dir: Path = MAPPINGS_DIR) -> list[Mapping]:
    """The rows that become triples: data-IRI subjects with a SKOS mapping predicate."""
    found = []
    for path in mapping_sets(mappings_dir):
        _, rows = read_mapping_set(path)
        found += [
            r for r in rows if r.subject.startswith(str(ID)) and r.predicate in LINK_PREDICATES
        ]
    return found


def target_graph(subject: str) -> str:
    """``lexicon`` for a named entity, ``ontology`` for a SKOS concept."""
    kind = subject[len(str(ID)) :].split("/", 1)[0]
    return "lexicon" if kind in ENTITY_KINDS else "ontology"


def link_graphs(mappings: Iterable[Mapping]) -> dict[str, Graph]:
    """The links as rdflib graphs, by target graph name (``lexicon``, ``ontology``)."""
    graphs: dict[str, Graph] = {"lexicon": Graph(), "ontology": Graph()}
    for row in mappings:
        graphs[target_graph(row.subject)].add(
            (URIRef(row.subject), URIRef(row.predicate), URIRef(row.object))
        )
    return graphs


def add_links(ds: Dataset, mappings_dir: Path = MAPPINGS_DIR) -> int:
    """Add every link of the mapping sets to the lexicon and ontology graphs of ``ds``."""
    total = 0
    for name, graph in link_graphs(data_links(mappings_dir)).items():
        target = ds.graph(graph_iri(name))
        for triple in graph:
            target.add(triple)
        total += len(graph)
    return total


def add_link_triples(
    ontology: Graph, lexicon: Graph, mappings_dir: Path = MAPPINGS_DIR
) -> int:
    """Add the links of the mapping sets to an ontology graph and a lexicon graph (rdflib), each
    link only where its subject is described there (a test lexicon gets only its own links)."""
    targets = {"ontology": ontology, "lexicon": lexicon}
    total = 0
    for name, graph in link_graphs(data_links(mappings_dir)).items():
        target = targets[name]
        for s, p, o in graph:
            if (s, None, None) in target:
                target.add((s, p, o))
                total += 1
    return total
