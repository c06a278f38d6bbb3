"""A rule-based name recogniser for Uzbek (Cyrillic and Latin script).

No pretrained Uzbek recogniser installs from the package registries. Evaluated first:
``uzbek-morph`` 1.0.0 does not import on Python 3.11 (an f-string SyntaxError in its
``__init__``; the project supports 3.11), and ``uzbek-lemmatization`` 2 has no licence, reads
Latin script only and mis-lemmatises institution words (``agentligi`` -> ``agent``,
``texnoparklarida`` unchanged). So the suffix chains of :mod:`kg.corpus.uzbek` strip
inflection, and names are found by these rules on the normalised view of a sentence:

1. **Quoted names**: «…», “…”, "…" of at most ten words that start with a capital or a digit
   (a title may open with years), with the head noun or legal form after the closing quote
   (``“Oxford Research” компанияси``, ``«Uzbekcotton» МЧЖ``) included in the span; not when a
   lower-case plural that is no head follows (``«Industry 4.0» texnologiyalari``: a modifier).
2. **Capitalised runs with a head**: capitalised words, then up to four lower-case words ending
   in a head noun of ``data/nlp/head-nouns.yaml`` (``Тошкент давлат аграр университети``,
   ``Самарқанд вилояти``, ``Қува тумани``); the head types the name.
3. **Persons**: initials and a surname (``М.Портер``, ``Г.Ицкович``), or a given name and a
   surname with a Russian/Uzbek surname ending (-ов, -ова, -ев, -ин, -ova, ...).
4. **Latin names in Cyrillic text** (``Intel``, ``Cisco Systems``): organisations.
5. **Other capitalised runs** not opening the sentence: ``NAME``, kept only when the gazetteer
   or the lexicon knows them (:mod:`kg.extract.entities`).

A common word or a head noun opening the sentence is skipped alone (``Зона Навоий шаҳри``);
a run does not go on across scripts (``Korean Air Навоий``) nor from a genitive into lower-case
words (``Ж. Одиловнинг маълумотига кўра``: the possessed common noun).

The normal form drops the case ending of the last word (``Маршаллнинг`` -> ``Маршалл``) but
keeps the possessive of a head (``вилояти``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.corpus.document import Document, Sentence
from kg.corpus.uzbek import cyrl_to_latn, normalise_apostrophes, strip_suffixes
from kg.extract.kinds import head_nouns
from kg.extract.recognisers import NameSpan

RECOGNISER = "uzbek-rules"
UPPER = "A-ZА-ЯЁЎҚҒҲ"
LOWER = "a-zа-яёўқғҳ"
WORD_RE = re.compile(rf"[{UPPER}{LOWER}0-9](?:[{UPPER}{LOWER}0-9‘’'ʻ`-])*")
QUOTED_RE = re.compile(r"[«“\"]([^«»“”\"\n]{2,150})[»”\"]")
INITIALS_RE = re.compile(rf"(?<![\w‘’])(?:[{UPPER}]\.\s?){{1,2}}[{UPPER}][{LOWER}‘’]{{2,}}")
_SURNAME = r"(?:ов|ова|ев|ева|ин|ина|ov|ova|yev|yeva|ev|eva)"
SURNAME_RE = re.compile(
    rf"(?<![\w‘’])(?:[{UPPER}][{LOWER}]+\s+[{UPPER}][{LOWER}]*{_SURNAME}[{LOWER}‘’]*"
    rf"|[{UPPER}][{LOWER}]*{_SURNAME}\s+[{UPPER}][{LOWER}‘’]+(?:\s+[{UPPER}][{LOWER}‘’]+)?"
    rf"(?:\s+(?:қизи|кизи|ўғли|угли|qizi|o‘g‘li))?)(?![\w‘’])"
)
#: words a name never runs across (conjunctions, postpositions, particles)
FUNCTION_WORDS = frozenset(
    [
        "ва",
        "ҳам",
        "билан",
        "учун",
        "каби",
        "эса",
        "ёки",
        "бу",
        "ушбу",
        "мазкур",
        "шу",
        "va",
        "ham",
        "bilan",
        "uchun",
        "kabi",
        "esa",
        "yoki",
        "bu",
        "ushbu",
        "mazkur",
        "shu",
    ]
)
#: a Latin name word: capitalised, or a short lower-case prefix before a capital (``fDi``, ``eBay``)
_LATIN_WORD = r"(?:[A-Z][A-Za-z0-9]+|[a-z]{1,2}[A-Z][A-Za-z0-9]*)"
LATIN_NAME_RE = re.compile(rf"(?<![\w‘’]){_LATIN_WORD}(?:(?:\s+|\s*&\s*){_LATIN_WORD})*(?![\w‘’])")
#: case endings dropped from the last word of a name for its normal form (not possessives)
CASE_ENDINGS = tuple(
    sorted(
        {
            e
            for c in ("нинг", "га", "ка", "қа", "да", "дан", "ни", "даги", "гача", "ининг",
                      "сининг", "ига", "сига", "ида", "сида", "идан", "сидан", "ини", "сини",
                      "идаги", "сидаги")
            for e in (c, cyrl_to_latn(c))
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip


def normal_form(text: str) -> str:
    """The name without the case ending of its last word (possessives kept) and without the
    genitive of a word inside it (``Ўзбекистон Республикасининг Тикланиш ... жамғармаси`` ->
    ``Ўзбекистон Республикаси Тикланиш ... жамғармаси``). A head noun keeps its possessive
    (``farmoni`` is ``farmon`` + ``-i``, not ``farmo`` + ``-ni``), except after a number
    adjective in ``-son`` / ``-сон``, which takes no izofa (``PF-5099-son farmon``)."""
    words = text.split()
    if not words:
        return text
    for n, word in enumerate(words[:-1]):
        for genitive in ("нинг", "ning"):
            if word.lower().endswith(genitive) and len(word) - len(genitive) >= 3:
                words[n] = word[: -len(genitive)]
    last = words[-1]
    head = _head_stem(last)
    if head is not None:
        after_number = len(words) >= 2 and words[-2].lower().endswith(("-son", "-сон"))
        words[-1] = last[: len(head)] if after_number else last[: len(head)] + _possessive(
            last[len(head) :]
        )
        return " ".join(words)
    for ending in CASE_ENDINGS:
        if last.lower().endswith(ending) and len(last) - len(ending) >= 3:
            cut = last[: -len(ending)]
            if ending.startswith(("и", "си", "i", "si")):  # keep the possessive: вилоятининг
                cut += ending[: 2 if ending.startswith(("си", "si")) else 1]
            words[-1] = cut
            break
    return " ".join(words)


def _head_stem(word: str) -> str | None:
    """The head noun a word begins with, when the rest is a possessive and case suffixes
    (``farmoni`` -> ``farmon``; not ``vazirligi``, whose stem changes its last letter)."""
    lower = normalise_apostrophes(word.lower())
    singles = _single_heads()
    stems = [s for s in strip_suffixes(lower) if s in singles and lower.startswith(s)]
    if not stems:
        return None
    stem = max(stems, key=len)
    return stem if _possessive(lower[len(stem) :]) or not lower[len(stem) :] else None


def _possessive(rest: str) -> str:
    """The possessive suffix a rest of a word begins with (``и``, ``си``, ``i``, ``si``)."""
    for suffix in ("си", "si", "и", "i"):
        if rest.lower().startswith(suffix):
            return rest[: len(suffix)]
    return ""


@lru_cache(maxsize=1)
def _single_heads() -> frozenset[str]:
    """The one-word Uzbek head nouns of ``data/nlp/head-nouns.yaml`` (both scripts)."""
    words = head_nouns().words
    return frozenset(p[0] for lang in ("uz-Cyrl", "uz-Latn") for p in words.get(lang, {})
                     if len(p) == 1)  # fmt: skip


def uzbek_spans(doc: Document, sentence: Sentence) -> list[NameSpan]:
    """Name spans of one Uzbek sentence (rules 1-5 of the module docstring)."""
    base, text = doc.view_of(sentence)
    lang = sentence.lang
    heads = head_nouns()
    found: list[tuple[int, int, str]] = []  # (start, end, label) in sentence view offsets
    words = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]

    def head_after(end: int, limit: int = 3) -> int | None:
        following = [w for w in words if w[0] > end][:limit]  # not a suffix glued to the quote
        for i in range(len(following)):
            if _plural(following[i][2]):
                return None
            phrase = " ".join(w[2] for w in following[: i + 1])
            decided = heads.head_of(phrase, lang)
            if decided and decided[1].kind == "place" and i > 0:
                return None  # «Паркент-фарм» Тошкент вилоятининг: a place follows the name
            if decided and phrase.endswith(decided[0].split()[-1]):
                return following[i][1]
        return None

    for match in QUOTED_RE.finditer(text):
        inner = match.group(1).strip()
        if not (inner[:1].isupper() or inner[:1].isdigit()) or len(inner.split()) > 10:
            continue  # ("“2019–2021-yillarda ... strategiyasi”": a title may open with years)
        end = head_after(match.end()) or match.end()
        if end == match.end() and _modifies_plural(text[match.end() :], lang):
            continue  # "«Industry 4.0» texnologiyalarini": a quoted modifier of a common noun
        found.append((match.start(), end, "ORG"))
    for pattern, label in ((INITIALS_RE, "PER"), (SURNAME_RE, "PER")):
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), label))
    if lang == "uz-Cyrl":
        for match in LATIN_NAME_RE.finditer(text):
            found.append((match.start(), match.end(), "ORG"))
    _capitalised_runs(text, words, lang, found, doc.lower_words)
    spans = []
    for start, end, label in _longest(found):
        view = text[start:end]
        clean_start, clean_end = doc.view.clean_span(base + start, base + end)
        spans.append(
            NameSpan(clean_start, clean_end, view, label, lang, RECOGNISER, normal_form(view))
        )
    return spans


def _modifies_plural(after: str, lang: str) -> bool:
    """Is the word right after a quoted text a lower-case plural that is no head noun (the
    quoted text qualifies a common noun: ``«Industry 4.0» texnologiyalari``)?"""
    match = re.match(rf"\s([{LOWER}][{LOWER}‘’'ʻ`-]+)", after)
    if match is None or not _plural(match.group(1)):
        return False
    return head_nouns().head_of(match.group(1), lang) is None


def _plural(word: str) -> bool:
    """An Uzbek plural (-лар/-lar before any case ending)."""
    return bool(re.search(r"(?:лар|lar)", word.lower()[3:]))


def _capitalised_runs(
    text: str,
    words: list[tuple[int, int, str]],
    lang: str,
    found: list[tuple[int, int, str]],
    common: frozenset[str],
) -> None:
    """Rules 2 and 5: capitalised runs, extended to a head noun when one follows."""
    heads = head_nouns()
    i = 0
    while i < len(words):
        start, _, word = words[i]
        followed = (
            i + 1 < len(words) and words[i + 1][2][:1].isupper() and _adjacent(text, words, i)
            and not any(word in table for table in heads.legal.values())
        )  # "IT Park": an acronym opening a name (not a legal form: "МЧЖ Фарғона")
        if not word[:1].isupper() or (word.isupper() and len(word) <= 4 and not followed):
            i += 1
            continue
        j = i
        while (j + 1 < len(words) and words[j + 1][2][:1].isupper()
               and _adjacent(text, words, j) and _same_script(words[j][2], words[j + 1][2])):
            j += 1  # ("Korean Air Навоий": a Latin name ends where the Cyrillic text goes on)
        end_index = None
        for k in range(j, min(j + 8, len(words))):
            if k > j and not _adjacent(text, words, k - 1) and not _joined(text, words, k - 1):
                break
            if k > j and words[k][2][:1].isupper() and not _same_script(words[j][2], words[k][2]):
                break  # "Korean Air Навоий аэропорти": another name in the other script
            if k > j + 1 and words[k][2][:1].isupper():
                break  # "Hozirgi kunda Yoshlar texnoparki": a capital after lower-case words
                # starts another name (the first words were an adverbial)
            if k > j and GENITIVE.search(words[j][2]):
                break  # "Ж. Одиловнинг маълумотига кўра": lower-case words after a genitive
                # are the possessed common noun, not the rest of a name
            if k > j and words[k][2] in FUNCTION_WORDS and words[k][2].lower() not in JOINERS:
                break
            if k > j + 3 and not any(w[2].lower() in JOINERS or _joined(text, words, n - 1)
                                     for n, w in enumerate(words[j + 1 : k + 1], j + 1)):
                break  # more than four words only across "va" / "," (institution names)
            phrase = " ".join(w[2] for w in words[i : k + 1])
            decided = heads.head_of(phrase, lang)
            if decided and words[k][2].endswith(decided[0].split()[-1]) and k > i - 1:
                end_index = k
                break
        opening = i == 0 or not text[:start].strip(' “«"(-–•')
        lone_head = j > i and _is_head_word(word, lang)  # "Loyiha Axborot ... vazirligi"
        if opening and (word.lower() in common or word.lower() in FUNCTION_WORDS or lone_head):
            i += 1  # the sentence's first word, not the name after it ("Зона Навоий шаҳри")
            continue
        if end_index is not None and _plural(words[end_index][2]):
            end_index = None  # "Трансмиллий компаниялар": a common noun phrase, not a name
        if end_index is not None and end_index > i + 1 and ATTRIBUTIVE.search(word):
            found.append((start, words[i][1], "LOC"))  # "Toshkentdagi | Inha universiteti"
            i += 1
            start, _, word = words[i]
            opening = False
        if end_index is not None and (end_index > i or not opening):
            kind = heads.head_of(" ".join(w[2] for w in words[i : end_index + 1]), lang)
            label = "LOC" if kind and kind[1].kind == "place" else "ORG"
            if kind and kind[1].kind == "person":
                label = "PER"
            found.append((start, words[end_index][1], label))
            i = end_index + 1
            continue
        if not opening and not any(w[2].lower() in common for w in words[i : j + 1]):
            found.append((start, words[j][1], "NAME"))
        i = j + 1


#: the genitive case (``-нинг``, ``-ning``): the possessor ends there
GENITIVE = re.compile(r"(?:нинг|ning)$", re.IGNORECASE)


def _same_script(a: str, b: str) -> bool:
    """Are two words in the same script (both Latin or both Cyrillic)?"""
    return bool(re.search(r"[A-Za-z]", a)) == bool(re.search(r"[A-Za-z]", b))


def _is_head_word(word: str, lang: str) -> bool:
    """Is ``word`` a head noun by itself (``Loyiha``, ``Зона``)?"""
    decided = head_nouns().head_of(word, lang)
    return decided is not None and decided[0] == word and not decided[1].legal


#: the locative-attributive case (``Тошкентдаги``, ``Toshkentdagi``: "in Tashkent", before a
#: noun): a place modifying the name after it, not part of that name (Uzbek grammar)
ATTRIBUTIVE = re.compile(r"(?:даги|dagi|идаги|idagi|сидаги|sidagi)$", re.IGNORECASE)

#: words and commas inside a long institution name (``Oliy ta’lim, fan va innovatsiyalar
#: vazirligi``, ``Тикланиш ва тараққиёт жамғармаси``)
JOINERS = frozenset({"ва", "va", "ҳамда", "hamda"})


def _joined(text: str, words: list[tuple[int, int, str]], j: int) -> bool:
    """A comma between word ``j`` and a lower-case word ``j + 1`` inside a name."""
    return bool(re.fullmatch(r",\s", text[words[j][1] : words[j + 1][0]])) and words[j + 1][2][
        :1
    ].islower()


def _adjacent(text: str, words: list[tuple[int, int, str]], j: int) -> bool:
    """True when word ``j + 1`` follows word ``j`` with only spaces or a hyphen between."""
    return bool(re.fullmatch(r"[ \t-]{1,2}", text[words[j][1] : words[j + 1][0]]))


def _longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans, the longest first (then the earliest, then a known label)."""
    order = sorted(found, key=lambda f: (-(f[1] - f[0]), f[0], f[2] == "NAME"))
    kept: list[tuple[int, int, str]] = []
    for span in order:
        if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept)
