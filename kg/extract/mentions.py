"""Mentions of known entities and concepts, and candidates for unknown names.

``find_mentions`` runs the lexicon matcher sentence by sentence (a mention never crosses a
sentence unit). ``candidates`` lists what looks like a name but is not in the lexicon, so a new
article shows what the lexicon lacks instead of silently dropping it:

- ``quoted``: text in «…», “…”, "…" (2-80 characters);
- ``latin-name``: a run of capitalised Latin words (``Europa INNOVA``, ``Samsung``) that does
  not open its sentence, joined by ``of``/``and``/``&``/``-``;
- ``acronym``: two or more capitals, Latin or Cyrillic, with an optional suffix (``НИОКР``,
  ``ЯИМининг``);
- ``capitalised``: a capitalised Cyrillic word (run) that does not open its sentence; a single
  word that also occurs in lower case in the article is a common word, not a name.

Candidates overlapping a mention, or equal to a known label, are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from kg.corpus.document import Document
from kg.extract.lexicon import Lexicon
from kg.extract.records import Evidence, Mention

EXTRACTOR = "mentions"
EXACT_CONFIDENCE = 1.0  # the surface form is one of the labels
INFLECTED_CONFIDENCE = 0.9  # matched through lemmas, suffixes or transliteration
OCR_CONFIDENCE = 0.7  # matched only with Uzbek OCR confusions folded (ў/у, қ/к, ғ/г, ҳ/х)

CANDIDATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("quoted", re.compile(r"«([^«»\n]{2,80})»|“([^“”\n]{2,80})”|\"([^\"\n]{2,80})\"")),
    (
        "latin-name",
        re.compile(
            r"(?<![\w‘’])[A-Z][A-Za-z0-9]*(?:(?:\s+|\s*[&-]\s*)(?:[A-Z][A-Za-z0-9]*|of|and|for)"
            r"(?=[\s,.;:)»”\"-]|$))*(?![\w‘’])"
        ),
    ),
    ("acronym", re.compile(r"(?<![\w‘’])[A-ZА-ЯЁЎҚҒҲ]{2,}[a-zа-яёўқғҳ]{0,8}(?![\w‘’])")),
    (
        "capitalised",
        re.compile(r"(?<![\w‘’])[А-ЯЁЎҚҒҲ][а-яёўқғҳ]+(?:\s+[А-ЯЁЎҚҒҲ][а-яёўқғҳ]+)*(?![\w‘’])"),
    ),
)


@dataclass(frozen=True)
class Candidate:
    """A name-like span that the lexicon does not know."""

    source_id: str
    start: int
    end: int
    text: str
    kind: str  # quoted | latin-name | acronym | capitalised
    lang: str


def find_mentions(doc: Document, lexicon: Lexicon) -> list[Mention]:
    """Every occurrence of a lexicon entity or concept in ``doc``, in text order.

    The matcher reads the normalised view (:attr:`Document.view`); spans and surface forms are
    those of the clean text as written."""
    mentions: list[Mention] = []
    for sentence in doc.sentences:
        base, text = doc.view_of(sentence)
        ocr = sentence.lang == "uz-Cyrl"
        for match in lexicon.match(text, base=base, ocr_fallback=ocr):
            start, end = doc.view.clean_span(match.start, match.end)
            exact = any(
                label.lower() == match.surface.lower() for _, label in lexicon.labels(match.entity)
            )
            confidence = EXACT_CONFIDENCE if exact else INFLECTED_CONFIDENCE
            if match.folded:
                confidence = OCR_CONFIDENCE
            evidence = Evidence(doc.source_id, start, end, EXTRACTOR, confidence)
            mentions.append(Mention(match.entity, doc.text[start:end], evidence))
    return mentions


def candidates(
    doc: Document, lexicon: Lexicon, mentions: list[Mention] | None = None
) -> list[Candidate]:
    """Name-like spans of ``doc`` not covered by a mention (see the module docstring)."""
    if mentions is None:
        mentions = find_mentions(doc, lexicon)
    covered = [(m.evidence.start, m.evidence.end) for m in mentions]
    known = {_norm(label) for iri in lexicon.entries for _, label in lexicon.labels(iri)}
    words = set(re.findall(r"(?<![\w‘’])[^\W\d_A-ZА-ЯЁЎҚҒҲ][\w‘’]*", doc.text))
    found: dict[tuple[int, int], Candidate] = {}
    for sentence in doc.sentences:
        text = sentence.text
        if _is_heading(text):
            continue
        opening = re.match(r"[\s•\-–\d.)«“\"(]*", text)
        first_word = opening.end() if opening else 0
        for kind, pattern in CANDIDATE_PATTERNS:
            for match in pattern.finditer(text):
                group = next((i for i in range(1, (pattern.groups or 0) + 1) if match.group(i)), 0)
                local_start, local_end = match.span(group)
                if kind in ("latin-name", "capitalised") and local_start == first_word:
                    continue
                start, end = sentence.start + local_start, sentence.start + local_end
                surface = doc.text[start:end].strip()
                if len(surface) < 2 or any(s < end and start < e for s, e in covered):
                    continue
                if _norm(surface) in known:
                    continue
                if kind == "capitalised" and " " not in surface and surface.lower() in words:
                    continue  # a common word capitalised by its position ("Бу", "Кластер")
                if (start, end) not in found:
                    found[(start, end)] = Candidate(
                        doc.source_id, start, end, surface, kind, sentence.lang
                    )
    spans = sorted(found.values(), key=lambda c: (c.start, -c.end))
    kept: list[Candidate] = []
    for cand in spans:  # drop a candidate inside a longer one ("SK" in "SK Telecom")
        if kept and kept[-1].start <= cand.start and cand.end <= kept[-1].end:
            continue
        kept.append(cand)
    return sorted(kept, key=lambda c: (c.start, c.end))


def candidates_tsv(all_candidates: list[Candidate]) -> str:
    """A TSV summary: one line per distinct candidate text with kind, count and occurrences."""
    groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for cand in all_candidates:
        groups[(cand.text, cand.kind)].append(cand)
    lines = ["text\tkind\tcount\tlang\toccurrences"]
    for (text, kind), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        where = " ".join(f"{c.source_id}:{c.start}-{c.end}" for c in items)
        lines.append(f"{text}\t{kind}\t{len(items)}\t{items[0].lang}\t{where}")
    return "\n".join(lines) + "\n"


def _is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())
