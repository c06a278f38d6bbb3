"""Rule-based language identification for the four languages of the corpus.

Rules, per sentence:

1. Script: count Cyrillic and Latin letters; the majority script decides between
   {uz-Cyrl, ru} and {uz-Latn, en}. No letters at all -> ``None`` (the caller inherits the
   previous sentence's language).
2. Cyrillic: the Uzbek-only letters ``ў қ ғ ҳ`` score 2 each, Uzbek function words
   (``ва``, ``билан``, ``учун``, ...) and suffix chains (``-нинг``, ``-ларни``, ...) score 1;
   Russian-only letters ``ы щ`` and Russian function words (``и``, ``в``, ``что``, ...) score 1
   for Russian. Uzbek wins ties only when it scored at all.
3. Latin: ``o‘ g‘`` (any apostrophe) score 2 for Uzbek, Uzbek function words and suffixes
   (``va``, ``bilan``, ``-ning``, ``-lar``) 1; English function words (``the``, ``and``,
   ``of``, ...) 1 for English.
4. Uzbek patronymics (``қизи``, ``ўғли``, ``кизи``, ``угли``, ``qizi``, ``o‘g‘li``) score 3:
   an author line "Усманова Нозимахон Икрам кизи" is Uzbek even with no Uzbek-only letter.

Detection reads the normalised view (:mod:`kg.corpus.normalise`: stress marks and look-alike
letters repaired). Evaluated and not used: ``lingua-language-detector`` (2.1.1, the newest
that installs) has no Uzbek model, so it cannot tell uz-Cyrl from ru, which is the decision
that matters here; on the seed articles the rules above agree with a hand check of every
sentence. An article whose catalogue language is none of the four keeps that language for
every sentence the rules are not sure of (margin < 3), so it is never silently called Russian.
"""

from __future__ import annotations

import re

from kg.corpus.uzbek import normalise_apostrophes


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words."""
    return frozenset(text.split())


UZ_CYRL_LETTERS = re.compile(r"[ўқғҳЎҚҒҲ]")
RU_LETTERS = re.compile(r"[ыщЫЩ]")
UZ_CYRL_WORDS = _words(
    "ва билан учун бу ушбу эса каби мазкур ҳам бўлган бўлиб бўйича орқали асосида сифатида "
    "томонидан ўз бир ёки лекин аммо шу унинг уларнинг бизнинг этиш этади қилиш мумкин"
)
RU_WORDS = _words(
    "и в на с по что как это не для из от к о при также которые который является или но "
    "его их был были между через а так только"
)
UZ_LATN_APOSTROPHE = re.compile(r"[oOgG][‘’'ʻ`]")
UZ_LATN_WORDS = _words(
    "va bilan uchun bu ushbu esa kabi mazkur ham bo‘lgan orqali asosida sifatida tomonidan "
    "o‘z bir yoki lekin kalit so‘zlar"
)
EN_WORDS = _words(
    "the and of to in is are for on with as by this that which from it an be such these "
    "keywords abstract"
)
UZ_PATRONYMIC = frozenset({"қизи", "кизи", "ўғли", "угли", "qizi", "o‘g‘li", "ogli", "o‘gli"})
UZ_CYRL_SUFFIX = re.compile(r"[а-яўқғҳ]{2,}(?:нинг|ларни|ларга|ларда|лардан|ларнинг|даги|ини|ига)$")
UZ_LATN_SUFFIX = re.compile(r"[a-z‘’]{2,}(?:ning|larni|larga|larda|lardan|larning|dagi|lar)$")
WORD = re.compile(r"[^\W\d_][^\W\d_‘’'ʻ`-]*")


def detect_language(text: str) -> str | None:
    """``uz-Cyrl``, ``ru``, ``uz-Latn`` or ``en`` for ``text``; ``None`` if it has no letters."""
    return detect_with_margin(text)[0]


def detect_with_margin(text: str) -> tuple[str | None, int]:
    """The language of ``text`` and the score margin of the decision (0 = a guess)."""
    cyrillic = len(re.findall(r"[\u0400-\u04FF]", text))
    latin_all = len(re.findall(r"[A-Za-z]", text))
    if cyrillic == 0 and latin_all == 0:
        return None, 0
    # capitalised Latin words in Cyrillic text are names (Intel, Apple Inc): not the language
    latin = sum(len(w) for w in re.findall(r"(?<![A-Za-z])[a-z][A-Za-z]*", text))
    if cyrillic == 0:
        latin = max(latin, latin_all)
    words = [w.lower() for w in WORD.findall(normalise_apostrophes(text))]
    patronymic = 3 * sum(w in UZ_PATRONYMIC for w in words)
    if cyrillic >= latin:
        uzbek = patronymic + 2 * len(UZ_CYRL_LETTERS.findall(text))
        uzbek += sum(w in UZ_CYRL_WORDS for w in words)
        uzbek += sum(bool(UZ_CYRL_SUFFIX.search(w)) for w in words)
        russian = len(RU_LETTERS.findall(text)) + sum(w in RU_WORDS for w in words)
        lang = "uz-Cyrl" if uzbek > 0 and uzbek >= russian else "ru"
        return lang, abs(uzbek - russian)
    uzbek = patronymic + 2 * len(UZ_LATN_APOSTROPHE.findall(text))
    uzbek += sum(w in UZ_LATN_WORDS for w in words)
    uzbek += sum(bool(UZ_LATN_SUFFIX.search(w)) for w in words)
    english = sum(w in EN_WORDS for w in words)
    return ("uz-Latn" if uzbek > english else "en"), abs(uzbek - english)


def script_of(lang: str | None) -> str | None:
    """``Cyrl`` or ``Latn`` for a language tag of the corpus."""
    if lang is None:
        return None
    return "Latn" if lang in ("en", "uz-Latn") else "Cyrl"


SUPPORTED = ("uz-Cyrl", "ru", "uz-Latn", "en")
SURE_MARGIN = 3  # overrides an unsupported catalogue language


def assign_languages(texts: list[str], default: str) -> list[str]:
    """Languages of consecutive units: guesses (margin 0) take the nearest decided unit of the
    same script, preferring the next one (headings precede their text), else ``default``.
    With an unsupported ``default`` (e.g. ``de``) only sure decisions override it."""
    decided = [detect_with_margin(t) for t in texts]
    if default not in SUPPORTED:
        return [lang if lang and margin >= SURE_MARGIN else default for lang, margin in decided]
    result: list[str] = []
    for index, (lang, margin) in enumerate(decided):
        if lang is not None and margin > 0:
            result.append(lang)
            continue
        script = script_of(lang) if lang else script_of(default)
        neighbour = None
        order = [*range(index + 1, min(index + 4, len(decided))), *range(index - 1, -1, -1)]
        for other in order:
            o_lang, o_margin = decided[other]
            if o_lang is not None and o_margin > 0 and script_of(o_lang) == script:
                neighbour = o_lang
                break
        result.append(neighbour or lang or default)
    return result
