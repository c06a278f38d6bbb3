"""The in-memory model of one cleaned article, shared by every extractor."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from kg.corpus.normalise import TextView, normalise, unify_uzbek_apostrophes


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list item, table line, heading) of the cleaned text."""

    start: int  # offset in Document.text (clean), inclusive
    end: int  # exclusive
    text: str
    lang: str  # BCP 47: "ru", "uz-Cyrl", "uz-Latn" or "en"


@dataclass(frozen=True)
class Document:
    """One source article after PDF-noise cleaning.

    ``text`` is the cleaned text all offsets refer to; ``offset_map[i]`` is the offset in
    ``raw_text`` of the character ``text[i]`` (so evidence can point back to the original).
    """

    source_id: str  # file stem, e.g. "000_294bae6919eed714"
    path: str  # path of the raw file as read
    raw_text: str
    text: str
    offset_map: tuple[int, ...]
    sentences: tuple[Sentence, ...]
    meta: dict[str, object] = field(default_factory=dict)  # the sources.yaml entry

    @cached_property
    def view(self) -> TextView:
        """The normalised view of ``text`` (``kg.corpus.normalise``) that recognisers read;
        Uzbek apostrophes are unified in the sentences tagged ``uz-Latn``."""
        view = normalise(self.text)
        text = view.text
        for sentence in self.sentences:
            if sentence.lang == "uz-Latn":
                start, end = view.view_span(sentence.start, sentence.end)
                text = unify_uzbek_apostrophes(text, start, end)
        return TextView(text, view.to_clean, view.to_view) if text != view.text else view

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """Words that occur in lower case in the view: common words, so a capitalised
        occurrence (at a sentence start) is not by itself a name."""
        import re

        return frozenset(re.findall(r"(?<![\w‘’'])[^\W\d_A-ZА-ЯЁЎҚҒҲ][\w‘’'-]*", self.view.text))

    def view_of(self, sentence: Sentence) -> tuple[int, str]:
        """(view offset, view text) of a sentence."""
        start, end = self.view.view_span(sentence.start, sentence.end)
        return start, self.view.text[start:end]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean-text span [start, end) to the raw-text span it came from."""
        if end <= start:
            raw = self.offset_map[start] if start < len(self.offset_map) else len(self.raw_text)
            return raw, raw
        return self.offset_map[start], self.offset_map[end - 1] + 1

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence that contains the clean-text ``offset`` (or the last one before it)."""
        index = max(bisect_right(self._sentence_starts, offset) - 1, 0)
        return self.sentences[index]

    def lang_at(self, offset: int) -> str:
        """Language tag of the passage at the clean-text ``offset``."""
        return self.sentence_at(offset).lang
