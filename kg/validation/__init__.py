"""SHACL validation engines: the pyshacl reference and the SPARQL-on-pyoxigraph fast engine.

The public API is in :mod:`kg.validate`.
"""
