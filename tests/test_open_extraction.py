"""Open extraction on short texts written for the tests (tests/fixtures/corpus_open): the real
recognisers (spaCy, Natasha), the Uzbek rules, the gazetteers, relations, statistics, review."""

from __future__ import annotations

import pickle
import shutil
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.corpus import load_corpus
from kg.extract.article import ArticleExtraction, extract_article, load_context
from kg.extract.records import (
    ConceptDescription,
    EntityDescription,
    Membership,
    Mention,
    Observation,
    Relation,
)
from kg.namespace import CK, ID

CORPUS = Path(__file__).parent / "fixtures" / "corpus_open"


@lru_cache(maxsize=1)
def context():
    return load_context(None)


@lru_cache(maxsize=1)
def articles() -> dict[str, ArticleExtraction]:
    return {d.source_id[:3]: extract_article(d, context()) for d in load_corpus(CORPUS)}


def iri(local: str) -> URIRef:
    return URIRef(str(ID) + local)


def mentioned(article: ArticleExtraction) -> dict[str, URIRef]:
    return {r.surface: r.entity for r in article.records if isinstance(r, Mention)}


def facts(article: ArticleExtraction) -> set[tuple[object, object, object]]:
    out: set[tuple[object, object, object]] = set()
    for r in article.records:
        if isinstance(r, Relation):
            out.add((r.subject, r.predicate, r.object))
        elif isinstance(r, Membership):
            out.add((r.cluster, CK.hasMember, r.member))
    return out


def described(article: ArticleExtraction) -> dict[URIRef, EntityDescription]:
    return {r.entity: r for r in article.records if isinstance(r, EntityDescription)}


def test_english_names_typed_linked_and_minted() -> None:
    a = articles()["201"]
    names = mentioned(a)
    assert names["William Shockley"] == iri("person/william-shockley")
    assert names["Shockley Semiconductor Laboratory"] == iri(
        "org/shockley-semiconductor-laboratory"
    )
    assert names["Fairchild Semiconductor"] == iri("org/fairchild-semiconductor")
    assert names["Shockley"] == iri("person/william-shockley")  # a surname named before
    assert names["the laboratory"] == iri("org/shockley-semiconductor-laboratory")  # anaphora
    new = described(a)
    lab = new[iri("org/shockley-semiconductor-laboratory")]
    assert CK.ResearchInstitute in lab.classes  # head noun "Laboratory"
    view = new[iri("place/mountain-view")]
    assert CK.City in view.classes
    assert URIRef("https://sws.geonames.org/5375480/") in view.matches
    # the sector "semiconductors" inside a company name is not a mention of the sector
    assert not any(
        isinstance(r, Mention) and "/sector/" in str(r.entity) and r.surface == "Semiconductor"
        for r in a.records
    )


def test_english_relations() -> None:
    found = facts(articles()["201"])
    lab, fairchild = (
        iri("org/shockley-semiconductor-laboratory"),
        iri("org/fairchild-semiconductor"),
    )
    assert (lab, CK.foundedBy, iri("person/william-shockley")) in found
    assert (lab, CK.locatedIn, iri("place/mountain-view")) in found
    assert (iri("place/mountain-view"), CK.partOfPlace, iri("place/california")) in found
    assert (fairchild, CK.spinOffOf, lab) in found
    assert (iri("person/sherman-fairchild"), CK.funds, fairchild) in found


def test_english_statistics_locale_and_names() -> None:
    obs = [r for r in articles()["201"].records if isinstance(r, Observation)]
    values = {o.value for o in obs}
    assert Decimal(1500) in values  # "over 1,500 workers": English thousands separator
    assert Decimal(500) not in values  # "Fortune 500" is a name
    workers = next(o for o in obs if o.value == 1500)
    assert workers.ref_period == "1960"
    assert str(workers.qualifier).endswith("more-than")
    concept = next(r for r in articles()["201"].records if isinstance(r, ConceptDescription))
    assert concept.concept == workers.indicator == iri("indicator/number-of-worker")
    assert {lang for lang, _ in concept.labels} == {"en", "ru", "uz-Cyrl", "uz-Latn"}


def test_russian_natasha_names_gazetteer_and_relations() -> None:
    a = articles()["202"]
    names = mentioned(a)
    park = iri("org/tekhnopark-akadempark")
    assert names["Технопарк «Академпарк»"] == park  # head noun before the quoted name
    assert names["Новосибирске"] == iri("place/novosibirsk")
    assert CK.Technopark in described(a)[park].classes
    novosibirsk = described(a)[iri("place/novosibirsk")]
    assert URIRef("https://sws.geonames.org/1496747/") in novosibirsk.matches
    assert (park, CK.locatedIn, iri("place/novosibirsk")) in facts(a)
    obs = {o.value: o for o in a.records if isinstance(o, Observation)}
    assert obs[Decimal(400)].indicator == iri("indicator/number-of-companies")
    assert obs[Decimal(12000)].indicator != obs[Decimal(400)].indicator  # сотрудников, counted


def test_uzbek_rules_legal_forms_heads_and_anaphora() -> None:
    a = articles()["203"]
    names = mentioned(a)
    firm = iri("org/vodiy-agro")
    assert names["“Водий Агро” МЧЖ"] == firm
    assert names["Мазкур корхона"] == firm  # "this enterprise"
    assert CK.Company in described(a)[firm].classes
    assert names["Қува туманида"] == iri("place/quva-tumani")
    university = iri("org/toshkent-davlat-agrar-universiteti")
    assert names["Тошкент давлат аграр университети"] == university
    assert CK.University in described(a)[university].classes
    found = facts(a)
    assert (firm, CK.locatedIn, iri("place/quva-tumani")) in found
    assert (firm, CK.foundingYear, Literal(2019, datatype=XSD.integer)) in found


def test_language_without_recogniser_gets_mentions_only_and_a_warning(tmp_path, capsys) -> None:
    from kg.pipeline import run_build

    corpus = CORPUS.parent / "corpus_unsupported"
    a = extract_article(load_corpus(corpus)[0], context())
    assert len(a.warnings) == 1 and "no recogniser for de" in a.warnings[0]
    assert not any(isinstance(r, EntityDescription) for r in a.records)
    assert any(isinstance(r, Mention) for r in a.records)  # Daimler, from the lexicon
    # built with validation: the source's dcterms:language "de" is a BCP 47 tag the shapes
    # accept (shapes/sources.shacl.ttl), the article gets mentions only
    summary = run_build(corpus_dir=corpus, out_dir=tmp_path / "b", progress=False, validate=True)
    assert summary.violations == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "204_de_cluster.txt" in warnings[0]


def test_same_name_in_two_articles_is_one_iri(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Intel and Acme Robotics Inc. opened offices.\n", "utf-8")
    (corpus / "b.txt").write_text(
        "Компания Acme Robotics Inc. открыла офис в Казани.\n", encoding="utf-8"
    )
    (corpus / "sources.yaml").write_text(
        "- {file: a.txt, language: en}\n- {file: b.txt, language: ru}\n", encoding="utf-8"
    )
    ids = []
    for doc in load_corpus(corpus):
        ids.append({r.entity for r in extract_article(doc, context()).records
                    if isinstance(r, EntityDescription)})  # fmt: skip
    assert iri("org/acme-robotics") in ids[0] & ids[1]


def test_context_is_picklable_and_rebuilt_in_the_receiver() -> None:
    ctx = context()
    clone = pickle.loads(pickle.dumps(ctx))
    assert clone.recognisers._english is None  # models are not shipped to workers
    doc = load_corpus(CORPUS)[1]
    assert extract_article(doc, clone).records == extract_article(doc, ctx).records


def test_missing_recogniser_is_one_line_naming_the_package(monkeypatch) -> None:
    from kg.extract.recognisers import ENGLISH_PACKAGE, RecogniserMissing, Recognisers

    monkeypatch.setattr("kg.extract.recognisers.ENGLISH_MODEL", "no_such_model_xyz")
    with pytest.raises(RecogniserMissing) as err:
        Recognisers().english()
    assert ENGLISH_PACKAGE in str(err.value) and "\n" not in str(err.value)


def test_review_round_trip_keeps_comments_and_the_build_honours_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import cli as main
    from kg.errors import InputError
    from kg.rdf.facts import record_id

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    curation = tmp_path / "curation"
    (curation / "review").mkdir(parents=True)
    doc = next(d for d in load_corpus(corpus) if d.source_id.startswith("202"))
    records = extract_article(doc, context()).records
    located = next(r for r in records if isinstance(r, Relation) and r.predicate == CK.locatedIn)
    obs = next(r for r in records if isinstance(r, Observation))
    review = curation / "review" / f"{doc.source_id}.yaml"
    review.write_text(f"# my notes on {doc.source_id}\nsource: {doc.source_id}\n", "utf-8")
    runner = CliRunner()
    args = ["review", doc.source_id, "--corpus", str(corpus), "--curation", str(curation)]
    fact = record_id(located, doc.source_id)
    result = runner.invoke(main, [*args, "--accept", fact, "--curator", "Test Curator"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*args, "--reject", record_id(obs, doc.source_id)])
    assert result.exit_code == 0, result.output
    text = review.read_text(encoding="utf-8")
    assert text.startswith(f"# my notes on {doc.source_id}")
    assert "decision: accept" in text and "Test Curator" in text and "decision: reject" in text
    listing = runner.invoke(main, args)
    assert listing.exit_code == 0 and "accept" in listing.output
    bad = runner.invoke(main, [*args, "--accept", "id:fact/000000000000"])
    assert isinstance(bad.exception, InputError) and bad.exception.exit_code == 2
    assert "not an automatic fact" in str(bad.exception)
    honoured = extract_article(doc, load_context(curation))
    same = [r for r in honoured.records if isinstance(r, Relation) and r.subject == located.subject
            and r.predicate == CK.locatedIn]  # fmt: skip
    assert same and same[0].evidence.extractor == "review"
    assert same[0].evidence.curator == "Test Curator" and same[0].evidence.confidence == 1.0
    assert not any(isinstance(r, Observation) and r.evidence.start == obs.evidence.start
                   and r.indicator == obs.indicator for r in honoured.records)  # fmt: skip


def test_open_corpus_builds_and_passes_shacl(tmp_path: Path) -> None:
    from kg.pipeline import run_build

    summary = run_build(corpus_dir=CORPUS, out_dir=tmp_path / "build", progress=False)
    assert summary.violations == 0 and summary.evidence_share == 1.0
    nq = (tmp_path / "build" / "clusterkg.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/clusterkg/id/org/fairchild-semiconductor>" in nq
    assert "<https://sws.geonames.org/5375480/>" in nq
