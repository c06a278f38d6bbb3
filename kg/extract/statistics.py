"""Statistics: every figure of an article as an ``Observation`` (RDF Data Cube, docs/model.md §5).

For each quantity found by :mod:`kg.extract.numbers`:

1. *unit*: from the number (percent, count, usd); money with a "per year" word in the sentence
   becomes usd-per-year;
2. *indicator*: a concept of the ``indicator`` scheme whose unit (``sdmx-attribute:unitMeasure``)
   fits and one of whose labels (hidden labels = the inflected words of the texts) is nearest
   to the number in its clause. Percentages look left first (``патентларнинг 97 фоизи``), counts
   and money right first (``180 та венчур корхоналари``). A number with no indicator is not a
   statistic (dates, list numbers, page numbers and citations never get this far);
3. *what it is about*: ``ref_area`` is the nearest place mention in the sentence (leaving out
   examples such as ``Бразилия, Чили каби``, and places inside the number, ``АҚШ доллари``);
   a sentence whose only places are such examples is about a wider area stated earlier and
   takes, like a place anaphor, the nearest preceding place mention of the paragraph;
   ``subject`` is a cluster, project, programme, platform or policy mentioned in the sentence.
   Anaphora (``Мазкур кластер ҳудудида``, ``Мамлакатда``) resolve to the nearest preceding
   cluster (or place) mention of the same paragraph. A figure about a cluster with no place in
   its sentence takes the cluster's single ``ck:locatedIn`` place of the lexicon as its area;
4. *evidence*: the sentence.

**The article's topic.** A figure whose sentence names no subject and no anaphor resolves
is about what the article is about: the first cluster, organisation, project, programme or
platform named in its first two units (the title and the first sentence), at the anaphora
confidence.

**Discourse** (``data/nlp/statistics-cues.yaml``). The source of a figure (``according to X``,
``по данным X``, ``X ma’lumotlariga ko‘ra``), a partner (``X bilan hamkorlikda``) and the agent
of an Uzbek passive (``X томонидан``) are not its subject. A clause that opens with its
subject (``Компания ... продала ... X за ...``) takes it; clauses begin after a semicolon or a
comma and a conjunction (``, а``, ``, while``, ``, lekin``). A pronoun (``Its``, ``её``,
``uning``) or a bare class noun opening the sentence (``Компания, ...``) refers to the first
subject named in the sentence before its clause, else in the sentence before (the preferred
centre of Centering theory). A figure with no place of its own takes the place of the
article's title (when its subject is the topic or none); ``мамлакат`` / ``республика`` /
``the country`` with no place in the paragraph take the title's place, else the country of
the lexicon named most often before. A range's first number takes the unit written after
its second (``с 5 млн до 9 млрд долларов``).

**Open vocabulary.** A count with no indicator label near it still becomes a statistic when a
noun follows it (``64 тысяч сотрудников``, ``1,500 students``, ``300 та фермер``): the indicator
is a new concept ``id:indicator/number-of-{slug}`` (the slug of the noun's dictionary form in
Latin script), labelled in all four languages by quoting the noun as the article writes it
(``number of “сотрудник”``@en, ``количество «сотрудник»``@ru, ...; the translation is left to a
curator) with an English definition saying where it came from; the figure's confidence is
lower (0.7). A percentage "of X" (``40% of the firm's sales``, ``40 % выручки``,
``savdoning 40 foizi``) mints ``id:indicator/share-of-{slug}``; an amount of money tied to a
noun (``sales of $5 billion``, ``с бюджетом 5 млн рублей``, ``bino qiymati 9
milliard so‘m``) ``id:indicator/amount-of-{slug}``. A count with no noun of its own shares
the noun of the next count of its clause (gapping: ``shaharda (5 ta), ... 2 tadan ombor``),
else the indicator of the count before it (in its sentence; for an Uzbek partitive, ``40
tasi``, in its paragraph). Number words count when a plural noun follows (``six plants``,
``семь заводов``; not ``the two plants``). **Period**: a year stated in the sentence
(``in 2010``, ``в 2010 году``, ``2025 йилда``) that is not the figure itself is its
``ck:refPeriod``. **Not quantities**: a
number inside a name (a mention's span, or right after a capitalised Latin word:
``Fortune 1000``, ``Industry 4.0``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

import yaml
from rdflib import URIRef

from kg.corpus.document import Document, Sentence
from kg.extract.enumerations import Concept, label_positions, scheme_concepts
from kg.extract.kinds import NLP_DIR, ontology_graph
from kg.extract.numbers import CURRENCIES, NUMBER_WORDS, NumberExpr, find_numbers
from kg.extract.records import ConceptDescription, Evidence, Mention, Observation
from kg.namespace import CK, data_iri, slugify

EXTRACTOR = "statistics"
LANGS = ("en", "ru", "uz-Cyrl", "uz-Latn")
DIRECT_CONFIDENCE = 0.9  # indicator and context found in the sentence itself
ANAPHORA_CONFIDENCE = 0.8  # the subject or area came from an earlier sentence
WINDOW = 80  # characters either side of a number searched for indicator labels

#: Words that make an amount of money a yearly one (grammar, not entity names).
PER_YEAR_RE = re.compile(
    r"(?<![\w‘’])(?:ҳар\s+йили|йилига|йиллик|har\s+yili|yiliga|yillik|ежегодно|ежегодн\w*|"
    r"в\s+год|за\s+год|per\s+year|a\s+year|annually|annual|yearly)(?![\w‘’])",
    re.IGNORECASE,
)
#: Markers of examples: mentions right before them are examples, not the area of a figure.
EXAMPLE_RE = re.compile(
    r"(?<![\w‘’])(?:каби|kabi|таких\s+как|такие\s+как|как|such\s+as)(?![\w‘’])", re.IGNORECASE
)
EXAMPLE_GAP_RE = re.compile(r"^[\s,]*(?:(?:ва|и|and|va|ёки|или|or)\s+)?$", re.IGNORECASE)
#: Anaphora that point back to a place (the country) or to a cluster-like subject.
PLACE_ANAPHOR_RE = re.compile(
    r"(?<![\w‘’])(?:мамлакат(?!лар)\w*|mamlakat(?!lar)\w*|республика(?!лар)\w*|respublika(?!lar)\w*|"
    r"стран[аеуы]|country|the\s+nation)"
    r"(?![\w‘’])",
    re.IGNORECASE,
)
SUBJECT_ANAPHOR_RE = re.compile(
    r"(?<![\w‘’])(?:мазкур|ушбу|унда|кластер\s+ҳудудида|кластер\s+ҳудудидаги|mazkur|ushbu|"
    r"klaster\s+hududida|этот|эта|этом|данн\w+|в\s+нём|в\s+нем|this|there)(?![\w‘’])",
    re.IGNORECASE,
)
SUBJECT_KINDS = ("cluster", "project", "programme", "platform", "org", "policy", "document")
OPEN_CONFIDENCE = 0.7  # the indicator was minted from the counted noun
YEAR_RE = re.compile(
    r"(?<![\w‘’.,-])(1[89]\d\d|20\d\d)(?:\s*(?:-?(?:йил|yil|год|г\.)\w*))?(?![\w‘’]|[.,]\d)",
    re.IGNORECASE,
)
UZ_CASE_END = re.compile(r"(?:dan|da|ga|ning|ni|larda|lardan)$")
NAME_NUMBER_RE = re.compile(r"(?<![\w‘’])[A-Z][A-Za-z]+\s+$")
NOUN_RE = re.compile(r"\s*(?:(?:та|ta|шт\.)\s+)?([^\W\d_][\w‘’'-]{2,})")
#: Uzbek counters (numeral classifiers) with their case endings: ``747 taga``, ``300 tadan``,
#: ``107 tasi``, ``5 нафар``; not what is counted (Uzbek grammar)
UZ_COUNTER = re.compile(
    r"(?:та|ta|нафар|nafar|дона|dona)(?:дан|dan|га|ga|си|si|ни|ni|сини|sini|ни|gacha|гача)?",
    re.IGNORECASE,
)
#: endings of Uzbek verb forms (participles, past and present tenses): ``300 tadan oshgan``
UZ_VERB = re.compile(r"(?:ган|gan|кан|kan|қан|qan|ди|di|ти|ti|моқда|moqda|ади|adi|йди|ydi)$")
#: ``rezidentlar soni 747``, ``ходимлари сони 5``: the noun whose number (soni) is given
UZ_SONI = re.compile(
    r"([^\W\d_][\w‘’'ʻ`-]{2,})\s+(?:сони|soni)(?:\s+(?:жами|jami))?\s*[:–—-]?\s*$", re.IGNORECASE
)  # "... soni jami 900": "total" may stand between
#: Uzbek attributive classifiers: "40 турдаги мева" (40 kinds of fruit), "2 минг номдаги
#: китоб" (two thousand titles of books): the counted noun follows them
UZ_CLASSIFIER = re.compile(r"[^\W\d_]+(?:даги|dagi)", re.IGNORECASE)
#: Uzbek light verbs: "tashkil etgan", "ташкил этади", "amalga oshirildi" make a compound verb
#: with the noun before them, which is then not what a number counts
UZ_LIGHT_VERB = re.compile(r"\s+(?:эт|et|қил|qil|ошир|oshir)[\w‘’']*", re.IGNORECASE)
NOT_COUNTED = frozenset(
    [
        "year",
        "years",
        "йил",
        "йили",
        "йилда",
        "yil",
        "yilda",
        "год",
        "года",
        "году",
        "лет",
        "per",
        "cent",
        "percent",
        "процент",
        "процентов",
        "фоиз",
        "foiz",
        "times",
        "раз",
        "марта",
        "marta",
        "and",
        "и",
        "ва",
        "va",
        "or",
        "или",
        "ёки",
        "of",
        "из",
        "дан",
    ]
)
UNIT_SLUGS = {"percent": "percent", "count": "count", "usd": "usd"}
UNITS_FILE = NLP_DIR / "units.yaml"


@lru_cache(maxsize=1)
def unit_table() -> dict[str, Any]:
    """``data/nlp/units.yaml``: the units and measure indicators minted when needed."""
    data: dict[str, Any] = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))
    return data


CUES_FILE = NLP_DIR / "statistics-cues.yaml"
APOSTROPHE_CHARS = "[‘’'ʻ`]"
APOSTROPHE = APOSTROPHE_CHARS + "?"


def _phrase_re(phrases: Sequence[str], fold: bool = True) -> re.Pattern[str] | None:
    """One pattern for ``phrases``: any Uzbek apostrophe (or none), any run of spaces; case
    folded, else as written or capitalised (the pronoun "it", not "IT")."""
    parts = []
    if not fold:
        phrases = [*phrases, *(p[:1].upper() + p[1:] for p in phrases)]
    for phrase in sorted(phrases, key=len, reverse=True):
        words = [re.sub(APOSTROPHE_CHARS, APOSTROPHE, re.escape(w)) for w in phrase.split()]
        parts.append(r"\s+".join(words))
    if not parts:
        return None
    return re.compile(r"(?<![\w‘’])(?:" + "|".join(parts) + r")(?![\w‘’])",
                      re.IGNORECASE if fold else 0)


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """``data/nlp/statistics-cues.yaml``: source and partner phrases, pronouns, partitives."""
    data: dict[str, Any] = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    return data


def unit_concept(key: str, ev: Evidence) -> ConceptDescription | None:
    """The unit concept of a unit key the vocabulary does not have (hectare, rank, eur...)."""
    entry = unit_table()["units"].get(key)
    if entry is None:
        return None
    labels = tuple((lang, str(entry[lang])) for lang in LANGS)
    definition = entry.get("definition") or f"An amount of money in {entry['en']}s ({key.upper()})."
    return ConceptDescription(data_iri("unit", entry["slug"]), data_iri("scheme", "unit"), labels,
                              definition, None, ev)  # fmt: skip


def measure_indicator(key: str, ev: Evidence) -> ConceptDescription | None:
    """The indicator a unit measures when no vocabulary indicator fits (area, rank, ...)."""
    table = unit_table()
    slug = "amount-of-money" if key == "usd" else table["units"].get(key, {}).get("indicator")
    entry = table["indicators"].get(slug)
    if entry is None:
        return None
    labels = tuple((lang, str(entry[lang])) for lang in LANGS)
    return ConceptDescription(data_iri("indicator", slug), data_iri("scheme", "indicator"),
                              labels, str(entry["definition"]), None, ev)  # fmt: skip


def _kind(iri: URIRef) -> str:
    """``id:{kind}/...`` -> kind."""
    tail = str(iri).split("/id/", 1)[-1]
    return tail.split("/", 1)[0]


def _unit(doc: Document, number: NumberExpr, sentence: Sentence) -> URIRef:
    if number.unit not in UNIT_SLUGS:
        entry = unit_table()["units"].get(number.unit)
        return data_iri("unit", entry["slug"] if entry else number.unit)
    slug = UNIT_SLUGS[number.unit]
    if slug == "usd" and PER_YEAR_RE.search(sentence.text):
        slug = "usd-per-year"
    return data_iri("unit", slug)


def _clause_window(
    doc: Document, sentence: Sentence, number: NumberExpr, numbers: Sequence[NumberExpr]
) -> tuple[int, int, int, int]:
    """(left_start, left_end, right_start, right_end) around ``number`` within its clause."""
    text = doc.text
    left_start = max(sentence.start, number.start - WINDOW)
    right_end = min(sentence.end, number.end + WINDOW)
    for other in numbers:
        if other.end <= number.start:
            left_start = max(left_start, other.end)
        elif other.start >= number.end:
            right_end = min(right_end, other.start)
    semicolon = text.rfind(";", left_start, number.start)
    if semicolon >= 0:
        left_start = semicolon + 1
    semicolon = text.find(";", number.end, right_end)
    if semicolon >= 0:
        right_end = semicolon
    return left_start, number.start, number.end, right_end


def _indicator(
    doc: Document,
    sentence: Sentence,
    number: NumberExpr,
    numbers: Sequence[NumberExpr],
    unit: URIRef,
    indicators: Sequence[Concept],
) -> tuple[Concept, int] | None:
    """The indicator whose label is nearest to the number, and that distance."""
    fitting = [c for c in indicators if c.unit is None or c.unit == unit]
    left_start, left_end, right_start, right_end = _clause_window(doc, sentence, number, numbers)
    left = doc.text[left_start:left_end]
    right = doc.text[right_start:right_end]

    def nearest(window: str, from_right: bool) -> tuple[Concept, int] | None:
        best: tuple[int, int, str, Concept] | None = None
        for concept in fitting:
            for label in concept.labels:
                for pos in label_positions(window, label):
                    distance = pos if from_right else len(window) - (pos + len(label))
                    candidate = (max(distance, 0), -len(label), str(concept.iri), concept)
                    if best is None or candidate[:3] < best[:3]:
                        best = candidate
        return (best[3], best[0]) if best else None

    sides = [(left, False), (right, True)]
    if not unit.endswith("/percent"):
        sides.reverse()
    for window, from_right in sides:
        found = nearest(window, from_right)
        if found:
            return found
    return None


def _examples(doc: Document, sentence: Sentence, places: Sequence[Mention]) -> set[int]:
    """Indexes of ``places`` that are examples (``Бразилия, Чили каби``)."""
    out: set[int] = set()
    ordered = sorted(range(len(places)), key=lambda i: places[i].evidence.start)
    for marker in EXAMPLE_RE.finditer(doc.text, sentence.start, sentence.end):
        cursor = marker.start()
        for i in reversed(ordered):
            mention = places[i]
            if mention.evidence.end > cursor:
                continue
            if not EXAMPLE_GAP_RE.match(doc.text[mention.evidence.end : cursor]):
                break
            out.add(i)
            cursor = mention.evidence.start
    return out


def _paragraph_start(doc: Document, offset: int) -> int:
    return doc.text.rfind("\n", 0, offset) + 1


def _preceding(
    mentions: Sequence[Mention], start: int, end: int, kinds: tuple[str, ...]
) -> Mention | None:
    """The last mention of one of ``kinds`` in [start, end)."""
    found = [
        m
        for m in mentions
        if _kind(m.entity) in kinds and start <= m.evidence.start and m.evidence.end <= end
    ]
    return max(found, key=lambda m: m.evidence.start) if found else None


@lru_cache(maxsize=8)
def _clause_opener(lang: str) -> re.Pattern[str] | None:
    """``, а`` / ``, while`` / ``, lekin``: a comma and a conjunction that open a clause."""
    langs = ("uz-Cyrl", "uz-Latn") if lang.startswith("uz") else (lang,)
    words = [w for lg in langs for w in cues()["clause_openers"].get(lg, [])]
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"[,;]\s*(?:{alternatives})(?=\s)", re.IGNORECASE) if words else None


def _clause_start(doc: Document, sentence: Sentence, number: NumberExpr) -> int:
    """Where the clause of a figure begins: after the last semicolon, or comma and
    conjunction (``, а``), before it in the sentence."""
    start = max(doc.text.rfind(";", sentence.start, number.start) + 1, sentence.start)
    opener = _clause_opener(sentence.lang)
    for m in opener.finditer(doc.text, start, number.start) if opener else ():
        start = m.start() + 1
    return start


def _context(
    doc: Document, sentence: Sentence, number: NumberExpr, mentions: Sequence[Mention],
    title_place: URIRef | None = None, lexicon: object | None = None,
) -> tuple[URIRef | None, URIRef | None, bool]:
    """(ref_area, subject, resolved_by_anaphora) of a figure."""
    inside = [
        m
        for m in mentions
        if sentence.start <= m.evidence.start < sentence.end
        and not (m.evidence.start < number.end and number.start < m.evidence.end)
    ]
    places = [m for m in inside if _kind(m.entity) == "place"]
    examples = _examples(doc, sentence, places)
    places = [m for i, m in enumerate(places) if i not in examples]
    before = [m for m in places if m.evidence.end <= number.start]
    after = [m for m in places if m.evidence.start >= number.end]
    anaphora = False
    ref_area: URIRef | None = None
    if before:
        ref_area = max(before, key=lambda m: m.evidence.start).entity
    elif after:
        ref_area = min(after, key=lambda m: m.evidence.start).entity
    elif examples or PLACE_ANAPHOR_RE.search(doc.text, sentence.start, number.start):
        # places named only as examples belong to a wider area stated earlier
        found = _preceding(
            mentions, _paragraph_start(doc, sentence.start), sentence.start, ("place",)
        )
        if found is not None:
            ref_area, anaphora = found.entity, True
        else:  # "Мамлакатда ..." with no place in its paragraph: the place of the discourse
            ref_area = title_place
            if ref_area is None and not examples:
                ref_area = _main_country(mentions, sentence.start, lexicon)
            anaphora = ref_area is not None

    subject: URIRef | None = None
    clause = _clause_start(doc, sentence, number)
    inside = _without_sources(doc, sentence, inside)
    candidates = [m for m in inside if _kind(m.entity) in SUBJECT_KINDS]
    refers = _back_reference(doc, sentence, clause, number, candidates + places)
    if refers:  # "Its 30 plants", "её основали 5 ...", "Компания ... продала ... за"
        centre = _centre(doc, sentence, clause, mentions)
        if centre is not None:
            return ref_area, centre.entity, True
    before = [
        m for m in candidates
        if clause <= m.evidence.start and m.evidence.end <= number.start
    ]  # fmt: skip
    opening = [m for m in before if not re.search(r"\w", doc.text[clause : m.evidence.start])]
    if opening:  # the clause opens with its subject: "Компания ... продала ... X за ..."
        subject = opening[0].entity
    elif before:  # the subject of the clause comes before its figure (SVO and SOV alike)
        subject = max(before, key=lambda m: (-SUBJECT_KINDS.index(_kind(m.entity)),
                                             m.evidence.start)).entity  # fmt: skip
    for kind in SUBJECT_KINDS if subject is None else ():
        of_kind = [m for m in candidates if _kind(m.entity) == kind]
        if of_kind:
            subject = min(of_kind, key=lambda m: abs(m.evidence.start - number.start)).entity
            break
    anaphor = SUBJECT_ANAPHOR_RE.search(doc.text, sentence.start, number.start)
    if subject is None and anaphor and _anaphor_kind(doc.text, anaphor) is not False:
        found = _preceding(
            mentions, _paragraph_start(doc, sentence.start), sentence.start, ("cluster",)
        )
        if found is not None:
            subject, anaphora = found.entity, True
    if subject is None:
        sectors = [m for m in inside if _kind(m.entity) == "sector"]
        if sectors:
            subject = min(sectors, key=lambda m: abs(m.evidence.start - number.start)).entity
    return ref_area, subject, anaphora


@lru_cache(maxsize=8)
def _cue_patterns(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None,
                                      re.Pattern[str] | None]:  # fmt: skip
    """(prepositions, postpositions, pronouns) of ``data/nlp/statistics-cues.yaml``."""
    table = cues()
    langs = ("uz-Cyrl", "uz-Latn") if lang.startswith("uz") else (lang,)
    before = [p for lg in langs for p in table["not_subject"]["before"].get(lg, [])]
    after = [p for lg in langs for p in table["not_subject"]["after"].get(lg, [])]
    pronouns = [p for lg in langs for p in table["pronouns"].get(lg, [])]
    return _phrase_re(before), _phrase_re(after), _phrase_re(pronouns, fold=False)


SOURCE_GAP = 3  # words at most between a source cue and the source ("по оценке аналитической
# компании X"); a mention further off is not the source itself ("Завод бош
# муҳандиси А. Каримовнинг маълумотига кўра": the engineer is, not the plant)


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_][\w‘’']*", text))


def _sources(doc: Document, sentence: Sentence, mentions: Sequence[Mention]) -> set[int]:
    """Indexes of ``mentions`` named as a figure's source or as a partner (``data/nlp/
    statistics-cues.yaml``): the mention nearest after a preposition (up to the next comma),
    nearest before a postposition (back to the previous one)."""
    before, after, _ = _cue_patterns(sentence.lang)
    text, out = doc.text, set()
    for m in before.finditer(text, sentence.start, sentence.end) if before else ():
        comma = text.find(",", m.end(), sentence.end)
        end = comma if comma >= 0 else sentence.end
        found = [i for i, x in enumerate(mentions)
                 if m.end() <= x.evidence.start and x.evidence.end <= end
                 and _words(text[m.end() : x.evidence.start]) <= SOURCE_GAP]  # fmt: skip
        if found:
            out.add(min(found, key=lambda i: mentions[i].evidence.start))
    for m in after.finditer(text, sentence.start, sentence.end) if after else ():
        comma = text.rfind(",", sentence.start, m.start())
        start = comma + 1 if comma >= 0 else sentence.start
        found = [i for i, x in enumerate(mentions)
                 if start <= x.evidence.start and x.evidence.end <= m.start()
                 and _words(text[x.evidence.end : m.start()]) <= SOURCE_GAP]  # fmt: skip
        if found:
            out.add(max(found, key=lambda i: mentions[i].evidence.end))
    return out


def _without_sources(doc: Document, sentence: Sentence,
                     mentions: Sequence[Mention]) -> list[Mention]:  # fmt: skip
    sources = _sources(doc, sentence, mentions)
    return [m for i, m in enumerate(mentions) if i not in sources]


def _back_reference(
    doc: Document, sentence: Sentence, clause: int, number: NumberExpr,
    named: Sequence[Mention],
) -> bool:  # fmt: skip
    """Does the figure's clause begin its subject with a pronoun (``Its``, ``её``, ``uning``)
    or, at the start of the sentence, a bare class noun (``Компания, ... продала``) that no
    mention covers, before any named entity?"""
    _, _, pronouns = _cue_patterns(sentence.lang)
    first_named = min((m.evidence.start for m in named if m.evidence.start >= clause),
                      default=number.start)  # fmt: skip
    limit = min(first_named, number.start)
    if pronouns is not None and pronouns.search(doc.text, clause, limit):
        return True
    if clause != sentence.start:
        return False
    word = re.match(r"\s*([^\W\d_][\w‘’']*)", doc.text[sentence.start : limit])
    if word is None or not word.group(1)[0].isupper():
        return False
    from kg.extract.lexicon import text_keys

    keys = text_keys(word.group(1))
    return any(k in _class_words() for k in keys) and not keys & _place_words()


def _centre(
    doc: Document, sentence: Sentence, clause: int, mentions: Sequence[Mention]
) -> Mention | None:
    """What a back reference points to (the preferred centre of Centering theory: the
    subject, i.e. the first-named entity): the first cluster, organisation, project, ... of
    the sentence before the clause, else of the previous sentence of the paragraph."""
    def first(within: Sentence, start: int, end: int) -> Mention | None:
        spanned = [m for m in mentions if start <= m.evidence.start and m.evidence.end <= end]
        found = [m for m in _without_sources(doc, within, spanned)
                 if _kind(m.entity) in SUBJECT_KINDS]  # fmt: skip
        return min(found, key=lambda m: m.evidence.start) if found else None

    if clause > sentence.start:
        found = first(sentence, sentence.start, clause)
        if found is not None:
            return found
    paragraph = _paragraph_start(doc, sentence.start)
    if sentence.start <= paragraph:
        return None
    previous = doc.sentence_at(sentence.start - 1)
    return first(previous, max(previous.start, paragraph), previous.end)


@lru_cache(maxsize=1)
def _class_words() -> dict[str, bool]:
    """Keys of the one-word class labels of the ontology (any language) -> "is a cluster class".

    "Мазкур технопаркда" names a technopark, "Мазкур кластер ҳудудида" a cluster: the head
    noun after a demonstrative tells which kind of antecedent it refers to.
    """
    from rdflib import RDFS

    from kg.extract.lexicon import text_keys, tokenize

    graph = ontology_graph()
    clusters = set(graph.transitive_subjects(RDFS.subClassOf, CK.Cluster))
    words: dict[str, bool] = {}
    for cls, label in graph.subject_objects(RDFS.label):
        tokens = tokenize(str(label))
        if not str(cls).startswith(str(CK)) or len(tokens) != 1:
            continue
        for key in text_keys(tokens[0][2]):
            words[key] = words.get(key, False) or cls in clusters
    return words


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """Keys of the one-word labels of the ontology's place classes (``Город``, ``viloyat``):
    a sentence opening with one refers back to a place, not to a subject."""
    from rdflib import RDFS

    from kg.extract.lexicon import text_keys, tokenize

    graph = ontology_graph()
    places = set(graph.transitive_subjects(RDFS.subClassOf, CK.Place))
    words: set[str] = set()
    for cls in places:
        for label in graph.objects(cls, RDFS.label):
            tokens = tokenize(str(label))
            if len(tokens) == 1:
                words |= text_keys(tokens[0][2])
    return frozenset(words)


def _head_names_a_cluster(text: str, end: int) -> bool | None:
    """Whether the word after a demonstrative (ending at ``end``) is a cluster word: True,
    another class word (False: the anaphor is not about a cluster), or unknown (None)."""
    from kg.extract.lexicon import text_keys

    match = re.match(r"\s+([^\W\d_][\w‘’']*)", text[end : end + 40])
    if not match:
        return None
    verdicts = {_class_words()[k] for k in text_keys(match.group(1)) if k in _class_words()}
    return True if True in verdicts else (False if verdicts else None)


def _anaphor_kind(text: str, anaphor: re.Match[str]) -> bool | None:
    """A cluster anaphor ("кластер ҳудудида") or the head noun after the demonstrative."""
    from kg.extract.lexicon import text_keys, tokenize

    words = _class_words()
    own = {
        words[k] for _, _, tok in tokenize(anaphor.group()) for k in text_keys(tok) if k in words
    }
    if own:
        return True in own
    return _head_names_a_cluster(text, anaphor.end())


def _location(lexicon: object | None, entity: URIRef) -> URIRef | None:
    """The single ``ck:locatedIn`` place of an entity in the lexicon graph, if any."""
    graph = getattr(lexicon, "graph", None)
    if graph is None:
        return None
    places = sorted({p for p in graph.objects(entity, CK.locatedIn) if isinstance(p, URIRef)})
    return places[0] if len(places) == 1 else None


def _period(sentence: Sentence, number: NumberExpr, doc: Document) -> str | None:
    """The year the sentence states for a figure (the nearest one that is not the figure)."""
    years = [
        (sentence.start + m.start() > number.start, abs(sentence.start + m.start() - number.start),
         m.group(1))
        for m in YEAR_RE.finditer(sentence.text)
        if not (number.number_start <= sentence.start + m.start() < number.end)
    ]  # the nearest year before the figure ("по переписи 2000 года ... 7 008 831, по переписи
    # 2010 года ..."), else the nearest after it ("2,500 companies in 2021")
    return min(years)[2] if years else None


def _in_name(doc: Document, number: NumberExpr, mentions: Sequence[Mention]) -> bool:
    """A number inside a name: a mention's span, or after a capitalised Latin word."""
    if any(m.evidence.start <= number.number_start < m.evidence.end for m in mentions):
        return True
    before = doc.text[max(0, number.number_start - 40) : number.number_start]
    word = NAME_NUMBER_RE.search(before)
    if word is None or number.start != number.number_start:
        return False
    low = word.group().strip().lower()
    table = cues()  # "Its 30 factories", "The 20 firms": a function word, not a name
    if low in {*table["pronouns"]["en"], *table["share"]["en_determiners"]}:
        return False
    if doc.lang_at(number.start).startswith("uz"):  # "Ulardan 25 tasi", "Toshkentda 4 ta":
        from kg.corpus.uzbek import strip_suffixes  # a case ending, not a name's nominative

        return not any(UZ_CASE_END.search(low[len(stem):]) for stem in strip_suffixes(low))
    return True


@lru_cache(maxsize=8)
def _months(lang: str) -> frozenset[str]:
    """Month names of a language in every form CLDR has (Babel), lower case."""
    from babel.dates import get_month_names

    from kg.extract.numbers import BABEL_LOCALES

    locale = BABEL_LOCALES.get(lang, "en")
    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            names |= {
                n.lower().rstrip(".") for n in get_month_names(width, context, locale).values()
            }
    return frozenset(names)


def _is_month(word: str, lang: str) -> bool:
    from kg.corpus.uzbek import cyrl_to_latn

    months = _months(lang) | _months("en")
    if lang.startswith("uz"):
        months |= {cyrl_to_latn(m) for m in _months("uz-Cyrl")} | _months("uz-Latn")
    if lang.startswith("uz"):  # "9 майда", "7 майдаги": the month with a case ending
        from kg.corpus.uzbek import strip_suffixes

        if strip_suffixes(word) & months:
            return True
    return word.rstrip(".") in months or any(word.startswith(m) for m in months if len(m) >= 4)


def _end_of(text: str, word: str, start: int) -> int:
    """Where the first ``word`` at or after ``start`` ends."""
    return text.index(word, start) + len(word)


def _counted_noun(doc: Document, number: NumberExpr, lang: str) -> tuple[str, str] | None:
    """(noun as written, dictionary form) of the noun a count counts, if one follows it."""
    match = NOUN_RE.match(doc.text, number.end)
    if lang.startswith("uz"):
        counted = UZ_SONI.search(doc.text, max(0, number.start - 60), number.start)
        if counted is not None:  # "IT Park rezidentlari soni 747 taga yetdi"
            return _uzbek_noun(counted.group(1))
    if match is None or (lang.startswith("uz") and UZ_PARTITIVE.match(doc.text, number.end)):
        return None  # "Ulardan 40 tasi": of them (see _elided)
    word = match.group(1)
    low = word.lower()
    if lang.startswith("uz") and UZ_COUNTER.fullmatch(low):
        after = NOUN_RE.match(doc.text, match.end())  # "50 ta ilg‘or mamlakat": the noun
        if after is None or not after.group(1)[0].islower() or UZ_VERB.search(after.group(1)):
            return None  # "50 tadan oshgan", "40 tasi shaharda": no noun follows
        word, low = after.group(1), after.group(1).lower()
    if lang.startswith("uz") and UZ_CLASSIFIER.fullmatch(low) and not _is_month(low, lang):
        after = NOUN_RE.match(doc.text, _end_of(doc.text, word, number.end))
        if after is None or not after.group(1)[0].islower():
            return None
        word, low = after.group(1), after.group(1).lower()
    if lang.startswith("uz") and UZ_LIGHT_VERB.match(doc.text, _end_of(doc.text, word, number.end)):
        return None  # "900 tani tashkil etgan": a compound verb
    if low in NOT_COUNTED or not word[0].islower() or _is_month(low, lang):
        return None  # "15 декабря", "1 aprel": a date, not a count
    if lang == "ru":
        from kg.corpus.russian import morph

        for _ in range(3):  # "11 научных сотрудников": past the adjectives to the noun
            parses = morph().parse(low)
            nouns = [p for p in parses if p.tag.POS == "NOUN"]
            if nouns:
                return word, nouns[0].normal_form
            if not any(p.tag.POS in ("ADJF", "PRTF") for p in parses):
                return None
            match = NOUN_RE.match(doc.text, match.end())
            if match is None:
                return None
            word = match.group(1)
            low = word.lower()
        return None
    if lang.startswith("uz"):
        return _uzbek_noun(word)
    if lang == "en":
        if re.fullmatch(r"[a-z]+(?:ly|ed|ing)", low):
            return None
        return word, low[:-3] + "y" if low.endswith("ies") else low.rstrip("s") or low
    return None


#: Russian: ``число резидентов парка превысило 1 000``: the noun whose number is given
RU_NUMBER_OF = re.compile(r"(?<![\w])(?:число|количество|численность)\s+([а-яё-]{3,})", re.I)


def _number_of(doc: Document, sentence: Sentence, number: NumberExpr) -> tuple[str, str] | None:
    """The counted noun stated before a figure that has none after it (Russian
    ``число X``; Uzbek ``X soni`` is read in :func:`_counted_noun`)."""
    if sentence.lang != "ru":
        return None
    clause = doc.text[sentence.start : number.start]
    found = list(RU_NUMBER_OF.finditer(clause))
    if not found:
        return None
    from kg.corpus.russian import morph

    word = found[-1].group(1)
    parses = [p for p in morph().parse(word.lower()) if p.tag.POS == "NOUN"]
    return (word, parses[0].normal_form) if parses else None


def _uzbek_noun(word: str) -> tuple[str, str]:
    from kg.corpus.uzbek import strip_suffixes

    low = word.lower()
    stems = sorted((s for s in strip_suffixes(low) if len(s) >= 3), key=len)
    return word, stems[0] if stems else low


def _title_place(doc: Document, mentions: Sequence[Mention]) -> URIRef | None:
    """The place an article's title names (its first, when it names several; not one named
    as an example)."""
    if len(doc.sentences) < 2:
        return None
    title = doc.sentences[0]
    places = [m for m in mentions if _kind(m.entity) == "place"
              and m.evidence.start < title.end]  # fmt: skip
    examples = _examples(doc, title, places)
    named = [m for i, m in enumerate(places) if i not in examples]
    return named[0].entity if named else None


def _main_country(
    mentions: Sequence[Mention], end: int, lexicon: object | None
) -> URIRef | None:
    """The country (``ck:Country`` of the lexicon) mentioned most often before ``end`` (the
    first of them on a tie): what "мамлакат", "республика", "the country" refer to."""
    from rdflib import RDF

    graph = getattr(lexicon, "graph", None)
    if graph is None:
        return None
    counts: dict[URIRef, int] = {}
    for m in mentions:
        if m.evidence.end <= end and (m.entity, RDF.type, CK.Country) in graph:
            counts[m.entity] = counts.get(m.entity, 0) + 1
    return max(counts, key=lambda e: counts[e]) if counts else None  # dicts keep text order


TOPIC_KINDS = SUBJECT_KINDS[:5]  # a policy or a ranking is not what an article is about


def _topic(doc: Document, mentions: Sequence[Mention]) -> URIRef | None:
    """What the article is about: the cluster, organisation, project, programme or platform
    its title names (the first of them), else its first sentence (see the module
    docstring)."""
    if not doc.sentences:
        return None
    named = [m for m in mentions if _kind(m.entity) in TOPIC_KINDS]
    for end in (doc.sentences[0].end, doc.sentences[min(1, len(doc.sentences) - 1)].end):
        first = [m for m in named if m.evidence.start < end]
        if first:
            return first[0].entity
    return None


YEAR_WORDS = re.compile(
    r"\s*(?:-?(?:йил|yil|год|г\.|гг\.|years?|yillar|йиллар)|[-–]\d)", re.IGNORECASE
)
TIME_WORDS = re.compile(
    r"(?:\b(?:in|since|by|until|from|to|of|в|с|до|по|к|от|за)|(?<![\w‘’])(?:йил|yil))\s*$",
    re.IGNORECASE,
)


def _is_year(doc: Document, number: NumberExpr, lang: str) -> bool:
    """``в 1987 году``, ``in 1973``, ``2019 йилда``: a year is a period, not a count."""
    if number.unit != "count" or number.surface != doc.text[number.number_start : number.end]:
        return False
    if not YEAR_RE.fullmatch(number.surface) or number.qualifier != "exact":
        return False
    after, before = doc.text[number.end : number.end + 12], doc.text[:number.start][-12:]
    if YEAR_WORDS.match(after) or TIME_WORDS.search(before):
        return True
    return _counted_noun(doc, number, lang) is None


def _label_follows(doc: Document, number: NumberExpr, concept: Concept) -> bool:
    """Does one of the indicator's labels stand right after the number (its counted noun)?"""
    window = doc.text[number.end : number.end + 40]
    return any(label_positions(window, label) for label in concept.labels)


#: the indicators the extractor mints from a noun when the vocabulary has none: kind -> IRI
#: prefix, slug of an empty word, labels in en, ru, uz-Cyrl, uz-Latn and the definition (of the
#: word in Latin letters ``{l}`` and Cyrillic ``{c}``), unit (a slug of id:unit/ or None).
#: The labels depend on the word only, so two articles (in any language) that mint one IRI
#: write the same labels (one skos:prefLabel per language).
MINTED_INDICATORS: dict[str, tuple[str, str, tuple[str, str, str, str], str, str | None]] = {
    "number": (
        "number-of", "items",
        ("number of “{l}”", "количество «{c}»", "«{c}» сони", "«{l}» soni"),
        "Number of the things an article counts as “{l}”; an indicator minted by the "
        "statistics extractor from the counted noun, for a curator to name.",
        "count",
    ),
    "share": (
        "share-of", "items",
        ("share of “{l}”", "доля «{c}»", "«{c}» улуши", "«{l}» ulushi"),
        "Share (percent) of what an article calls “{l}”; an indicator minted by the "
        "statistics extractor from the noun of the percentage, for a curator to name.",
        "percent",
    ),
    "amount": (
        "amount-of", "money",
        ("amount of “{l}”", "сумма «{c}»", "«{c}» миқдори", "«{l}» miqdori"),
        "An amount of money an article calls “{l}”, in a currency; an indicator minted by "
        "the statistics extractor from the noun of the amount, for a curator to name.",
        None,
    ),
}  # fmt: skip


def minted_indicator(kind: str, lemma: str, lang: str, ev: Evidence) -> ConceptDescription:
    """A new indicator concept of ``kind`` (:data:`MINTED_INDICATORS`) for the noun ``lemma``:
    a counted noun, what a percentage is a share of, or a named amount of money."""
    from kg.corpus.uzbek import latn_to_cyrl
    from kg.extract.entities import latin_form

    prefix, empty, templates, definition, unit = MINTED_INDICATORS[kind]
    latin = latin_form(lemma, lang).lower()
    words = {"l": latin, "c": latn_to_cyrl(latin)}
    labels = tuple(
        (tag, template.format(**words))
        for tag, template in zip(("en", "ru", "uz-Cyrl", "uz-Latn"), templates, strict=True)
    )
    return ConceptDescription(
        data_iri("indicator", f"{prefix}-{slugify(latin) or empty}"),
        data_iri("scheme", "indicator"), labels, definition.format(**words),
        data_iri("unit", unit) if unit else None, ev,
    )  # fmt: skip


#: Uzbek partitive counters: ``Ulardan 40 tasi`` ("40 of them") counts what was counted before
UZ_PARTITIVE = re.compile(r"\s*(?:та|ta)(?:си|si|сидан|sidan)(?![\w‘’])", re.IGNORECASE)


def _elided(
    doc: Document, sentence: Sentence, number: NumberExpr,
    out: Sequence[Observation | ConceptDescription], unit: URIRef,
) -> URIRef | None:  # fmt: skip
    """The indicator an elided count shares with the figure before it: in its sentence
    ("9 000 человек, а ... превысило 12 тыс."), or for an Uzbek partitive ("40 tasi")
    in its paragraph."""
    start = sentence.start
    if sentence.lang.startswith("uz") and UZ_PARTITIVE.match(doc.text, number.end):
        start = _paragraph_start(doc, sentence.start)
    before = [o for o in out if isinstance(o, Observation) and o.unit == unit
              and start <= o.evidence.start < sentence.end]  # fmt: skip
    return before[-1].indicator if before else None


def _gapped_noun(
    doc: Document, sentence: Sentence, number: NumberExpr, numbers: Sequence[NumberExpr]
) -> tuple[str, str] | None:
    """The counted noun of the next count of the same clause (the noun stated once, after
    the last of several counts)."""
    end = doc.text.find(";", number.end, sentence.end)
    end = sentence.end if end < 0 else end
    for other in numbers:
        if other.start >= number.end and other.end <= end and other.unit == "count":
            noun = _counted_noun(doc, other, sentence.lang)
            if noun is not None:
                return noun
    return None


#: English "N% of [the|all ...] X"; the words skipped before the noun are in the cues file
EN_OF = re.compile(r"\s+of\s+")
EN_WORD = re.compile(r"\s*([A-Za-z][\w-]*(?:['’]s)?)")
#: Uzbek "savdoning 40 foizi": the genitive noun before a percentage
UZ_GENITIVE = re.compile(r"([^\W\d_][\w‘’'ʻ`-]{2,}?)(?:нинг|ning)\s+$", re.IGNORECASE)


def _share_noun(
    doc: Document, sentence: Sentence, number: NumberExpr,
    out: Sequence[Observation | ConceptDescription],
) -> str | None:  # fmt: skip
    """The dictionary form of what a percentage is a share of, if the grammar states it
    (``40% of the firm's sales``, ``40 % выручки``, ``savdoning 40 foizi``)."""
    lang, text = sentence.lang, doc.text
    if lang.startswith("uz"):
        found = UZ_GENITIVE.search(text, max(sentence.start, number.start - 40), number.start)
        return _uzbek_noun(found.group(1))[1] if found else None
    if lang == "ru":
        from kg.corpus.russian import morph

        match = NOUN_RE.match(text, number.end)
        for _ in range(3):
            if match is None:
                return None
            parses = morph().parse(match.group(1).lower())
            nouns = [p for p in parses if p.tag.POS == "NOUN" and "gent" in p.tag]
            if nouns:
                return str(nouns[0].normal_form)
            if not any(p.tag.POS in ("ADJF", "PRTF") and "gent" in p.tag for p in parses):
                return None
            match = NOUN_RE.match(text, match.end())
        return None
    if lang != "en":
        return None
    of = EN_OF.match(text, number.end)
    if of is None:
        return None
    table = cues()["share"]
    skip, pronouns = set(table["en_determiners"]), set(table["en_pronouns"])
    position = of.end()
    for _ in range(4):
        word = EN_WORD.match(text, position)
        if word is None or (word.group(1)[0].isupper() and word.group(1).lower() not in skip):
            return None  # "of Denmark": a place, not a noun
        low, position = word.group(1).lower(), word.end()
        if low in pronouns:  # "86% of them": the things counted before in the paragraph
            counted = [o for o in out if isinstance(o, Observation)
                       and o.unit == data_iri("unit", "count")
                       and o.evidence.start >= _paragraph_start(doc, sentence.start)]  # fmt: skip
            if not counted:
                return None
            return str(counted[-1].indicator).rsplit("/number-of-", 1)[-1].rsplit("/", 1)[-1]
        if low in skip or re.search(r"['’]s$", low):
            continue
        return low[:-3] + "y" if low.endswith("ies") else low.rstrip("s") or low
    return None


WORD_NUMBER_RE = re.compile(
    r"(?<![\w‘’-])(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?![\w‘’-])",
    re.IGNORECASE,
)


#: a determiner right before a number word makes it a reference ("the two plants")
EN_DEFINITE = re.compile(r"(?<![\w‘’])(?:the|these|those|its|their|both|all)\s+$", re.IGNORECASE)


def _number_words(doc: Document, sentence: Sentence) -> list[NumberExpr]:
    """Number words with no digits that count a plural noun after them (``six plants``,
    ``семь заводов``); not one (an article), not in Uzbek (``икки йўналишда`` is a bare
    numeral with a noun in the singular, ambiguous with its ordinary use)."""
    lang = sentence.lang
    if lang not in ("en", "ru"):
        return []
    out = []
    for m in WORD_NUMBER_RE.finditer(sentence.text):
        value = NUMBER_WORDS[m.group(1).lower()]
        if value < 2 or EN_DEFINITE.search(sentence.text, 0, m.start()):
            continue  # "the two universities": a reference back, not a count
        nxt = NOUN_RE.match(sentence.text, m.end())
        if nxt is None or nxt.start(1) - m.end() > 1 or not _plural_noun(nxt.group(1), lang):
            continue
        start = sentence.start + m.start()
        out.append(NumberExpr(start, start + len(m.group(1)), m.group(1), Decimal(value),
                              "count", "exact", start))  # fmt: skip
    return out


def _plural_noun(word: str, lang: str) -> bool:
    """Is ``word`` a plural common noun (a count's noun after a number word)?"""
    low = word.lower()
    if not word[0].islower() or low in NOT_COUNTED:
        return False
    if lang == "en":
        return bool(re.fullmatch(r"[a-z]{3,}s", low)) and not low.endswith(("ss", "us", "is"))
    from kg.corpus.russian import morph

    return any(p.tag.POS == "NOUN" and "plur" in p.tag for p in morph().parse(low)[:1])


#: between the two ends of a range: "с 5 млн до 9 млрд долларов", "from 2 to 3 billion
#: dollars", "2 dan 5 mln dollargacha" (the unit is written once, after the second)
RANGE_GAP = re.compile(r"\s*(?:до|по|to|and|и|–|—|-|dan|дан)\s*", re.IGNORECASE)


def _range_units(doc: Document, numbers: Sequence[NumberExpr]) -> list[NumberExpr]:
    """A bare number at the start of a range takes the unit of the range's end."""
    out = list(numbers)
    for i in range(len(out) - 2, -1, -1):
        first, second = out[i], out[i + 1]
        if first.unit == "count" and second.unit not in ("count", "percent", "rank", "ratio") \
                and RANGE_GAP.fullmatch(doc.text, first.end, second.number_start) \
                and first.end < second.start:  # fmt: skip
            out[i] = replace(first, unit=second.unit)
    return out


#: unit keys of kg.extract.numbers that are currencies (ISO 4217 codes in lower case)
CURRENCY_UNITS = frozenset(code for _, code in CURRENCIES)
#: Uzbek: the possessive noun right before an amount ("бино қиймати 9 миллиард сўм",
#: "savdo hajmi 9 trillion so‘m"); English: "sales of $5 billion"
UZ_POSSESSED = re.compile(r"([^\W\d_][\w‘’'ʻ`-]{2,}?(?:и|си|i|si))\s+$", re.IGNORECASE)
EN_NOUN_OF = re.compile(r"(?<![\w‘’-])([a-z][a-z-]{2,})\s+of\s+$")
#: Russian: the noun right before an amount, past one preposition ("с бюджетом 5 млн
#: рублей", "кредита в 9 млн рублей")
RU_NOUN_BEFORE = re.compile(r"([а-яё-]{3,})\s+(?:(?:в|на|с|до|за|по|от)\s+)?$", re.IGNORECASE)


def _money_noun(doc: Document, sentence: Sentence, number: NumberExpr) -> str | None:
    """The dictionary form of what an amount of money is (investment, value, capital,
    revenue), when the grammar ties a noun to it; else None (a plain amount of money)."""
    lang, text = sentence.lang, doc.text
    left = text[max(sentence.start, number.start - 40) : number.start]
    if lang.startswith("uz"):
        found = UZ_POSSESSED.search(left)
        before = None
        if found and found.group(1)[0].islower():  # "hajmi" -> "hajm": the possessive only
            before = re.sub(r"(?:си|si|и|i)$", "", found.group(1).lower())
        after = NOUN_RE.match(text, number.end)
        if after is None or not after.group(1)[0].islower() or UZ_VERB.search(after.group(1)) \
                or UZ_LIGHT_VERB.match(" " + after.group(1)) \
                or UZ_LIGHT_VERB.match(text, after.end()):  # fmt: skip
            return before  # "... этиб белгиланган", "... ni tashkil etdi": a verb follows
        # "9 million dollarlik zavod": -lik makes the amount the worth of the noun
        # after it, so a possessed noun before ("qiymati") names the amount first
        if before is not None and re.search(r"(?:лик|lik)$", number.surface, re.IGNORECASE):
            return before
        return _uzbek_noun(after.group(1))[1]
    if lang == "en":
        found = EN_NOUN_OF.search(left)
        if found is None or re.fullmatch(r"[a-z]+(?:ly|ed|ing)", found.group(1)):
            return None
        word = found.group(1)
        return word[:-3] + "y" if word.endswith("ies") else word.rstrip("s") or word
    if lang == "ru":
        from kg.corpus.russian import morph

        found = RU_NOUN_BEFORE.search(left)
        if found is None:
            return None
        nouns = [p for p in morph().parse(found.group(1).lower()) if p.tag.POS == "NOUN"]
        return str(nouns[0].normal_form) if nouns and nouns[0].score >= 0.3 else None
    return None


def extract(
    doc: Document, lexicon: object | None, mentions: Sequence[Mention]
) -> list[Observation | ConceptDescription]:
    """Every statistic of ``doc`` (``mentions``: the entity mentions of the same document)."""
    indicators = scheme_concepts(lexicon, "indicator")
    own = sorted(
        (m for m in mentions if m.evidence.source_id == doc.source_id),
        key=lambda m: (m.evidence.start, m.evidence.end),
    )
    numbers = sorted(
        (n for st in doc.sentences
         for n in (*find_numbers(st.text, base=st.start, lang=st.lang, measures=True),
                   *_number_words(doc, st))),
        key=lambda n: n.start,
    )  # fmt: skip
    numbers = _range_units(doc, numbers)
    out: list[Observation | ConceptDescription] = []
    known = {c.iri for c in indicators}
    topic = _topic(doc, own)
    title_place = _title_place(doc, own)
    for number in numbers:
        sentence = doc.sentence_at(number.start)
        if _in_name(doc, number, own):
            continue
        if _is_year(doc, number, sentence.lang):
            continue
        unit = _unit(doc, number, sentence)
        found = _indicator(doc, sentence, number, numbers, unit, indicators)
        ref_area, subject, anaphora = _context(doc, sentence, number, own, title_place, lexicon)
        if subject is None and topic is not None:
            subject, anaphora = topic, True
        if ref_area is None and subject is not None:
            ref_area = _location(lexicon, subject)
        if ref_area is None and title_place is not None and subject in (None, topic):
            ref_area, anaphora = title_place, True  # a figure of the article's own place
        confidence = ANAPHORA_CONFIDENCE if anaphora else DIRECT_CONFIDENCE
        noun = _counted_noun(doc, number, sentence.lang) if unit.endswith("/count") else None
        if found is not None and noun is not None and not _label_follows(doc, number, found[0]):
            found = None  # "64 тысяч сотрудников": the noun counted, not a label further off
        ev = Evidence(doc.source_id, sentence.start, sentence.end, EXTRACTOR, OPEN_CONFIDENCE)
        if found is not None:
            indicator_iri = found[0].iri
        else:
            if unit.endswith("/count"):
                if YEAR_RE.fullmatch(number.surface):
                    continue
                if noun is None:
                    noun = _number_of(doc, sentence, number)
                if noun is None and not (sentence.lang.startswith("uz")
                                         and UZ_PARTITIVE.match(doc.text, number.end)):
                    # gapping: "shaharda (5 ta), qishloqda 4 ta, ... 2 tadan ombor"
                    noun = _gapped_noun(doc, sentence, number, numbers)
                if noun is None:
                    previous = _elided(doc, sentence, number, out, unit)
                    if previous is None:
                        continue
                    indicator_iri, concept = previous, None
                if noun is not None:
                    concept = minted_indicator("number", noun[1], sentence.lang, ev)
            elif unit.endswith("/percent"):
                share = _share_noun(doc, sentence, number, out)
                if share is None:
                    continue
                concept = minted_indicator("share", share, sentence.lang, ev)
            elif number.unit in CURRENCY_UNITS and (spent := _money_noun(doc, sentence, number)):
                concept = minted_indicator("amount", spent, sentence.lang, ev)
            else:
                measured = measure_indicator(number.unit, ev)
                if measured is None:
                    continue
                concept = measured
            if concept is not None:
                indicator_iri = concept.concept
                if indicator_iri not in known:
                    out.append(concept)
                    known.add(indicator_iri)
            confidence = OPEN_CONFIDENCE
        if unit not in known:
            minted_unit = unit_concept(number.unit, ev)
            if minted_unit is not None:
                out.append(minted_unit)
            known.add(unit)
        start, end = sentence.start, sentence.end
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        repeat = sum(
            1 for o in out if isinstance(o, Observation) and o.indicator == indicator_iri
            and o.evidence.start == start
        )  # fmt: skip
        out.append(
            Observation(
                repeat=repeat,
                indicator=indicator_iri,
                value=number.value,
                unit=unit,
                qualifier=data_iri("qualifier", number.qualifier),
                ref_area=ref_area,
                subject=subject,
                ref_period=_period(sentence, number, doc),
                surface=number.surface,
                evidence=Evidence(doc.source_id, start, end, EXTRACTOR, confidence),
            )
        )
    return out
