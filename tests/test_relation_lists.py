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
