"""Table 1 and the figures, located from the curation specs in the cleaned text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from corpus_support import A000, A003, docs

from kg.errors import CheckFailed
from kg.extract import tables
from kg.extract.records import Enumeration, TableCell

FIXTURES = Path(__file__).parent / "fixtures" / "curation"


@lru_cache(maxsize=2)
def records(source_id: str) -> tuple[TableCell | Enumeration, ...]:
    return tuple(tables.extract(docs()[source_id]))


def last(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_table_1_has_16_cells() -> None:
    cells = [r for r in records(A000) if isinstance(r, TableCell)]
    assert len(cells) == 16
    assert {last(c.dimension) for c in cells} == {
        "production-basis", "production-structure", "competition", "territorial-location",
        "economic-indicators", "labour-market", "state-regulation", "cooperation-mechanism",
    }  # fmt: skip
    assert [last(c.column) for c in cells] == ["traditional", "cluster-type"] * 8
    by_key = {(last(c.dimension), last(c.column)): c.text for c in cells}
    assert by_key[("production-basis", "traditional")] == (
        "Қатъий ихтисослашув, стандартли маҳсулотни оммовий ишлаб чиқариш"
    )
    assert by_key[("cooperation-mechanism", "traditional")] == "формал"
    assert by_key[("cooperation-mechanism", "cluster-type")] == (
        "Формал ва шу билан бирга ноформал (ахборотлар ва технологиялар бўйича)"
    )
    # the same text in two rows: each cell is found after the previous one
    assert by_key[("competition", "cluster-type")] == "Чекланган худудда"
    assert by_key[("territorial-location", "cluster-type")] == "Чекланган худудда"
    starts = [c.evidence.start for c in cells]
    assert starts == sorted(starts) and len(set(starts)) == 16
    doc = docs()[A000]
    for cell in cells:
        assert doc.text[cell.evidence.start : cell.evidence.end] == cell.text
        assert cell.table == "table-1"
        assert cell.table_label is not None and cell.table_label.startswith("1-жадвал Худудий")
        assert cell.table_evidence is not None
        ev = cell.table_evidence
        assert doc.text[ev.start : ev.end].startswith("1-жадвал")


def test_figure_1_of_000_has_7_characteristics() -> None:
    (figure,) = [r for r in records(A000) if isinstance(r, Enumeration)]
    assert figure.key == "figure-1"
    assert str(figure.scheme).endswith("/scheme/cluster-characteristic")
    assert [last(i.denotes) for i in figure.items] == [
        "geographic-localisation", "common-field-and-shared-infrastructure",
        "links-between-firms-science-and-government", "presence-of-competition",
        "innovation-oriented-joint-activity", "long-term-stable-links", "long-term-perspective",
    ]  # fmt: skip
    assert figure.items[6].text == "Узоқ муддатли, истиқболли"
    doc = docs()[A000]
    assert doc.text[figure.evidence.start : figure.evidence.end] == (
        "1-расм. Кластерларнинг асосий хусусиятлари"
    )
    for item in figure.items:
        assert doc.text[item.evidence.start : item.evidence.end] == item.text


def test_figure_1_of_003_has_5_problems_with_box_5_printed_before_box_4() -> None:
    (figure,) = records(A003)
    assert isinstance(figure, Enumeration)
    assert str(figure.about).endswith("/place/uzbekistan")
    assert [(i.position, last(i.denotes)) for i in figure.items] == [
        (1, "fragmented-innovation-infrastructure"),
        (2, "low-international-cooperation"),
        (3, "lack-of-systemic-clusters"),
        (4, "weak-regulation-and-incentives"),
        (5, "skills-shortage-and-technology-lag"),
    ]
    fourth, fifth = figure.items[3], figure.items[4]
    assert fifth.evidence.start < fourth.evidence.start
    doc = docs()[A003]
    quote = doc.text[fifth.evidence.start : fifth.evidence.end]
    assert quote.startswith("Кадровый дефицит и отставание в технологиях.")
    assert quote.endswith("Зависимость от устаревших производств и технологий.")
    assert fifth.text == "Кадровый дефицит и отставание в технологиях"


def test_a_missing_cell_quote_fails_naming_file_and_row() -> None:
    with pytest.raises(CheckFailed) as err:
        tables.extract(docs()[A000], None, tables_dir=FIXTURES / "bad-table")
    message = str(err.value)
    assert "bad-table/tables.yaml:4" in message
    assert "row 1" in message and "rows[1].cells[2]" in message and "Силикон водийси" in message
