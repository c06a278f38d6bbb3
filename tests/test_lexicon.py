"""The lexicon: entity data quality and the inflection-aware longest-match matcher."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, URIRef

from kg.errors import InputError
from kg.extract.lexicon import Lexicon
from kg.namespace import CK, ID, slugify
from kg.paths import LEXICON_DIR
from kg.rdf.links import LINK_PREDICATES

ROOT = Path(__file__).resolve().parent.parent
LANGS = {"en", "ru", "uz-Cyrl", "uz-Latn"}
MY_FILES = ["clusters", "organisations", "persons", "places", "programmes", "theories"]
KINDS = {
    "cluster",
    "org",
    "person",
    "place",
    "programme",
    "project",
    "platform",
    "policy",
    "document",
    "theory",
}
#: slugs fixed by the brief that are not slugify(English prefLabel)
SLUG_EXCEPTIONS = {"place/usa", "theory/porter-cluster-theory", "org/european-union"}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.surface, str(m.entity).removeprefix(str(ID))) for m in lexicon.match(text)]


def test_every_entity_has_four_preferred_labels_and_a_core_type(lexicon: Lexicon) -> None:
    own = Lexicon.load([LEXICON_DIR / f"{name}.ttl" for name in MY_FILES], [])
    assert len(own.entities()) == 86
    for entity in own.entities():
        prefs = {lit.language for lit in own.graph.objects(entity, SKOS.prefLabel)}
        assert prefs == LANGS, entity
        types = set(own.graph.objects(entity, RDF.type))
        assert types and all(str(t).startswith(str(CK)) for t in types), entity
        kind, slug = str(entity).removeprefix(str(ID)).split("/")
        assert kind in KINDS
        english = str(
            next(lit for lit in own.graph.objects(entity, SKOS.prefLabel) if lit.language == "en")
        )
        if f"{kind}/{slug}" not in SLUG_EXCEPTIONS:
            assert slug == slugify(english), entity


def test_places_other_stages_rely_on(lexicon: Lexicon) -> None:
    slugs = [
        *("usa", "european-union", "uzbekistan", "germany", "brazil", "chile", "denmark"),
        *("finland", "norway", "sweden", "south-korea", "china", "north-carolina"),
        *("california", "santa-clara", "san-jose", "santa-cruz", "olympia", "seattle"),
        *("tacoma", "jacksonville", "minneapolis", "akron", "cleveland", "pittsburgh"),
        *("kansas-city", "boston", "austin", "fergana"),
    ]
    for slug in slugs:
        assert lexicon.types(iri(f"place/{slug}")) & {CK.Country, CK.Region, CK.City}, slug
    graph = lexicon.graph
    assert (iri("place/seattle"), CK.partOfPlace, iri("place/washington-state")) in graph
    assert (iri("cluster/silicon-valley"), CK.locatedIn, iri("place/california")) in graph
    # external links are typed once, in ontology/mappings (kg/rdf/links.py), never here
    assert not any(p in LINK_PREDICATES for p in map(str, graph.predicates()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Russian inflection via lemmas
        (
            "технологический кластер в Силиконовой долине (США)",
            [("Силиконовой долине", "cluster/silicon-valley"), ("США", "place/usa")],
        ),
        (
            "Согласно отчету OECD и Европейской комиссии",
            [("OECD", "org/oecd"), ("Европейской комиссии", "org/european-commission")],
        ),
        # Uzbek suffixes, acronym + suffix
        (
            "“Силикон водийси”да Стенфорд университети фаолият кўрсатади",
            [
                ("Силикон водийси", "cluster/silicon-valley"),
                ("Стенфорд университети", "org/stanford-university"),
            ],
        ),
        (
            "АҚШнинг йирик кластерлари ва ЕИда",
            [("АҚШнинг", "place/usa"), ("ЕИда", "place/european-union")],
        ),
        ("Алфред Маршаллнинг ҳиссаси", [("Алфред Маршаллнинг", "person/alfred-marshall")]),
        # Latin Uzbek, English
        (
            "Silikon vodiysi (AQSh) va Germaniyadagi avtomobil klasteri",
            [
                ("Silikon vodiysi", "cluster/silicon-valley"),
                ("AQSh", "place/usa"),
                ("Germaniyadagi avtomobil klasteri", "cluster/german-automotive-cluster"),
            ],
        ),
        (
            "such as Silicon Valley and the German automotive cluster",
            [
                ("Silicon Valley", "cluster/silicon-valley"),
                ("German automotive cluster", "cluster/german-automotive-cluster"),
            ],
        ),
        # transliteration: the only label of Santa Cruz with "Сант" is Cyrillic
        ("Sant-Kruzdagi kampus", [("Sant-Kruzdagi", "place/santa-cruz")]),
        # longest match wins over the place inside the university's name
        (
            "Сант-Круздаги Калифорния университети, Стенфорд университети",
            [
                (
                    "Сант-Круздаги Калифорния университети",
                    "org/university-of-california-santa-cruz",
                ),
                ("Стенфорд университети", "org/stanford-university"),
            ],
        ),
        # hidden (misspelt, broken) forms exactly as in the texts
        (
            "Миннееаполис ва “Smart Exper-tization Platform”",
            [
                ("Миннееаполис", "place/minneapolis"),
                ("Smart Exper-tization Platform", "platform/smart-specialisation-platform"),
            ],
        ),
        # acronyms are case-sensitive: no match in a lower-case word
        ("еи ақш aqsh", []),
    ],
)
def test_matcher(lexicon: Lexicon, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(lexicon, text) == expected


def test_transliterated_match_keeps_the_text_span(lexicon: Lexicon) -> None:
    (match,) = lexicon.match("Sant-Kruzdagi kampus", base=100)
    assert (match.start, match.end) == (100, 113)
    assert match.label == "Сант-Круз"


def test_concept_schemes(lexicon: Lexicon) -> None:
    text = "биотехнологиялар ва кластерларнинг сони"
    assert found(lexicon, text) == [("биотехнологиялар", "sector/biotechnology")]
    assert "indicator" in lexicon.unmatched
    only = [str(m.entity) for m in lexicon.match(text, schemes=["indicator"])]
    assert only and all("/indicator/" in e for e in only)


def test_no_surface_forms_in_the_matcher_code() -> None:
    """Label text lives in data/lexicon and ontology/vocab: no Cyrillic string in the code
    (docstrings excepted)."""
    for name in ("kg/extract/lexicon.py", "kg/extract/mentions.py"):
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                words = re.sub(r"\[[^\]]*\]", "", node.value)  # regex classes are not words
                assert not re.search(r"[а-яА-ЯўқғҳЎҚҒҲ]{3}", words), (name, node.value)


def test_malformed_lexicon_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.ttl:1: malformed Turtle: objectList expected"):
        Lexicon.load([bad], [])


def test_us_clusters_are_one_per_city_as_the_article_lists_them(lexicon: Lexicon) -> None:
    """Issue 13: the two multi-state groupings existed only in the lexicon; article 000 lists
    cities with their sectors, so each city has its own cluster located in it."""
    graph = lexicon.graph
    for gone in (
        "cluster/akron-cleveland-pittsburgh-alternative-energy-cluster",
        "cluster/jacksonville-minneapolis-medical-devices-cluster",
    ):
        assert (iri(gone), None, None) not in graph
    cities = {
        "olympia": "olympia-aerospace-it-cluster",
        "seattle": "seattle-aerospace-it-cluster",
        "tacoma": "tacoma-aerospace-it-cluster",
        "jacksonville": "jacksonville-medical-devices-cluster",
        "minneapolis": "minneapolis-medical-devices-cluster",
        "akron": "akron-alternative-energy-cluster",
        "cleveland": "cleveland-alternative-energy-cluster",
        "pittsburgh": "pittsburgh-alternative-energy-cluster",
        "kansas-city": "kansas-city-chemistry-biotechnology-cluster",
        "boston": "boston-biotechnology-cluster",
        "austin": "austin-semiconductor-cluster",
    }
    for city, cluster in cities.items():
        c = iri(f"cluster/{cluster}")
        assert (c, RDF.type, CK.RegionalInnovationCluster) in graph, cluster
        assert list(graph.objects(c, CK.locatedIn)) == [iri(f"place/{city}")], cluster


def test_the_eu_is_an_agent_and_a_place(lexicon: Lexicon) -> None:
    """Issue 13: two linked resources, so that agents and places stay disjoint (OWL 2 DL)."""
    graph = lexicon.graph
    agent, place = iri("org/european-union"), iri("place/european-union")
    assert (agent, RDF.type, CK.UnionOfStates) in graph
    assert (agent, CK.hasTerritory, place) in graph
    assert (place, RDF.type, CK.Region) in graph
    assert (place, RDF.type, CK.UnionOfStates) not in graph
    agent_labels = set(graph.objects(agent, SKOS.prefLabel))
    assert agent_labels.isdisjoint(set(graph.objects(place, SKOS.prefLabel)))
