"""Shared fixtures: one build of the real corpus per test session.

Plugins: ``--update-golden`` (tests/plugins/golden.py) rewrites the stored queries' golden
answers on purpose; under ``CI=true`` a skip is a failure (tests/plugins/ci.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["plugins.golden", "plugins.ci"]


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the full pipeline (``clusterkg build``) once into a temporary build directory."""
    from kg.pipeline import run_build

    out = tmp_path_factory.mktemp("build") / "build"
    run_build(out_dir=out, progress=False, pages=True)
    return out


@pytest.fixture(scope="session")
def built_dataset(build_dir: Path):
    """The built graph (all named graphs) parsed back with rdflib from the canonical N-Quads."""
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(build_dir / "clusterkg.nq", format="nquads")
    return ds
