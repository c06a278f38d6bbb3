"""clusterkg: a knowledge graph of industrial and innovation clusters built from articles.

Data flow: ``kg.corpus`` (read and clean articles) -> ``kg.extract`` (mentions, statistics,
lists, tables, curated relations) -> ``kg.rdf`` (RDF with evidence) -> ``kg.validate`` (SHACL)
-> ``kg.store`` / ``kg.query`` (SPARQL) and ``kg.publish`` (dumps, metadata, docs, server).

The Python API (:mod:`kg.api`) is exported here: ``kg.build``, ``kg.open_build``,
``kg.connect``, ``kg.validate_graph``.
"""

from kg.api import Entity, KnowledgeGraph, QueryResult, build, connect, open_build, validate_graph

__version__ = "0.1.0"
__all__ = [
    "Entity",
    "KnowledgeGraph",
    "QueryResult",
    "build",
    "connect",
    "open_build",
    "validate_graph",
]
