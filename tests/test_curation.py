"""Curated relations: every row's quote is in the cleaned text; bad rows fail with file:line."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from corpus_support import A000, A003, docs

from kg.errors import CheckFailed, InputError
from kg.extract import curation
from kg.extract.curation import locate
from kg.extract.records import Membership, Relation
from kg.namespace import CK, ID

FIXTURES = Path(__file__).parent / "fixtures" / "curation"


@lru_cache(maxsize=1)
def records() -> tuple[Relation | Membership, ...]:
    return tuple(curation.extract(list(docs().values())))


def of(source: str) -> list[Relation | Membership]:
    return [r for r in records() if r.evidence.source_id == source]


def triples(source: str) -> set[tuple[str, str, str]]:
    def s(iri: object) -> str:
        text = str(iri)
        return text.replace(str(ID), "id:").replace(str(CK), "ck:")

    out = set()
    for r in of(source):
        if isinstance(r, Membership):
            out.add((s(r.cluster), "ck:hasMember", s(r.member)))
        else:
            out.add((s(r.subject), s(r.predicate), s(r.object)))
    return out


def test_counts_per_article() -> None:
    assert len(of(A000)) == 93
    assert len(of(A003)) == 23
    assert sum(isinstance(r, Membership) for r in of(A000)) == 11
    assert sum(isinstance(r, Membership) for r in of(A003)) == 3


def test_every_quote_is_a_span_of_the_cleaned_text() -> None:
    by_id = docs()
    for r in records():
        ev = r.evidence
        assert 0 <= ev.start < ev.end <= len(by_id[ev.source_id].text)
        assert ev.extractor == "curation" and ev.confidence == 1.0


def test_sample_facts() -> None:
    t000, t003 = triples(A000), triples(A003)
    assert ("id:cluster/silicon-valley", "ck:hasMember", "id:org/stanford-university") in t000
    assert ("id:org/stanford-university", "ck:memberOf", "id:cluster/silicon-valley") in t000
    # a member, not a sub-organisation of the cluster (issue 13)
    assert ("id:org/stanford-university", "ck:partOf", "id:cluster/silicon-valley") not in t000
    for firm in ("intel", "apple-inc", "cisco-systems", "adobe-systems", "symantec",
                 "advanced-micro-devices", "university-of-california-santa-cruz"):  # fmt: skip
        assert ("id:cluster/silicon-valley", "ck:hasMember", f"id:org/{firm}") in t000
    assert (
        "id:org/european-commission", "ck:funds", "id:project/europa-innova-cluster-mapping-project"
    ) in t000  # fmt: skip
    project = "id:project/europa-innova-cluster-mapping-project"
    assert (project, "ck:carriedOutBy", "id:org/oxford-research") in t000
    assert (project, "ck:produces", "id:document/cluster-policy-in-europe") in t000
    for sector in ("microelectronics", "software", "information-technology"):
        assert ("id:cluster/silicon-valley", "ck:specialisesIn", f"id:sector/{sector}") in t000
    sv_it = ("id:cluster/silicon-valley", "ck:specialisesIn", "id:sector/information-technology")
    assert sv_it in t003
    # Figure 1: the main characteristics of clusters in general: cluster theory, not the class
    characteristics = {o for s, p, o in t000 if p == "ck:hasCharacteristic"}
    assert len(characteristics) == 7
    assert {s for s, p, o in t000 if p == "ck:hasCharacteristic"} == {"id:theory/cluster-theory"}
    assert ("id:cluster/research-triangle", "ck:locatedIn", "id:place/north-carolina") in t000
    for firm in ("glaxosmithkline", "ibm", "cisco-systems"):
        assert ("id:cluster/research-triangle", "ck:hasMember", f"id:org/{firm}") in t000
    assert ("id:cluster/tacoma-aerospace-it-cluster", "ck:locatedIn", "id:place/tacoma") in t000
    assert (
        "id:cluster/seattle-aerospace-it-cluster",
        "ck:specialisesIn",
        "id:sector/aerospace",
    ) in t000
    assert (
        "id:cluster/austin-semiconductor-cluster",
        "ck:specialisesIn",
        "id:sector/semiconductors",
    ) in t000
    # the EU as an agent (issue 13): the supporter is id:org/european-union, not the place
    assert ("id:org/european-union", "ck:supports", "id:org/cluster-innovation-platform") in t000
    assert not any(s == "id:place/european-union" and p == "ck:supports" for s, p, o in t000)
    assert ("id:theory/triple-helix", "ck:proposedBy", "id:person/henry-etzkowitz") in t000
    assert ("id:source/000_294bae6919eed714", "ck:cites", "id:theory/triple-helix") in t000
    assert ("id:theory/open-innovation", "ck:proposedBy", "id:person/henry-chesbrough") in t003
    assert ("id:theory/digital-platforms", "ck:proposedBy", "id:person/andrew-mcafee") in t003
    assert ("id:cluster/german-automotive-cluster", "ck:hasMember", "id:org/bmw") in t003
    problems = {o for s, p, o in t003 if p == "ck:hasProblem" and s == "id:place/uzbekistan"}
    assert len(problems) == 5


def test_membership_roles() -> None:
    stanford = next(
        r for r in of(A000)
        if isinstance(r, Membership) and str(r.member).endswith("/stanford-university")
    )  # fmt: skip
    assert str(stanford.role).endswith("/actor-role/research-partner")
    assert str(stanford.helix_sector).endswith("/triple-helix-sector/science")
    intel = next(
        r for r in of(A000) if isinstance(r, Membership) and str(r.member).endswith("/intel")
    )
    assert str(intel.role).endswith("/actor-role/member-firm")
    assert str(intel.helix_sector).endswith("/triple-helix-sector/business")


def test_quote_locator_normalises_whitespace_and_hyphens() -> None:
    doc = docs()[A000]
    span = locate(doc, "Кластер  ҳудудида\nкомпанияларни")
    assert span is not None and doc.text[span[0] : span[1]] == "Кластер ҳудудида компанияларни"
    span = locate(doc, "биотехнология-лар), Бостон")  # the raw text's hyphenation
    assert span is not None and doc.text[span[0] : span[1]] == "биотехнологиялар), Бостон"
    assert locate(doc, "Чекланган худудда", occurrence=2) != locate(doc, "Чекланган худудда")
    assert locate(doc, "not in the article") is None


def test_missing_quote_names_file_line_and_row() -> None:
    with pytest.raises(CheckFailed) as err:
        curation.extract(list(docs().values()), FIXTURES / "missing-quote")
    message = str(err.value)
    assert "missing-quote/facts.yaml:10" in message
    assert "row 2" in message
    assert "Силикон водийси Калифорния штатида жойлашган" in message
    assert err.value.exit_code == 1


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(InputError) as err:
        curation.extract(list(docs().values()), FIXTURES / "invalid-yaml")
    assert "invalid-yaml/facts.yaml:6" in str(err.value)
    assert "not valid YAML" in str(err.value)
    assert err.value.exit_code == 2


def test_unknown_entity_and_unknown_source() -> None:
    with pytest.raises(CheckFailed, match=r"facts.yaml:3: row 1: 'object': .*place/atlantis"):
        curation.extract(list(docs().values()), FIXTURES / "unknown-entity")
    with pytest.raises(CheckFailed, match="999_not_in_the_corpus"):
        curation.extract(list(docs().values()), FIXTURES / "unknown-source")
    # one document at a time: rows of other sources are skipped
    doc = docs()[A000]
    assert curation.extract(doc, FIXTURES / "unknown-source") == []
