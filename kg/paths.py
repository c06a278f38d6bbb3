"""Where the project's inputs live, and where outputs go by default.

Inputs (ontology, vocabularies, mappings, shapes, queries, lexicon, curation, the seed corpus)
are read from the checkout's top-level folders when ``kg`` runs from a checkout (including an
editable install), else from the copy the wheel carries as package data (``kg/_data``, put
there at build time by ``setup.py``), found with :mod:`importlib.resources`. The names below are
the same either way; every command can override them on its command line.

Outputs default to ``build/`` in the current directory, never into the installation.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout(root: Path) -> Path | None:
    """``root`` when it is a clusterkg source tree (pyproject.toml beside ontology/)."""
    return root if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir() else None


def _packaged_data() -> Path:
    """The data folders inside the installed package."""
    root = files("kg") / "_data"
    if not isinstance(root, Path) or not root.is_dir():
        raise RuntimeError(
            f"clusterkg's package data is missing ({root}): reinstall the wheel, unpacked"
        )
    return root


#: The source checkout ``kg`` runs from, or None when installed from a wheel.
CHECKOUT: Path | None = _checkout(PACKAGE_DIR.parent)
#: The folder holding ontology/, queries/, shapes/ and data/ (checkout or package data).
ROOT: Path = CHECKOUT if CHECKOUT is not None else _packaged_data()
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "clusterkg.ttl"
VOCAB_DIR = ONTOLOGY_DIR / "vocab"
MAPPINGS_DIR = ONTOLOGY_DIR / "mappings"
DATA_DIR = ROOT / "data"
CORPUS_DIR = DATA_DIR / "corpus"
LEXICON_DIR = DATA_DIR / "lexicon"
CURATION_DIR = DATA_DIR / "curation"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
#: Default output directory, relative: ``build/`` in the current directory when used.
BUILD_DIR = Path("build")


def user_cache_dir() -> Path:
    """Where indexes derived from installed packages are kept between builds (the gazetteer's):
    ``$CLUSTERKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/clusterkg``, else ``~/.cache/clusterkg``."""
    own = os.environ.get("CLUSTERKG_CACHE_DIR")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clusterkg"
