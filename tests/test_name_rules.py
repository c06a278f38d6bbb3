"""The general name rules of open entity extraction, on short texts written for these tests
(no name of the development corpus or the seed articles): span repairs, Russian and Uzbek
morphology of names, typing by the words around a name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from kg.corpus import Document, load_document
from kg.extract import entities, recognisers
from kg.extract.kinds import head_nouns
from kg.extract.recognisers import NameSpan, Recognisers
from kg.extract.uzbek_names import normal_form, uzbek_spans
from kg.namespace import CK


@lru_cache(maxsize=1)
def models() -> Recognisers:
    return Recognisers()


def document(tmp_path: Path, text: str, lang: str) -> Document:
    path = tmp_path / f"{lang}.txt"
    path.write_text(text, encoding="utf-8")
    return load_document(path, text, {"language": lang})


def uzbek(tmp_path: Path, text: str, lang: str) -> list[str]:
    doc = document(tmp_path, text, lang)
    return [s.text for sentence in doc.sentences for s in uzbek_spans(doc, sentence)]


# -- Uzbek ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("PF-6079-son farmoni", "PF-6079-son farmon"),  # no izofa after a number adjective
        ("Samarqand davlat universiteti", "Samarqand davlat universiteti"),  # possessive kept
        ("Бухоро вилоятида", "Бухоро вилояти"),  # the head's possessive, not the case
        ("Toshkent shahrida", "Toshkent shahri"),
        ("Маршаллнинг", "Маршалл"),  # not a head: the case ending goes
        ("Ўзбекистон Республикасининг Инновация жамғармаси",
         "Ўзбекистон Республикаси Инновация жамғармаси"),  # a genitive inside the name
    ],
)  # fmt: skip
def test_uzbek_normal_forms(written: str, normal: str) -> None:
    assert normal_form(written) == normal


def test_uzbek_opening_common_word_is_skipped_alone(tmp_path: Path) -> None:
    spans = uzbek(tmp_path, "Кириш. Зона Самарқанд шаҳри яқинида жойлашган.", "uz-Cyrl")
    assert spans == ["Самарқанд шаҳри"]


def test_uzbek_opening_head_noun_is_not_part_of_the_name(tmp_path: Path) -> None:
    text = "Kirish. Loyiha Innovatsion rivojlanish vazirligi bilan kelishilgan."
    assert uzbek(tmp_path, text, "uz-Latn") == ["Innovatsion rivojlanish vazirligi"]


def test_uzbek_name_stops_at_a_genitive_before_common_words(tmp_path: Path) -> None:
    text = "Кириш. Ж. Каримовнинг маълумотига кўра, ҳудудда 12 корхона бор."
    assert uzbek(tmp_path, text, "uz-Cyrl") == ["Ж. Каримовнинг"]


def test_uzbek_latin_names_in_cyrillic_text(tmp_path: Path) -> None:
    text = "Кириш. Рейтингни fDi Markets тузди, Korean Air Самарқанд аэропортига учади."
    spans = uzbek(tmp_path, text, "uz-Cyrl")
    assert "fDi Markets" in spans and "Korean Air" in spans  # camel case; no run across scripts
    assert "Самарқанд аэропорти" in [normal_form(s) for s in spans]


def test_uzbek_quoted_title_opening_with_years(tmp_path: Path) -> None:
    text = "Kirish. Hukumat “2022–2026-yillarda raqamli iqtisodiyot strategiyasi” ni qabul qildi."
    spans = uzbek(tmp_path, text, "uz-Latn")
    assert spans == ["“2022–2026-yillarda raqamli iqtisodiyot strategiyasi”"]


# -- heads ------------------------------------------------------------------------------------


def test_academy_of_sciences_is_a_research_body_not_a_university() -> None:
    heads = head_nouns()
    for text, lang in (("Сибирской академии наук", "ru"), ("Фанлар академияси", "uz-Cyrl"),
                       ("Fanlar akademiyasi", "uz-Latn")):  # fmt: skip
        assert heads.type_of(text, "ORG", lang).cls == CK.ResearchInstitute
    assert heads.type_of("Пермской академии", "ORG", "ru").cls == CK.University


def test_infrastructure_is_a_place() -> None:
    typed = head_nouns().type_of("Golden Gate Bridge", "ORG", "en")
    assert (typed.cls, typed.kind) == (CK.Place, "place")


# -- Russian ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "nominative"),
    [("Цзюнем", "Цзюнь"), ("Чжанем", "Чжань"), ("Фэем", "Фэй"), ("Линьбоком", "Линьбок"),
     ("Ли", "Ли")],
)  # fmt: skip
def test_masculine_instrumental_of_unknown_names(written: str, nominative: str) -> None:
    assert recognisers._masculine_instrumental(written) == nominative


def test_russian_numbered_acts_and_abbreviated_names(tmp_path: Path) -> None:
    text = (
        "Закон Республики Казахстан № 45 «О науке» принят в 2011 году. "
        "Фонд развития предпринимательства (ФРП) создан в Алматы. "
        "Постановлением № 7 «Об инновациях» создана комиссия."
    )
    doc = document(tmp_path, text, "ru")
    spans = {s.text: s for s in models().spans(doc) if s.recogniser != "natasha"}
    act = spans["45 «О науке»"]
    assert (act.normal, act.descriptor) == ("Закон № 45 «О науке»", "Закон")
    assert spans["Постановлением № 7 «Об инновациях»"].normal == "Постановление № 7 «Об инновациях»"
    second = doc.sentences[1]
    base, view = doc.view_of(second)
    found = recognisers._acronym_names(doc, base, view)
    assert [(s.text, s.recogniser) for s in found] == [
        ("Фонд развития предпринимательства", recognisers.ABBREVIATED),
        ("ФРП", recognisers.ABBREVIATED),
    ]
    # a title's own head does not type the act: a law, not a science body
    assert entities._own_head(act, "ORG") is None


def test_russian_abbreviation_must_spell_the_initials(tmp_path: Path) -> None:
    doc = document(tmp_path, "Фонд развития предпринимательства (ФНП) создан в 2010 году.", "ru")
    assert recognisers._acronym_names(doc, 0, doc.text) == []


# -- English ----------------------------------------------------------------------------------


def test_english_headed_runs_the_model_may_miss(tmp_path: Path) -> None:
    text = "They cited the Annual Innovation Outlook Report and the Science and Technology of it."
    doc = document(tmp_path, text, "en")
    runs = recognisers._english_headed_runs(doc, 0, doc.text, [])
    assert [r.text for r in runs] == ["Annual Innovation Outlook Report"]
    assert recognisers._english_headed_runs(doc, 0, doc.text, [(20, 30)]) == []  # the model's


def test_english_span_repairs() -> None:
    assert recognisers._unbalanced_quote('the "State of Cluster Development')
    assert not recognisers._unbalanced_quote('"Un Quartier latin"')
    assert recognisers.HYPHEN_PREFIX.search("founded by Kwan-")
    assert not recognisers.HYPHEN_PREFIX.search("the so-")


def test_english_typing_from_the_words_around_a_name(tmp_path: Path) -> None:
    text = (
        "The firm moved to the province of Zeeland in 1990. It joined the Twente cluster "
        "and the Capital Region of Norway. The Minister of Science and Technology spoke; "
        "science and technology matter."
    )
    doc = document(tmp_path, text, "en")

    def span(name: str, label: str) -> NameSpan:
        start = doc.text.index(name)
        return NameSpan(start, start + len(name), name, label, "en", "spacy", name)

    typed = entities._of_type(doc, span("Zeeland", "PER"))
    assert typed is not None and typed.cls == CK.Region
    assert entities._of_type(doc, span("Twente", "LOC")) is None
    cluster = entities._with_head_after(doc, span("Twente", "LOC"))
    assert (cluster.text, cluster.label) == ("Twente cluster", "ORG")
    joined = entities._joined(doc, [span("Capital Region", "LOC"), span("Norway", "LOC")])
    assert [s.text for s in joined] == ["Capital Region of Norway"]
    words = ["Science", "and", "Technology"]
    assert entities._title_case_phrase(doc, words)
    assert not entities._title_case_phrase(doc, ["Zeeland", "and", "Technology"])


def test_international_organisations_by_their_opening_word() -> None:
    heads = head_nouns()
    for text, lang in (("Jahon sayyohlik tashkiloti", "uz-Latn"),
                       ("Всемирная метеорологическая организация", "ru"),
                       ("International Labour Organization", "en")):  # fmt: skip
        assert heads.type_of(text, "ORG", lang).cls == CK.InternationalOrganisation
    assert heads.type_of("Shanghai Cooperation Organisation", "ORG", "en").cls == CK.Organisation
    assert heads.type_of("World Bank", "ORG", "en").cls == CK.FinancialInstitution


def test_uzbek_quoted_modifier_of_a_plural_common_noun_is_no_name(tmp_path: Path) -> None:
    text = "Kirish. Park «Smart City» texnologiyalarini va «Data Park» kompaniyasini qo‘llaydi."
    doc = document(tmp_path, text, "uz-Latn")
    spans = [(s.text, s.label) for sentence in doc.sentences for s in uzbek_spans(doc, sentence)]
    # the modifier is left to the capitalised-run rule (a NAME, kept only if a gazetteer knows it)
    assert spans == [("Smart City", "NAME"), ("«Data Park» kompaniyasini", "ORG")]
