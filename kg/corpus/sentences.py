"""Split clean text into sentence units with offsets.

Units: every line of the clean text (paragraph, bullet item, heading, table cell, caption) is
split at sentence ends: ``. ! ? …`` (plus closing quotes and trailing citations ``[3]``)
followed by whitespace and a capital letter, digit, bullet, quote or citation. No split after
an initial (``М. Портером``), a known abbreviation (``т.ч.``, ``рис.``) or a short numbered
label at the start of a unit (``Рис. 1.``, ``1.``, ``1-расм.``).
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from kg.errors import InputError
from kg.paths import DATA_DIR

#: the abbreviations whose period ends no sentence, with their sources
ABBREVIATIONS_FILE = DATA_DIR / "nlp" / "abbreviations.yaml"
BOUNDARY = re.compile(
    r"[.!?…]+[\"»”’)]*(?:\s*\[\d+(?:[,–-]\s*\d+)*\](?:[.,])?)*(?=\s+[\[\"«“(]?[A-ZА-ЯЁЎҚҒҲ0-9•])"
)
LABEL = re.compile(r"^\S{0,4}\s?\d{1,2}[-–]?[^\W\d_]{0,6}$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of the sentence units of ``text`` (stripped, non-empty)."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        base = line.start()
        unit = line.group()
        start = 0
        for match in BOUNDARY.finditer(unit):
            end = match.end()
            if _no_split(unit, start, match.start(), match.end()):
                continue
            spans.append(_strip(unit, base, start, end))
            start = end
        spans.append(_strip(unit, base, start, len(unit)))
    return [s for s in spans if s[1] > s[0]]


def _no_split(unit: str, start: int, dot: int, end: int) -> bool:
    """True when the period at ``dot`` ends an initial, an abbreviation or a leading label
    (``end``: where the next sentence would start)."""
    before = unit[start:dot]
    token_match = re.search(r"(\S+)$", before)
    token = token_match.group(1).lstrip('(["«“') if token_match else ""
    if re.fullmatch(r"[A-ZА-ЯЁЎҚҒҲ]", token):
        return True
    always, after_number = abbreviations()
    word = token.lower()
    if word in always or word.split(".")[-1] in {"рис", "fig"}:
        return True
    if word in after_number and re.search(r"\d\s*\S+$", before):
        # "50 млн. АҚШ доллари", "5 mln. AQSh dollari": an abbreviation (two capitals) follows
        next_word = re.match(r"\s*(\S+)", unit[end:])
        if next_word and sum(ch.isupper() for ch in next_word.group(1)) >= 2:
            return True
    return bool(LABEL.match(before.strip())) and any(ch.isdigit() for ch in before)


@cache
def abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """(always, after a number): the abbreviations of ``data/nlp/abbreviations.yaml``."""
    try:
        data = yaml.safe_load(ABBREVIATIONS_FILE.read_text(encoding="utf-8"))
        return (frozenset(str(w).lower() for w in data["always"]),
                frozenset(str(w).lower() for w in data["after_number"]))  # fmt: skip
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise InputError(f"cannot read the abbreviations: {err}",
                         where=str(ABBREVIATIONS_FILE)) from None


def _strip(unit: str, base: int, start: int, end: int) -> tuple[int, int]:
    piece = unit[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return base + start + lead, base + end - trail
