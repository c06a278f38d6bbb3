"""Where an organisation is, from the dependency parse (English: spaCy; Russian: Natasha).

For each mention of a place, park, zone or cluster that is the object of a locative
preposition (``in Cannes``, ``в Шэньчжэне``; ``data/nlp/locations.yaml``), the phrase's
governor is followed up the tree, at most four arcs, through nouns of sites (``a plant in``,
``штаб-квартира в``), appositions and participles (``the company headquartered in``) and
verbs of being and settling whose subject is then taken (``BYD основан в Шэньчжэне``,
``ETSI has its headquarters in Sophia Antipolis``), until a mention of an organisation,
cluster or project is reached. The pair becomes, by the types of its two ends (the
ontology's domains and ranges):

- organisation in a park, zone or cluster -> ``ck:hasMember`` (the park hosts it: a resident);
- organisation, cluster or project in a place -> ``ck:locatedIn``;
- a city or region in a larger place -> ``ck:partOfPlace``.

A descriptor noun that the recogniser left outside a name (``в районе Лунган``, ``in the city
of``) carries the preposition for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from kg.extract.kinds import NLP_DIR
from kg.extract.records import Mention
from kg.namespace import CK

LOCATIONS = NLP_DIR / "locations.yaml"
MAX_ARCS = 4
CONFIDENCE = 0.75
SUBJECT_RELS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "csubj"})
CLIMB_RELS = frozenset({"appos", "acl", "acl:relcl", "relcl", "conj", "xcomp", "ccomp"})
#: classes of hosts: an organisation "in" one of these is a resident (member)
HOSTS = frozenset({CK.Technopark, CK.SpecialEconomicZone, CK.IndustrialPark, CK.Cluster})
LEVEL = {CK.City: 1, CK.Region: 2, CK.Country: 3}


@dataclass(frozen=True)
class Locatives:
    prepositions: frozenset[str]
    verbs: frozenset[str]
    sites: frozenset[str]


@lru_cache(maxsize=1)
def locatives(path: Path = LOCATIONS) -> dict[str, Locatives]:
    """The locative words per language (``data/nlp/locations.yaml``)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {
        lang: Locatives(*(frozenset(str(w).lower() for w in entry[key])
                          for key in ("prepositions", "verbs", "sites")))
        for lang, entry in data.items()
    }  # fmt: skip


@lru_cache(maxsize=16384)
def _lemma(word: str, lang: str) -> str:
    low = word.lower().replace("ё", "е")
    if lang != "ru":
        return low
    from kg.corpus.russian import morph

    parses = morph().parse(low)
    return parses[0].normal_form.replace("ё", "е") if parses else low


def locations(
    parse: Sequence[Any],
    spans: list[tuple[int, int, Mention]],
    lang: str,
    types: Callable[[URIRef], set[URIRef]],
    kind: Callable[[URIRef], str],
) -> list[tuple[URIRef, URIRef, URIRef, float]]:
    """(subject, predicate, object, confidence) of the sentence whose ``parse`` is given;
    ``spans`` are the mentions as (start, end) in the parsed text's offsets."""
    words = locatives().get(lang)
    if words is None or not parse:
        return []
    owner: dict[int, Mention] = {}
    for start, end, mention in spans:
        for i, token in enumerate(parse):
            if start <= token.start and token.end <= end:
                owner.setdefault(i, mention)
    heads = {id(m): _head(parse, owner, m) for _, _, m in spans}
    out = []
    for _, _, where in spans:
        where_types = types(where.entity)
        host = bool(where_types & HOSTS) or kind(where.entity) == "cluster"
        if kind(where.entity) != "place" and not host:
            continue
        p = heads[id(where)]
        if p is None:
            continue
        governor = _governor(parse, owner, where, p, lang, words)
        if governor is None:
            continue
        found = _climb(parse, owner, where, governor, lang, words)
        if found is None or found.entity == where.entity:
            continue
        for subject in _conjuncts(parse, owner, found, heads[id(found)], words):
            if subject.entity == where.entity:
                continue
            relation = _predicate(subject.entity, where.entity, host, types, kind)
            if relation == CK.hasMember:  # the park hosts the resident
                out.append((where.entity, relation, subject.entity, CONFIDENCE))
            elif relation is not None:
                out.append((subject.entity, relation, where.entity, CONFIDENCE))
    return out


def _conjuncts(
    parse: Sequence[Any], owner: dict[int, Mention], found: Mention, head: int | None,
    words: Locatives,
) -> list[Mention]:
    """``found`` and the mentions coordinated with it ("MediaTek and the display maker AU
    Optronics have their headquarters here"): conjuncts of its head, or names apposed to them;
    not a conjunct with a place of its own ("LEO Pharma in Ballerup and Coloplast in X")."""
    out = [found]
    if head is None:
        return out
    chain = {head}
    for i, token in enumerate(parse):  # a conjunct's head is the first conjunct (UD, spaCy)
        if token.rel == "conj" and token.head in chain and i not in chain:
            chain.add(i)
            own = {i} | {j for j, t in enumerate(parse) if t.head == i and t.rel == "appos"}
            if any(t.head in own and t.text.lower() in words.prepositions for t in parse):
                continue
            mention = owner.get(i) or _apposed(parse, owner, i)
            if mention is not None and all(mention is not m for m in out):
                out.append(mention)
    return out


def _head(parse: Sequence[Any], owner: dict[int, Mention], mention: Mention) -> int | None:
    """The token of a mention whose head lies outside it."""
    inside = [i for i, m in owner.items() if m is mention]
    outside = [i for i in sorted(inside) if parse[i].head not in inside or parse[i].head == i]
    content = [i for i in outside if parse[i].rel not in ("det", "punct", "case")]
    chosen = content or outside  # "the Haute-Garonne": the name, not "the"
    return chosen[0] if chosen else None


def _governor(
    parse: Sequence[Any], owner: dict[int, Mention], where: Mention, p: int, lang: str,
    words: Locatives,
) -> int | None:
    """The token the locative phrase of token ``p`` attaches to, or None when ``p`` is not
    in a locative phrase."""
    if parse[p].rel == "advmod" and parse[p].pos == "ADV":  # a pro-form: "based there"
        return int(parse[p].head) if parse[p].head != p else None
    for _ in range(2):  # the name itself, then a descriptor it depends on ("районе Лунган")
        if lang == "en":
            prep = parse[p].head
            if parse[p].rel == "pobj" and parse[prep].lemma.lower() in words.prepositions:
                return int(parse[prep].head)
        else:
            cases = [t for t in parse if t.head == p and t.rel == "case"]
            if any(t.text.lower() in words.prepositions for t in cases):
                return int(parse[p].head) if parse[p].head != p else None
        head = parse[p].head
        if head == p or owner.get(head) is not None or parse[head].pos not in ("NOUN", "PROPN"):
            return None
        if head > p and not (lang == "en" and parse[p].rel == "compound"):
            return None  # a descriptor stands before the name ("в районе Лунган") or, in
            # English, after it as its head ("the Alpes-Maritimes department")
        p = head
    return None


def _climb(
    parse: Sequence[Any], owner: dict[int, Mention], where: Mention, g: int, lang: str,
    words: Locatives,
) -> Mention | None:
    """The mention the phrase is about, from its governor ``g`` up the tree."""
    for _ in range(MAX_ARCS):
        mention = owner.get(g)
        if mention is not None and mention is not where:
            return mention
        token = parse[g]
        for child in parse:  # "Компания EPAM Systems со штаб-квартирой": an apposed name
            if child.head == g and child.rel in ("appos", "flat:foreign", "flat:name"):
                index = parse.index(child)
                if owner.get(index) is not None and owner[index] is not where:
                    return owner[index]
        if token.pos in ("VERB", "AUX") or token.rel in ("ROOT", "root"):
            if _lemma(token.lemma or token.text, lang) not in words.verbs:
                return None
            subjects = [i for i, t in enumerate(parse) if t.head == g and t.rel in SUBJECT_RELS]
            for i in subjects:
                found = owner.get(i) or _apposed(parse, owner, i)
                if found is not None and found is not where:
                    return found
            if token.rel not in CLIMB_RELS:
                return None
        elif token.pos in ("NOUN", "PROPN"):
            noun = _lemma(token.lemma or token.text, lang)
            if noun not in words.sites and token.rel not in CLIMB_RELS:
                return None
        else:
            return None
        if token.head == g:
            return None
        g = token.head
    return None


def _apposed(parse: Sequence[Any], owner: dict[int, Mention], i: int) -> Mention | None:
    for j, t in enumerate(parse):
        if t.head == i and t.rel in ("appos", "flat:foreign", "flat:name") and j in owner:
            return owner[j]
    return None


def _predicate(
    subject: URIRef, where: URIRef, host: bool, types: Callable[[URIRef], set[URIRef]],
    kind: Callable[[URIRef], str],
) -> URIRef | None:
    """The property the types of the two ends allow (domain and range), or None."""
    subject_kind, subject_types = kind(subject), types(subject)
    if host:
        if subject_kind == "org" and not subject_types & HOSTS:
            return CK.hasMember
        return None
    if subject_kind in ("org", "cluster", "project", "platform"):
        return CK.locatedIn
    if subject_kind == "place":
        small = max((LEVEL.get(t, 0) for t in subject_types), default=0)
        big = max((LEVEL.get(t, 0) for t in types(where)), default=0)
        if small and big and small < big:
            return CK.partOfPlace
    return None
