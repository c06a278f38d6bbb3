"""Corpus loading: catalogue, cleaning with offsets back to the raw text, sentences, languages."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kg.corpus import load_corpus
from kg.corpus.clean import clean_text
from kg.corpus.language import detect_language
from kg.corpus.sentences import split_sentences
from kg.corpus.uzbek import cyrl_to_latn, latn_to_cyrl, strip_suffixes
from kg.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
A000 = "000_294bae6919eed714"
A003 = "003_2c5d2ceac335d1da"


@pytest.fixture(scope="module")
def docs():
    return {d.source_id: d for d in load_corpus()}


def _squash(text: str) -> str:
    """Text modulo whitespace and hyphenation (what cleaning may change)."""
    return re.sub(r"[\s\-]", "", text)


def test_catalogue_order_and_metadata(docs) -> None:
    assert list(docs) == [A000, A003]
    assert docs[A003].meta["language"] == "ru"
    assert docs[A003].meta["catalogue_line"] == 14
    assert len(docs[A000].meta["sha256"]) == 64


def test_sentence_counts_per_article(docs) -> None:
    assert len(docs[A000].sentences) == 143
    assert len(docs[A003].sentences) == 116


def test_languages_per_article(docs) -> None:
    assert Counter(s.lang for s in docs[A000].sentences) == {"uz-Cyrl": 142, "ru": 1}
    # the author line "Усманова Нозимахон Икрам кизи" is Uzbek (patronymic), not Russian
    assert Counter(s.lang for s in docs[A003].sentences) == {
        "ru": 102,
        "en": 7,
        "uz-Latn": 6,
        "uz-Cyrl": 1,
    }
    author = next(s for s in docs[A003].sentences if s.text.startswith("Усманова"))
    assert author.lang == "uz-Cyrl"


def test_running_headers_and_footnotes_removed(docs) -> None:
    doc = docs[A003]
    assert doc.meta["removed_headers"] == [
        "№6-SON IYUN, 2025-YIL",
        "WWW.MARKETINGJOURNAL.UZ  172",
        "ILMIY, AMALIY VA OMMABOP JURNAL",
    ]
    assert doc.meta["removed_footnotes"] == ["1 Разработана автором."]
    for noise in ("MARKETINGJOURNAL", "OMMABOP", "2025-YIL", "Узбекистане1", "Разработана"):
        assert noise not in doc.text
    assert "Рис. 1. Основные проблемы инновационного развития предприятий в Узбекистане" in [
        s.text for s in doc.sentences
    ]
    assert docs[A000].meta["removed_headers"] == []


def test_hyphenation_and_broken_lines(docs) -> None:
    text000, text003 = docs[A000].text, docs[A003].text
    assert "венчур капитали билан илмий-тадқиқот марказлари" in text000  # compound hyphen kept
    assert "биотехнологиялар), Бостон" in text000  # broken word "биотехнология-лар" rejoined
    assert "intra-cluster competition" in text003
    assert "\n\n" not in text000 and "  " not in text000
    assert "илмий-\n" not in text000


def test_offset_map_points_back_to_raw_text(docs) -> None:
    for doc in docs.values():
        assert len(doc.offset_map) == len(doc.text)
        assert list(doc.offset_map) == sorted(set(doc.offset_map))  # strictly increasing
        for sentence in doc.sentences:
            start, end = doc.raw_span(sentence.start, sentence.end)
            assert _squash(doc.raw_text[start:end]) == _squash(sentence.text)
    doc = docs[A000]
    start = doc.text.index("илмий-тадқиқот марказлари ўртасидаги")
    raw = doc.raw_span(start, start + len("илмий-тадқиқот"))
    assert doc.raw_text[raw[0] : raw[1]] == "илмий-\n\nтадқиқот"


def test_sentence_units(docs) -> None:
    texts000 = [s.text for s in docs[A000].sentences]
    texts003 = [s.text for s in docs[A003].sentences]
    assert "Силикон водийси учун қуйидагилар хосдир[6]:" in texts000
    assert "• Юқори рақобат даражаси;" in texts000  # bullet item
    assert "1-жадвал" in texts000  # table caption line
    assert "Ишлаб чиқариш асоси" in texts000  # table cell
    assert "ВВЕДЕНИЕ" in texts003  # heading
    assert "• Обмен знаниями." in texts003
    porter = next(t for t in texts003 if t.startswith("Понятие кластера"))
    assert porter.endswith("сотрудничающих одновременно [1].")  # "М. Портером" is not a break
    for doc in docs.values():
        for s in doc.sentences:
            assert doc.text[s.start : s.end] == s.text and s.text == s.text.strip()


def test_split_sentences_rules() -> None:
    text = "Рис. 1. Схема кластера. См. т.ч. данные. Х.Чесбро развил идею [2]. Новая мысль."
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == [
        "Рис. 1. Схема кластера.",
        "См. т.ч. данные.",
        "Х.Чесбро развил идею [2].",
        "Новая мысль.",
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # a number scale after a number abbreviates a word of the sentence (invented sentences)
        ("Завод стоит 50 млн. АҚШ доллари. Кейинги гап.",
         ["Завод стоит 50 млн. АҚШ доллари.", "Кейинги гап."]),
        ("Loyiha 1,2 mln. AQSh dollari turadi.", ["Loyiha 1,2 mln. AQSh dollari turadi."]),
        ("Revenue was 3 bn. USD in 2020.", ["Revenue was 3 bn. USD in 2020."]),
        # before an ordinary capitalised word, or without a number, the period ends a sentence
        ("Выручка составила 17 млн. За год она выросла.",
         ["Выручка составила 17 млн.", "За год она выросла."]),
        ("Это млн. США потом.", ["Это млн.", "США потом."]),
    ],
)
def test_number_scales_end_no_sentence(text: str, parts: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == parts


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Кластерларнинг ривожланиши икки йўналишда амалга ошмоқда.", "uz-Cyrl"),
        (
            "Бундай компаниялар орасида мазкур соҳанинг Intel, Apple Inc, Cisco Systems, Adobe "
            "Systems, Symantec, Advanced Micro Devices каби етакчилари мавжуд.",
            "uz-Cyrl",
        ),
        (
            "ЕИда икки мингдан ортиқ кластерларда жами 38 фоиздан ортиқ ишчи кучи меҳнат "
            "қилади[4].",
            "uz-Cyrl",
        ),
        ("В статье: раскрыто сущность кластеров его место в экономике.", "ru"),
        (
            "Согласно отчету OECD, транснациональные инновационные сети (Global Innovation "
            "Networks) становятся основным механизмом глобализации НИОКР.",
            "ru",
        ),
        (
            "Silikon vodiysi (AQSh) va Germaniyadagi avtomobil klasteri kabi xalqaro tajribalar "
            "sanoat innovatsiyalarini rivojlantirish va global integratsiyani ta’minlashda "
            "klasterlarning kuchli salohiyatini namoyon etadi.",
            "uz-Latn",
        ),
        ("Kalit so‘zlar: klaster, innovatsion ekotizim, sanoat korxonasi.", "uz-Latn"),
        (
            "International case studies, such as Silicon Valley and the German automotive "
            "cluster, illustrate the transformative potential of clusters.",
            "en",
        ),
        ("[1], [5].", None),
    ],
)
def test_language_detection_on_real_sentences(sentence: str, lang: str | None) -> None:
    assert detect_language(sentence) == lang


def test_headings_take_the_language_of_their_text(docs) -> None:
    langs = {s.text: s.lang for s in docs[A003].sentences}
    assert langs["Annotatsiya"] == "uz-Latn"
    assert langs["Abstract"] == "en"
    assert langs["Аннотация"] == "ru"


def test_uzbek_morphology_and_transliteration() -> None:
    assert "кластер" in strip_suffixes("кластерларнинг")
    assert "кластер" in strip_suffixes("кластерларга")
    assert "klaster" in strip_suffixes("klasterlarning")
    assert cyrl_to_latn("Ўзбекистон") == "o‘zbekiston"
    assert latn_to_cyrl("O'zbekiston") == "ўзбекистон"
    assert latn_to_cyrl("Silikon vodiysi") == "силикон водийси"


def test_clean_text_keeps_a_map_for_every_character() -> None:
    raw = "WWW.MARKETINGJOURNAL.UZ  45\n\nНачало строки с пере-\n\nносом слова.\n Новая страница."
    result = clean_text(raw)
    assert result.text == "Начало строки с переносом слова.\nНовая страница."
    assert result.removed_headers == ("WWW.MARKETINGJOURNAL.UZ  45",)
    assert [raw[o] for o in result.offset_map[:6]] == list("Начало")


@pytest.mark.parametrize(
    ("corpus", "message"),
    [
        ("corpus_bad_encoding", "201_latin1.txt:3: not UTF-8"),
        ("corpus_empty_file", "202_empty.txt: the article file is empty"),
        (
            "corpus_missing_file",
            "sources.yaml:4: file listed in the catalogue is missing: 204_absent.txt",
        ),
        ("corpus_bad_yaml", "sources.yaml:5: malformed YAML"),
    ],
)
def test_bad_input_names_the_file(corpus: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_corpus(FIXTURES / corpus)
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_bad_catalogue_entries(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("- title: no file here\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"sources.yaml:1: entry 1 has no 'file' field"):
        load_corpus(tmp_path)
    (tmp_path / "sources.yaml").write_text("file: a.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match="must be a YAML list"):
        load_corpus(tmp_path)
    with pytest.raises(InputError, match="corpus directory not found"):
        load_corpus(tmp_path / "nowhere")


def test_new_article_is_cleaned_like_the_corpus() -> None:
    (doc,) = load_corpus(FIXTURES / "corpus_new")
    assert doc.source_id == "101_pangyo_cluster"
    assert doc.meta["removed_headers"] == ["№3-SON MART, 2025-YIL", "WWW.MARKETINGJOURNAL.UZ  45"]
    assert doc.meta["removed_footnotes"] == ["1 По данным администрации кластера."]
    assert "совместно финансируют исследования" in doc.text  # broken word rejoined
    assert "научно-исследовательские" in doc.text  # compound hyphen kept
    assert len(doc.sentences) == 17
    assert Counter(s.lang for s in doc.sentences) == {"ru": 15, "en": 2}
