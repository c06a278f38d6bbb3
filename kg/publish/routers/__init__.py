"""The server's routes by concern: linked data, SPARQL, files (dumps, docs, mappings, static)."""
