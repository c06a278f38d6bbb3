"""``clusterkg export``: the CONSTRUCT profiles on a graph with the real ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from kg.paths import ONTOLOGY_FILE
from kg.publish.dumps import ONTOLOGY_GRAPH, write_dumps
from kg.publish.export import export_command

FIXTURE = Path(__file__).parent / "fixtures" / "publish" / "mini.trig"
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ID = Namespace("https://w3id.org/clusterkg/id/")
SV = ID["cluster/silicon-valley"]
SU = ID["org/stanford-university"]
OBS = ID["observation/cccccccccccc"]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's lexicon and article graphs with the project's real ontology."""
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    onto = ds.graph(ONTOLOGY_GRAPH)
    onto.remove((None, None, None))
    onto.parse(ONTOLOGY_FILE, format="turtle")
    out = tmp_path_factory.mktemp("export") / "build"
    write_dumps(ds, out)
    return out


def run_export(build: Path, tmp_path: Path, profile: str, fmt: str) -> Graph:
    target = tmp_path / f"{profile}.{fmt}"
    result = CliRunner().invoke(
        export_command,
        ["--profile", profile, "--build", str(build), "--format", fmt, "--output", str(target)],
    )
    assert result.exit_code == 0, result.output
    assert f"{profile}: " in result.output
    parse_as = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    return Graph().parse(target, format=parse_as)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_schema_profile(build: Path, tmp_path: Path, fmt: str) -> None:
    g = run_export(build, tmp_path, "schema", fmt)
    assert (SV, RDF.type, SCHEMA.Organization) in g  # ck:Cluster ⊑ schema:Organization
    assert (SU, RDF.type, SCHEMA.CollegeOrUniversity) in g  # ck:University ⊑ schema:...
    assert (SV, SCHEMA.member, SU) in g
    assert (SU, SCHEMA.memberOf, SV) in g
    assert (SV, SCHEMA.location, ID["place/usa"]) in g
    assert (SV, SCHEMA.sameAs, URIRef("http://dbpedia.org/resource/Silicon_Valley")) in g
    names = {str(o) for o in g.objects(SV, SCHEMA.name)}
    assert names == {"Silicon Valley", "Кремниевая долина", "Кремний водийси", "Kremniy vodiysi"}
    assert set(g.predicate_objects(OBS)) == {
        (RDF.type, SCHEMA.Observation),
        (SCHEMA.observationAbout, SV),
        (SCHEMA.measuredProperty, ID["indicator/share-of-patents"]),
        (SCHEMA.value, Literal("97", datatype=XSD.decimal)),  # oxigraph: canonical form
        (SCHEMA.unitCode, ID["unit/percent"]),
        (SCHEMA.temporalCoverage, Literal("2020")),
        (SCHEMA.isBasedOn, ID["source/000_test"]),
    }
    src = ID["source/000_test"]
    assert (src, RDF.type, SCHEMA.ScholarlyArticle) in g
    assert (src, SCHEMA.mentions, SU) in g
    # schema.org terms only (plus rdf:type)
    assert all(p == RDF.type or str(p).startswith(str(SCHEMA)) for p in g.predicates())


def test_org_profile(build: Path, tmp_path: Path) -> None:
    g = run_export(build, tmp_path, "org", "ttl")
    assert (SV, RDF.type, ORG.Organization) in g
    assert (SU, RDF.type, ORG.FormalOrganization) in g  # ck:Organisation ⊑ org:Formal...
    assert (SV, ORG.hasMember, SU) in g
    assert (SU, ORG.memberOf, SV) in g
    assert (SV, ORG.hasSite, ID["place/usa"]) in g
    assert (ID["place/usa"], RDF.type, ORG.Site) in g
    predicates = {str(p) for p in g.predicates()}
    allowed = (
        str(ORG),
        str(RDF),
        "http://www.w3.org/2004/02/skos/core#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/ns/prov#",
    )
    assert all(p.startswith(allowed) for p in predicates), predicates


def test_missing_build_is_input_error(tmp_path: Path) -> None:
    from kg.errors import InputError

    result = CliRunner().invoke(export_command, ["--profile", "org", "--build", str(tmp_path)])
    assert isinstance(result.exception, InputError)
