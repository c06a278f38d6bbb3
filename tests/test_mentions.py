"""Mentions of lexicon entities in the real articles, and candidates for unknown names."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kg.corpus import load_corpus
from kg.extract.lexicon import Lexicon
from kg.extract.mentions import candidates, candidates_tsv, find_mentions
from kg.namespace import ID

FIXTURES = Path(__file__).parent / "fixtures"
A000 = "000_294bae6919eed714"
A003 = "003_2c5d2ceac335d1da"
NEW = "101_pangyo_cluster"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="module")
def docs():
    return {d.source_id: d for d in [*load_corpus(), *load_corpus(FIXTURES / "corpus_new")]}


@pytest.fixture(scope="module")
def mentions(docs, lexicon):
    return {sid: find_mentions(doc, lexicon) for sid, doc in docs.items()}


def counts(mentions) -> Counter[str]:
    return Counter(str(m.entity).removeprefix(str(ID)) for m in mentions)


def test_mention_totals(mentions) -> None:
    assert {sid: len(ms) for sid, ms in mentions.items()} == {A000: 155, A003: 109, NEW: 15}
    assert {sid: len(counts(ms)) for sid, ms in mentions.items()} == {A000: 90, A003: 58, NEW: 10}


@pytest.mark.parametrize(
    ("source", "entity", "n"),
    [
        (A000, "cluster/silicon-valley", 7),
        (A003, "cluster/silicon-valley", 3),
        (A000, "place/usa", 15),
        (A000, "place/european-union", 10),
        (A000, "org/european-commission", 3),
        (A000, "cluster/research-triangle", 2),
        (A000, "org/stanford-university", 2),
        (A000, "sector/biotechnology", 3),
        (A003, "org/oecd", 2),
        (A003, "person/michael-porter", 2),
        (A003, "theory/global-innovation-networks", 16),
        (NEW, "cluster/silicon-valley", 3),
        (NEW, "org/stanford-university", 1),
    ],
)
def test_mentions_per_entity(mentions, source: str, entity: str, n: int) -> None:
    assert counts(mentions[source])[entity] == n


def test_mention_evidence_is_the_surface_form(docs, mentions) -> None:
    for sid, ms in mentions.items():
        doc = docs[sid]
        for m in ms:
            ev = m.evidence
            assert doc.text[ev.start : ev.end] == m.surface
            assert ev.source_id == sid and ev.extractor == "mentions"
            assert ev.confidence in (1.0, 0.9)
            sentence = doc.sentence_at(ev.start)
            assert sentence.start <= ev.start < ev.end <= sentence.end


def test_surface_forms_of_silicon_valley(mentions) -> None:
    surfaces = {
        m.surface
        for ms in mentions.values()
        for m in ms
        if str(m.entity).endswith("/cluster/silicon-valley")
    }
    assert surfaces == {
        "Силикон водийси",
        "Silikon vodiysi",
        "Silicon Valley",
        "Силиконовой долине",
        "Силиконовой долиной",
        "Силиконовой долины",
    }


def test_candidates_of_the_new_article(docs, lexicon, mentions) -> None:
    found = {(c.text, c.kind) for c in candidates(docs[NEW], lexicon, mentions[NEW])}
    assert found == {
        ("Пангё Техновэлли", "quoted"),
        ("Pangyo Techno Valley", "latin-name"),
        ("Samsung", "latin-name"),
        ("SK Telecom", "latin-name"),
        ("KAIST", "latin-name"),
        ("Кёнгидо", "capitalised"),
        ("Сеульский", "capitalised"),
        ("Пангё", "capitalised"),
    }


def test_known_names_are_not_candidates(docs, lexicon, mentions) -> None:
    texts = {c.text for sid in (A000, A003) for c in candidates(docs[sid], lexicon, mentions[sid])}
    for known in ("OECD", "UNIDO", "Intel", "IBM", "Europa INNOVA Cluster Mapping Project"):
        assert known not in texts
    assert "НИОКР" in texts  # an acronym the lexicon lacks is listed


def test_candidates_tsv(docs, lexicon, mentions) -> None:
    cands = candidates(docs[NEW], lexicon, mentions[NEW])
    lines = candidates_tsv(cands).splitlines()
    assert lines[0] == "text\tkind\tcount\tlang\toccurrences"
    assert len(lines) == 1 + len({(c.text, c.kind) for c in cands})
    row = next(line.split("\t") for line in lines if line.startswith("Samsung\t"))
    assert row[1:4] == ["latin-name", "1", "ru"] and row[4].startswith(NEW + ":")
