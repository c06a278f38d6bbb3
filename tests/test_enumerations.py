"""Bulleted and inline lists of the two articles, each item denoting a SKOS concept."""

from __future__ import annotations

from functools import lru_cache

from corpus_support import A000, A003, docs, lexicon

from kg.extract import enumerations
from kg.extract.enumerations import best_concept, scheme_concepts
from kg.extract.records import Enumeration


@lru_cache(maxsize=2)
def lists(source_id: str) -> dict[str, Enumeration]:
    found = enumerations.extract(docs()[source_id], lexicon())
    return {e.key: e for e in found}


def slugs(e: Enumeration) -> list[str]:
    return [str(item.denotes).rsplit("/", 1)[-1] for item in e.items]


def test_lists_and_item_counts() -> None:
    assert {k: len(e.items) for k, e in lists(A000).items()} == {
        "development-directions": 2,
        "cluster-features": 5,
        "conclusions": 6,
        "cluster-characteristics": 7,  # Figure 1's lines, under its caption
    }
    assert {k: len(e.items) for k, e in lists(A003).items()} == {
        "mechanisms-inline": 3,
        "platform-functions": 3,
        "conclusions-inline": 4,
        "mechanisms": 3,
        "benefits": 3,
        "integration-channels": 3,
        "challenges": 3,
        "innovation-problems": 5,  # Fig. 1's numbered boxes, under their heading
    }


def test_items_denote_concepts() -> None:
    l000, l003 = lists(A000), lists(A003)
    assert slugs(l000["development-directions"]) == [
        "inter-industry-integration",
        "territorial-development",
    ]
    assert slugs(l000["cluster-features"]) == [
        "concentration-of-education-and-research",
        "developed-venture-capital-market",
        "high-competition",
        "effective-legal-framework",
        "simple-bankruptcy-procedure",
    ]
    assert slugs(l003["mechanisms"]) == ["knowledge-exchange", "joint-rnd", "networking"]
    assert slugs(l003["mechanisms-inline"]) == [
        "competition-enhancement",
        "knowledge-exchange",
        "joint-rnd",
    ]
    assert slugs(l003["benefits"]) == [
        "economies-of-scale-and-synergy",
        "access-to-skills",
        "access-to-finance",
    ]
    assert slugs(l003["integration-channels"]) == [
        "international-partnerships",
        "tnc-interaction",
        "fairs-and-forums",
    ]
    assert slugs(l003["challenges"]) == [
        "lack-of-coordination",
        "intra-cluster-competition",
        "dependence-on-state-support",
    ]
    assert slugs(l003["platform-functions"]) == [
        "online-coordination",
        "accelerated-data-exchange",
        "transparency-and-ip-protection",
    ]
    for source in (A000, A003):
        for e in lists(source).values():
            scheme = str(e.scheme).rsplit("/", 1)[-1]
            assert all(
                str(i.denotes).startswith(f"https://w3id.org/clusterkg/id/{scheme}/")
                for i in e.items
            )
            assert [i.position for i in e.items] == list(range(1, len(e.items) + 1))


def test_lead_ins_and_quotes() -> None:
    for source in (A000, A003):
        doc = docs()[source]
        for e in lists(source).values():
            assert e.evidence.extractor == "enumerations"
            for item in e.items:
                assert doc.text[item.evidence.start : item.evidence.end] == item.text
    lead = {k: docs()[A003].text[e.evidence.start : e.evidence.end] for k, e in lists(A003).items()}
    assert lead["mechanisms-inline"] == "Кластеры способствуют инновациям через:"
    assert lead["platform-functions"] == "Такие платформы обеспечивают:"
    assert lead["benefits"] == "Они обеспечивают ряд значительных преимуществ:"
    lead0 = {
        k: docs()[A000].text[e.evidence.start : e.evidence.end] for k, e in lists(A000).items()
    }
    assert lead0["development-directions"] == (
        "Кластерларнинг ривожланиши икки йўналишда амалга ошмоқда."
    )
    assert lead0["cluster-features"] == "Силикон водийси учун қуйидагилар хосдир[6]:"
    assert str(lists(A000)["cluster-features"].about).endswith("/cluster/silicon-valley")


def test_item_texts() -> None:
    l003 = lists(A003)
    assert [i.text for i in l003["mechanisms"].items] == [
        "Обмен знаниями",
        "Совместные исследования и разработки",
        "Сетевое взаимодействие",
    ]
    assert [i.text for i in l003["mechanisms-inline"].items] == [
        "усиление конкуренции",
        "обмен знаниями",
        "создание условий для совместных НИОКР",
    ]
    # the conclusions list of 000 continues across Figure 1, printed between its items
    conclusions = lists(A000)["conclusions"]
    assert conclusions.items[1].text.startswith("Америка кластерлари учун")
    assert conclusions.items[5].text.startswith("“Smart Exper-tization Platform”")


def test_best_concept_prefers_the_longest_label() -> None:
    concepts = scheme_concepts(lexicon(), "mechanism")
    found = best_concept("участники активно обмениваются знаниями; Обмен знаниями", concepts)
    assert found is not None and str(found[0].iri).endswith("/knowledge-exchange")
    assert best_concept("ничего общего", concepts) is None
