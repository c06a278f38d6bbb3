"""Where the project's inputs live in a checkout (overridable on the command line)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
BUILD_DIR = ROOT / "build"
