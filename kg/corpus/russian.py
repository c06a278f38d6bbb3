"""The Russian morphological analyser (pymorphy3), loaded once and only when needed."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def morph() -> Any:
    """The shared ``pymorphy3.MorphAnalyzer`` for Russian."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def is_known_word(word: str) -> bool:
    """True when the Russian dictionary knows ``word`` (lower-case Cyrillic)."""
    return bool(morph().word_is_known(word))
