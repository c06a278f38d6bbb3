"""The real corpus and lexicon, loaded once per test process for the extractor tests."""

from __future__ import annotations

from functools import lru_cache

from kg.corpus import Document, load_corpus
from kg.extract.lexicon import Lexicon

A000 = "000_294bae6919eed714"  # Uzbek Cyrillic article (Russian abstract)
A003 = "003_2c5d2ceac335d1da"  # Russian article (Uzbek Latin and English abstracts)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The project lexicon (data/lexicon + ontology/vocab labels)."""
    return Lexicon.load()


@lru_cache(maxsize=1)
def docs() -> dict[str, Document]:
    """The cleaned articles of data/corpus by source id."""
    return {doc.source_id: doc for doc in load_corpus()}
