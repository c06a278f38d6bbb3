"""Statistics of unseen texts: sources, back references, defaults, shares, gapped counts.

Each text is written for the test (not taken from a corpus); the entities are lexicon
entries, found by the lexicon matcher.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from corpus_support import lexicon

from kg.extract import statistics
from kg.extract.mentions import find_mentions
from kg.extract.numbers import find_numbers
from kg.extract.records import Observation


def short(iri: object) -> str | None:
    return str(iri).split("/id/", 1)[1] if iri is not None else None


def figures(tmp_path: Path, text: str, lang: str) -> list[tuple]:
    from kg.corpus import load_document

    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path, text, {"language": lang})
    found = statistics.extract(doc, lexicon(), find_mentions(doc, lexicon()))
    return [
        (short(o.indicator), o.value, short(o.unit), short(o.subject), short(o.ref_area))
        for o in found
        if isinstance(o, Observation)
    ]


def test_the_source_of_a_figure_is_not_its_subject(tmp_path: Path) -> None:
    text = "Apple\n\nВ 2020 году выручка составила 10 млрд долларов, по данным компании Intel.\n"
    assert figures(tmp_path, text, "ru") == [
        ("indicator/amount-of-money", Decimal(10**10), "unit/usd", "org/apple-inc",
         "place/california")  # the subject's ck:locatedIn of the lexicon
    ]
    text = "Apple\n\nIntel ma’lumotlariga ko‘ra, 2020-yilda 300 ta korxona ro‘yxatdan o‘tgan.\n"
    assert figures(tmp_path, text, "uz-Latn") == [
        ("indicator/number-of-korxona", Decimal(300), "unit/count", "org/apple-inc",
         "place/california")
    ]


def test_a_pronoun_refers_to_the_first_named_subject_of_the_sentence_before(
    tmp_path: Path,
) -> None:
    text = "Chips\n\nIntel is larger than Apple. Its 30 factories make chips.\n"
    assert figures(tmp_path, text, "en") == [
        ("indicator/number-of-factory", Decimal(30), "unit/count", "org/intel",
         "place/santa-clara")
    ]


def test_a_clause_opening_mention_is_the_subject(tmp_path: Path) -> None:
    text = "Чипы\n\nIntel в 2010 году продала завод компании Apple за 2 млрд долларов.\n"
    assert figures(tmp_path, text, "ru")[0][3] == "org/intel"
    # ", а" opens a clause of its own subject
    text = ("Чипы\n\nIntel выросла из лаборатории, а компания Apple открыла "
            "12 заводов.\n")
    assert figures(tmp_path, text, "ru")[0][3] == "org/apple-inc"


def test_the_title_place_is_the_area_of_figures_naming_none(tmp_path: Path) -> None:
    text = "Technoparks of Uzbekistan\n\nIn 2024 the ministry registered 12 technoparks.\n"
    assert figures(tmp_path, text, "en") == [
        ("indicator/number-of-technopark", Decimal(12), "unit/count", None, "place/uzbekistan")
    ]
    # "мамлакатда" with no place in its paragraph: the country of the text before
    text = ("Саноат\n\nЎзбекистон ва Intel ҳамкорлик қилади.\n\n"
            "Мамлакатда 14 та технопарк бор.\n")  # fmt: skip
    found = figures(tmp_path, text, "uz-Cyrl")
    assert [(f[1], f[4]) for f in found] == [(Decimal(14), "place/uzbekistan")]


def test_percentages_of_a_noun_mint_a_share_indicator(tmp_path: Path) -> None:
    text = "Intel\n\nIn 2019 chips made about 40% of the company's sales.\n"
    assert figures(tmp_path, text, "en") == [
        ("indicator/share-of-sale", Decimal(40), "unit/percent", "org/intel",
         "place/santa-clara")
    ]
    text = "Intel\n\n2020-yilda savdoning 40 foizi Osiyoga to‘g‘ri kelgan.\n"
    assert figures(tmp_path, text, "uz-Latn")[0][:3] == (
        "indicator/share-of-savdo", Decimal(40), "unit/percent"
    )
    text = "Intel\n\nВ 2020 году на чипы пришлось 60 % выручки.\n"
    assert figures(tmp_path, text, "ru")[0][:3] == (
        "indicator/share-of-vyruchka", Decimal(60), "unit/percent"
    )
    # no noun after the percentage: no statistic
    assert figures(tmp_path, "Intel\n\nIn 2019 it grew by 40%.\n", "en") == []


def test_number_words_count_plural_nouns(tmp_path: Path) -> None:
    text = "Intel\n\nIntel runs six factories next to the two plants of Apple.\n"
    assert figures(tmp_path, text, "en") == [
        ("indicator/number-of-factory", Decimal(6), "unit/count", "org/intel",
         "place/santa-clara")
    ]
    text = "Intel\n\nВ 2020 году Intel открыла семь заводов.\n"
    assert [f[:3] for f in figures(tmp_path, text, "ru")] == [
        ("indicator/number-of-zavod", Decimal(7), "unit/count")
    ]


def test_uzbek_partitive_and_gapped_counts_share_the_counted_noun(tmp_path: Path) -> None:
    text = ("Intel\n\nIntel korxonalari soni 40 taga yetdi. "
            "Ulardan 25 tasi shaharda, 15 tasi qishloqlarda joylashgan.\n")  # fmt: skip
    assert [f[:2] for f in figures(tmp_path, text, "uz-Latn")] == [
        ("indicator/number-of-korxona", Decimal(40)),
        ("indicator/number-of-korxona", Decimal(25)),
        ("indicator/number-of-korxona", Decimal(15)),
    ]
    text = ("Intel\n\nKompaniya shaharda (5 ta), qishloqlarda 4 ta, tumanlarda esa 3 tadan "
            "ombor qurib bitkazdi va ishga tushirdi.\n")  # fmt: skip
    assert [f[:2] for f in figures(tmp_path, text, "uz-Latn")] == [
        ("indicator/number-of-ombor", Decimal(5)),
        ("indicator/number-of-ombor", Decimal(4)),
        ("indicator/number-of-ombor", Decimal(3)),
    ]


def test_a_range_shares_the_unit_written_after_its_end(tmp_path: Path) -> None:
    text = "Intel\n\nВыручка Intel выросла с 2 млн до 5 млрд долларов.\n"
    assert [(f[1], f[2]) for f in figures(tmp_path, text, "ru")] == [
        (Decimal(2_000_000), "unit/usd"), (Decimal(5_000_000_000), "unit/usd")
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a date: the month with the Uzbek locative ending
        ("Intel\n\nҚарор 2021 йил 9 майда кучга кирди ва ҳудудлар ўртасида тақсимланди.\n",
         "uz-Cyrl"),
        ("Intel\n\nThe two plants of Intel are old.\n", "en"),  # a reference, not a count
    ],
)
def test_not_figures(tmp_path: Path, text: str, lang: str) -> None:
    assert figures(tmp_path, text, lang) == []


def test_a_page_is_marked_by_s_with_its_dot_only() -> None:
    assert [n.value for n in find_numbers("см. с. 12", lang="ru")] == []
    assert [n.value for n in find_numbers("выросла с 5 млн до 9 млн", lang="ru")] == [
        Decimal(5_000_000), Decimal(9_000_000)
    ]
