"""Open entity extraction: names the recognisers find, typed, linked, or minted as resources.

For one article, after the lexicon matcher (:mod:`kg.extract.mentions`):

1. **Recognise** (:mod:`kg.extract.recognisers`): spaCy (en), Natasha (ru), the Uzbek rules.
2. **Longest real name wins.** A name span that strictly contains lexicon mentions replaces
   them (``Santa Clara Valley`` over the city ``Santa Clara``, ``Fairchild Semiconductor`` over
   the sector *semiconductors*), unless what it adds is only a head noun, legal form or quotes
   consistent with the lexicon entity (``“Силикон водийси” кластери`` stays Silicon Valley).
   A name inside a lexicon mention is that mention.
3. **Type** (:mod:`kg.extract.kinds`): class and kind from the label and the head noun.
4. **Link**: the lexicon first, across scripts and languages (the matcher on the name's normal
   form and its transliteration); places then to the gazetteer (:mod:`kg.extract.gazetteer`),
   whose English name gives the IRI and whose GeoNames / ISO ids become ``skos:exactMatch``; a
   gazetteer place the lexicon knows by one of its labels is the lexicon's.
5. **Mint** the rest: ``id:{kind}/{slug}``, slug = ``kg.namespace.slugify`` of the name in Latin
   script (English as written, Russian romanised by the Wikipedia scheme of ``iuliia``, Uzbek
   in the official Latin alphabet) without quotes and legal forms, so the same name in two
   articles (or two scripts of Uzbek) gives one IRI. The resource gets its classes, an English
   preferred label (the Latin form), the name as written as an alternative label in the
   article's language, and its evidence (the first mention).
6. **Short forms and anaphora** within the article: a later single surname (``Shockley``) or
   a leading part of an organisation name (``Fairchild``) is the earlier entity; a
   demonstrative + head noun (``this cluster``, ``мазкур кластер``, ``этот технопарк``;
   ``data/nlp/anaphora.yaml``) is the nearest preceding entity of that class in its paragraph
   or the three sentences before.

Before typing, spans the models split or cut are repaired: an English name with a lower-case
place or cluster head after it (``the Øresund region``), ``X Region`` + ``of`` + a place, a
Russian head phrase and the name in apposition (``Научно-технологический парк X``), a Russian
organisation and the head noun in the genitive it belongs to (``Административный комитет
парка``). Typing also reads ``the province of X`` (English). A name the model tagged LOC and
a descriptor or list head types as a park or zone (``парки Хайдянь``) is typed apart from the
place of the same name (``районе Хайдянь``).

Uzbek ``NAME`` spans (capitalised, no head) are kept only when the gazetteer knows them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import yaml
from rdflib import URIRef

from kg.corpus.document import Document
from kg.corpus.uzbek import cyrl_to_latn, normalise_apostrophes
from kg.extract.gazetteer import Place, gazetteer
from kg.extract.kinds import NLP_DIR, Typed, head_nouns, singular_plurals, subclasses
from kg.extract.lexicon import Lexicon
from kg.extract.recognisers import ABBREVIATED, NameSpan, Recognisers
from kg.extract.records import EntityDescription, Evidence, Mention
from kg.namespace import CK, ID, data_iri, slugify

EXTRACTOR = "entities"
ANAPHORA_CONFIDENCE = 0.6
BARE_ANAPHORA_CONFIDENCE = 0.5  # a head noun alone ("население города", "Зона учун")
SHORT_FORM_CONFIDENCE = 0.7
GAZETTEER_CONFIDENCE = 0.9
LEXICON_LINK_CONFIDENCE = 0.85
ANAPHORA_WINDOW = 3  # sentences
QUOTES = '«»“”"„'
KIND_CLASSES = {
    "person": {CK.Person},
    "place": {CK.Place, CK.Country, CK.Region, CK.City},
    "cluster": {CK.Cluster},
}


@dataclass
class ArticleEntities:
    """What open extraction adds to an article: mentions, new resources, dropped mentions."""

    mentions: list[Mention] = field(default_factory=list)  # of known and new entities
    descriptions: list[EntityDescription] = field(default_factory=list)
    dropped: list[Mention] = field(default_factory=list)  # lexicon mentions a longer name won


def kind_of(iri: URIRef) -> str:
    """``id:{kind}/...`` -> kind (``sector`` for sector concepts)."""
    return str(iri).removeprefix(str(ID)).split("/", 1)[0]


#: Latin letters that Unicode does not decompose to ASCII (for slugs: Øresund -> oresund)
LATIN_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
                               "ß": "ss", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                               "Þ": "Th", "ı": "i"})  # fmt: skip


def latin_form(text: str, lang: str) -> str:
    """A name in Latin script, case kept: English as is, Russian romanised (Wikipedia scheme),
    Uzbek Cyrillic in the official Latin alphabet."""
    if not re.search(r"[\u0400-\u04ff]", text):
        return text
    if lang == "ru" or not lang.startswith("uz"):
        import iuliia

        return str(iuliia.WIKIPEDIA.translate(text))
    out = []
    for word in re.split(r"(\s+)", text):
        latin = cyrl_to_latn(word)
        out.append(latin[:1].upper() + latin[1:] if word[:1].isupper() else latin)
    return "".join(out)


def bare_name(text: str) -> str:
    """A name without quotes and legal forms (``«Uzbekcotton» МЧЖ`` -> ``Uzbekcotton``)."""
    heads = head_nouns()
    legal = {k for table in heads.legal.values() for k in table}
    words = [w for w in text.split() if w.strip(".,") not in legal]
    name = " ".join(words).strip()
    quoted = re.search(rf"[{QUOTES}]([^{QUOTES}]+)[{QUOTES}]", name)
    if quoted and len(quoted.group(1).split()) >= 1:
        rest = (name[: quoted.start()] + name[quoted.end() :]).strip()
        # keep a head before or after the quotes ("Фонд «Сколково»" stays "Фонд Сколково")
        name = f"{rest} {quoted.group(1)}".strip() if rest else quoted.group(1)
        if rest and name.startswith(rest) and text.find(rest) > text.find(quoted.group(1)):
            name = f"{quoted.group(1)} {rest}"
    name = re.sub(r"^(?:the|The)\s+", "", name)
    return " ".join(name.strip(QUOTES + " ,.;:()").split())


@lru_cache(maxsize=1)
def determiners() -> dict[str, frozenset[str]]:
    """The demonstratives of ``data/nlp/anaphora.yaml`` per language."""
    data = yaml.safe_load((NLP_DIR / "anaphora.yaml").read_text(encoding="utf-8"))
    return {lang: frozenset(normalise_apostrophes(str(w)) for w in words) for lang, words in
            data["determiners"].items()}  # fmt: skip


def extract_entities(
    doc: Document, lexicon: Lexicon, recognisers: Recognisers, mentions: list[Mention]
) -> ArticleEntities:
    """Open entity extraction for ``doc`` (see the module docstring)."""
    out = ArticleEntities()
    known = [m for m in mentions if m.evidence.source_id == doc.source_id]
    spans = [_with_head_after(doc, s) for s in _joined(doc, recognisers.spans(doc))]
    spans = _same_name_forms([_with_head_before(doc, s) for s in spans])
    best: dict[str, Typed] = {}  # one name, one type in an article: the surest typing wins
    listed = _list_types(doc, spans)
    keys: dict[tuple[int, int], str] = {}
    for span in spans:
        label = None if span.label == "NAME" else span.label
        apposed, own = _descriptor_type(span), _own_head(span, label)
        # "Hsinchu Science Park ... is an industrial park complex": the name's own head says
        # what it is; a place head ("Medicon Valley is a ... cluster") yields to the copula
        found = own if own is not None and own.kind != "place" else None
        found = found or _copula_type(doc, span) or own or apposed or _of_type(doc, span)
        found = found or _locative_type(doc, span) or _sited_type(doc, span)
        found = found or listed.get((span.start, span.end))
        typed = found or head_nouns().type_of(span.text, label, span.lang)
        key = bare_name(span.normal or span.text).lower()
        if span.label == "LOC" and typed.kind not in ("place", "person") and (
            typed is apposed or typed is listed.get((span.start, span.end))
        ):  # "парки Хайдянь" (the park named after the place) beside "районе Хайдянь"
            key += "\x00" + typed.kind
        keys[(span.start, span.end)] = key
        if key not in best or typed.confidence > best[key].confidence:
            best[key] = typed
    countries = _countries(doc, lexicon, known)
    minted: dict[URIRef, EntityDescription] = {}
    taken: list[tuple[int, int]] = []
    short = _short_form_of(doc, spans)
    resolved: dict[tuple[int, int], URIRef] = {}  # span -> the IRI it was linked to
    acronyms: dict[str, URIRef] = {}  # a short form defined in the article -> its entity
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if any(s < span.end and span.start < e for s, e in taken):
            continue
        full = short.get((span.start, span.end))
        target = resolved.get(full) if full else acronyms.get(span.text)
        if target is not None:  # "(HSP)" after "Hsinchu Science Park", and "HSP" later
            acronyms.setdefault(span.text, target)
            evidence = Evidence(doc.source_id, span.start, span.end, EXTRACTOR,
                                SHORT_FORM_CONFIDENCE)  # fmt: skip
            out.mentions.append(Mention(target, doc.text[span.start : span.end], evidence))
            taken.append((span.start, span.end))
            if target in minted:
                minted[target] = _with_label(minted[target], ("alt", span.lang, span.text))
            continue
        inside = [m for m in known if span.start <= m.evidence.start and m.evidence.end <= span.end]
        covering = [
            m
            for m in known
            if lexicon.is_entity(m.entity)
            and m.evidence.start <= span.start
            and span.end <= m.evidence.end
        ]
        if covering:
            continue
        overlapping = [
            m
            for m in known
            if m.evidence.start < span.end and span.start < m.evidence.end and m not in inside
        ]
        if any(lexicon.is_entity(m.entity) for m in overlapping):
            continue
        typed = best[keys[(span.start, span.end)]]
        entities_inside = [m for m in inside if lexicon.is_entity(m.entity)]
        if len(entities_inside) >= 2:
            continue  # a coordination the model ran together ("Brynjolfsson & McAfee")
        modifiers = [
            (m.evidence.start, m.evidence.end, kind_of(m.entity) == "place")
            for m in inside
            if kind_of(m.entity) == "place" or not lexicon.is_entity(m.entity)
        ]
        if not _is_name(doc, span, typed, modifiers):
            continue
        if entities_inside and _only_head_added(span, entities_inside, typed, lexicon):
            continue
        linked = _link(span, typed, lexicon, countries)
        if linked is None:
            continue
        iri, confidence, description = linked
        earlier = _earlier_person(span, out.mentions) if typed.kind == "person" else None
        if earlier is not None:  # "Shockley" after "William Shockley"
            iri, description = earlier, None
        if span.label != "NAME" or description is not None or lexicon.is_entity(iri):
            for m in inside:  # the longer real name wins over what it contains
                if m.entity != iri:
                    out.dropped.append(m)
            evidence = Evidence(doc.source_id, span.start, span.end, EXTRACTOR, confidence)
            out.mentions.append(Mention(iri, doc.text[span.start : span.end], evidence))
            taken.append((span.start, span.end))
            resolved[(span.start, span.end)] = iri
            if description is not None and iri not in minted:
                minted[iri] = _with_evidence(description, evidence)
    out.descriptions = sorted(minted.values(), key=lambda d: d.evidence.start)
    dropped = {id(m) for m in out.dropped}
    remaining = [m for m in known if id(m) not in dropped] + out.mentions
    out.mentions.extend(_short_forms(doc, out.mentions, remaining, taken))
    classes = {iri: set(d.classes) for iri, d in minted.items()}
    out.mentions.extend(_anaphora(doc, lexicon, remaining + out.mentions, taken, classes))
    out.mentions.sort(key=lambda m: (m.evidence.start, m.evidence.end))
    return out


def _with_head_before(doc: Document, span: NameSpan) -> NameSpan:
    """``Кластер Пангё``, ``технопарк «Академгородок»``, ``Fund Skolkovo``: a head noun right
    before a name (Russian and English apposition) belongs to it when it is capitalised or
    opens the quotes of the name. A common noun before a name (``компания Huawei``, ``в городе
    Шэньчжэнь``, ``the newspaper Le Monde``, ``the chip designer MediaTek``) is a descriptor:
    not part of the name, but it says what the name names. Only words of the same sentence
    count."""
    person = span.label == "PER"  # one word: "the medical-device maker Coloplast" is a firm
    if span.lang not in ("ru", "en") or (person and " " in span.text.strip()):
        return span
    sentence = doc.sentence_at(span.start)
    view_start = doc.view.to_view[sentence.start]
    before = doc.view.text[view_start : doc.view.to_view[span.start]]
    quoted = before.rstrip().endswith(("«", "“", '"'))
    match = re.search(r"((?:[^\W\d_][\w-]*\s+){0,2}[^\W\d_][\w-]*)\s+[«“\"]?$", before)
    if match is None:
        return span
    words = match.group(1).split()
    found = None
    for n in range(len(words), 0, -1):  # the longest head phrase right before the name
        phrase = words[-n:]
        heads = [h for h in head_nouns().heads(phrase, span.lang) if h[0] == 0 and h[1] == n]
        if not heads and n == 1:
            heads = head_nouns().heads(phrase[0].split("-")[-1:], span.lang)
        if heads:
            found = (phrase, heads[0][2])
            break
    if found is None or found[1].legal or (person and found[1].cls != CK.Company):
        return span
    phrase, head = found
    first = phrase[0]
    if head.cls == CK.Company or head.kind == "place" or not (quoted or first[:1].isupper()):
        return replace(span, descriptor=phrase[-1])
    word_starts = [w.start() for w in re.finditer(r"\S+", match.group(1))]
    phrase_start = view_start + match.start(1) + word_starts[-len(phrase)]
    start, _ = doc.view.clean_span(phrase_start, phrase_start + len(first))
    end = span.end
    view = doc.view.text[phrase_start : doc.view.to_view[span.end]]
    if quoted and doc.text[end : end + 1] in ("»", "”", '"'):  # close the quotes it opened
        end += 1
        view += doc.text[span.end]
    normal = f"{' '.join(phrase)} {span.normal}"
    return NameSpan(start, end, view, "ORG", span.lang, span.recogniser, normal)


def _descriptor_type(span: NameSpan) -> Typed | None:
    """The class a descriptor in apposition gives a name that has no head of its own."""
    if not span.descriptor:
        return None
    heads = head_nouns()
    found = heads.heads([span.descriptor], span.lang) or heads.heads(
        span.descriptor.split("-")[-1:], span.lang
    )
    if not found:
        return None
    head = found[0][2]
    return Typed(head.cls, head.kind, 0.9, None, head.admin, True)


def _same_name_forms(spans: list[NameSpan]) -> list[NameSpan]:
    """Russian case forms of one name in one article get one normal form: the form written
    in the text (``Шэньчжэнь``) for the others (``Шэньчжэне``, whose guessed lemma
    ``Шэньчжэн`` is wrong). Two names are forms of each other when every word but the last is
    the same and the last words share all but their last two letters (at least four)."""
    written: dict[str, int] = {}
    for span in spans:
        if span.lang == "ru" and span.normal == span.text:
            written[span.text] = written.get(span.text, 0) + 1
    if not written:
        return spans

    def key(name: str) -> tuple[str, str]:
        head, _, last = name.rpartition(" ")
        return head, last

    by_key = [(key(name), name, n) for name, n in written.items()]
    out = []
    for span in spans:
        if span.lang != "ru" or span.normal in written:
            out.append(span)
            continue
        head, last = key(span.normal)
        _, _, surface = span.text.rpartition(" ")
        matches = [
            (n, name) for (h, w), name, n in by_key
            if h == head and len(w) >= 4 and _stem_match(w, last, surface)
        ]  # fmt: skip
        out.append(replace(span, normal=max(matches)[1]) if matches else span)
    return out


def _stem_match(word: str, lemma: str, surface: str) -> bool:
    """Is ``word`` (as written elsewhere) the same name as a lemma / surface form here?"""
    for other in (lemma, surface):
        common = len(os.path.commonprefix([word.lower(), other.lower()]))  # noqa: RUF071 (a character prefix is meant)
        if common >= 4 and common >= max(len(word), len(other)) - 2:
            return True
    return False


LIST_GAP = re.compile(
    r"^\s*(?:,\s*|,?\s*(?:and|or|и|или|а также|ва|ҳамда|ёки|va|hamda|yoki|&)\s+)$", re.I
)
#: between a list's plural head and the list (en, ru): "communes: A, B", "cities are A, B"
LIST_LEAD = re.compile(r"(?:\s*:|\s+(?:are|were|include|included|including|—|–|-))?\s*$")


def _list_types(doc: Document, spans: list[NameSpan]) -> dict[tuple[int, int], Typed]:
    """Names coordinated in one list share the class its head noun gives them: a plural head
    after the list in Uzbek (``«Нукус-фарм», «Зомин-фарм» ва «Паркент-фарм» эркин иқтисодий
    зоналари``, ``Жиззах, Наманган ва Тошкент вилоятларининг``), before it in English and
    Russian (``five communes: Antibes, Biot and Mougins``, ``зоны Чжухай и Шаньтоу``, ``its
    main cities are Copenhagen, Malmö and Lund``)."""
    out: dict[tuple[int, int], Typed] = {}
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    groups: list[list[NameSpan]] = []
    for span in ordered:
        if groups and span.start >= groups[-1][-1].end:
            last = groups[-1][-1]
            same = doc.sentence_at(last.start) is doc.sentence_at(span.start)
            if same and LIST_GAP.match(doc.text[last.end : span.start]):
                groups[-1].append(span)
                continue
        if not groups or span.start >= groups[-1][-1].end:
            groups.append([span])
    heads = head_nouns()
    for group in groups:
        if len(group) < 2 and not group[0].descriptor:
            continue
        lang = group[0].lang
        sentence = doc.sentence_at(group[0].start)
        found = None
        if lang.startswith("uz"):
            after = re.findall(r"[^\W\d_][\w‘’'-]*", doc.text[group[-1].end : sentence.end])[:4]
            for n in range(1, len(after) + 1):
                decided = heads.head_of(" ".join(after[:n]), lang)
                if decided and _plural_word(after[n - 1], lang) and after[n - 1].endswith(
                    decided[0].split()[-1]
                ):
                    found = decided[1]
                    break
        elif len(group) >= 2:
            before = doc.text[sentence.start : group[0].start]
            lead = LIST_LEAD.search(before)
            words = re.findall(r"[^\W\d_][\w-]*", before[: lead.start()] if lead else before)
            if words and (lang == "ru" or _plural_word(words[-1], lang)):
                decided = heads.head_of(words[-1], lang)
                if decided and decided[0] == words[-1] and not decided[1].legal:
                    found = decided[1]
            if found is None and group[0].descriptor:  # "зоны Чжухай и Шаньтоу"
                decided = heads.head_of(group[0].descriptor, lang)
                found = decided[1] if decided else None
        if found is None or found.legal:
            continue
        for span in group:
            out[(span.start, span.end)] = Typed(found.cls, found.kind, 0.85, None, found.admin,
                                                True)  # fmt: skip
    return out


def _own_head(span: NameSpan, label: str | None) -> Typed | None:
    """The type a name's own head noun gives it (None when it has none; a head inside the
    quoted title of a name whose head stands before it does not count: ``Декрет ...
    № 12 «О Парке высоких технологий»`` is a decree, not a park)."""
    if span.descriptor and "«" in span.text:
        return None
    typed = head_nouns().type_of(span.text, label, span.lang)
    return typed if typed.head is not None else None


COPULA = {
    "en": re.compile(
        r"^\s*(?:\([^)]*\)\s*)?(?:,?\s*(?:is|was|has been)\s+|,\s*)(?:a|an|the|one of the)\s+"
        r"((?:[\w-]+\s+){0,5}[\w-]+)",
        re.I,
    ),
    "ru": re.compile(
        r"^\s*(?:\([^)]*\)\s*)?(?:[—–-]|является|это)\s+((?:[\w-]+\s+){0,5}[\w-]+)"
        r"(?=[\s,.;])"
    ),
}


STOP_COPULA = frozenset(
    ["in", "of", "on", "at", "for", "with", "from", "by", "в", "на", "из", "с", "для", "по", "от"]
)


def _copula_type(doc: Document, span: NameSpan) -> Typed | None:
    """``Medicon Valley is a bi-national life-science cluster``, ``Сколково — инновационный
    центр``: what the sentence says the name is decides its class (a head noun within five
    words after the copula)."""
    pattern = COPULA.get(span.lang)
    if pattern is None:
        return None
    sentence = doc.sentence_at(span.start)
    match = pattern.match(doc.text[span.end : sentence.end])
    if match is None:
        return None
    words = match.group(1).split()
    heads = head_nouns()
    rest = doc.text[span.end + match.end(1) : sentence.end].split()
    for k, word in enumerate(words):
        if word.lower() in STOP_COPULA:
            break
        pair = [f for f in heads.heads(words[k : k + 2], span.lang) if f[:2] == (0, 2)]
        found = pair or heads.heads([w for w in re.split(r"-", word) if w][-1:], span.lang)
        if found and not found[0][2].legal:
            following = (words[k + 1 :] + rest)[:1]
            apposed = "," in doc.text[span.end : span.end + 3]
            if apposed and following and following[0][:1].isupper():
                return None  # "Bagsværd, the brain-disease specialist Lundbeck": the next name's
            head = found[0][2]
            return Typed(head.cls, head.kind, 0.95, None, head.admin, True)
    return None


#: English: "the province of Skåne", "the region of Provence-Alpes-Côte d'Azur"
OF_BEFORE = re.compile(r"\bthe\s+([a-z][\w-]*)\s+of\s+$")


def _of_type(doc: Document, span: NameSpan) -> Typed | None:
    """``the province of Skåne``: a lower-case place head and ``of`` before a name give the
    name that head's class."""
    if span.lang != "en":
        return None
    sentence = doc.sentence_at(span.start)
    match = OF_BEFORE.search(doc.text[sentence.start : span.start][-40:])
    if match is None:
        return None
    found = head_nouns().heads([match.group(1)], "en")
    if not found or found[0][2].kind != "place" or found[0][2].legal:
        return None
    head = found[0][2]
    return Typed(head.cls, head.kind, 0.9, None, head.admin, True)


def _with_head_after(doc: Document, span: NameSpan) -> NameSpan:
    """``the Øresund region``, ``the Hsinchu cluster``: an English name followed by a
    lower-case singular head of a place or a cluster is that place or cluster."""
    if span.lang != "en" or span.label not in ("LOC", "ORG"):
        return span
    match = re.match(r"[ ]([a-z][a-z-]+)\b", doc.text[span.end : span.end + 30])
    if match is None or _plural_word(match.group(1), "en"):
        return span
    found = head_nouns().heads([match.group(1)], "en")
    if not found or found[0][2].kind not in ("place", "cluster") or found[0][2].legal:
        return span
    end = span.end + match.end()
    text = f"{span.text}{doc.text[span.end : end]}"
    label = "LOC" if found[0][2].kind == "place" else "ORG"
    return NameSpan(span.start, end, text, label, span.lang, span.recogniser, text)


def _joined(doc: Document, spans: list[NameSpan]) -> list[NameSpan]:
    """Two names the model split where one continues the other become one:
    ``the Capital Region`` + ``of`` + ``Denmark`` (an English name ending in a capitalised
    head, then ``of`` and a place); ``Научно-технологический парк`` + ``Чжунгуаньцунь`` (a
    Russian head phrase and the name in apposition); ``Административный комитет`` +
    ``парка`` (a Russian organisation and the head noun in the genitive that it belongs to)."""
    out: list[NameSpan] = []
    heads = head_nouns()
    for span in spans:
        prev = out[-1] if out else None
        if prev is not None and prev.lang == span.lang and prev.end <= span.start:
            gap = doc.text[prev.end : span.start]
            words = prev.text.split()
            last = heads.heads(words[-1:], span.lang) if words else []
            joined = None
            if (span.lang == "en" and gap == " of " and span.label == "LOC" and last
                    and words[-1][:1].isupper() and last[0][2].kind in ("place", "org")):
                joined = prev.label
            elif (span.lang == "ru" and gap == " " and last and last[0][2].kind != "place"
                  and not last[0][2].legal and all(w[:1].islower() for w in words[1:])
                  and span.label in ("LOC", "ORG") and span.text[:1].isupper()
                  and not _acronym(span.text)):
                joined = "ORG"
            if joined is not None:
                text = f"{prev.text}{gap}{span.text}"
                normal = f"{prev.normal}{gap}{span.text}"
                out[-1] = NameSpan(prev.start, span.end, text, joined, span.lang,
                                   prev.recogniser, normal)  # fmt: skip
                continue
        out.append(_with_genitive_head(doc, span))
    return out


def _with_genitive_head(doc: Document, span: NameSpan) -> NameSpan:
    """``Административный комитет парка``: a Russian organisation name followed by a
    lower-case head noun in the genitive (the park, zone or cluster it belongs to)."""
    if span.lang != "ru" or span.label != "ORG":
        return span
    match = re.match(r"[ ]([а-яё-]+)\b", doc.text[span.end : span.end + 30])
    if match is None:
        return span
    own = head_nouns().head_of(span.text, "ru")
    found = head_nouns().heads([match.group(1)], "ru")
    if own is None or own[1].kind != "org" or not found or found[0][2].kind not in (
        "org", "cluster"
    ) or found[0][2].legal:
        return span
    from kg.corpus.russian import morph

    parses = morph().parse(match.group(1))
    if not parses or parses[0].tag.case != "gent":
        return span
    end = span.end + match.end()
    tail = doc.text[span.end : end]
    return replace(span, end=end, text=span.text + tail, normal=span.normal + tail)


#: English: what stands before a town's name ("headquartered in Bagsværd", "a plant in
#: Cannes", "Lundbeck in Valby"): a participle or noun of siting, or a name, then "in"
LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:headquartered|based|located|situated|plant|site|offices?|campus|factory|"
    r"facilit(?:y|ies)|headquarters|subsidiary|branch)|[A-Z][\w&.-]*\)?)\s+in\s+$"
)


def _locative_type(doc: Document, span: NameSpan) -> Typed | None:
    """A name of one or two capitalised words after a locative ``in`` (:data:`LOCATIVE_BEFORE`)
    is a town, whatever the recogniser guessed (the small model reads unknown Danish towns as
    people or firms)."""
    if span.lang != "en":
        return None
    words = span.text.split()
    if not 1 <= len(words) <= 2 or any(w.isupper() for w in words):
        return None  # "in IBM": an acronym is an organisation
    sentence = doc.sentence_at(span.start)
    if not LOCATIVE_BEFORE.search(doc.text[sentence.start : span.start][-60:]):
        return None
    return Typed(CK.City, "place", 0.75, None, False, True)


#: English: a name followed by where it is headquartered is an organisation
SITED_AFTER = re.compile(r"^\s*,?\s*(?:is\s+)?(?:headquartered|based)\s+(?:in|at)\b")


def _sited_type(doc: Document, span: NameSpan) -> Typed | None:
    """``Novo Nordisk, headquartered in Bagsværd``: a company, whatever the recogniser
    guessed (people are not headquartered)."""
    if span.lang != "en" or not SITED_AFTER.match(doc.text[span.end : span.end + 40]):
        return None
    return Typed(CK.Company, "org", 0.75, None, False, True)


def _is_name(
    doc: Document, span: NameSpan, typed: Typed, places: list[tuple[int, int, bool]]
) -> bool:
    """A span is a name when a word of it is one: capitalised (or a digit), not the head noun,
    a legal form or a demonstrative, and not a common word opening its sentence; and an
    organisation or place named by a plural head is a common noun phrase (``IT-компании``,
    ``Трансмиллий компаниялар``)."""
    if span.recogniser == ABBREVIATED:
        return True  # "Парк высоких технологий (ПВТ)": the abbreviation says it is a name
    heads = head_nouns()
    legal = {k for table in heads.legal.values() for k in table}
    head_words = set(typed.head.split()) if typed.head else set()
    demonstratives = determiners().get(span.lang, frozenset())
    words = re.findall(r"[^\W_][\w‘’']*", bare_name(span.text))
    opening = not doc.text[doc.sentence_at(span.start).start : span.start].strip(' «“"(')
    sentence = doc.sentence_at(span.start)
    if len(words) == 1 and doc.text[sentence.start : sentence.end].strip(" .:") == span.text:
        return False  # a one-word unit is a heading ("Аннотация", "Abstract")
    if typed.kind != "place":  # "АҚШнинг йирик технопарки", "IT-компании": modifiers only
        words = [
            w
            for w in words
            if not any(s <= doc.text.find(w, span.start, span.end) < e for s, e, place in places
                       if not _title_word(w, span, doc) or (place and POSSESSOR.search(w)))
        ]  # (a title-case word inside a sentence opens a name, unless it is a place in the
        # genitive: "Axborot texnologiyalari ... vazirligi", "Jahon ... tashkiloti")
    names = [
        w
        for i, w in enumerate(words)
        if (w[:1].isupper() or w[:1].isdigit())
        and w not in head_words
        and w not in legal
        and w.lower() not in demonstratives
        and not (i == 0 and opening and w.lower() in doc.lower_words)
        and not (i == 0 and opening and _ordinal(w, span.lang))
    ]
    if not names and not (words and words[-1] in head_words and words[-1][:1].isupper()
                          and len(words) < len(re.findall(r"[^\W_][\w‘’']*", span.text))
                          and not opening) and not _named_by_head(words, head_words, span,
                                                                  opening):  # fmt: skip
        return False  # (a capitalised head after a modifier names a thing: "IT Park")
    if span.lang == "en" and not typed.head and _title_case_phrase(doc, words):
        return False  # "Minister of Science and Technology": common words in title case
    if typed.head and typed.kind in ("org", "place", "cluster") and span.label != "PER":
        parts = typed.head.split()  # the head phrase's noun: Russian first ("академии наук")
        main = parts[0] if span.lang == "ru" else parts[-1]
        if _plural_word(main, span.lang) and not any(c in span.text for c in QUOTES):
            return False
    return True


#: an Uzbek place word in a case (genitive, locative, attributive, ablative, dative,
#: accusative): a modifier of the name after it, not a word of that name
POSSESSOR = re.compile(r"(?:нинг|ning|даги|dagi|да|da|дан|dan|га|ga|ни|ni)$", re.IGNORECASE)


def _title_word(word: str, span: NameSpan, doc: Document) -> bool:
    """A title-case word (not an acronym) that does not open its sentence."""
    at = doc.text.find(word, span.start, span.end)
    opening = not doc.text[doc.sentence_at(span.start).start : at].strip(' «“"(')
    return word[:1].isupper() and not word.isupper() and not opening


def _named_by_head(words: list[str], head_words: set[str], span: NameSpan, opening: bool) -> bool:
    """A name made of its head alone: two or more capitalised head words (``Vazirlar
    Mahkamasi``), or in Russian a capitalised head inside the sentence with its lower-case
    complement (``Института физики``: the capital says it is a name)."""
    if len(words) >= 2 and all(w[:1].isupper() for w in words) and set(words) <= head_words:
        return True
    return (span.lang == "ru" and not opening and len(words) >= 2 and words[0] in head_words
            and words[0][:1].isupper())  # fmt: skip


def _ordinal(word: str, lang: str) -> bool:
    """A Russian ordinal numeral (``Первым предприятием нового типа``: no name)."""
    if lang != "ru":
        return False
    from kg.corpus.russian import morph

    parses = morph().parse(word.lower())
    return bool(parses) and "Anum" in parses[0].tag


#: English function words that title case leaves in lower case
TITLE_FUNCTION = frozenset({"of", "and", "the", "for", "in", "on", "at", "to", "&"})


def _title_case_phrase(doc: Document, words: list[str]) -> bool:
    """Every word of an English span is a common word the article also writes in lower case
    (``Science and Technology`` in ``Minister of Science and Technology``): a title or a
    field, not a name."""
    content = [w for w in words if w.lower() not in TITLE_FUNCTION]
    return bool(content) and len(content) < len(words) and all(
        w[:1].isupper() and not w.isupper() and w.lower() in doc.lower_words for w in content
    )


def _plural_word(word: str, lang: str) -> bool:
    if lang == "ru":
        from kg.corpus.russian import morph

        parses = morph().parse(word.lower())
        return bool(parses) and "plur" in parses[0].tag and "Pltm" not in parses[0].tag
    if lang == "en":
        return word.lower().endswith("s") and word.lower() not in singular_plurals()
    return bool(re.search(r"(?:лар|lar)", word.lower()[3:]))


def _earlier_person(span: NameSpan, mentions: list[Mention]) -> URIRef | None:
    """The person named earlier in the article whose name ends with this one-word name."""
    if len(span.text.split()) != 1:
        return None
    for mention in reversed(mentions):
        words = mention.surface.split()
        if kind_of(mention.entity) == "person" and len(words) >= 2 and words[-1] == span.text:
            return mention.entity
    return None


ACRONYM = re.compile(r"[A-ZА-ЯЁЎҚҒҲ][A-ZА-ЯЁЎҚҒҲ0-9&.-]{1,9}|[A-Z][a-z]?[A-Z]{2,8}")


def _short_form_of(doc: Document, spans: list[NameSpan]) -> dict[tuple[int, int], tuple[int, int]]:
    """``Hsinchu Science Park (HSP)``, ``собрания ... (ВСНП)``: a short form in parentheses
    right after a longer name is another name of it (span of the short form -> the name's)."""
    ends = {s.end: s for s in spans}
    out = {}
    for span in spans:
        if not ACRONYM.fullmatch(span.text.strip('«»“”"')):
            continue
        before = doc.text[: span.start]
        if not before.endswith("("):
            continue
        name_end = len(before[:-1].rstrip())
        name = ends.get(name_end)
        if name is not None and name.end - name.start > span.end - span.start:
            out[(span.start, span.end)] = (name.start, name.end)
    return out


def _with_label(description: EntityDescription, label: tuple[str, str, str]) -> EntityDescription:
    if label in description.labels:
        return description
    return replace(description, labels=(*description.labels, label))


def _with_evidence(description: EntityDescription, evidence: Evidence) -> EntityDescription:
    return EntityDescription(
        description.entity, description.classes, description.labels, description.matches,
        evidence,
    )  # fmt: skip


def _countries(doc: Document, lexicon: Lexicon, mentions: list[Mention]) -> set[str]:
    """ISO codes of the countries the article names (to choose among same-named places)."""
    codes: set[str] = set()
    for mention in mentions:
        if kind_of(mention.entity) != "place":
            continue
        place = gazetteer().lookup(lexicon.label(mention.entity, "en"), "en")
        if place is not None and place.level == "country":
            codes.add(place.country)
    return codes


def _only_head_added(span: NameSpan, inside: list[Mention], typed: Typed, lexicon: Lexicon) -> bool:
    """True when the span adds to one lexicon entity only quotes, a head noun, a legal form or
    a case ending: the lexicon mention stands (``“Силикон водийси” лойиҳаси``)."""
    if len(inside) != 1:
        return False
    mention = inside[0]
    rest = (
        span.text[: mention.evidence.start - span.start]
        + " "
        + span.text[mention.evidence.end - span.start :]
    )
    if re.search(r"\d", rest):
        return False  # "«Oʻzbekiston — 2030» strategiyasi": a number makes another name
    words = [w for w in re.findall(r"[^\W\d_][\w‘’'-]*", rest) if len(w) > 3]  # not "ни"
    if not words:
        return True
    decided = head_nouns().head_of(" ".join(words), span.lang)
    if decided is None or len(decided[0].split()) != len(words):
        return False
    head = decided[1]
    if head.kind == "place":  # "Фарғона вилояти" is the region, not the city "Фарғона"
        return head.cls in lexicon.types(mention.entity)
    return True


def _link(
    span: NameSpan, typed: Typed, lexicon: Lexicon, countries: set[str]
) -> tuple[URIRef, float, EntityDescription | None] | None:
    """(IRI, confidence, description of a new resource or None) for a name span."""
    name = bare_name(span.normal or span.text) or span.text
    for candidate in dict.fromkeys((name, bare_name(span.text), latin_form(name, span.lang))):
        found = _lexicon_entity(lexicon, candidate)
        if found is not None:
            return found, LEXICON_LINK_CONFIDENCE, None
    place: Place | None = None
    guessed = not typed.decided and span.label in ("ORG", "PER") and len(name.split()) == 1
    told = typed.decided and typed.kind != "place"  # "зоны Чжухай": the zone, not the city
    if not told and (typed.kind == "place" or span.label in ("LOC", "NAME") or guessed):
        place = _place(name, span, typed, countries)
        if place is not None and place.level != "country" and _acronym(name):
            place = None  # "ОТМ" is not the airport code of Ottumwa
        if guessed and place is not None and place.level == "city" and place.population < 50000:
            place = None  # an organisation or person the model saw is not a village
    if place is not None:
        for _lang, label in place.labels:
            found = _lexicon_entity(lexicon, label)
            if found is not None and place.cls in lexicon.types(found):  # same place, same level
                return found, GAZETTEER_CONFIDENCE, None
        iri = data_iri("place", slugify(place.name.translate(LATIN_LETTERS)))
        if iri in lexicon:
            return iri, GAZETTEER_CONFIDENCE, None
        labels = [("pref", lang, label) for lang, label in place.labels]
        if not any(text == name for _, _, text in labels):  # the name as the text writes it
            labels.append(("alt", span.lang, name))
        place_classes = (place.cls, CK.Place)
        description = EntityDescription(
            iri, place_classes, _unique(labels), place.ids, _NO_EVIDENCE
        )
        return iri, GAZETTEER_CONFIDENCE, description
    if span.label == "NAME" or _currency(name):
        return None
    latin = latin_form(name, span.lang)
    slug = slugify(latin.translate(LATIN_LETTERS))
    if not slug or len(slug) < 2:
        return None
    if typed.kind == "place" and span.label == "ORG" and typed.head and typed.cls != CK.Place:
        # "Pangyo Techno Valley":
        # the model wins over the name's own head, not over what the sentence says ("in La Gaude")
        typed = Typed(CK.Organisation, "org", 0.6, typed.head)
    kind = typed.kind
    iri = data_iri(kind, slug)
    if iri in lexicon:
        return iri, typed.confidence, None
    labels = [("pref", "en", latin)]
    if span.lang != "en" or name != latin:
        labels.append(("alt", span.lang, name))
    quoted = re.search(rf"[{QUOTES}]([^{QUOTES}]+)[{QUOTES}]", span.text)
    if quoted and quoted.group(1).strip() != name:  # «Косонсой-фарм» зонаси: the name itself
        labels.append(("alt", span.lang, quoted.group(1).strip()))
    if span.lang == "uz-Cyrl":
        labels.append(("alt", "uz-Latn", latin))
    classes = tuple(dict.fromkeys((typed.cls, *_kind_base(kind))))
    return iri, typed.confidence, EntityDescription(iri, classes, _unique(labels), (), _NO_EVIDENCE)


_NO_EVIDENCE = Evidence("", 0, 0, EXTRACTOR, 0.0)


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _currency(name: str) -> bool:
    """``DKK``, ``USD``: an ISO 4217 currency code is no organisation."""
    return name in _currency_codes()


def _acronym(name: str) -> bool:
    """``ОТМ``, ``ОТМлари``, ``USA``: capitals (and a suffix)."""
    return bool(re.fullmatch(r"[A-ZА-ЯЁЎҚҒҲ]{2,5}[a-zа-яёўқғҳ‘’]*", name.strip()))


def _kind_base(kind: str) -> tuple[URIRef, ...]:
    return {"place": (CK.Place,), "cluster": (CK.Cluster,)}.get(kind, ())


def _unique(labels: list[tuple[str, str, str]]) -> tuple[tuple[str, str, str], ...]:
    """At most one preferred label per language (the first); later ones become alternatives."""
    seen: set[str] = set()
    out = []
    for prop, lang, text in labels:
        if prop == "pref":
            if lang in seen:
                prop = "alt"
            seen.add(lang)
        out.append((prop, lang, text))
    return tuple(dict.fromkeys(out))


def _lexicon_entity(lexicon: Lexicon, text: str) -> URIRef | None:
    """The lexicon entity whose label covers ``text`` entirely, if exactly one does."""
    if not text.strip():
        return None
    matches = lexicon.match(text, schemes=["entity"])
    stripped = text.strip(QUOTES + " ")
    full = [m for m in matches if m.end - m.start >= len(stripped) - 1]
    return full[0].entity if len({m.entity for m in full}) == 1 else None


def _place(name: str, span: NameSpan, typed: Typed, countries: set[str]) -> Place | None:
    places = gazetteer()
    levels = {CK.Region: "region", CK.City: "city", CK.Country: "country"}
    prefer = levels.get(typed.cls) if typed.decided else None
    found = places.lookup(name, span.lang, countries, prefer)
    if (found is None or found.level != prefer) and typed.head and typed.admin:
        without = " ".join(w for w in name.split() if w not in typed.head.split()
                           and not w.lower().startswith(typed.head.lower()[:5]))  # fmt: skip
        if without and without != name:
            found = places.lookup(without, span.lang, countries, prefer) or found
    if found is None and span.lang != "en":
        found = places.lookup(latin_form(name, span.lang), "en", countries, prefer)
    if found is not None and typed.cls == CK.Region and found.level == "city":
        return None if typed.decided and typed.confidence >= 0.8 else found
    return found


def _short_forms(
    doc: Document, new: list[Mention], mentions: list[Mention], taken: list[tuple[int, int]]
) -> list[Mention]:
    """Later occurrences of a whole name the recogniser missed, later surnames and leading
    parts of organisation names (rule 6)."""
    out: list[Mention] = []
    people = [(m, m.surface.split()) for m in new if kind_of(m.entity) == "person"]
    orgs = [(m, m.surface.split()) for m in new if kind_of(m.entity) in ("org", "cluster")]
    covered = [(m.evidence.start, m.evidence.end) for m in mentions] + taken
    names = {re.sub(r"^(?:the|The)\s+", "", m.surface): m.entity for m in new
             if len(m.surface.split()) >= 2 and m.evidence.extractor == EXTRACTOR}  # fmt: skip
    for name, entity in sorted(names.items(), key=lambda n: -len(n[0])):
        for found in re.finditer(rf"(?<![\w‘’]){re.escape(name)}(?![\w‘’])", doc.text):
            start, end = found.span()
            if any(s < end and start < e for s, e in covered):
                continue
            ev = Evidence(doc.source_id, start, end, EXTRACTOR, SHORT_FORM_CONFIDENCE)
            out.append(Mention(entity, name, ev))
            covered.append((start, end))
    for sentence in doc.sentences:
        for word in re.finditer(r"[A-ZА-ЯЁЎҚҒҲ][\w‘’-]{2,}", sentence.text):
            start, end = sentence.start + word.start(), sentence.start + word.end()
            if any(s < end and start < e for s, e in covered):
                continue
            if word.group().lower() in doc.lower_words or word.start() == 0:
                continue
            for mention, words in people + orgs:
                if mention.evidence.start >= start or len(words) < 2:
                    continue
                if ((mention, words) in people and word.group() == words[-1]) or (
                    (mention, words) in orgs and word.group() == words[0]
                ):
                    ev = Evidence(doc.source_id, start, end, EXTRACTOR, SHORT_FORM_CONFIDENCE)
                    out.append(Mention(mention.entity, word.group(), ev))
                    covered.append((start, end))
                    break
    return out


def _anaphora(
    doc: Document,
    lexicon: Lexicon,
    mentions: list[Mention],
    taken: list[tuple[int, int]],
    classes: dict[URIRef, set[URIRef]],
) -> list[Mention]:
    """Demonstrative + head noun -> the nearest preceding entity of its class (rule 6)."""
    out: list[Mention] = []
    heads = head_nouns()
    covered = [(m.evidence.start, m.evidence.end) for m in mentions] + taken
    topic = _topic_mention(doc, mentions, lexicon)
    for index, sentence in enumerate(doc.sentences):
        words = determiners().get(sentence.lang)
        if not words:
            continue
        base, text = doc.view_of(sentence)
        tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\W\d_][\w‘’'-]*", text)]
        articleless = sentence.lang in ("ru", "uz-Cyrl", "uz-Latn")
        for i, (start, _, word) in enumerate(tokens):
            following = tokens[i + 1][2] if i + 1 < len(tokens) else ""
            bare = articleless and (
                (i == 0 and word[:1].isupper())  # "Зона учун ...", "Корхонага ..."
                or (word[:1].islower() and not following[:1].isupper())  # "население города"
            ) and not _plural_word(word, sentence.lang)  # fmt: skip
            determined = i > 0 and normalise_apostrophes(tokens[i - 1][2].lower()) in words
            quoted = i + 1 < len(tokens) and any(q in text[tokens[i][1] : tokens[i + 1][0]]
                                                 for q in QUOTES)  # 'the "State of ...' # fmt: skip
            if quoted:
                continue
            if i + 1 < len(tokens) and normalise_apostrophes(word.lower()) in words:
                head_word, end, bare = following, tokens[i + 1][1], False
            elif bare and not determined and not _counted(text, start, tokens, i, sentence.lang):
                head_word, end = word, tokens[i][1]  # Russian and Uzbek have no articles
            else:
                continue
            found = heads.heads([head_word], sentence.lang)
            if not found or found[0][2].legal or not found[0][2].anaphor:
                continue
            if _plural_word(head_word, sentence.lang):
                continue  # "The companies", "эти компании": not one entity
            if sentence.lang == "en" and re.match(r"\s+of\s+(?:the\s+)?[A-Z]", text[end:]):
                continue  # "the province of Skåne": a description of the name that follows
            head = found[0][2]
            if bare and i > 0 and _adjective_before(tokens[i - 1][2], sentence.lang):
                continue  # "центрального правительства": a generic noun phrase
            clean = doc.view.clean_span(base + start, base + end)
            if any(s < clean[1] and clean[0] < e for s, e in covered):
                continue
            below = not bare or i == 0  # a subclass too ("Кластер ҳудудида"), not "кластерга"
            window_start = doc.sentences[max(0, index - ANAPHORA_WINDOW)].start
            paragraph = doc.text.rfind("\n", 0, sentence.start) + 1
            candidates = [
                m
                for m in (mentions if bare else mentions + out)  # "the park" ... "the park"
                if min(window_start, paragraph) <= m.evidence.start < clean[0]
                and lexicon.names_resource(m.entity)
                and _fits(m.entity, head.cls, head.kind, lexicon, classes, bare, below)
            ]
            if not candidates and topic is not None and clean[0] > topic.evidence.end \
                    and _fits(topic.entity, head.cls, head.kind, lexicon, classes, True, below):
                candidates = [topic]  # "the park", "резидентов парка" in an article about a park
            if not candidates:
                continue
            if head.kind == "place":  # "шу вилоятнинг": the place named with the same head
                stem = normalise_apostrophes(head_word.lower())[:5]
                candidates = [m for m in candidates if stem in m.surface.lower()] or candidates
            target = max(candidates, key=lambda m: m.evidence.start)
            confidence = BARE_ANAPHORA_CONFIDENCE if bare else ANAPHORA_CONFIDENCE
            ev = Evidence(doc.source_id, clean[0], clean[1], EXTRACTOR, confidence)
            out.append(Mention(target.entity, doc.text[clean[0] : clean[1]], ev))
            covered.append(clean)
    return out


def _topic_mention(doc: Document, mentions: list[Mention], lexicon: Lexicon) -> Mention | None:
    """The first cluster or organisation named in the article's first two units (its title
    and lead): what a definite description with no antecedent nearby refers to."""
    if not doc.sentences:
        return None
    end = doc.sentences[min(1, len(doc.sentences) - 1)].end
    named = [
        m for m in mentions
        if m.evidence.start < end and kind_of(m.entity) in ("cluster", "org")
        and lexicon.names_resource(m.entity)
    ]  # fmt: skip
    return min(named, key=lambda m: m.evidence.start) if named else None


def _counted(text: str, start: int, tokens: list[tuple[int, int, str]], i: int,
             lang: str) -> bool:
    """A noun after a number (``350 та фермер хўжалиги``) or the second word of a head
    phrase is not an anaphor."""
    if re.search(r"\d\s*(?:та|ta|-)?\s*$", text[:start]):
        return True
    if i == 0:
        return False
    pair = [tokens[i - 1][2], tokens[i][2]]
    return any(h[0] == 0 and h[1] == 2 for h in head_nouns().heads(pair, lang))


def _adjective_before(word: str, lang: str) -> bool:
    """Is ``word`` a Russian adjective (the noun after it is a generic noun phrase)?"""
    if lang != "ru" or not word[:1].islower():
        return False
    from kg.corpus.russian import morph

    parses = morph().parse(word)
    return bool(parses) and parses[0].tag.POS in ("ADJF", "PRTF")


def _fits(
    entity: URIRef,
    cls: URIRef,
    kind: str,
    lexicon: Lexicon,
    classes: dict[URIRef, set[URIRef]],
    strict: bool = False,
    below: bool = True,
) -> bool:
    """Does an entity belong to a head noun's class (or at least its kind)? ``strict``: the
    class itself (a bare head noun: "города" is a city, not any place), or one below it when
    ``below`` (a bare noun opening a sentence, "Кластер ҳудудида": any kind of cluster) or the
    class is a company's (any kind of firm)."""
    entity_kind = kind_of(entity)
    if entity_kind != kind:
        return False
    types = lexicon.types(entity) | classes.get(entity, set())
    if cls in types or ((below or cls == CK.Company) and types & subclasses(cls)):
        return True
    if strict:
        return False
    if not types:
        return True
    return kind in ("cluster", "place")
