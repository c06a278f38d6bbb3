"""clusterkg: a knowledge graph of industrial and innovation clusters built from articles.

Data flow: ``kg.corpus`` (read and clean articles) -> ``kg.extract`` (mentions, statistics,
lists, tables, curated relations) -> ``kg.rdf`` (RDF with evidence) -> ``kg.validate`` (SHACL)
-> ``kg.store`` / ``kg.query`` (SPARQL) and ``kg.publish`` (dumps, metadata, docs, server).
"""

__version__ = "0.1.0"
