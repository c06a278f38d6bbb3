"""Relations between the entities of a sentence, from trigger lexicons and dependency parses.

For every sentence, the entity and concept mentions (lexicon, open extraction, anaphora) are
grouped into coordinations (``Volkswagen, BMW и Daimler``: mentions separated only by a comma,
``and``/``и``/``ва``/``va``/``&``). For two groups in order, each trigger of the sentence's
language (``data/nlp/triggers.yaml``) is tried:

- the kinds fit (subject and object kinds of the trigger; ``first`` says which comes first);
- the trigger phrase occurs in the gap between the groups, word by word on dictionary keys
  (English lower case, Russian lemmas, Uzbek stems; an Uzbek verb stem matches its inflected
  forms). A one-word function phrase (``in``, ``в``, ``(``, ``,``) must be the whole gap, an
  article aside; ``object_suffix`` is an Uzbek case ending on the first group with an empty
  gap (``Германиядаги кластер``); ``after`` phrases follow the second group (verb-final Uzbek);
- at most 12 words between the groups, and no clause break (``;``) or other entity group.

Every subject x object pair of the two groups becomes a fact. Confidence: 0.7 for a
multi-word trigger, 0.6 for a one-word function phrase; the dependency parse (spaCy for
English, Natasha's syntax for Russian) adds 0.15 when the two names' heads are at most three
arcs apart in the tree and takes 0.15 when they are more than five apart. Facts under
:data:`MIN_CONFIDENCE` are not kept. ``ck:partOfPlace`` also needs the gazetteer to agree
(the city's country or US state is the larger place).

Two more steps run on the pairs found: a participle after a comma ("A is a cluster in B,
spanning C") places the located subject, not B; and a ``joint`` rule relates the members of one
coordination to each other ("A, B va C tomonidan e’lon qilinadi": they cooperate).

Rules that need no trigger pair: a theory or document named in a sentence that ends with a
citation marker (``[3]``) is cited by the article (``ck:cites``); the items of a list the
enumeration extractor attached to an entity (``ck:about``) relate to it by the list's scheme
(features, benefits, challenges, mechanisms, problems); a member noun + park + link opens a
list of members (``data/nlp/member-lists.yaml``); in a sentence about clusters, places each
followed by parenthesised sectors ("Boston (biotechnology), Austin (semiconductors)") name the
lexicon's cluster of each place, located there and specialised in the sectors
(``data/nlp/cluster-places.yaml``); a policy's quoted title that names an
organisation or place of the article applies to it; a Russian body named with a park's
genitive ("Наблюдательный совет парка") is part of the article's park; an English place
"Region of X" is part of X when the article names X.

``ck:hasMember`` facts become ``org:Membership`` records; the role and triple-helix sector come
from the member's class (``data/nlp/roles.yaml``); a member without a role (a person who leads
an organisation) is a plain ``ck:memberOf`` fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from kg.corpus.document import Document, Sentence
from kg.extract.dependencies import HOSTS
from kg.extract.entities import kind_of
from kg.extract.kinds import NLP_DIR, expand, head_nouns, key_matches, word_keys
from kg.extract.lexicon import Lexicon
from kg.extract.records import Enumeration, Evidence, Membership, Mention, Relation
from kg.namespace import CK, ID, source_iri

EXTRACTOR = "relations"
TRIGGERS = NLP_DIR / "triggers.yaml"
MEMBER_LISTS = NLP_DIR / "member-lists.yaml"
MEMBER_LIST_CONFIDENCE = 0.7
CLUSTER_PLACES = NLP_DIR / "cluster-places.yaml"
PLACE_SECTOR_CONFIDENCE = 0.7
ROLES = NLP_DIR / "roles.yaml"
MAX_GAP_WORDS = 12
MIN_CONFIDENCE = 0.6
LANGS = ("en", "ru", "uz-Cyrl", "uz-Latn")
COORDINATION = re.compile(
    r"^\s*(?:\([^()]{1,40}\)\s*)?"  # an item's abbreviation or year: "Longtan (2004) and"
    r"(?:,\s*|,?\s*(?:and|и|ва|va|&|as well as|а также)\s+|\s*&\s*)$",
    re.IGNORECASE,
)
ARTICLES = frozenset({"the", "a", "an"})
#: in a trigger phrase, any words between a part that opens the gap and one that closes it
FRAME = "…"
#: a gap that opens with one of these starts a coordinated predicate of an earlier subject
COORDINATORS = frozenset({"and", "but", "и", "но", "а"})
#: a locative preposition inside a name, before the place it names (grammar)
NAMED_PLACE = {
    "en": re.compile(r"\s(?:in)\s+(\S.*)$"),
    "ru": re.compile(r"\s(?:в|во)\s+(\S.*)$", re.IGNORECASE),
}
#: compass adjectives before a place, left out of a gap like articles ("in southern Sweden",
#: "of south-eastern France"); English grammar
COMPASS = re.compile(
    r"^(?:(?:north|south)(?:-?(?:east|west))?|east|west|central)(?:ern)?$", re.IGNORECASE
)
QUOTES = " \t\n«»“”„\"'’‘"
#: Uzbek case endings of a name, longest first (grammar: genitive, locative, attributive
#: locative, dative, ablative, accusative), in both scripts
UZ_CASES = ("нинг", "даги", "дан", "да", "га", "ни", "ning", "dagi", "dan", "da", "ga", "ni")
CITATION = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]")
LIST_PROPERTIES = {
    "cluster-feature": CK.hasFeature,
    "benefit": CK.hasBenefit,
    "challenge": CK.hasChallenge,
    "mechanism": CK.usesMechanism,
    "innovation-problem": CK.hasProblem,
    "cluster-characteristic": CK.hasCharacteristic,
}
WORD_RE = re.compile(r"[^\W_][\w‘’'-]*|[(),]")
PHRASE_WORD = re.compile(r"[^\W_][\w‘’'-]*|[(),…]")
TITLE = re.compile(r"[«“\"„]([^«»“”\"„]{3,})[»”\"“]")
LIST_WORD = re.compile(r"[^\W_][\w‘’'-]*|[:—]")
YEAR = re.compile(r"(?<![\w.,])(1[89]\d\d|20\d\d)(?![\w]|[.,]\d)")
#: temporal adjuncts, left out of a gap before its trigger is matched ("founded in 1987 by",
#: "основанной в 1993 году", "2019 йилда ташкил этилган"): dates by the grammar of each language
_MONTHS_EN = (r"(?:January|February|March|April|May|June|July|August|September|October|"
              r"November|December)")
TEMPORAL = {
    "en": re.compile(
        r"\((?:c\.\s*)?(?:1[89]|20)\d\d(?:\s*[–-]\s*\d{2,4})?\)"
        r"|\b(?:(?:in|on|since|from|until|by)\s+)?(?:(?:early|late|mid-)\s*)?"
        rf"(?:\d{{1,2}}\s+{_MONTHS_EN}\s+|{_MONTHS_EN}\s+(?:\d{{1,2}},?\s+)?)?"
        r"(?:1[89]|20)\d\ds?\b(?:\s*[–-]\s*\d{2,4})?"
    ),
    "ru": re.compile(
        r"(?<![\w])(?:(?:в|с|до|к)\s+)?(?:\d{1,2}\s+[а-яё]+\s+)?(?:1[89]|20)\d\d"
        r"(?:\s*[–-]\s*\d{2,4})?\s*(?:год[а-я]*|гг?\.)?(?![\w])",
        re.IGNORECASE,
    ),
    "uz-Cyrl": re.compile(
        r"(?<![\w])(?:1[89]|20)\d\d(?:\s*[–-]\s*\d{2,4})?[-\s]*(?:йил\w*)?"
        r"(?:\s+\d{1,2}[-\s]*[а-яўқғҳ]+)?(?![\w])",
        re.IGNORECASE,
    ),
    "uz-Latn": re.compile(
        r"(?<![\w])(?:1[89]|20)\d\d(?:\s*[–-]\s*\d{2,4})?[-\s]*(?:yil\w*)?"
        r"(?:\s+\d{1,2}[-\s]*[a-zʻ‘’'`]+)?(?![\w])",
        re.IGNORECASE,
    ),
}
#: founding words per language (grammar: the verbs of founding, their participles)
FOUNDING = {
    "en": re.compile(r"\b(?:founded|established|set up|created|opened|launched)\b", re.I),
    "ru": re.compile(r"(?<![\w])(?:основан|создан|учрежд[её]н|открыт)\w*", re.I),
    "uz-Cyrl": re.compile(r"(?<![\w])(?:ташкил\s+этил|асос\s+солин|очил)\w*", re.I),
    "uz-Latn": re.compile(r"(?<![\w])(?:tashkil\s+etil|asos\s+solin|ochil)\w*", re.I),
}


@dataclass(frozen=True)
class Trigger:
    """One trigger rule of ``data/nlp/triggers.yaml`` for one language."""

    predicate: URIRef
    subject_kinds: frozenset[str]
    object_kinds: frozenset[str]
    subject_first: bool
    phrases: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    object_suffix: tuple[str, ...]
    second_suffix: tuple[str, ...] = ()  # a case ending the second group must have (uz)
    adjacent: bool = False  # the phrase ends the gap: an active verb and its object
    second_case: tuple[str, ...] = ()  # a grammatical case of the second group (ru: ablt)
    forms: tuple[str, ...] = ()  # parts of speech of the trigger word (ru: VERB, PRTS, ...)
    first_suffix: tuple[str, ...] = ()  # a case ending the first group must have (uz)
    head_noun: bool = False  # the gap ends with a head noun naming the second group (uz)
    joint: bool = False  # the members of one coordination, joint agents of one act


@lru_cache(maxsize=1)
def triggers(path: Path = TRIGGERS) -> dict[str, tuple[Trigger, ...]]:
    """The trigger rules per language."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out: dict[str, list[Trigger]] = {lang: [] for lang in LANGS}
    for entry in entries:
        predicate = expand(entry["predicate"])
        for lang in LANGS:
            rule = entry.get(lang)
            if not rule:
                continue
            first = rule.get("first", entry.get("first", "subject"))
            out[lang].append(
                Trigger(
                    predicate,
                    frozenset(entry["subject"]),
                    frozenset(entry["object"]),
                    first == "subject",
                    tuple(_phrase(p) for p in rule.get("between", [])),
                    tuple(_phrase(p) for p in rule.get("after", [])),
                    tuple(rule.get("object_suffix", []) or []),
                    tuple(rule.get("second_suffix", []) or []),
                    bool(rule.get("adjacent", False)),
                    tuple(rule.get("second_case", []) or []),
                    tuple(rule.get("forms", []) or []),
                    tuple(rule.get("first_suffix", []) or []),
                    bool(rule.get("head_noun", False)),
                    bool(entry.get("joint", False)),
                )
            )
    return {lang: tuple(rules) for lang, rules in out.items()}


@lru_cache(maxsize=1)
def roles(path: Path = ROLES) -> list[tuple[URIRef, URIRef, URIRef]]:
    """(member class, role, triple-helix sector) from ``data/nlp/roles.yaml``, most specific
    first."""
    from kg.namespace import data_iri

    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [
        (expand(e["class"]), data_iri("actor-role", e["role"]),
         data_iri("triple-helix-sector", e["helix"]))
        for e in entries
    ]  # fmt: skip


@dataclass(frozen=True)
class MemberList:
    """The member-list words of one language (``data/nlp/member-lists.yaml``)."""

    nouns: frozenset[str]
    links: frozenset[str]
    group: frozenset[str]  # plural demonstratives and pronouns ("these", "бундай")
    among: frozenset[str]  # "among", "среди", "орасида"
    before: int
    after: int


@lru_cache(maxsize=1)
def member_lists(path: Path = MEMBER_LISTS) -> dict[str, MemberList]:
    """The member-list words per language."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        lang: MemberList(_words(data[lang]["nouns"]), _words(data[lang]["links"]),
                         _words(data[lang]["group"]), _words(data[lang]["among"]),
                         int(data["before"]), int(data["after"]))
        for lang in LANGS
    }  # fmt: skip


@lru_cache(maxsize=1)
def cluster_nouns(path: Path = CLUSTER_PLACES) -> dict[str, frozenset[str]]:
    """The cluster nouns per language (``data/nlp/cluster-places.yaml``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {lang: _words(data[lang]["nouns"]) for lang in LANGS}


@lru_cache(maxsize=4)
def _clusters_by_place(lexicon: Lexicon) -> dict[URIRef, frozenset[URIRef]]:
    """The lexicon's clusters per place they are located in (``ck:locatedIn``)."""
    out: dict[URIRef, set[URIRef]] = {}
    for s, o in lexicon.graph.subject_objects(CK.locatedIn):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and _kind(s) == "cluster":
            out.setdefault(o, set()).add(s)
    return {place: frozenset(clusters) for place, clusters in out.items()}


def _words(values: list[object]) -> frozenset[str]:
    return frozenset(str(v) for v in values)


def _any_key(words: list[str], keys: frozenset[str], lang: str) -> bool:
    """Does one of ``words`` match one of ``keys`` (a dictionary key, or ":" / "—")?"""
    return any(w == k if k in (":", "—") else _word_matches(k, w, lang)
               for w in words for k in keys)  # fmt: skip


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(w.lower().replace("ё", "е") for w in PHRASE_WORD.findall(str(text)))


def _kind(iri: URIRef) -> str:
    kind = kind_of(iri)
    return "theory" if kind == "document" else kind


def _groups(
    doc: Document, mentions: list[Mention], lexicon: Lexicon, lang: str
) -> list[list[Mention]]:
    """Coordinated runs of non-overlapping mentions of one kind, in text order (a place and
    the larger place after a comma, ``Mountain View, California``, are not a list; nor, in
    Uzbek, names in different cases)."""
    ordered: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.evidence.start, -m.evidence.end)):
        if ordered and m.evidence.start < ordered[-1].evidence.end:
            continue
        if ordered and _abbreviation(doc.text, ordered[-1], m):
            continue  # "Taiwan Semiconductor Manufacturing Company (TSMC)": one item
        ordered.append(m)
    groups: list[list[Mention]] = []
    for m in ordered:
        if groups:
            last = groups[-1][-1]
            gap = doc.text[last.evidence.end : m.evidence.start]
            nested = _kind(m.entity) == "place" and _nested([last], [m], lexicon)
            if lang.startswith("uz"):
                nested |= _uz_case(last.surface) not in ("", _uz_case(m.surface))
            if _kind(last.entity) == _kind(m.entity) and COORDINATION.match(gap) and not nested:
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def _ends_in(surface: str, endings: tuple[str, ...]) -> bool:
    """Does a name end (closing quotes aside) with one of ``endings``?"""
    return surface.lower().rstrip(QUOTES).endswith(endings)


def _head_noun_ends(words: list[str], lang: str) -> bool:
    """Do the gap's words end with a head noun of an organisation or cluster that the name
    after them stands in apposition to (``Ўзбекистондаги биринчи эркин иқтисодий зона –
    «Навоий» ЭИИЗ``)?"""
    content = " ".join(w for w in words if w not in ("(", ")", ","))
    decided = head_nouns().head_of(content, lang) if content else None
    return (
        decided is not None
        and decided[1].kind in ("org", "cluster")
        and content.lower().endswith(decided[0].lower())
    )


def _uz_case(surface: str) -> str:
    """The Uzbek case ending a name carries, or "" (coordinated names share their case or
    leave it to the last: ``Паркент туманида, Тошкентдаги`` are no list)."""
    low = surface.lower().rstrip(QUOTES)
    return next((e for e in UZ_CASES if low.endswith(e)), "")


def _abbreviation(text: str, name: Mention, m: Mention) -> bool:
    """Is ``m`` the parenthesised short form of the mention ``name`` just before it?"""
    return (
        m.entity == name.entity
        and text[name.evidence.end : m.evidence.start].strip() == "("
        and text[m.evidence.end : m.evidence.end + 1] == ")"
    )


def _gap_words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def _untimed(text: str, lang: str) -> str:
    """``text`` without its dates and years (:data:`TEMPORAL`)."""
    pattern = TEMPORAL.get(lang)
    return pattern.sub(" ", text) if pattern is not None else text


def _word_matches(key: str, word: str, lang: str) -> bool:
    if key in ("(", ")", ","):
        return word == key
    return key_matches(key, word, lang)


def _contains(words: list[str], phrase: tuple[str, ...], lang: str) -> bool:
    n = len(phrase)
    verb = lang.startswith("uz") and n > 1  # its last word a verb: "ташкил эт" ~ "этилди"
    return any(
        all(_word_matches(phrase[k], words[i + k], lang)
            or (verb and k == n - 1 and words[i + k].lower().startswith(phrase[k]))
            for k in range(n))
        for i in range(len(words) - n + 1)
    )  # fmt: skip


def _phrase_fits(words: list[str], phrase: tuple[str, ...], lang: str) -> tuple[bool, bool]:
    """(matches, is a one-word function phrase)."""
    if not phrase:
        return False, False
    if FRAME in phrase:  # "is a … in": the gap opens with the first part, ends with the second
        cut = phrase.index(FRAME)
        head = tuple(k for k in phrase[:cut] if k not in ARTICLES)
        tail = tuple(k for k in phrase[cut + 1 :] if k not in ARTICLES)
        content = [w for w in words if w.lower() not in ARTICLES]
        if len(content) < len(head) + len(tail):
            return False, False
        ok = all(_word_matches(k, w, lang) for k, w in zip(head, content, strict=False))
        ends = content[len(content) - len(tail) :]
        return ok and all(_word_matches(k, w, lang) for k, w in zip(tail, ends, strict=True)), False
    function = len(phrase) == 1 and (len(phrase[0]) <= 3 or not phrase[0].isalpha())
    if function:
        content = [w for w in words if w.lower() not in ARTICLES]
        return len(content) == 1 and _word_matches(phrase[0], content[0], lang), True
    return _contains(words, phrase, lang), False


def _nearer(between: list[list[Mention]], rule: Trigger, ends: set[URIRef]) -> bool:
    """Does a group between the two fit either end of the rule? Then the trigger relates
    the nearer pair (``A was founded by B, the president of C``: B, not C, founded A); a
    group that names one of the two ``ends`` again does not count ("A was led by its chief
    executive, B")."""
    kinds = rule.subject_kinds | rule.object_kinds
    return any(_kind(g[0].entity) in kinds and g[0].entity not in ends for g in between)


def _ends_with(words: list[str], phrase: tuple[str, ...], lang: str) -> bool:
    """Does the phrase end the gap (articles aside): ``X founded the Y``, not ``X, founded
    by Y`` or ``X founded as Y``?"""
    content = list(words)
    while content and content[-1].lower() in ARTICLES:
        content.pop()
    n = len(phrase)
    return len(content) >= n and _contains(content[-n:], phrase, lang)


def _has_form(words: list[str], key: str, forms: tuple[str, ...], lang: str) -> bool:
    """Is a gap word of dictionary form ``key`` one of the parts of speech ``forms``
    (pymorphy3: ``основал`` VERB, active; ``основан`` PRTS and ``основанная`` PRTF, passive)?"""
    from kg.corpus.russian import morph

    return any(
        p.tag.POS in forms and p.normal_form.replace("ё", "е") == key
        for w in words if _word_matches(key, w, lang) for p in morph().parse(w.lower())
    )  # fmt: skip


def _in_case(surface: str, cases: tuple[str, ...], person: bool = False) -> bool:
    """Can a word of a Russian name be in one of ``cases`` (pymorphy3 tags: ``ablt`` the
    instrumental of the agent, ``Аркадием Добкиным``)? A person's name with an indeclinable
    or unknown word (``Ван Чуаньфу``) can be in any case."""
    from kg.corpus.russian import morph

    for word in WORD_RE.findall(surface):
        for p in morph().parse(word.lower()):
            if p.tag.case in cases:
                return True
            if person and ("Fixd" in p.tag or "UNKN" in p.tag or not p.is_known):
                return True
    return False


class RelationExtractor:
    """Trigger matching plus dependency checks for one article."""

    def __init__(
        self,
        doc: Document,
        lexicon: Lexicon,
        recognisers: Any,
        types: dict[URIRef, set[URIRef]] | None = None,
    ):
        self.doc = doc
        self.lexicon = lexicon
        self.recognisers = recognisers
        self.types = types or {}  # classes of the resources minted for this article
        self.own: list[Mention] = []  # the article's mentions (set by extract)

    def extract(self, mentions: list[Mention]) -> list[Relation | Membership]:
        out: list[Relation | Membership] = []
        own = self.own = [m for m in mentions if m.evidence.source_id == self.doc.source_id]
        previous: Sentence | None = None
        for sentence in self.doc.sentences:
            inside = [
                m
                for m in own
                if sentence.start <= m.evidence.start and m.evidence.end <= sentence.end
            ]
            if len(inside) >= 2 and sentence.lang in LANGS:
                said = self._sentence(sentence, inside) + self._dependencies(sentence, inside)
                out.extend(said + (_transitive(said) if sentence.lang.startswith("uz") else []))
            out.extend(self._member_lists(sentence, inside))
            out.extend(self._lists_of_group(sentence, inside, previous))
            out.extend(self._place_sectors(sentence, inside))
            previous = sentence
            out.extend(self._titles(sentence, inside))
            out.extend(self._bodies_of_hosts(sentence, inside))
            out.extend(self._places_of(sentence, inside))
            out.extend(self._named_places(sentence, inside))
            out.extend(self._citations(sentence, inside))
            out.extend(self._founding_years(sentence, inside))
        return _dedupe(out)

    def classes(self, iri: URIRef) -> set[URIRef]:
        """The lexicon's classes of ``iri`` and those of the resources minted for this article."""
        return self.lexicon.types(iri) | self.types.get(iri, set())

    def _dependencies(
        self, sentence: Sentence, mentions: list[Mention]
    ) -> list[Relation | Membership]:
        """Locations and residents from the dependency parse (:mod:`kg.extract.dependencies`)."""
        if sentence.lang not in ("en", "ru") or self.recognisers is None:
            return []
        from kg.extract.dependencies import locations

        base, text = self.doc.view_of(sentence)
        parse = self.recognisers.parse(sentence.lang, text)
        spans = []
        for m in mentions:
            if not self.lexicon.names_resource(m.entity):
                continue
            start, end = self.doc.view.view_span(m.evidence.start, m.evidence.end)
            spans.append((start - base, end - base, m))
        out: list[Relation | Membership] = []
        for s, p, o, confidence in locations(parse, spans, sentence.lang, self.classes, _kind):
            if p == CK.partOfPlace and not _levels_agree(s, o, self.classes):
                continue
            ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, confidence)
            out.append(self._record(s, p, o, ev))
        return out

    def _member_lists(
        self, sentence: Sentence, mentions: list[Mention]
    ) -> list[Relation | Membership]:
        """"The largest companies of the cluster are: A, B in X and C": the organisations of a
        list that a member noun + host + link opens (``data/nlp/member-lists.yaml``)."""
        rules = member_lists().get(sentence.lang)
        if rules is None:
            return []
        text, lang = self.doc.text, sentence.lang
        out: list[Relation | Membership] = []
        for host in mentions:
            if not self._is_host(host.entity):
                continue
            before = LIST_WORD.findall(text[sentence.start : host.evidence.start])
            after = LIST_WORD.findall(text[host.evidence.end : sentence.end])
            if lang.startswith("uz"):  # the possessed noun follows: "klaster a’zolari:"
                if not after or not _any_key(after[:1], rules.nouns, lang):
                    continue
                after = after[1:]
            elif not _any_key(before[-rules.before :], rules.nouns, lang):
                continue
            if not any(_any_key([w], rules.links, lang) for w in after[: rules.after]):
                continue
            members = self._listed_members(mentions, host.entity, host.evidence.end,
                                           sentence.end)  # fmt: skip
            ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR,
                          MEMBER_LIST_CONFIDENCE)  # fmt: skip
            out.extend(self._record(host.entity, CK.hasMember, m.entity, ev) for m in members)
        return out

    def _lists_of_group(
        self, sentence: Sentence, mentions: list[Mention], previous: Sentence | None
    ) -> list[Relation | Membership]:
        """"The park hosts 300 companies. Among them are A and B": a sentence that opens with
        a plural demonstrative or pronoun and "among" (or a link word) lists members of the one
        park or cluster of the sentence before, when that sentence speaks of members (a member
        noun; the same noun as the opening's, when it has one)."""
        rules = member_lists().get(sentence.lang)
        if rules is None or previous is None:
            return []
        text, lang = self.doc.text, sentence.lang
        opening = LIST_WORD.findall(text[sentence.start : sentence.end])[: rules.before + 2]
        if not (_any_key(opening, rules.group, lang)
                and _any_key(opening, rules.among | rules.links, lang)):  # fmt: skip
            return []
        nouns = frozenset(k for k in rules.nouns if _any_key(opening, frozenset([k]), lang))
        if not _any_key(LIST_WORD.findall(text[previous.start : previous.end]),
                        nouns or rules.nouns, lang):  # fmt: skip
            return []
        hosts = {
            m.entity for m in self.own
            if previous.start <= m.evidence.start and m.evidence.end <= previous.end
            and self._is_host(m.entity)
        }  # fmt: skip
        if len(hosts) != 1:
            return []
        (host,) = hosts
        ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR,
                      MEMBER_LIST_CONFIDENCE)  # fmt: skip
        return [self._record(host, CK.hasMember, m.entity, ev)
                for m in self._listed_members(mentions, host, sentence.start, sentence.end)]

    def _place_sectors(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """"The clusters in Boston (biotechnology) and Austin (semiconductors)": in a sentence
        with a cluster noun (``data/nlp/cluster-places.yaml``), each group of places followed
        by parenthesised sectors names the cluster of each place, the lexicon's one cluster
        located there. It is located in the place and in a larger place of the sentence that
        the gazetteer puts the place in, and specialises in the sectors."""
        nouns = cluster_nouns().get(sentence.lang)
        lang, text = sentence.lang, self.doc.text
        if not nouns or not _any_key(LIST_WORD.findall(sentence.text), nouns, lang):
            return []
        groups = _groups(self.doc, mentions, self.lexicon, lang)
        pairs = [
            (places, sectors) for places, sectors in pairwise(groups)
            if _kind(places[0].entity) == "place" and _kind(sectors[0].entity) == "sector"
            and text[places[-1].evidence.end : sectors[0].evidence.start].strip() == "("
            and text[sectors[-1].evidence.end : sentence.end].lstrip().startswith(")")
        ]  # fmt: skip
        if not pairs:
            return []
        listed = {id(m) for places, _ in pairs for m in places}
        larger = {m.entity: m for m in mentions
                  if _kind(m.entity) == "place" and id(m) not in listed}  # fmt: skip
        clusters = _clusters_by_place(self.lexicon)
        ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR,
                      PLACE_SECTOR_CONFIDENCE)  # fmt: skip
        out: list[Relation] = []
        for places, sectors in pairs:
            for place in places:
                of_place = clusters.get(place.entity, frozenset())
                if len(of_place) != 1:
                    continue
                (cluster,) = of_place
                out.append(Relation(cluster, CK.locatedIn, place.entity, ev))
                out.extend(Relation(cluster, CK.specialisesIn, s.entity, ev) for s in sectors)
                out.extend(Relation(cluster, CK.locatedIn, big, ev)
                           for big, m in larger.items() if big != place.entity
                           and _nested([place], [m], self.lexicon))  # fmt: skip
        return out

    def _is_host(self, entity: URIRef) -> bool:
        """A cluster, or an organisation that hosts members (a park, zone, platform)."""
        return _kind(entity) == "cluster" or bool(self.classes(entity) & HOSTS)

    def _listed_members(
        self, mentions: list[Mention], host: URIRef, start: int, end: int
    ) -> list[Mention]:
        """The organisations of the list clause from ``start`` up to the first ";" before
        ``end``: not the host, not a host themselves."""
        stop = start + len(self.doc.text[start:end].split(";", 1)[0])
        return [
            m for m in mentions
            if start <= m.evidence.start and m.evidence.end <= stop
            and _kind(m.entity) == "org" and m.entity != host and not self._is_host(m.entity)
        ]  # fmt: skip

    def _founding_years(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """``founded in 1957``, ``создан в 2010 году``, ``2019 йилда ташкил этилган``: the year
        nearest a founding word, for the nearest organisation, cluster or project before it."""
        from rdflib import Literal
        from rdflib.namespace import XSD

        match = FOUNDING.get(sentence.lang)
        if match is None:
            return []
        out = []
        for trigger in match.finditer(sentence.text):
            at = sentence.start + trigger.start()
            years = [
                (abs(sentence.start + y.start() - at), y.group(1))
                for y in YEAR.finditer(sentence.text)
            ]
            founded = [
                m
                for m in mentions
                if _kind(m.entity) in ("org", "cluster", "project") and m.evidence.end <= at
            ]
            if not years or not founded:
                continue
            distance, year = min(years)
            if distance > 40:
                continue
            subject = max(founded, key=lambda m: m.evidence.start)
            ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, 0.7)
            literal = Literal(int(year), datatype=XSD.integer)
            out.append(Relation(subject.entity, CK.foundingYear, literal, ev))
        return out

    def _sentence(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation | Membership]:
        text = self.doc.text
        groups = _groups(self.doc, mentions, self.lexicon, sentence.lang)
        rules = triggers()[sentence.lang]
        found: list[tuple[list[Mention], list[Mention], URIRef, float]] = []
        for i, first in enumerate(groups):
            for j, second in enumerate(groups[i + 1 :], i + 1):
                if sentence.lang in ("en", "ru") and _kind(second[0].entity) != "sector" and any(
                    _kind(g[0].entity) == _kind(second[0].entity) for g in groups[i + 1 : j]
                ):  # "A, headquartered in X, B in Y": X is A's, not Y; but sectors come in
                    continue  # lists, and Uzbek genitives stand between ("A Тошкент
                    # вилоятининг Паркент туманида")
                gap_text = text[first[-1].evidence.end : second[0].evidence.start]
                if ";" in gap_text:
                    break
                words = _gap_words(_untimed(gap_text, sentence.lang))
                if sentence.lang == "en" and _kind(second[0].entity) == "place":
                    words = [w for w in words if not COMPASS.match(w)]
                if len(words) > MAX_GAP_WORDS:
                    break
                # verb-final Uzbek: the verb may close a coordinated clause ("A X-да, B эса
                # Y-да ташкил этилди")
                after = _gap_words(_untimed(text[second[-1].evidence.end : sentence.end],
                                            sentence.lang))
                for rule in rules:
                    if rule.joint:
                        continue
                    subject, obj = (first, second) if rule.subject_first else (second, first)
                    if _kind(subject[0].entity) not in rule.subject_kinds:
                        continue
                    if _kind(obj[0].entity) not in rule.object_kinds:
                        continue
                    if sentence.lang in ("en", "ru") and _nearer(
                        groups[i + 1 : j], rule, {first[0].entity, second[0].entity}
                    ):
                        continue
                    if rule.predicate == CK.hasMember and _kind(subject[0].entity) == "org" \
                            and _kind(obj[0].entity) == "org" \
                            and not self.classes(subject[0].entity) & HOSTS:
                        continue  # organisations are members of an organisation that is a park
                    confidence = self._rule_confidence(
                        rule, words, after, first, second, gap_text, sentence
                    )
                    if confidence is None:
                        continue
                    if rule.predicate == CK.partOfPlace and not (
                        _nested(subject, obj, self.lexicon)
                        or (rule.object_suffix and all(
                            _levels_agree(s.entity, o.entity, self.classes, equal=True)
                            and _has_place_head(s.surface, sentence.lang)
                            for s in subject for o in obj))
                    ):  # fmt: skip
                        continue
                    found.append((subject, obj, rule.predicate, confidence))
                    break
        found += _participle_chain(text, groups, found, rules, sentence.lang)
        found += _joint_agents(text, sentence, groups, rules)
        out: list[Relation | Membership] = []
        for subject, obj, predicate, confidence in found:
            confidence += self._syntax_bonus(sentence, subject[0], obj[0], confidence)
            if confidence < MIN_CONFIDENCE:
                continue
            evidence = Evidence(
                self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, min(confidence, 0.95)
            )
            for s in subject:
                for o in obj:
                    if s.entity != o.entity:
                        out.append(self._record(s.entity, predicate, o.entity, evidence))
        return out

    def _rule_confidence(
        self,
        rule: Trigger,
        words: list[str],
        after: list[str],
        first: list[Mention],
        second: list[Mention],
        gap_text: str,
        sentence: Sentence,
    ) -> float | None:
        lang = sentence.lang
        if (
            rule.object_suffix
            and not _untimed(gap_text, lang).strip(QUOTES + ",")
            and not rule.subject_first
            and _ends_in(first[-1].surface, rule.object_suffix)
        ):
            return 0.7
        if rule.first_suffix and not _ends_in(first[-1].surface, rule.first_suffix):
            return None
        if rule.head_noun:
            return 0.7 if _head_noun_ends(words, lang) else None
        if rule.second_case and not _in_case(
            second[0].surface, rule.second_case, _kind(second[0].entity) == "person"
        ):
            return None
        for phrase in rule.phrases:
            if lang in ("en", "ru") and words and words[0].lower() in COORDINATORS and (
                phrase[0] != words[0].lower()
            ):  # "A, founded by B and located in X": X is A's place, not B's
                continue
            ok, function = _phrase_fits(words, phrase, lang)
            if ok and rule.adjacent and not _ends_with(words, phrase, lang):
                continue
            if ok and rule.forms and not _has_form(words, phrase[0], rule.forms, lang):
                continue
            if ok:
                return 0.6 if function else 0.7
        for phrase in rule.after:
            if not phrase or len(words) > 6:
                continue
            # six words after the second group; to the sentence's end when a group carries the
            # case the rule needs, as the verb ends the Uzbek clause however long the list
            # before it (the locative of "Y-да ... ташкил этилди", "Унда A ... жойлашган")
            window = after if rule.second_suffix or rule.first_suffix else after[:6]
            if rule.adjacent:
                window = after[: len(phrase)]
            if not _contains(window, phrase, lang):
                continue
            if rule.second_suffix and not any(
                second[-1].surface.lower().endswith(s) for s in rule.second_suffix
            ):
                continue
            return 0.65
        return None

    def _syntax_bonus(self, sentence: Sentence, a: Mention, b: Mention, base: float) -> float:
        """+0.15 for heads at most three arcs apart; -0.15 for more than five, only when
        the trigger is a function word (``in``, ``в``, a case ending): a content trigger
        (a verb, a noun of membership) between the two is evidence the parse may miss."""
        distance = self._tree_distance(sentence, a, b)
        if distance is None:
            return 0.0
        if distance <= 3:
            return 0.15
        return -0.15 if distance > 5 and base < 0.7 else 0.0

    def _tree_distance(self, sentence: Sentence, a: Mention, b: Mention) -> int | None:
        """Arcs between the heads of two mentions in the sentence's dependency tree."""
        if sentence.lang not in ("en", "ru") or self.recognisers is None:
            return None
        base, text = self.doc.view_of(sentence)
        heads = _parse(self.recognisers, sentence.lang, text)
        if not heads:
            return None

        def token_at(mention: Mention) -> int | None:
            start, end = self.doc.view.view_span(mention.evidence.start, mention.evidence.end)
            inside = [i for i, (s, e, _) in enumerate(heads) if start - base <= s < end - base]
            if not inside:
                return None
            # the token of the span whose head lies outside it
            for i in inside:
                if heads[i][2] not in inside:
                    return i
            return inside[-1]

        x, y = token_at(a), token_at(b)
        if x is None or y is None:
            return None
        return _distance(heads, x, y)

    def _named_places(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """A name that says where it is (``Автокластер в Германии``, ``the cluster in
        Ohio``): the place after its last locative preposition, when the lexicon knows it."""
        pattern = NAMED_PLACE.get(sentence.lang)
        if pattern is None:
            return []
        out = []
        for m in mentions:
            hit = pattern.search(m.surface)
            if hit is None or _kind(m.entity) not in ("cluster", "org", "project"):
                continue
            tail = hit.group(1)
            places = self.lexicon.match(tail, schemes=["entity"])
            if len(places) == 1 and places[0].start == 0 and places[0].end == len(tail) and (
                _kind(places[0].entity) == "place"
            ):
                ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, 0.7)
                out.append(Relation(m.entity, CK.locatedIn, places[0].entity, ev))
        return out

    def _titles(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """A policy whose quoted title names an organisation, cluster or place of the article
        applies to it: ``Декрет № 12 «О Парке высоких технологий»`` -> the park (names
        compared word by word on dictionary keys, so that inflected forms match)."""
        out = []
        lang = sentence.lang
        for m in mentions:
            if _kind(m.entity) != "policy":
                continue
            quoted = TITLE.search(m.surface)
            if quoted is None:
                continue
            title = [word_keys(w, lang) for w in WORD_RE.findall(quoted.group(1))]
            named = {(n.entity, n.surface) for n in self.own if n.entity != m.entity
                     and _kind(n.entity) in ("org", "cluster", "place")}  # fmt: skip
            for entity, surface in sorted(named):
                words = [w for w in WORD_RE.findall(surface) if w.lower() not in ARTICLES]
                if len(words) < 2 and not (words and words[0].isupper() and len(words[0]) > 1):
                    continue  # a name, not a bare head noun ("парка") that refers to one
                keys = [word_keys(w, lang) for w in words]
                if any(all(keys[k] & title[i + k] for k in range(len(keys)))
                       for i in range(len(title) - len(keys) + 1)):  # fmt: skip
                    ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR,
                                  0.7)  # fmt: skip
                    out.append(Relation(m.entity, CK.appliesTo, entity, ev))
        return out

    def _bodies_of_hosts(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """``Наблюдательный совет парка``, ``Административный комитет парка``: a body named
        with a park's, zone's or cluster's head noun in the genitive (Russian) is part of the
        article's first park of that class (its topic: a list of parks may come between)."""
        if sentence.lang != "ru":
            return []
        out = []
        for m in mentions:
            words = WORD_RE.findall(m.surface)
            if _kind(m.entity) != "org" or len(words) < 2 or not words[-1][:1].islower():
                continue
            found = head_nouns().heads(words[-1:], "ru")
            if not found or found[0][2].cls not in HOSTS or not _in_case(words[-1], ("gent",)):
                continue
            hosts = [h for h in self.own if h.entity != m.entity
                     and found[0][2].cls in self.classes(h.entity)]  # fmt: skip
            host = hosts[0] if hosts else None  # not the last of "парки Хайдянь, Фэнтай"
            if host is not None:
                ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, 0.7)
                out.append(Relation(m.entity, CK.partOf, host.entity, ev))
        return out

    def _places_of(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        """``the Capital Region of Denmark``: a place named by a place head noun "of" a place
        the article names on its own is part of that place (English)."""
        if sentence.lang != "en":
            return []
        named = {m.surface: m.entity for m in self.own if _kind(m.entity) == "place"}
        out = []
        for m in mentions:
            head, of, tail = m.surface.rpartition(" of ")
            if not of or _kind(m.entity) != "place" or not _has_place_head(head, "en"):
                continue
            larger = named.get(tail.removeprefix("the "))
            if larger is not None and larger != m.entity:
                ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, 0.7)
                out.append(Relation(m.entity, CK.partOfPlace, larger, ev))
        return out

    def _citations(self, sentence: Sentence, mentions: list[Mention]) -> list[Relation]:
        out: list[Relation] = []
        markers = list(CITATION.finditer(sentence.text))
        if not markers:
            return out
        last_marker = sentence.start + markers[-1].start()
        for m in mentions:
            if _kind(m.entity) == "theory" and m.evidence.end <= last_marker:
                ev = Evidence(self.doc.source_id, sentence.start, sentence.end, EXTRACTOR, 0.7)
                out.append(Relation(source_iri(self.doc.source_id), CK.cites, m.entity, ev))
        return out

    def _record(
        self, subject: URIRef, predicate: URIRef, obj: URIRef, evidence: Evidence
    ) -> Relation | Membership:
        if predicate == CK.hasMember:
            types = self.classes(obj)
            if types & HOSTS and self.classes(subject) & HOSTS:  # a park of a park: a part
                return Relation(obj, CK.partOf, subject, evidence)
            role = helix = None
            for cls, role_iri, helix_iri in roles():
                if cls in types:
                    role, helix = role_iri, helix_iri
                    break
            if role is None:  # a person (who leads it): no cluster role, a plain membership
                return Relation(obj, CK.memberOf, subject, evidence)
            return Membership(subject, obj, role, helix, evidence)
        return Relation(subject, predicate, obj, evidence)


def _parse(recognisers: Any, lang: str, text: str) -> tuple[tuple[int, int, int], ...]:
    """(start, end, head index) per token of ``text`` (view offsets)."""
    return tuple((t.start, t.end, t.head) for t in recognisers.parse(lang, text))


def _distance(heads: tuple[tuple[int, int, int], ...], x: int, y: int) -> int:
    def path(i: int) -> list[int]:
        seen = [i]
        while heads[i][2] != i and heads[i][2] not in seen and len(seen) < 64:
            i = heads[i][2]
            seen.append(i)
        return seen

    px, py = path(x), path(y)
    common = next((n for n in px if n in py), None)
    if common is None:
        return len(px) + len(py)
    return px.index(common) + py.index(common)


def _joint_agents(
    text: str, sentence: Sentence, groups: list[list[Mention]], rules: tuple[Trigger, ...]
) -> list[tuple[list[Mention], list[Mention], URIRef, float]]:
    """"published jointly by A, B and C": each pair of the coordination, by a `joint` rule
    whose phrase ends the words before it or directly follows it."""
    out: list[tuple[list[Mention], list[Mention], URIRef, float]] = []
    lang = sentence.lang
    for group in groups:
        if len(group) < 2:
            continue
        before = _gap_words(_untimed(text[sentence.start : group[0].evidence.start], lang))
        after = _gap_words(text[group[-1].evidence.end : sentence.end])
        for rule in rules:
            if not rule.joint or any(
                _kind(m.entity) not in rule.subject_kinds for m in group
            ):
                continue
            if any(_ends_with(before, p, lang) for p in rule.phrases) or any(
                _contains(after[: len(p)], p, lang) for p in rule.after
            ):
                out.extend(([a], [b], rule.predicate, 0.7)
                           for i, a in enumerate(group) for b in group[i + 1 :])  # fmt: skip
                break
    return out


def _participle_chain(
    text: str,
    groups: list[list[Mention]],
    found: list[tuple[list[Mention], list[Mention], URIRef, float]],
    rules: tuple[Trigger, ...],
    lang: str,
) -> list[tuple[list[Mention], list[Mention], URIRef, float]]:
    """"A is a cluster in B, spanning C": a participle after a comma takes the place of the
    sentence's located subject (A), not of B; its phrase is one of a locatedIn rule's."""
    out: list[tuple[list[Mention], list[Mention], URIRef, float]] = []
    phrases = [p for r in rules if r.predicate == CK.locatedIn for p in r.phrases if len(p) == 1
               and len(p[0]) > 3 and p[0].isalpha()]  # fmt: skip
    located = [(s, o, c) for s, o, p, c in found if p == CK.locatedIn]
    for subject, place, confidence in located:
        at = next((k for k, g in enumerate(groups) if g is place), None)
        while at is not None and at + 1 < len(groups):
            following = groups[at + 1]
            if _kind(following[0].entity) != "place":
                break
            gap = text[groups[at][-1].evidence.end : following[0].evidence.start]
            words = [w for w in _gap_words(gap.lstrip()[1:]) if not COMPASS.match(w)]
            if not gap.lstrip().startswith(",") or not words or not any(
                _word_matches(p[0], words[0], lang) for p in phrases
            ):
                break
            out.append((subject, following, CK.locatedIn, confidence))
            at += 1
    return out


def _nested(subject: list[Mention], obj: list[Mention], lexicon: Lexicon) -> bool:
    """The gazetteer puts each subject place inside the object place (city in its country or
    US state, region in its country)."""
    from kg.extract.gazetteer import gazetteer

    places = gazetteer()
    for s in subject:
        for o in obj:
            small = places.lookup(lexicon.label(s.entity, "en"), "en") or places.lookup(
                s.surface, "en"
            )
            big = places.lookup(lexicon.label(o.entity, "en"), "en") or places.lookup(
                o.surface, "en"
            )
            if small is None or big is None or small.level == "country":
                return False
            inside = big.level == "country" and small.country == big.country
            inside |= (
                big.level == "region"
                and small.country == big.country
                and bool(small.admin1)
                and small.admin1 == big.admin1
            )
            if not inside:
                return False
    return True


def _has_place_head(surface: str, lang: str) -> bool:
    """Does a mention name its unit by a head noun (``Паркент туманида``), as the smaller
    place of a genitive must (not ``АҚШнинг жаҳонга машҳур``: "world-famous")?"""
    decided = head_nouns().head_of(surface, lang)
    return decided is not None and decided[1].kind == "place"


def _levels_agree(small: URIRef, big: URIRef, types: Any, equal: bool = False) -> bool:
    """A city in a region or country, a region in a country (never the reverse); ``equal``:
    also a region in a region (a district of a province, said by a genitive)."""
    order = {CK.City: 1, CK.Region: 2, CK.Country: 3}
    a = max((order.get(t, 0) for t in types(small)), default=0)
    b = max((order.get(t, 0) for t in types(big)), default=0)
    return 0 < a < b or (equal and 0 < a == b < 3)


def _transitive(records: list[Relation | Membership]) -> list[Relation | Membership]:
    """What an Uzbek genitive chain says: A located in B and B part of C (``«Паркент-фарм»
    Тошкент вилоятининг Паркент туманида``: in the Parkent district of Tashkent region) puts
    A in C, with the lower of the two confidences."""
    relations = [r for r in records if isinstance(r, Relation)]
    larger: dict[Any, list[Relation]] = {}
    for r in relations:
        if r.predicate == CK.partOfPlace:
            larger.setdefault(r.subject, []).append(r)
    out: list[Relation | Membership] = []
    for r in relations:
        if r.predicate != CK.locatedIn:
            continue
        for up in larger.get(r.object, []):
            ev = r.evidence if r.evidence.confidence <= up.evidence.confidence else up.evidence
            out.append(Relation(r.subject, CK.locatedIn, up.object, ev))
    return out


def list_relations(records: list[Any]) -> list[Relation]:
    """Relations from lists attached to an entity: ``about`` + item concept by scheme."""
    out = []
    for record in records:
        if not isinstance(record, Enumeration) or record.about is None:
            continue
        scheme = str(record.scheme).rsplit("/", 1)[-1]
        prop = LIST_PROPERTIES.get(scheme)
        if prop is None or not str(record.about).startswith(str(ID)):
            continue
        for item in record.items:
            if item.denotes is not None:
                ev = item.evidence
                evidence = Evidence(ev.source_id, ev.start, ev.end, EXTRACTOR, 0.8)
                out.append(Relation(record.about, prop, item.denotes, evidence))
    return out


def _dedupe(records: list[Relation | Membership]) -> list[Relation | Membership]:
    """One record per fact (the most confident, then the earliest)."""
    best: dict[tuple[str, ...], Relation | Membership] = {}
    for r in records:
        key = fact_key(r)
        if key not in best or r.evidence.confidence > best[key].evidence.confidence:
            best[key] = r
    return sorted(best.values(), key=lambda r: (r.evidence.start, fact_key(r)))


def fact_key(record: Relation | Membership) -> tuple[str, ...]:
    """(subject, predicate, object) of a relation or membership, as strings."""
    if isinstance(record, Membership):
        return (str(record.cluster), str(CK.hasMember), str(record.member))
    return (str(record.subject), str(record.predicate), str(record.object))
