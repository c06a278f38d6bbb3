"""Pronouns that refer back to a named entity (``data/nlp/anaphora.yaml``, ``pronouns``).

- A **subject** pronoun (``it``, ``its``) refers to the subject of its sentence: the first
  organisation, cluster, programme, project or platform named before it there; when none is,
  the one the sentence before opens with (its subject), or an earlier pronoun of the sentence.
  "Medicon Valley is a ... cluster. On the Danish side it covers the Capital Region" -> it =
  Medicon Valley.
- A **place** pro-form (``here``, ``there``, ``здесь``, ``бу ерда``) refers to the nearest park,
  zone or cluster (by class) named in its sentence or the sentence before, else the nearest
  place, unless it opens an existential clause ("there are 500 companies"). A **host** pro-form
  (Uzbek ``унда``, ``бунда``: "in it", "in this", as often "in this respect") refers only to
  such a park, zone or cluster.

Both stay within a paragraph. The pronoun becomes a :class:`Mention` of the antecedent with the
pronoun as its quote and offsets, at :data:`PRONOUN_CONFIDENCE`, so that the relation and
statistics extractors read "it covers X" as they read "Medicon Valley covers X".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rdflib import URIRef

from kg.corpus.document import Document, Sentence
from kg.extract.dependencies import HOSTS
from kg.extract.entities import kind_of
from kg.extract.kinds import NLP_DIR
from kg.extract.records import Evidence, Mention

EXTRACTOR = "entities"  # pronouns are part of the open entity extraction (anaphora)
PRONOUN_CONFIDENCE = 0.55
SUBJECT_KINDS = frozenset({"org", "cluster", "programme", "project", "platform"})


@dataclass(frozen=True)
class Pronouns:
    """The pronouns of one language."""

    subject: re.Pattern[str] | None
    place: re.Pattern[str] | None
    host: re.Pattern[str] | None
    existential: frozenset[str]


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len,
                                                                       reverse=True))
    return re.compile(rf"(?<![\w‘’'-])(?:{body})(?![\w‘’'-])", re.IGNORECASE)


@lru_cache(maxsize=1)
def pronouns() -> dict[str, Pronouns]:
    """The ``pronouns`` section of ``data/nlp/anaphora.yaml`` per language."""
    data = yaml.safe_load((NLP_DIR / "anaphora.yaml").read_text(encoding="utf-8"))
    return {
        lang: Pronouns(
            _alternation([str(w) for w in entry.get("subject", [])]),
            _alternation([str(w) for w in entry.get("place", [])]),
            _alternation([str(w) for w in entry.get("host", [])]),
            frozenset(str(w).lower() for w in entry.get("existential", [])),
        )
        for lang, entry in data["pronouns"].items()
    }


def resolve_pronouns(
    doc: Document,
    mentions: list[Mention],
    is_entity: Callable[[URIRef], bool],
    types: Callable[[URIRef], set[URIRef]],
) -> list[Mention]:
    """Mentions of their antecedents for the pronouns of ``doc`` (module docstring)."""
    named = sorted(
        (m for m in mentions if m.evidence.source_id == doc.source_id and is_entity(m.entity)),
        key=lambda m: m.evidence.start,
    )
    taken = [(m.evidence.start, m.evidence.end) for m in named]
    out: list[Mention] = []
    previous: Sentence | None = None
    for sentence in doc.sentences:
        words = pronouns().get(sentence.lang)
        if words is not None:
            if previous is not None and "\n" in doc.text[previous.end : sentence.start]:
                previous = None  # a new paragraph
            inside = [m for m in named if sentence.start <= m.evidence.start < sentence.end]
            before = [] if previous is None else [
                m for m in named if previous.start <= m.evidence.start < previous.end
            ]  # fmt: skip
            found = _subjects(doc, sentence, words, inside, before)
            found += _places(doc, sentence, words.place, words, inside, before, types)
            found += _places(doc, sentence, words.host, words, inside, before, types, False)
            for start, end, target in found:
                if any(s < end and start < e for s, e in taken):
                    continue
                ev = Evidence(doc.source_id, start, end, EXTRACTOR, PRONOUN_CONFIDENCE)
                out.append(Mention(target.entity, doc.text[start:end], ev))
                taken.append((start, end))
        previous = sentence
    return out


def _subjects(
    doc: Document, sentence: Sentence, words: Pronouns, inside: list[Mention],
    before: list[Mention],
) -> list[tuple[int, int, Mention]]:
    if words.subject is None:
        return []
    out: list[tuple[int, int, Mention]] = []
    opener = before[0] if before and kind_of(before[0].entity) in SUBJECT_KINDS else None
    for match in words.subject.finditer(doc.text, sentence.start, sentence.end):
        start = match.start()
        earlier = [m for m in inside if m.evidence.end <= start
                   and kind_of(m.entity) in SUBJECT_KINDS]  # fmt: skip
        target = earlier[0] if earlier else (out[-1][2] if out else opener)
        if target is not None:
            out.append((start, match.end(), target))
    return out


def _places(
    doc: Document, sentence: Sentence, pattern: re.Pattern[str] | None, words: Pronouns,
    inside: list[Mention], before: list[Mention], types: Callable[[URIRef], set[URIRef]],
    places: bool = True,
) -> list[tuple[int, int, Mention]]:
    """The pro-forms of ``pattern`` and their antecedents (a place too when ``places``)."""
    if pattern is None:
        return []
    out = []
    for match in pattern.finditer(doc.text, sentence.start, sentence.end):
        following = re.match(r"\s*([^\W\d_]+)", doc.text[match.end() : sentence.end])
        if following and following.group(1).lower() in words.existential:
            continue
        candidates = [
            m for m in before + inside
            if m.evidence.end <= match.start()
            and (kind_of(m.entity) in ("place", "cluster") or types(m.entity) & HOSTS)
        ]  # fmt: skip
        hosts = [m for m in candidates if kind_of(m.entity) != "place"]
        if not places:
            candidates = hosts
        if hosts or candidates:  # a park before a place: "the world" is not "here"
            out.append((match.start(), match.end(), (hosts or candidates)[-1]))
    return out
