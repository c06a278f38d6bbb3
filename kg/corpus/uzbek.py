"""Uzbek morphology helpers shared by cleaning, language detection and the lexicon matcher.

Uzbek is written in Cyrillic (``uz-Cyrl``) and Latin (``uz-Latn``) script; nouns take
agglutinated suffixes (plural ``-лар``, genitive ``-нинг``, dative ``-га``, locative ``-да``,
ablative ``-дан``, accusative ``-ни``, possessive ``-и/-си``, ...). These are grammar, not
surface forms of entities: the entities' labels live in ``data/lexicon``.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Case and possessive endings, Cyrillic script (each may follow a plural -лар).
_CASE_CYRL = (
    "нинг",
    "ни",
    "га",
    "ка",
    "қа",
    "да",
    "та",
    "дан",
    "тан",
    "даги",
    "дагi",
    "гача",
    "дек",
    "ча",
    "лик",
    "ли",
    "си",
    "и",
    "сининг",
    "ининг",
    "сига",
    "ига",
    "сида",
    "ида",
    "сидан",
    "идан",
    "сини",
    "ини",
    "сидаги",
    "идаги",
    "миз",
    "имиз",
    "нг",
    "нинг",
    "ники",
    "даги",
    "ми",
    "лари",
    "ларини",
    "ларининг",
    "ларига",
    "ларида",
    "ларидан",
    "ларидаги",
)
_PLURAL_CYRL = ("лар",)


def _latin(cyrillic_suffix: str) -> str:
    return cyrl_to_latn(cyrillic_suffix)


@lru_cache(maxsize=1)
def suffixes_cyrl() -> tuple[str, ...]:
    """All Cyrillic suffix chains (plural + case), longest first."""
    chains = set(_CASE_CYRL) | set(_PLURAL_CYRL)
    chains |= {p + c for p in _PLURAL_CYRL for c in _CASE_CYRL}
    return tuple(sorted(chains, key=len, reverse=True))


@lru_cache(maxsize=1)
def suffixes_latn() -> tuple[str, ...]:
    """The same suffix chains in Latin script, longest first."""
    return tuple(sorted({_latin(s) for s in suffixes_cyrl()}, key=len, reverse=True))


#: final consonants voiced before a vowel-initial suffix (вазирлик -> вазирлиги, ўрмон ->
#: ...; қишлоқ -> қишлоғи): the voiced stem's dictionary form
_VOICED = (("ғ", "қ"), ("г", "к"), ("g‘", "q"), ("g", "k"))


def strip_suffixes(word: str) -> set[str]:
    """Candidate stems of an Uzbek word (itself included): кластерларнинг -> кластер,
    вазирлиги -> вазирлик (final к/қ voiced to г/ғ before a vowel)."""
    lower = word.lower()
    stems = {lower}
    pool = suffixes_latn() if re.search(r"[a-z]", lower) else suffixes_cyrl()
    frontier = {lower}
    for _ in range(2):
        new: set[str] = set()
        for stem in frontier:
            for suffix in pool:
                if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                    new.add(stem[: -len(suffix)])
        new -= stems
        stems |= new
        frontier = new
    for stem in list(stems):
        if stem != lower and len(stem) >= 4:
            for voiced, plain in _VOICED:
                if stem.endswith(voiced):
                    stems.add(stem[: -len(voiced)] + plain)
                    break
    return stems


_CYRL_TO_LATN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "x",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "ъ": "’",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "o‘",
    "қ": "q",
    "ғ": "g‘",
    "ҳ": "h",
    "ы": "i",
    "щ": "sh",
}


def cyrl_to_latn(text: str) -> str:
    """Transliterate Uzbek Cyrillic to the official Latin alphabet (lower-case output)."""
    out: list[str] = []
    lower = text.lower()
    for index, char in enumerate(lower):
        if char == "е" and (index == 0 or not lower[index - 1].isalpha()):
            out.append("ye")
        else:
            out.append(_CYRL_TO_LATN.get(char, char))
    return "".join(out)


_LATN_DIGRAPHS = (
    ("o‘", "ў"),
    ("g‘", "ғ"),
    ("o'", "ў"),
    ("g'", "ғ"),
    ("oʻ", "ў"),
    ("gʻ", "ғ"),
    ("o’", "ў"),
    ("g’", "ғ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("ts", "ц"),
)
_LATN_SINGLE = {
    "a": "а",
    "b": "б",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "ҳ",
    "i": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "x": "х",
    "y": "й",
    "z": "з",
    "’": "ъ",
    "'": "ъ",
}


def latn_to_cyrl(text: str) -> str:
    """Transliterate Uzbek Latin to Cyrillic (lower-case output)."""
    lower = normalise_apostrophes(text.lower())
    out: list[str] = []
    index = 0
    while index < len(lower):
        for latin, cyr in _LATN_DIGRAPHS:
            if lower.startswith(latin, index):
                out.append(cyr)
                index += len(latin)
                break
        else:
            out.append(_LATN_SINGLE.get(lower[index], lower[index]))
            index += 1
    return "".join(out)


def normalise_apostrophes(text: str) -> str:
    """Use ‘ after o/g (oʻ o' o’ -> o‘) and ’ elsewhere, as in the official Latin alphabet."""
    text = re.sub(r"([oOgG])['ʻ’`]", r"\1‘", text)
    return re.sub(r"['ʼ`]", "’", text)
