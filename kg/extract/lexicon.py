"""The lexicon: named entities (``data/lexicon/*.ttl``) and SKOS concepts
(``ontology/vocab/*.ttl``) with their labels, and a matcher that finds them in text.

Matching works on tokens. Every label (``skos:prefLabel``, ``altLabel``, ``hiddenLabel``) is
tokenised; a text token matches a label token when their *key sets* intersect:

- the lower-cased form (``ё`` -> ``е``, apostrophes normalised to ``o‘``/``’``);
- Russian lemmas (pymorphy3 normal forms) of Cyrillic tokens: ``Силиконовой`` -> ``силиконовый``
  (not for Uzbek labels, nor for words with the Uzbek-only letters ``ў қ ғ ҳ``);
- Uzbek stems of text tokens (suffix chains stripped, stem of 4+ letters):
  ``кластерларнинг`` -> ``кластер``; an upper-case acronym followed by a suffix:
  ``АҚШнинг`` -> ``ақш``, ``ЕИда`` -> ``еи``;
- the same keys transliterated between the Uzbek scripts: ``Silikon`` <-> ``силикон``.

Uzbek Cyrillic OCR confusions (``у`` for ``ў``, ``к`` for ``қ``, ``г`` for ``ғ``, ``х`` for
``ҳ``) are a fallback: with ``ocr_fallback=True`` the tokens no exact pass covered are matched
again with those letters folded on both sides (:func:`kg.corpus.normalise.fold_uzbek_ocr`),
and such matches say so (``Match.folded``, a lower confidence for the caller).

A label token with two or more capitals and at most one small letter (an acronym: ``ЕИ``,
``AQSh``) only matches a text token that starts with it, case and all. Consecutive tokens
of a match may be separated by spaces, hyphens, dots or ``&``. Overlapping matches: the
longest (in characters) wins, then the earliest, then a named entity over a concept. No
surface form is written in this code: all of them come from the labels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, SKOS, Graph, Literal, URIRef

from kg.corpus.normalise import fold_uzbek_ocr
from kg.corpus.russian import morph
from kg.corpus.uzbek import cyrl_to_latn, latn_to_cyrl, normalise_apostrophes, strip_suffixes
from kg.namespace import ID
from kg.paths import LEXICON_DIR, VOCAB_DIR

TOKEN = re.compile(r"[^\W_](?:[^\W_]|[‘’'ʻ`](?=[^\W\d_]))*")
GAP = re.compile(r"^[\s\-‐–.&]{0,3}$")
ACRONYM_SUFFIX = re.compile(r"^([A-ZА-ЯЁЎҚҒҲ]{2,})([a-zа-яёўқғҳ‘’]+)$")
#: SKOS schemes whose concepts ``match`` skips by default: their labels are generic words
#: (units, qualifiers, indicators, table dimensions, roles) used by specific extractors, which
#: ask for them with ``match(text, schemes=...)``.
UNMATCHED_SCHEMES = (
    "unit",
    "qualifier",
    "indicator",
    "comparison-dimension",
    "triple-helix-sector",
    "actor-role",
    "target-group",
    "stip-instrument-type",
    "industrial-ecosystem",
)
ENTITY = "entity"  # pseudo-scheme of the named entities in ``match(schemes=...)``
SCHEME_BASE = "https://w3id.org/clusterkg/id/scheme/"
LABEL_PROPS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


@dataclass(frozen=True)
class Match:
    """A label found in text: clean-text span [start, end) and the entity or concept."""

    start: int
    end: int
    entity: URIRef
    label: str
    surface: str
    folded: bool = False  # found only with Uzbek OCR confusions folded


@dataclass
class Entry:
    """An entity or concept of the lexicon with its types and labels."""

    iri: URIRef
    types: set[URIRef] = field(default_factory=set)
    labels: dict[str, list[tuple[URIRef, str]]] = field(default_factory=dict)  # lang -> labels
    is_concept: bool = False
    scheme: str = ENTITY  # slug of the SKOS scheme of a concept, "entity" for named entities


@dataclass(frozen=True)
class _Pattern:
    entity: URIRef
    label: str
    tokens: tuple[tuple[frozenset[str], str | None], ...]  # (keys, case-sensitive prefix)
    scheme: str


def _is_cyrillic(token: str) -> bool:
    return bool(re.search(r"[\u0400-\u04FF]", token))


@lru_cache(maxsize=65536)
def _lemmas(token: str) -> frozenset[str]:
    if not _is_cyrillic(token):
        return frozenset()
    return frozenset(p.normal_form.replace("ё", "е") for p in morph().parse(token)[:4])


def _norm(token: str) -> str:
    return normalise_apostrophes(token.lower()).replace("ё", "е")


def _with_translit(keys: set[str]) -> frozenset[str]:
    out = set(keys)
    for key in keys:
        out.add(cyrl_to_latn(key) if _is_cyrillic(key) else latn_to_cyrl(key))
    return frozenset(k for k in out if k)


UZBEK_ONLY_LETTERS = re.compile(r"[ўқғҳЎҚҒҲ]")


@lru_cache(maxsize=65536)
def label_keys(token: str, lang: str = "") -> frozenset[str]:
    """Keys of a label token: the same as a text token's (labels may be inflected too), with
    Russian lemmas only for Russian (or untagged) labels."""
    return text_keys(token, russian=lang in ("ru", ""))


@lru_cache(maxsize=65536)
def text_keys(token: str, russian: bool = True) -> frozenset[str]:
    """Keys of a token: lower-case form, Russian lemmas (not for words with Uzbek-only
    letters), Uzbek stems, acronym stem, English singular, and their transliterations."""
    base = _norm(token)
    keys = {base}
    if russian and not UZBEK_ONLY_LETTERS.search(token):
        keys |= _lemmas(token)
    keys |= {s for s in strip_suffixes(base) if len(s) >= 4}
    if re.fullmatch(r"[a-z]{4,}s", base):  # English plural: clusters -> cluster
        keys.add(base[:-1])
    acronym = ACRONYM_SUFFIX.match(token)
    if acronym:
        keys.add(_norm(acronym.group(1)))
    return _with_translit(keys)


@lru_cache(maxsize=65536)
def folded_keys(token: str) -> frozenset[str]:
    """:func:`text_keys` with the Uzbek OCR confusions folded (ў->у, қ->к, ғ->г, ҳ->х)."""
    return frozenset(fold_uzbek_ocr(k) for k in text_keys(fold_uzbek_ocr(token)) | text_keys(token))


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Word tokens of ``text`` as (start, end, token)."""
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


class Lexicon:
    """Entities and concepts with labels, and a longest-match matcher over them."""

    def __init__(self, graph: Graph, vocab: Graph, unmatched_schemes: Iterable[str] = ()):
        self.graph = graph  # the named entities (the lexicon graph)
        self.vocab = vocab  # the SKOS vocabularies (part of the ontology graph)
        self.entries: dict[URIRef, Entry] = {}
        self.unmatched = frozenset(unmatched_schemes)
        self._collect(graph, is_concept=False)
        self._collect(vocab, is_concept=True)
        self._patterns: dict[str, list[_Pattern]] = defaultdict(list)
        self._folded: dict[str, list[_Pattern]] = defaultdict(list)
        self._build_patterns()

    @classmethod
    def load(
        cls,
        paths: Iterable[Path] | None = None,
        vocab_paths: Iterable[Path] | None = None,
        unmatched_schemes: Iterable[str] = UNMATCHED_SCHEMES,
    ) -> Lexicon:
        """Load entity files (default ``data/lexicon/*.ttl``) and vocabularies (default
        ``ontology/vocab/*.ttl``); a malformed file raises :class:`InputError`."""
        paths = sorted(LEXICON_DIR.glob("*.ttl")) if paths is None else list(paths)
        vocab_paths = sorted(VOCAB_DIR.glob("*.ttl")) if vocab_paths is None else vocab_paths
        return cls(_parse(paths), _parse(vocab_paths), unmatched_schemes)

    # -- queries ---------------------------------------------------------------------------
    def __contains__(self, iri: object) -> bool:
        return iri in self.entries

    def is_entity(self, iri: URIRef) -> bool:
        """True for a named entity of ``data/lexicon`` (not a SKOS concept)."""
        entry = self.entries.get(iri)
        return entry is not None and not entry.is_concept

    def names_resource(self, iri: URIRef) -> bool:
        """An entity of the lexicon, or a resource of the project's ``id:`` namespace (as open
        extraction mints them): what anaphora, pronouns and parses may point to."""
        return self.is_entity(iri) or str(iri).startswith(str(ID))

    def types(self, iri: URIRef) -> set[URIRef]:
        """The ``rdf:type`` values of an entity or concept."""
        entry = self.entries.get(iri)
        return set(entry.types) if entry else set()

    def label(self, iri: URIRef, lang: str = "en") -> str:
        """The preferred label in ``lang`` (else English, else any), or the IRI's last part."""
        entry = self.entries.get(iri)
        if entry:
            for wanted in (lang, "en", *entry.labels):
                for prop, text in entry.labels.get(wanted, []):
                    if prop == SKOS.prefLabel:
                        return text
        return str(iri).rstrip("/").rsplit("/", 1)[-1]

    def labels(self, iri: URIRef) -> list[tuple[str, str]]:
        """Every (language, label) of an entity or concept."""
        entry = self.entries.get(iri)
        if not entry:
            return []
        return [(lang, text) for lang, items in entry.labels.items() for _, text in items]

    def entities(self) -> list[URIRef]:
        """Named entities, sorted."""
        return sorted(i for i, e in self.entries.items() if not e.is_concept)

    # -- matching --------------------------------------------------------------------------
    def schemes(self) -> list[str]:
        """Slugs of the SKOS schemes that have concepts in the lexicon."""
        return sorted({e.scheme for e in self.entries.values() if e.is_concept})

    def match(
        self,
        text: str,
        base: int = 0,
        schemes: Iterable[str] | None = None,
        ocr_fallback: bool = False,
    ) -> list[Match]:
        """Non-overlapping matches in ``text`` (offsets shifted by ``base``), in text order.

        ``schemes`` restricts the matcher to concepts of these scheme slugs (add ``"entity"``
        for the named entities); by default: entities and every scheme but the unmatched ones.
        ``ocr_fallback`` adds matches with Uzbek OCR confusions folded where none was found.
        """
        default = {ENTITY, *self.schemes()} - self.unmatched
        allowed = default if schemes is None else set(schemes)
        tokens = tokenize(text)
        result = self._match_pass(text, tokens, allowed, set(), folded=False)
        if ocr_fallback:
            taken = {i for m in result for i, t in enumerate(tokens) if m.start <= t[0] < m.end}
            result += self._match_pass(text, tokens, allowed, taken, folded=True)
        result = [replace(m, start=m.start + base, end=m.end + base) for m in result]
        result.sort(key=lambda m: (m.start, m.end))
        return result

    def _match_pass(
        self,
        text: str,
        tokens: list[tuple[int, int, str]],
        allowed: set[str],
        taken: set[int],
        folded: bool,
    ) -> list[Match]:
        index = self._folded if folded else self._patterns
        keys_of = folded_keys if folded else text_keys
        found: list[tuple[int, int, _Pattern]] = []
        for i, (_, _, token) in enumerate(tokens):
            if i in taken:
                continue
            candidates: dict[int, _Pattern] = {}
            for key in keys_of(token):
                for pattern in index.get(key, ()):
                    if pattern.scheme in allowed:
                        candidates[id(pattern)] = pattern
            for pattern in candidates.values():
                end = self._match_at(text, tokens, i, pattern, keys_of)
                if end is not None:
                    found.append((i, end, pattern))
        found.sort(
            key=lambda f: (
                -(tokens[f[1] - 1][1] - tokens[f[0]][0]),
                tokens[f[0]][0],
                -len(f[2].tokens),
                f[2].scheme != ENTITY,  # on a tie a named entity beats a concept
                str(f[2].entity),
                f[2].label,
            )
        )
        taken = set(taken)
        result: list[Match] = []
        for first, last, pattern in found:
            span = set(range(first, last))
            if span & taken:
                continue
            taken |= span
            start, end = tokens[first][0], tokens[last - 1][1]
            result.append(Match(start, end, pattern.entity, pattern.label, text[start:end], folded))
        return result

    def _match_at(
        self,
        text: str,
        tokens: list[tuple[int, int, str]],
        i: int,
        pattern: _Pattern,
        keys_of: Callable[[str], frozenset[str]] = text_keys,
    ) -> int | None:
        if i + len(pattern.tokens) > len(tokens):
            return None
        for offset, (keys, prefix) in enumerate(pattern.tokens):
            start, _, token = tokens[i + offset]
            if offset and not GAP.match(text[tokens[i + offset - 1][1] : start]):
                return None
            if prefix is not None:
                if not token.startswith(prefix):
                    return None
                rest = token[len(prefix) :]
                if rest and not (rest.islower() and rest.isalpha()):
                    return None
                continue
            if keys_of is folded_keys:
                keys = frozenset(fold_uzbek_ocr(k) for k in keys)
            if not keys & keys_of(token):
                return None
        return i + len(pattern.tokens)

    # -- construction ----------------------------------------------------------------------
    def _collect(self, graph: Graph, *, is_concept: bool) -> None:
        for prop in LABEL_PROPS:
            for subject, label in graph.subject_objects(prop):
                if not isinstance(subject, URIRef) or not isinstance(label, Literal):
                    continue
                if is_concept and (subject, RDF.type, SKOS.Concept) not in graph:
                    continue
                entry = self.entries.get(subject)
                if entry is None:
                    scheme = ENTITY
                    if is_concept:
                        in_schemes = sorted(str(o) for o in graph.objects(subject, SKOS.inScheme))
                        scheme = in_schemes[0].removeprefix(SCHEME_BASE) if in_schemes else ""
                    entry = Entry(subject, is_concept=is_concept, scheme=scheme)
                    self.entries[subject] = entry
                entry.types |= {
                    t for t in graph.objects(subject, RDF.type) if isinstance(t, URIRef)
                }
                entry.labels.setdefault(label.language or "", []).append((prop, str(label)))
        for entry in self.entries.values():
            for items in entry.labels.values():
                items.sort(key=lambda item: (LABEL_PROPS.index(item[0]), item[1]))

    def _build_patterns(self) -> None:
        seen: set[tuple[URIRef, tuple[str, ...]]] = set()
        for iri in sorted(self.entries):
            for lang, label in self.labels(iri):
                toks = [t for _, _, t in tokenize(label)]
                if not toks:
                    continue
                signature = (iri, tuple(_norm(t) for t in toks))
                if signature in seen:
                    continue
                seen.add(signature)
                compiled = []
                for tok in toks:
                    upper = sum(c.isupper() for c in tok)
                    acronym = upper >= 2 and sum(c.islower() for c in tok) <= 1
                    compiled.append((label_keys(tok, lang), tok if acronym else None))
                pattern = _Pattern(iri, label, tuple(compiled), self.entries[iri].scheme)
                first_keys, first_prefix = compiled[0]
                for key in first_keys if first_prefix is None else {_norm(first_prefix)}:
                    self._patterns[key].append(pattern)
                    self._folded[fold_uzbek_ocr(key)].append(pattern)


def _parse(paths: Iterable[Path]) -> Graph:
    from kg.ontology import parse_turtle  # one-line errors with the line and the reason

    graph = Graph()
    for path in paths:
        parse_turtle(path, graph)
    return graph
