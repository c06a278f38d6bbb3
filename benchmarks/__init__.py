"""Benchmarks of clusterkg: a synthetic graph generator (:mod:`benchmarks.scale`) and the
suite (:mod:`benchmarks.suite`); run ``python -m benchmarks`` or ``clusterkg bench run``."""
