"""Relations and anaphora on short texts written for these tests: exact facts expected from the
real recognisers (spaCy, Natasha, the Uzbek rules) and the trigger data of data/nlp/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from kg.corpus import load_corpus
from kg.extract.article import ArticleExtraction, extract_article, load_context
from kg.extract.records import Membership, Mention, Relation
from kg.namespace import CK, ID


@lru_cache(maxsize=1)
def context():
    return load_context(None)


def extract(tmp_path: Path, lang: str, text: str) -> ArticleExtraction:
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        f'- file: t.txt\n  title: "test"\n  language: {lang}\n  venue: "test fixture"\n',
        encoding="utf-8",
    )
    return extract_article(load_corpus(tmp_path)[0], context())


def facts(article: ArticleExtraction) -> set[tuple[str, str, str]]:
    def short(iri: object) -> str:
        return str(iri).removeprefix(str(ID)).removeprefix(str(CK))

    out = set()
    for r in article.records:
        if isinstance(r, Relation) and isinstance(r.object, URIRef):
            out.add((short(r.subject), short(r.predicate), short(r.object)))
        elif isinstance(r, Membership):
            out.add((short(r.cluster), "hasMember", short(r.member)))
    return out


def test_english_copula_descriptor_and_topic_anaphor(tmp_path: Path) -> None:
    a = extract(tmp_path, "en", (
        "Lumen Park\n\n"
        "Lumen Park is a science park in the Haute-Garonne department of southern France.\n\n"
        "Economy\nMost firms of the region work in aerospace and software. "
        "Airbus runs a large engineering centre in the park.\n"
    ))  # fmt: skip
    found = facts(a)
    # "the Haute-Garonne department": the name is the department's compound, not its head
    assert ("org/lumen-park", "locatedIn", "place/haute-garonne") in found
    # "the park", no park in its paragraph: the park the article is about (its title)
    parks = [r for r in a.records if isinstance(r, Mention) and r.surface == "the park"]
    assert [str(m.entity) for m in parks] == [str(ID) + "org/lumen-park"]
    assert ("org/lumen-park", "hasMember", "org/airbus") in found
