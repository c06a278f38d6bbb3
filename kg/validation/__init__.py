"""SHACL validation: the shapes model, the data loaders, two engines and the report.

- :mod:`kg.validation.shapes`: shapes files and the shapes graph as a model (syntax rules);
- :mod:`kg.validation.data`: the data as a pyoxigraph store, literals kept as written;
- :mod:`kg.validation.fast` (default engine) and :mod:`kg.validation.reference` (pyshacl),
  both behind ``run(shape)``-style engines driven by :mod:`kg.validation.api`;
- :mod:`kg.validation.sparql`: SHACL-SPARQL restrictions and pre-binding;
- :mod:`kg.validation.report`: the W3C report graph, rows, tables and JSON.

The Python API is :func:`kg.validation.api.validate_store` (and ``validate_dataset``,
``validate_files``); :mod:`kg.validate` is the ``clusterkg validate`` command.
"""
