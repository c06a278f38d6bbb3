"""Typing names: an ontology class from the recogniser's label and the name's head noun.

The head nouns are data (``data/nlp/head-nouns.yaml``: one entry per class, words per
language). A word of a name is a head when one of its keys is a head word: English lower case
and singular, Russian pymorphy3 lemmas, Uzbek suffix-stripped stems (both scripts). Which head
of a name counts follows the language's word order:

- English: the rightmost head before ``of``/``for`` (``University of California`` ->
  university, ``Shockley Semiconductor Laboratory`` -> laboratory);
- Russian: the leftmost head (``Фонд «Сколково»``, ``Министерство сельского хозяйства``);
- Uzbek: the rightmost head (head-final: ``Тошкент давлат аграр университети``).

Legal-form abbreviations (``МЧЖ``, ``ООО``, ``LLC``) are matched case and all. Confidence:
0.9 when the head agrees with the recogniser's label, 0.8 for a head alone (the Uzbek rules),
0.7 when the head overrides the label; without a head the label decides (person 0.85, place
0.7 before the gazetteer refines it, organisation -> company 0.6: most unnamed-kind
organisations in the field's texts are firms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import Graph, URIRef

from kg.corpus.russian import morph
from kg.corpus.uzbek import normalise_apostrophes, strip_suffixes
from kg.errors import InputError
from kg.namespace import CK
from kg.paths import DATA_DIR

NLP_DIR = DATA_DIR / "nlp"
HEAD_NOUNS = NLP_DIR / "head-nouns.yaml"
WORD = re.compile(r"[^\W_](?:[^\W_]|[‘’'ʻ`.](?=[^\W_]))*\.?")
COMPLEMENT = frozenset({"of", "for", "on", "in", "at"})


@dataclass(frozen=True)
class Head:
    """What a head word says: the class, the IRI kind, and whether it is a legal form."""

    cls: URIRef
    kind: str
    legal: bool = False
    admin: bool = False  # an administrative unit (oblast, вилоят): its name is in gazetteers
    anaphor: bool = True  # may refer back alone ("the company"); not "the maker"


@dataclass(frozen=True)
class Typed:
    """The class and kind of a name, with the confidence of the decision."""

    cls: URIRef
    kind: str
    confidence: float
    head: str | None = None  # the head word as written, if one decided
    admin: bool = False  # the head names an administrative unit
    decided: bool = False  # a word of the text (head, descriptor, copula, list head) decided


LABEL_DEFAULTS = {
    "PER": Typed(CK.Person, "person", 0.85),
    "LOC": Typed(CK.Place, "place", 0.7),
    "ORG": Typed(CK.Company, "org", 0.6),
}
LABEL_KINDS = {"PER": {"person"}, "LOC": {"place"}, "ORG": {"org", "cluster", "platform"}}


def expand(curie: str) -> URIRef:
    """``ck:University`` -> the ontology IRI."""
    prefix, _, local = curie.partition(":")
    if prefix != "ck" or not local:
        raise InputError(f"not a ck: class: {curie!r}", where=str(HEAD_NOUNS))
    return CK[local]


@lru_cache(maxsize=65536)
def word_keys(word: str, lang: str) -> frozenset[str]:
    """Dictionary keys of a word in ``lang`` (see the module docstring)."""
    low = normalise_apostrophes(word.lower()).replace("ё", "е").rstrip(".")
    keys = {low}
    if lang == "en":
        if re.fullmatch(r"[a-z]{4,}ies", low):
            keys.add(low[:-3] + "y")
        elif re.fullmatch(r"[a-z]{4,}s", low):
            keys.add(low[:-1])
    elif lang == "ru":
        keys |= {p.normal_form.replace("ё", "е") for p in morph().parse(low)[:5]}
    else:
        keys |= strip_suffixes(low)
    return frozenset(keys)


def key_matches(key: str, word: str, lang: str) -> bool:
    """Does ``word`` have the dictionary key ``key`` (:func:`word_keys`; an Uzbek key of four
    letters or more also matches the stems it begins)?"""
    keys = word_keys(word, lang)
    return key in keys or (lang.startswith("uz") and len(key) >= 4
                           and any(k.startswith(key) for k in keys))


class HeadNouns:
    """The head-noun lexicon (``data/nlp/head-nouns.yaml``)."""

    def __init__(self, path: Path = HEAD_NOUNS):
        try:
            entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as err:
            raise InputError(f"cannot read the head-noun lexicon: {err}", where=str(path)) from None
        #: lang -> tuple of words (keys) -> Head; legal forms case-sensitive in ``legal``
        self.words: dict[str, dict[tuple[str, ...], Head]] = {}
        self.legal: dict[str, dict[str, Head]] = {}
        #: lang -> words that, opening a name with the generic organisation head, retype it
        self.openers: dict[str, dict[str, Head]] = {}
        for entry in entries:
            head = Head(
                expand(entry["class"]), entry["kind"], bool(entry.get("legal")),
                bool(entry.get("admin")), bool(entry.get("anaphor", True)),
            )  # fmt: skip
            for lang in ("en", "ru", "uz-Cyrl", "uz-Latn"):
                for phrase in entry.get(lang, []) or []:
                    phrase = str(phrase)
                    if entry.get("opening"):
                        self.openers.setdefault(lang, {})[_phrase_key(phrase, lang)] = head
                        continue
                    if head.legal:
                        self.legal.setdefault(lang, {})[phrase.rstrip(".")] = head
                        continue
                    parts = tuple(_phrase_key(w, lang) for w in phrase.split())
                    self.words.setdefault(lang, {}).setdefault(parts, head)

        #: lang -> the head phrases by their first word's key, each with its place in the
        #: lexicon (phrases are tried in the lexicon's order); the legal forms of every language
        self.by_first: dict[str, dict[str, list[tuple[int, tuple[str, ...], Head]]]] = {}
        for lang, table in self.words.items():
            for order, (parts, head) in enumerate(table.items()):
                self.by_first.setdefault(lang, {}).setdefault(parts[0], []).append(
                    (order, parts, head))
        self.all_legal = {k: v for table in self.legal.values() for k, v in table.items()}

    def heads(self, words: list[str], lang: str) -> list[tuple[int, int, Head]]:
        """(first word, last word + 1, head) of every head phrase among ``words``."""
        found = []
        by_first = self.by_first.get(lang, {})
        legal = self.all_legal
        keys = [word_keys(w, lang) for w in words]
        for i, word in enumerate(words):
            if word.rstrip(".") in legal:
                found.append((i, i + 1, legal[word.rstrip(".")]))
                continue
            starting = {order: (phrase, head) for k in keys[i]
                        for order, phrase, head in by_first.get(k, ())}  # fmt: skip
            for _, (phrase, head) in sorted(starting.items()):
                n = len(phrase)
                if i + n <= len(words) and all(phrase[k] in keys[i + k] for k in range(1, n)):
                    found.append((i, i + n, head))
        return found

    def head_of(self, text: str, lang: str) -> tuple[str, Head] | None:
        """The deciding head of a name (word order rules of the module docstring)."""
        words = WORD.findall(text)
        if not words:
            return None
        found = self.heads(words, lang)
        if lang == "en":
            cut = next((i for i, w in enumerate(words) if w.lower() in COMPLEMENT), len(words))
            before = [f for f in found if f[0] < cut] or found
            found = sorted(before, key=lambda f: f[0])[-1:] if before else []
        elif lang == "ru":  # the leftmost head, the longest phrase there ("академия наук")
            found = sorted(found, key=lambda f: (f[0], f[0] - f[1]))[:1]
        else:  # the rightmost head, the longest phrase there ("фанлар академияси")
            found = sorted(found, key=lambda f: (f[1], f[1] - f[0]))[-1:]
        if not found:
            return None
        first, last, head = found[0]
        return " ".join(words[first:last]), head

    def type_of(self, text: str, label: str | None, lang: str) -> Typed:
        """Class and kind of a name from its recogniser label (PER/ORG/LOC or None) and head."""
        decided = self.head_of(text, lang)
        default = LABEL_DEFAULTS.get(label or "")
        if decided is None:
            return default or Typed(CK.Organisation, "org", 0.5)
        word, head = decided
        if head.cls == CK.Organisation:  # "Jahon intellektual mulk tashkiloti"
            openers = self.openers.get(lang, {})
            first = WORD.findall(text)[0]
            head = next((openers[k] for k in word_keys(first, lang) if k in openers), head)
        if default is None:
            return Typed(head.cls, head.kind, 0.8, word, head.admin, True)
        agrees = head.kind in LABEL_KINDS.get(label or "", set())
        return Typed(head.cls, head.kind, 0.9 if agrees else 0.7, word, head.admin, True)


@lru_cache(maxsize=1)
def singular_plurals() -> frozenset[str]:
    """English words in -s that name one thing at the end of a name
    (``data/nlp/singular-plurals.yaml``: "Systems", "Electronics")."""
    data = yaml.safe_load((NLP_DIR / "singular-plurals.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data["en"])


def _phrase_key(word: str, lang: str) -> str:
    low = normalise_apostrophes(word.lower()).replace("ё", "е")
    if lang == "en" and re.fullmatch(r"[a-z]{4,}s", low) and not low.endswith("ss"):
        return low if low in singular_plurals() else low[:-1]
    return low


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology, parsed once per process for its classes and labels (read only)."""
    from kg.ontology import parse_turtle
    from kg.paths import ONTOLOGY_FILE

    return parse_turtle(ONTOLOGY_FILE)


@lru_cache(maxsize=256)
def subclasses(cls: URIRef) -> frozenset[URIRef]:
    """``cls`` and every class below it in the ontology (``ck:Cluster`` ->
    ``ck:TechnologyCluster``, ...)."""
    from rdflib import RDFS

    below = ontology_graph().transitive_subjects(RDFS.subClassOf, cls)
    return frozenset(c for c in below if isinstance(c, URIRef)) | {cls}


@lru_cache(maxsize=1)
def head_nouns() -> HeadNouns:
    """The project's head-noun lexicon, loaded once per process."""
    return HeadNouns()
