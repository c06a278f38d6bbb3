"""Publishing: dumps, VoID/DCAT, ontology docs and changelog, SSSOM mappings, exports, server."""
