"""Relation rules of issue #10 on short texts written for these tests (not copied from the seed
articles): exact facts expected from the real recognisers and the data of data/nlp/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_extract_relations import extract, facts

BOSTON = "cluster/boston-biotechnology-cluster"
AUSTIN = "cluster/austin-semiconductor-cluster"
CITY_CLUSTERS = {
    (BOSTON, "locatedIn", "place/boston"),
    (BOSTON, "locatedIn", "place/usa"),
    (BOSTON, "specialisesIn", "sector/biotechnology"),
    (AUSTIN, "locatedIn", "place/austin"),
    (AUSTIN, "locatedIn", "place/usa"),
    (AUSTIN, "specialisesIn", "sector/semiconductors"),
}


def _of_clusters(found: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {f for f in found if f[0].startswith("cluster/")}


@pytest.mark.parametrize("lang, text", [
    ("en", "Regional clusters\n\nThe survey counts several regional clusters in the United "
           "States, among them those of Boston (biotechnology) and Austin (semiconductors).\n"),
    ("ru", "Кластеры США\n\nВ обзоре упомянуты кластеры США в городах Бостон (биотехнологии) и "
           "Остин (полупроводники).\n"),
    ("uz-Latn", "AQSh klasterlari\n\nTadqiqotda AQShning Boston (biotexnologiyalar), Ostin "
                "(yarim o‘tkazgichlar) shaharlaridagi klasterlari tahlil qilingan.\n"),
    ("uz-Cyrl", "АҚШ кластерлари\n\nТадқиқотда АҚШнинг Бостон (биотехнологиялар), Остин (ярим "
                "ўтказгичлар) шаҳарларидаги кластерлари таҳлил қилинган.\n"),
])  # fmt: skip
def test_clusters_named_by_their_cities_and_parenthesised_sectors(
    tmp_path: Path, lang: str, text: str
) -> None:
    # each city's one lexicon cluster: in the city, in the country the gazetteer puts the city
    # in, specialised in the sectors in parentheses after the city
    assert _of_clusters(facts(extract(tmp_path, lang, text))) == CITY_CLUSTERS


@pytest.mark.parametrize("lang, text", [
    # no cluster noun: the glosses say what the cities are known for, not which cluster
    ("en", "Research cities\n\nStudents from the United States often choose Boston "
           "(biotechnology) or Austin (semiconductors).\n"),
    # no sector in the parentheses
    ("en", "Regional clusters\n\nThe survey counts the clusters of Boston (2010) and Austin "
           "(2012) in the United States.\n"),
    # a city of the lexicon without a cluster of its own
    ("ru", "Кластеры\n\nВ обзоре упомянуты кластеры в городах Санта-Клара (полупроводники) и "
           "Сан-Хосе (программное обеспечение).\n"),
])  # fmt: skip
def test_no_city_cluster_without_cluster_noun_sector_or_lexicon_cluster(
    tmp_path: Path, lang: str, text: str
) -> None:
    assert _of_clusters(facts(extract(tmp_path, lang, text))) == set()


def _of_lists(found: set[tuple[str, str, str]], predicate: str) -> set[tuple[str, str, str]]:
    return {f for f in found if f[1] == predicate}


PROBLEMS_EN = (
    "Innovation in Uzbekistan\n\nThe 2024 survey asked plant managers what holds innovation "
    "back.\nKey problems of industrial innovation in Uzbekistan\n"
    "1. Fragmented innovation infrastructure.\nMost plants work on their own.\n"
    "3. Lack of systemic clusters.\nFew regions have one.\n"
    "2. Weak regulation and incentives.\nSupport tools are scarce.\n"
    "The next section turns to remedies.\n"
)


@pytest.mark.parametrize("lang, text, expected", [
    ("en", PROBLEMS_EN, {"fragmented-innovation-infrastructure", "lack-of-systemic-clusters",
                         "weak-regulation-and-incentives"}),
    ("ru", "Инновации\n\nОпрос 2024 года показал, что мешает предприятиям.\n"
           "Главные барьеры для промышленных предприятий Узбекистана\n"
           "1. Низкий уровень международной кооперации.\nСвязи с зарубежными партнёрами "
           "редки.\n2. Кадровый дефицит и отставание в технологиях.\nИнженеров не хватает.\n"
           "Далее рассмотрены меры поддержки.\n",
     {"low-international-cooperation", "skills-shortage-and-technology-lag"}),
])  # fmt: skip
def test_numbered_list_under_a_heading_that_names_problems(
    tmp_path: Path, lang: str, text: str, expected: set[str]
) -> None:
    # the heading names the items (a problem noun) and the entity they are of (Uzbekistan)
    found = _of_lists(facts(extract(tmp_path, lang, text)), "hasProblem")
    assert found == {("place/uzbekistan", "hasProblem", f"innovation-problem/{p}")
                     for p in expected}  # fmt: skip


@pytest.mark.parametrize("text", [
    # the heading does not say what the items are
    PROBLEMS_EN.replace("Key problems of industrial innovation in", "Notes from"),
    # the numbers are not 1..n
    PROBLEMS_EN.replace("3. Lack", "4. Lack"),
])  # fmt: skip
def test_no_problem_list_without_a_problem_heading_or_a_full_numbering(
    tmp_path: Path, text: str
) -> None:
    assert _of_lists(facts(extract(tmp_path, "en", text)), "hasProblem") == set()


FIGURE_EN = (
    "Clusters\n\nFigure 2. Main characteristics of clusters\n"
    "The figure sums up what the literature says about clusters.\n"
    "The review then compares the regions of the survey.\n"
    "Geographic localisation\nPresence of competition\nLong-term, forward-looking orientation\n"
    "The next section turns to policy.\n"
)
CHARACTERISTICS = {
    ("theory/cluster-theory", "hasCharacteristic", f"cluster-characteristic/{c}")
    for c in ("geographic-localisation", "presence-of-competition", "long-term-perspective")
}


@pytest.mark.parametrize("lang, text", [
    ("en", FIGURE_EN),
    ("uz-Latn", "Klasterlar\n\n2-rasm. Klasterlarning asosiy xususiyatlari\n"
                "Rasmda tadqiqotlar natijalari jamlangan.\nKeyin hududlar taqqoslanadi.\n"
                "Geografik lokalizatsiyalashuv\nRaqobatning mavjudligi\nUzoq muddatli, "
                "istiqbolli\nKeyingi bo‘limda siyosat ko‘rib chiqiladi.\n"),
])  # fmt: skip
def test_figure_lines_under_a_caption_that_names_characteristics_of_clusters(
    tmp_path: Path, lang: str, text: str
) -> None:
    # the figure's lines stand away from its caption (as PDF extraction leaves them); the
    # caption names characteristics of clusters in general: cluster theory's
    found = _of_lists(facts(extract(tmp_path, lang, text)), "hasCharacteristic")
    assert found == CHARACTERISTICS


@pytest.mark.parametrize("text", [
    # the caption does not name characteristics
    FIGURE_EN.replace("Main characteristics of clusters", "Clusters of Europe"),
    # a line of the block denotes no characteristic
    FIGURE_EN.replace("Presence of competition", "Blue skies over the bay"),
])  # fmt: skip
def test_no_figure_list_without_a_naming_caption_or_with_a_stray_line(
    tmp_path: Path, text: str
) -> None:
    assert _of_lists(facts(extract(tmp_path, "en", text)), "hasCharacteristic") == set()
