"""The normalised view: what recognisers read, and the map back to the text as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import load_document
from kg.corpus.language import assign_languages, detect_language
from kg.corpus.normalise import fold_uzbek_ocr, normalise, unify_uzbek_apostrophes


@pytest.mark.parametrize(
    ("written", "view"),
    [
        ("Ско\u0301лково", "Сколково"),  # combining stress mark (Russian Wikipedia)
        ("Сколко\u0300во", "Сколково"),  # grave used as a stress mark
        ("вы\u00adсо\u200bкий", "высокий"),  # soft hyphen, zero-width space
        ("и\u0306 е\u0308", "й ё"),  # breve and diaeresis compose (NFC), not dropped
        ("Que\u0301bec", "Québec"),  # an accent on a Latin letter is spelling
        ("aгрокластер", "агрокластер"),  # Latin a inside a Cyrillic word
        ("Silicоn", "Silicon"),  # Cyrillic о inside a Latin word
        ("IT-компании", "IT-компании"),  # two words, each in one script
        ("Сloud", "Cloud"),  # Cyrillic С in a Latin word
        ("Шlюз", "Шlюз"),  # Latin "l" has no Cyrillic look-alike: left alone
    ],
)
def test_view_text(written: str, view: str) -> None:
    assert normalise(written).text == view


def test_offsets_map_back_to_the_text_as_written() -> None:
    written = "Фонд «Ско\u0301лково» и aгрокластер"
    view = normalise(written)
    start = view.text.index("Сколково")
    clean = view.clean_span(start, start + len("Сколково"))
    assert written[clean[0] : clean[1]] == "Ско\u0301лково"
    start = view.text.index("агрокластер")
    clean = view.clean_span(start, start + len("агрокластер"))
    assert written[clean[0] : clean[1]] == "aгрокластер"
    assert view.view_span(0, len(written)) == (0, len(view.text))
    for i in range(len(view.text)):  # monotonic, and every view char maps to a written one
        assert view.to_clean[i] < view.to_clean[i + 1]
        assert view.to_view[view.to_clean[i]] == i


def test_uzbek_apostrophes_only_where_asked() -> None:
    text = "Oʻzbekiston, O'zbekiston, o`g'li, ma'lumot; don't"
    out = unify_uzbek_apostrophes(text, 0, text.index(";"))
    assert out == "O‘zbekiston, O‘zbekiston, o‘g‘li, ma’lumot; don't"
    assert len(out) == len(text)


def test_ocr_fold() -> None:
    assert fold_uzbek_ocr("Ўзбекистон қишлоқ хўжалиги") == fold_uzbek_ocr(
        "Узбекистон кишлок хужалиги"
    )


def test_document_view_unifies_apostrophes_in_uzbek_latin_only(tmp_path: Path) -> None:
    raw = "Ushbu maqolada O'zbekiston klasterlari va ularning o'rni yoritilgan.\n"
    raw += "The article explores what doesn't work in the clusters of the country.\n"
    path = tmp_path / "a.txt"
    path.write_text(raw, encoding="utf-8")
    doc = load_document(path, raw, {"language": "uz-Latn"})
    assert [s.lang for s in doc.sentences] == ["uz-Latn", "en"]
    assert "O‘zbekiston" in doc.view.text and "o‘rni" in doc.view.text
    assert "doesn't" in doc.view.text
    assert doc.text == raw.strip().replace("\n", "\n")  # the clean text keeps what was written


def test_language_rules() -> None:
    assert detect_language("Усманова Нозимахон Икрам кизи") == "uz-Cyrl"
    assert detect_language("Каримов Бахтиёр Алишер ўғли") == "uz-Cyrl"
    assert detect_language("Ско\u0301лково — инновационный центр в Московской области") == "ru"
    # an article catalogued in an unsupported language keeps it unless a sentence is sure
    texts = ["Der Cluster in Stuttgart ist gross.", "The cluster is in the region of the city."]
    assert assign_languages(texts, "de") == ["de", "en"]
