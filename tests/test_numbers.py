"""Numbers with multipliers, units and qualifiers, on sentences of the articles."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pytest

from kg.corpus import Document, load_corpus
from kg.extract.numbers import find_numbers, parse_number, qualifier_of


@lru_cache(maxsize=1)
def docs() -> dict[str, Document]:
    return {doc.source_id: doc for doc in load_corpus()}


def found(text: str) -> list[tuple[str, Decimal, str, str]]:
    return [(n.surface, n.value, n.unit, n.qualifier) for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "дунё иқтисодиётининг етакчи мамлакатларининг қарийб 50 фоизга яқини "
            "кластерлаштириш жараёнига тортилган.",
            [("қарийб 50 фоизга яқини", Decimal(50), "percent", "approximately")],
        ),
        (
            "Бразилия, Чили каби мамлакатларини қўшганда 70 дан ортиқ кластерлар",
            [("70 дан ортиқ", Decimal(70), "count", "more-than")],
        ),
        (
            "мамлакат ЯИМининг 60 фоиздан кўпроқ қисми ишлаб чиқарилмоқда.",
            [("60 фоиздан кўпроқ", Decimal(60), "percent", "more-than")],
        ),
        (
            "ЕИда икки мингдан ортиқ кластерларда жами 38 фоиздан ортиқ ишчи кучи меҳнат "
            "қилади[4].",
            [
                ("икки мингдан ортиқ", Decimal(2000), "count", "more-than"),
                ("38 фоиздан ортиқ", Decimal(38), "percent", "more-than"),
            ],
        ),
        (
            "Мамлакатда берилаётган патентларнинг 97 фоизи кластерлар улушига тўғри келади [7].",
            [("97 фоизи", Decimal(97), "percent", "exact")],
        ),
        (
            "Мазкур кластер ҳудудида 87 мингта компания, бир неча ўн илмий-тадқиқот марказлари",
            [("87 мингта", Decimal(87000), "count", "exact")],
        ),
        (
            "180 та венчур корхоналари ва 700 та банклар фаолият кўрсатади.",
            [
                ("180 та", Decimal(180), "count", "exact"),
                ("700 та", Decimal(700), "count", "exact"),
            ],
        ),
        (
            "хизматлар кўрсатувчи 7 мингдан ортиқ юқори технологияли компаниялар",
            [("7 мингдан ортиқ", Decimal(7000), "count", "more-than")],
        ),
        (
            "давлатдан ҳар йили қарийб 2 миллиард АҚШ долларидан ошиқроқ молиявий кўмак олади.",
            [
                (
                    "қарийб 2 миллиард АҚШ долларидан ошиқроқ",
                    Decimal(2_000_000_000),
                    "usd",
                    "approximately",
                )
            ],
        ),
        (
            "ходимлар учун 40 мингдан ошиқ иш ўринлари яратилган[8].",
            [("40 мингдан ошиқ", Decimal(40000), "count", "more-than")],
        ),
        # Russian, English and Uzbek Latin forms of the same grammar
        ("87 000 компаний", [("87 000", Decimal(87000), "count", "exact")]),
        (
            "около 1,5 млрд долл.",
            [("около 1,5 млрд долл.", Decimal(1_500_000_000), "usd", "approximately")],
        ),
        ("более 12 тыс. рабочих мест", [("более 12 тыс.", Decimal(12000), "count", "more-than")]),
        ("менее 10 процентов", [("менее 10 процентов", Decimal(10), "percent", "less-than")]),
        ("свыше 38%", [("свыше 38%", Decimal(38), "percent", "more-than")]),
        (
            "over 3 billion USD",
            [("over 3 billion USD", Decimal(3_000_000_000), "usd", "more-than")],
        ),
        ("nearly 50 percent", [("nearly 50 percent", Decimal(50), "percent", "approximately")]),
        (
            "qariyb 2 milliard",
            [("qariyb 2 milliard", Decimal(2_000_000_000), "count", "approximately")],
        ),
    ],
)
def test_quantities(text: str, expected: list[tuple[str, Decimal, str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1950-йилларнинг ўрталарига келиб мамлакатда иқтисодий вазиятнинг ёмонлашиши",
        "19-асрнинг охири ва 20-асрнинг бошларида яшаб",
        "Ўтган асримизнинг 90-йилларидан бошлаб",
        "назарий жиҳатдан асослаб берилган [3].",
        "1-жадвал",
        "1-расмда тадқиқотлар асосида",
        "№6-SON IYUN, 2025-YIL",
        "Рис. 1. Основные проблемы инновационного развития предприятий в Узбекистане1",
        "1. Фрагментированность инновационной инфраструктуры.",
        "Кластерларнинг ривожланиши икки йўналишда амалга ошмоқда.",
        "бир неча ўн илмий-тадқиқот марказлари",
        "учта институционал сектор (бизнес, фан ва ҳокимият)",
    ],
)
def test_not_quantities(text: str) -> None:
    assert found(text) == []


def test_every_number_of_the_articles() -> None:
    doc000 = docs()["000_294bae6919eed714"]
    numbers = find_numbers(doc000.text)
    assert [n.surface for n in numbers] == [
        "қарийб 50 фоизга яқини", "70 дан ортиқ", "50 фоизга яқини", "60 фоиздан кўпроқ",
        "икки мингдан ортиқ", "38 фоиздан ортиқ", "31 та", "36 фоизи", "50 фоизга яқини",
        "97 фоизи", "87 мингта", "180 та", "700 та", "7 мингдан ортиқ",
        "қарийб 2 миллиард АҚШ долларидан ошиқроқ", "40 мингдан ошиқ",
    ]  # fmt: skip
    for n in numbers:
        assert doc000.text[n.start : n.end] == n.surface
    assert find_numbers(docs()["003_2c5d2ceac335d1da"].text) == []


def test_parse_number_and_qualifiers() -> None:
    parsed = parse_number("икки мингдан ортиқ")
    assert parsed is not None and (parsed.value, parsed.qualifier) == (Decimal(2000), "more-than")
    assert parse_number("ҳеч нарса") is None
    assert qualifier_of("қарийб 2 миллиард АҚШ долларидан ошиқроқ") == "approximately"
    assert qualifier_of("97 фоизи") == "exact"
    assert qualifier_of("менее 5") == "less-than"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("over 1,500 companies", "en", "1500"),  # English group separator
        ("3,200,000 people", "en", "3200000"),
        ("1,234.5 hectares", "en", "1234.5"),
        ("1.5 billion", "en", "1500000000"),
        ("1,5 млрд", "ru", "1500000000"),  # Russian decimal comma
        ("1,500 млн", "ru", "1500000"),  # still a decimal comma in Russian
        ("1 500 компаний", "ru", "1500"),
        ("12 345,6 млн", "ru", "12345600000"),
        ("1.500.000 рублей", "ru", "1500000"),  # repeated three-digit groups
        ("2.5 млрд", "ru", "2500000000"),
        ("1,5 миллиард", "uz-Cyrl", "1500000000"),
    ],
)
def test_digits_read_by_the_passage_locale(text: str, lang: str, value: str) -> None:
    found = find_numbers(text, lang=lang)
    assert [n.value for n in found] == [Decimal(value)]
