"""The normalised view of a clean text, with a map back to the text as written.

Recognisers and matchers read :attr:`TextView.text`; every span they find is mapped back with
:meth:`TextView.clean_span`, so evidence always quotes ``Document.text`` as written (stress
marks, soft hyphens and look-alike letters included). Steps, per character:

1. **Invisible characters** are dropped: soft hyphen U+00AD, zero-width space/joiners U+200B-D,
   word joiner U+2060, BOM U+FEFF (Wikipedia and PDF texts carry them inside words).
2. **NFC** per base character and its combining marks; combining acute and grave accents on a
   Cyrillic letter are *stress marks* (``Ско́лково``, Russian Wikipedia) and are dropped first, so
   ``й`` and ``ё`` (и/е + breve/diaeresis) still compose. Accents on Latin letters are kept
   (``Québec`` is spelt so).
3. **Mixed-script words** are repaired: in a word of Cyrillic letters with a few Latin
   look-alikes (``aгрокластер``, Latin ``a``) the look-alikes become Cyrillic, and back for a
   Latin word with Cyrillic look-alikes. A word is left alone when a letter of the minority
   script has no look-alike (``IT-компании`` is two words; ``Cluster-IP`` one script).
4. **Uzbek apostrophes** (U+02BB ʻ, U+2018 ‘, U+2019 ’, U+02BC ʼ, ASCII ' and `) become the
   official letters: ‘ after o/g (``oʻ`` -> ``o‘``, ``g'`` -> ``g‘``), ’ (tutuq belgisi)
   elsewhere inside a word. Only in Uzbek Latin passages (:func:`unify_uzbek_apostrophes`,
   applied per sentence once the language is known): English ``don't`` keeps its apostrophe.

Every step keeps one view character per kept clean character or fewer (NFC only composes), so
the map is monotonic. Uzbek Cyrillic OCR confusions (ў/у, қ/к, ғ/г, ҳ/х) are not rewritten
here, since both letters are real: :func:`fold_uzbek_ocr` gives the folded key the lexicon
matcher uses as a lower-confidence fallback.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
STRESS_MARKS = frozenset("\u0301\u0300")
#: Latin -> Cyrillic look-alikes (same glyph in common fonts) and the reverse.
LATIN_TO_CYRILLIC = dict(zip("aeopcxyABEKMHOPCTX", "аеорсхуАВЕКМНОРСТХ", strict=True))
CYRILLIC_TO_LATIN = {c: latin for latin, c in LATIN_TO_CYRILLIC.items()}
APOSTROPHES = "ʻ‘’ʼ'`"
OCR_FOLD = str.maketrans("ўқғҳЎҚҒҲ", "укгхУКГХ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class TextView:
    """Normalised ``text`` with ``to_clean[i]`` = clean offset of view character ``i``
    (``to_clean[len(text)]`` = length of the clean text) and the inverse ``to_view``."""

    text: str
    to_clean: tuple[int, ...]
    to_view: tuple[int, ...]  # len(clean) + 1 entries; a dropped character maps to the next kept

    def clean_span(self, start: int, end: int) -> tuple[int, int]:
        """The clean-text span [start, end) of the view span [start, end)."""
        if end <= start:
            point = self.to_clean[start]
            return point, point
        return self.to_clean[start], self.to_clean[end - 1] + 1

    def view_span(self, start: int, end: int) -> tuple[int, int]:
        """The view span of the clean-text span [start, end)."""
        return self.to_view[start], self.to_view[end]


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _is_latin(char: str) -> bool:
    return (char.isascii() and char.isalpha()) or "\u00c0" <= char <= "\u024f"


def normalise(clean: str) -> TextView:
    """The normalised view of ``clean`` (steps 1-3 of the module docstring)."""
    chars: list[str] = []
    origin: list[int] = []
    index = 0
    length = len(clean)
    while index < length:
        char = clean[index]
        if char in INVISIBLE:
            index += 1
            continue
        marks_end = index + 1
        while marks_end < length and (
            unicodedata.combining(clean[marks_end]) or clean[marks_end] in INVISIBLE
        ):
            marks_end += 1
        if marks_end == index + 1:
            chars.append(char)
            origin.append(index)
            index += 1
            continue
        marks = [
            m
            for m in clean[index + 1 : marks_end]
            if m not in INVISIBLE and not (m in STRESS_MARKS and _is_cyrillic(char))
        ]
        for composed in unicodedata.normalize("NFC", char + "".join(marks)):
            chars.append(composed)
            origin.append(index)
        index = marks_end
    _repair_mixed_script(chars)
    text = "".join(chars)
    to_view = [0] * (length + 1)
    view_index = len(origin)
    to_view[length] = view_index
    for clean_index in range(length - 1, -1, -1):
        while view_index > 0 and origin[view_index - 1] >= clean_index:
            view_index -= 1
        to_view[clean_index] = view_index
    return TextView(text, (*origin, length), tuple(to_view))


def _repair_mixed_script(chars: list[str]) -> None:
    """Step 3, in place on the list of view characters."""
    text = "".join(chars)
    for word in _WORD.finditer(text):
        letters = word.group()
        cyrillic = sum(map(_is_cyrillic, letters))
        latin = sum(map(_is_latin, letters))
        if not cyrillic or not latin:
            continue
        if cyrillic >= latin:
            table, minority = LATIN_TO_CYRILLIC, _is_latin
        else:
            table, minority = CYRILLIC_TO_LATIN, _is_cyrillic
        odd = [i for i, c in enumerate(letters) if minority(c)]
        if all(letters[i] in table for i in odd):
            for i in odd:
                chars[word.start() + i] = table[letters[i]]


def unify_uzbek_apostrophes(view: str, start: int, end: int) -> str:
    """``view`` with step 4 applied to [start, end) (same length: one character per character)."""
    segment = view[start:end]
    segment = re.sub(rf"(?<=[oOgG])[{APOSTROPHES}](?=[^\W\d_])", "‘", segment)
    segment = re.sub(rf"(?<=[^\W\d_])[{APOSTROPHES.replace('‘', '')}](?=[^\W\d_])", "’", segment)
    return view[:start] + segment + view[end:]


def fold_uzbek_ocr(text: str) -> str:
    """Uzbek Cyrillic letters folded to their Russian look-alikes (ў->у, қ->к, ғ->г, ҳ->х)."""
    return text.translate(OCR_FOLD)
