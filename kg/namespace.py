"""Namespaces and IRI minting used across the package: the one place the project's
namespace IRIs are written.

The ontology's own terms are in ``CK``, the checked namespace generated from the ontology
(:mod:`kg.vocab`: a misspelt term raises AttributeError); data IRIs are minted under ``ID`` by
:func:`data_iri`; the shapes' own terms are under ``CKSH``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Namespace, URIRef

if TYPE_CHECKING:
    import curies

from kg.vocab import CK as CK  # re-exported: the checked ck: namespace

BASE = "https://w3id.org/clusterkg/"
#: the ck: namespace as a string (kg/vocab.py, generated from the ontology, spells it too)
ONTOLOGY_NS = BASE + "ontology#"
ID = Namespace(BASE + "id/")
CKSH = Namespace(BASE + "shapes#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")

OA = Namespace("http://www.w3.org/ns/oa#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")

PREFIXES: dict[str, str] = {
    "ck": str(CK),
    "id": str(ID),
    "oa": str(OA),
    "nif": str(NIF),
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "vann": str(VANN),
}


#: local names shown as prefixed names; other IRIs are shown whole, in angle brackets
_LOCAL_NAME = re.compile(r"[\w\-./#]+")


@cache
def _converter(prefixes: tuple[tuple[str, str], ...]) -> curies.Converter:
    import curies

    return curies.Converter.from_prefix_map(dict(prefixes))


def compact_iri(iri: str, prefixes: Mapping[str, str] | None = None) -> str:
    """``ck:Cluster`` for an IRI in a known namespace (longest match), else ``<iri>``.

    The one way the project shortens IRIs (pages, tables, messages); ``prefixes`` defaults to
    :data:`PREFIXES`.
    """
    converter = _converter(tuple((prefixes or PREFIXES).items()))
    curie = converter.compress(iri)
    if curie:
        local = curie.partition(":")[2]
        if _LOCAL_NAME.fullmatch(local):
            return curie
    return f"<{iri}>"


def slugify(text: str) -> str:
    """ASCII slug for IRIs: ``"Silicon Valley"`` -> ``"silicon-valley"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def short_hash(*parts: object) -> str:
    """Stable 12-hex-digit hash of the parts, for IRIs of facts and annotations."""
    key = "\x1f".join(str(p) for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


#: kinds of data IRI (``id:{kind}/...``) that are named entities: curated rows may mint them,
#: and their links go into the lexicon graph
ENTITY_KINDS = frozenset(
    {"cluster", "org", "person", "place", "programme", "project", "platform", "policy",
     "document", "theory"}
)  # fmt: skip


def data_iri(kind: str, *local: str) -> URIRef:
    """Mint a data IRI ``https://w3id.org/clusterkg/id/{kind}/{local...}``."""
    return URIRef(ID + "/".join((kind, *local)))


def source_iri(source_id: str) -> URIRef:
    """IRI of a source article, e.g. ``id/source/000_294bae6919eed714``."""
    return data_iri("source", source_id)


def graph_iri(name: str) -> URIRef:
    """IRI of a named graph: a source id, ``ontology`` or ``lexicon``."""
    return data_iri("graph", name)
