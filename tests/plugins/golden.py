"""``--update-golden``: rewrite golden result files instead of comparing against them.

Register with ``pytest_plugins = ["plugins.golden"]`` in ``tests/conftest.py`` (the option
must exist before the command line is parsed). Without that line the environment variable
``CLUSTERKG_UPDATE_GOLDEN=1`` does the same.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden`` to pytest's command line."""
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current results (review the diff!)")


def update_golden_requested(config: pytest.Config) -> bool:
    """True when golden files should be rewritten rather than compared."""
    try:
        if config.getoption("--update-golden"):
            return True
    except ValueError:  # the plugin is not registered: only the environment variable works
        pass
    return os.environ.get("CLUSTERKG_UPDATE_GOLDEN", "") not in ("", "0")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites golden files."""
    return update_golden_requested(request.config)
