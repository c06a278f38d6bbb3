"""The ontology (ontology/clusterkg.ttl) and the SKOS schemes (ontology/vocab/*.ttl).

Checks: parsing and header, exact term counts, the terms docs/model.md relies on, labels in four
languages and English definitions, SKOS concepts of every scheme, no undeclared ck: term
anywhere in the project, alignment targets that exist in their vocabularies (local copies in
tests/data/vocab/), OWL 2 DL typing, HermiT consistency (Java), ``clusterkg ontology stats``,
one-line errors for missing or malformed files, and kg/vocab.py in sync with the ontology.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, QB, SDO, VANN, VOID

from kg.cli import cli
from kg.errors import InputError
from kg.namespace import (
    CK,
    NIF,
    OA,
    ONTOLOGY_IRI,
    ONTOLOGY_NS,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
)
from kg.ontology import (
    LANGUAGES,
    VOCAB_MODULE,
    all_ck_terms,
    ck_terms,
    compute_stats,
    concepts,
    load_ontology,
    parse_turtle,
    render_namespace,
)
from kg.paths import ONTOLOGY_FILE, ROOT, VOCAB_DIR

VOCAB_COPIES = Path(__file__).parent / "data" / "vocab"
OWN_SCHEMES = ("triple-helix-sector", "actor-role", "sector", "policy-instrument", "target-group",
               "stip-instrument-type", "industrial-ecosystem")  # fmt: skip
OWN_FILES = (
    ONTOLOGY_FILE,
    *(VOCAB_DIR / f"{name}.ttl" for name in (*OWN_SCHEMES, "statistics-structure")),
)
ID = "https://w3id.org/clusterkg/id/"


@pytest.fixture(scope="module")
def onto() -> Graph:
    """ontology/clusterkg.ttl alone."""
    return parse_turtle(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def own() -> Graph:
    """The ontology plus the vocab files owned by the ontology (independent of other stages)."""
    graph = Graph()
    for path in OWN_FILES:
        parse_turtle(path, graph)
    return graph


@pytest.fixture(scope="module")
def full() -> Graph:
    """The ontology graph as built: ontology + every ontology/vocab/*.ttl."""
    return load_ontology()


# ----------------------------------------------------------------------------- header, counts


def test_header(onto: Graph) -> None:
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionIRI) == URIRef("https://w3id.org/clusterkg/ontology/0.1.0")
    assert onto.value(o, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(o, VANN.preferredNamespacePrefix) == Literal("ck")
    assert onto.value(o, VANN.preferredNamespaceUri) == Literal(str(CK))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert onto.value(o, prop) is not None, prop
    assert onto.value(o, DCTERMS.created) == Literal("2026-11-25", datatype=XSD.date)
    assert onto.value(o, DCTERMS.modified) is not None
    assert list(onto.objects(o, OWL.imports)) == []


def test_exact_term_counts(onto: Graph) -> None:
    counts = {
        kind: len(ck_terms(onto, kind))
        for kind in ("class", "object property", "datatype property", "annotation property")
    }
    assert counts == {
        "class": 79,
        "object property": 62,
        "datatype property": 20,
        "annotation property": 1,
    }


def test_terms_named_in_docs_model_are_declared(onto: Graph) -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/#-])ck:([A-Za-z_]\w*)", text))
    assert len(named) > 60
    declared = {str(t)[len(str(CK)) :] for t in all_ck_terms(onto)}
    assert sorted(named - declared) == []


def test_terms_the_issue_asks_for(onto: Graph) -> None:
    declared = {str(t)[len(str(CK)) :] for t in all_ck_terms(onto)}
    wanted = re.split(
        r"\s+",
        """Cluster RegionalInnovationCluster IndustrialCluster AgroIndustrialCluster
    TechnologyCluster TransnationalCluster SmartCluster ClusterInitiative IndustrialDistrict
    InnovationEcosystem TraditionalProductionEnterprise ClusterTypeEnterprise EnterpriseModel
    ComparisonTable ComparisonCell Company TransnationalCorporation SME StartUp University
    ResearchInstitute GovernmentBody RegionalAuthority VentureCapitalFirm Bank
    FinancialInstitution IndustryAssociation ConsultingCompany RegulatoryBody ClusterOrganisation
    InternationalOrganisation Technopark Person Place Country Region City Policy ClusterPolicy
    SmartSpecialisationStrategy RegionalInnovationStrategy StateSupportMeasure Programme Project
    Platform Report Theory Mechanism Benefit Challenge Problem ClusterCharacteristic
    SourceDocument Fact Enumeration EnumerationItem dimension hasMember memberOf
    tripleHelixSector locatedIn partOfPlace specialisesIn funds supports carriedOutBy
    cooperatesWith exchangesKnowledgeWith conductsJointRnDWith competesWith proposedBy exampleOf
    partOf mentions cites hasProblem hasCharacteristic abstractLanguage UnionOfStates hasTerritory
    manages responsibleBody targetGroup budget startDate endDate iso3166Code TargetGroup
    StipInstrumentType IndustrialEcosystem InferenceRule""",
    )
    assert sorted(set(wanted) - declared) == []


def test_key_axioms(onto: Graph) -> None:
    assert (CK.Cluster, RDFS.subClassOf, ORG.OrganizationalCollaboration) in onto
    assert (ORG.OrganizationalCollaboration, RDFS.subClassOf, ORG.Organization) in onto
    # roles are SKOS concepts used through org:role, never classes (issue 13)
    assert (URIRef(ONTOLOGY_NS + "Supplier"), RDF.type, OWL.Class) not in onto
    assert (URIRef(ONTOLOGY_NS + "Consumer"), RDF.type, OWL.Class) not in onto
    assert (CK.Person, RDFS.subClassOf, FOAF.Person) in onto
    assert (CK.hasMember, RDFS.subPropertyOf, ORG.hasMember) in onto
    assert (CK.memberOf, OWL.inverseOf, CK.hasMember) in onto
    assert (CK.partOfPlace, RDF.type, OWL.TransitiveProperty) in onto
    for prop in (
        CK.cooperatesWith,
        CK.exchangesKnowledgeWith,
        CK.conductsJointRnDWith,
        CK.competesWith,
    ):
        assert (prop, RDF.type, OWL.SymmetricProperty) in onto, prop
    assert (CK.extractedBy, RDFS.subPropertyOf, PROV.wasAttributedTo) in onto
    assert (CK.refArea, RDFS.subPropertyOf, SDMX_DIMENSION.refArea) in onto
    assert (CK.value, RDFS.subPropertyOf, SDMX_MEASURE.obsValue) in onto
    assert (CK.unit, RDFS.subPropertyOf, SDMX_ATTRIBUTE.unitMeasure) in onto
    for prop in (CK.indicator, CK.refArea, CK.statSubject, SDMX_DIMENSION.refPeriod):
        assert (prop, RDF.type, QB.DimensionProperty) in onto, prop
    assert (CK.refPeriod, RDF.type, QB.AttributeProperty) in onto
    assert (CK.value, RDF.type, QB.MeasureProperty) in onto
    assert (CK.unit, RDF.type, QB.AttributeProperty) in onto
    assert (CK.valueQualifier, RDF.type, QB.AttributeProperty) in onto
    disjoint_sets = [set(onto.items(members)) for members in onto.objects(None, OWL.members)]
    assert any({CK.University, CK.Company} <= s for s in disjoint_sets)
    assert any(
        {CK.Person, ORG.Organization, CK.Place, CK.Policy, CK.Theory} <= s for s in disjoint_sets
    )


def test_statistics_structure(own: Graph) -> None:
    dsd = URIRef(ID + "dataset/statistics-structure")
    dataset = URIRef(ID + "dataset/statistics")
    assert (dataset, RDF.type, QB.DataSet) in own
    assert own.value(dataset, QB.structure) == dsd
    assert (dsd, RDF.type, QB.DataStructureDefinition) in own
    parts: dict[str, set[URIRef]] = {"dimension": set(), "measure": set(), "attribute": set()}
    for spec in own.objects(dsd, QB.component):
        assert isinstance(spec, URIRef)  # no blank nodes
        for role in parts:
            parts[role].update(own.objects(spec, QB[role]))
    assert parts == {
        "dimension": {CK.indicator, CK.refArea, CK.statSubject, SDMX_DIMENSION.refPeriod},
        "measure": {CK.value},
        "attribute": {CK.unit, CK.valueQualifier, CK.refPeriod},
    }


# ----------------------------------------------------------------------------- labels


def test_every_term_has_four_labels_and_an_english_definition(onto: Graph) -> None:
    missing = []
    for term in all_ck_terms(onto):
        labels: dict[str, list[str]] = {}
        for value in onto.objects(term, RDFS.label):
            labels.setdefault(value.language, []).append(str(value))
        for lang in LANGUAGES:
            if len(labels.get(lang, [])) != 1:
                missing.append(f"{term} rdfs:label@{lang}")
        if not any(d.language == "en" for d in onto.objects(term, SKOS.definition)):
            missing.append(f"{term} skos:definition@en")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            missing.append(f"{term} rdfs:isDefinedBy")
    assert missing == []


def test_uzbek_latin_labels_are_latin_script(onto: Graph) -> None:
    cyrillic = re.compile(r"[\u0400-\u04ff]")
    bad = [
        str(v)
        for v in onto.objects(None, RDFS.label)
        if v.language == "uz-Latn" and cyrillic.search(str(v))
    ]
    assert bad == []


@pytest.mark.parametrize("path", sorted(VOCAB_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_every_concept_has_four_preflabels_and_a_definition(path: Path) -> None:
    graph = parse_turtle(path)
    problems = []
    for concept in concepts(graph):
        prefs: dict[str, int] = {}
        for value in graph.objects(concept, SKOS.prefLabel):
            prefs[value.language] = prefs.get(value.language, 0) + 1
        for lang in LANGUAGES:
            if prefs.get(lang) != 1:
                problems.append(f"{concept} skos:prefLabel@{lang} x{prefs.get(lang, 0)}")
        if not any(d.language == "en" for d in graph.objects(concept, SKOS.definition)):
            problems.append(f"{concept} skos:definition@en")
        if graph.value(concept, SKOS.inScheme) is None:
            problems.append(f"{concept} skos:inScheme")
    assert problems == []


def test_own_schemes_have_the_concepts_of_docs_model(own: Graph) -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for scheme in OWN_SCHEMES:
        row = re.search(rf"^\| `{scheme}` \| ([^|]+) \|", text, re.M)
        assert row, scheme
        expected = {slug.strip() for slug in row.group(1).split(",")}
        scheme_iri = URIRef(f"{ID}scheme/{scheme}")
        found = {str(c).rsplit("/", 1)[1] for c in own.subjects(SKOS.inScheme, scheme_iri)}
        assert found == expected, scheme
        for concept in own.subjects(SKOS.inScheme, scheme_iri):
            top = (concept, SKOS.topConceptOf, scheme_iri) in own
            assert top == (own.value(concept, SKOS.broader) is None), concept
            assert top == ((scheme_iri, SKOS.hasTopConcept, concept) in own), concept


def test_own_schemes_label_integrity(own: Graph) -> None:
    """SKOS S13/S14: one prefLabel per language; pref, alt and hidden labels are disjoint."""
    clashes = []
    for concept in concepts(own):
        pref = set(own.objects(concept, SKOS.prefLabel))
        alt = set(own.objects(concept, SKOS.altLabel))
        hidden = set(own.objects(concept, SKOS.hiddenLabel))
        if pref & alt or pref & hidden or alt & hidden:
            clashes.append(str(concept))
    assert clashes == []


def test_hidden_labels_carry_surface_forms_of_the_articles(own: Graph) -> None:
    sector = f"{ID}sector/"
    expected = {
        (sector + "biotechnology", "биотехнологиялар", "uz-Cyrl"),
        (sector + "aerospace", "аэрокосмик техникалар", "uz-Cyrl"),
        (sector + "semiconductors", "ярим ўтказгичлар", "uz-Cyrl"),
        (sector + "automotive", "автомобильный", "ru"),
        (f"{ID}triple-helix-sector/government", "государством", "ru"),
    }
    for concept, text, lang in expected:
        labels = {
            (str(v), v.language)
            for p in (SKOS.prefLabel, SKOS.hiddenLabel)
            for v in own.objects(URIRef(concept), p)
        }
        assert (text, lang) in labels, (concept, text)


# ----------------------------------------------------------------------------- declarations

_CK_CURIE = re.compile(r"(?<![\w/#-])ck:([A-Za-z_]\w*)")
_CK_IRI = re.compile(re.escape(str(CK)) + r"([A-Za-z_]\w*)")
_CK_PY = re.compile(r"\bCK(?:\.([A-Za-z_]\w*)|\[\"([A-Za-z_]\w*)\"\])")


def _used_ck_terms() -> dict[str, set[str]]:
    """ck: term -> files using it, in ontology/, shapes/, queries/, data/ and kg/."""
    used: dict[str, set[str]] = {}
    roots = [ROOT / d for d in ("ontology", "shapes", "queries", "data", "kg")]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in {
                ".ttl",
                ".trig",
                ".nq",
                ".nt",
                ".rq",
                ".sparql",
                ".py",
                ".yaml",
                ".yml",
                ".json",
                ".jsonld",
                ".md",
                ".tsv",
                ".csv",
            }:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            names = set(_CK_CURIE.findall(text)) | set(_CK_IRI.findall(text))
            if path.suffix == ".py":
                names |= {a or b for a, b in _CK_PY.findall(text)}
            for name in names:
                used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return used


PLACEHOLDERS = {"X", "Y"}  # "ck:X rdfs:subClassOf* org:Y" in comments of queries


def test_no_undeclared_ck_term_is_used_anywhere(onto: Graph) -> None:
    declared = {str(t)[len(str(CK)) :] for t in all_ck_terms(onto)} | PLACEHOLDERS
    used = _used_ck_terms()
    undeclared = {name: sorted(files) for name, files in used.items() if name not in declared}
    assert undeclared == {}


# The real vocabulary files in tests/data/vocab/ (source, commit and licence of each in its
# README.md) and the namespace(s) each one is the authority for.
VOCAB_COPY_NAMESPACES: dict[str, tuple[str, ...]] = {
    "oa.ttl": (str(OA),),
    "nif-core.ttl": (str(NIF),),
    "sdmx-dimension.ttl": (str(SDMX_DIMENSION),),
    "sdmx-measure.ttl": (str(SDMX_MEASURE),),
    "sdmx-attribute.ttl": (str(SDMX_ATTRIBUTE),),
}


def _copy_terms() -> dict[str, set[str]]:
    """Namespace -> local names that are the subject of a triple in its copy in tests/data/vocab."""
    known: dict[str, set[str]] = {}
    for name, namespaces in VOCAB_COPY_NAMESPACES.items():
        graph = Graph().parse(VOCAB_COPIES / name)
        for ns in namespaces:
            known.setdefault(ns, set())
        for subject in set(graph.subjects()):
            iri = str(subject)
            ns = next((n for n in namespaces if iri.startswith(n) and iri != n), None)
            if ns is not None:
                known[ns].add(iri[len(ns) :])
    return known


def _vocabulary_terms() -> dict[str, set[str]]:
    """Namespace -> known local names: the local copy where there is one, else rdflib's list."""
    known = _copy_terms()
    for ns in (ORG, PROV, SKOS, QB, FOAF, DCAT, VOID, DCTERMS, VANN, SDO):
        if str(ns._NS) in known:
            continue
        names = set(getattr(ns, "__annotations__", {})) | set(getattr(ns, "_extras", []))
        known[str(ns._NS)] = names
    return known


def test_every_vocabulary_copy_is_used_and_declares_terms() -> None:
    files = {p.name for p in VOCAB_COPIES.iterdir() if p.suffix in {".ttl", ".rdf", ".owl"}}
    assert files == set(VOCAB_COPY_NAMESPACES)
    readme = (VOCAB_COPIES / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert f"`{name}`" in readme, name
    assert {ns: bool(names) for ns, names in _copy_terms().items()} == {
        ns: True for namespaces in VOCAB_COPY_NAMESPACES.values() for ns in namespaces
    }


def test_alignment_targets_exist_in_their_vocabularies(own: Graph) -> None:
    known = _vocabulary_terms()
    checked = 0
    unknown = []
    for term in sorted({n for t in own for n in t if isinstance(n, URIRef)}):
        iri = str(term)
        ns = next((n for n in known if iri.startswith(n) and iri != n), None)
        if ns is None:
            continue
        checked += 1
        if iri[len(ns) :] not in known[ns]:
            unknown.append(iri)
    assert unknown == []
    assert checked > 100


def test_owl2_dl_typing(own: Graph) -> None:
    """Each IRI has one property kind; every class or property used is declared."""
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    by_iri: dict[URIRef, set[URIRef]] = {}
    for kind in kinds:
        for s in own.subjects(RDF.type, kind):
            by_iri.setdefault(s, set()).add(kind)
    assert {str(s) for s, k in by_iri.items() if len(k) > 1} == set()
    builtin = (str(RDF), str(RDFS), str(OWL), str(XSD))
    properties = set(by_iri)
    used_predicates = {p for p in own.predicates() if not str(p).startswith(builtin)}
    assert sorted(map(str, used_predicates - properties)) == []
    classes = set(own.subjects(RDF.type, OWL.Class))
    used_classes: set[URIRef] = set()
    for prop in (RDFS.subClassOf, RDFS.domain, OWL.someValuesFrom, OWL.allValuesFrom):
        used_classes |= {o for o in own.objects(None, prop) if isinstance(o, URIRef)}
    for p in (OWL.ObjectProperty,):
        used_classes |= {
            o
            for s in own.subjects(RDF.type, p)
            for o in own.objects(s, RDFS.range)
            if isinstance(o, URIRef)
        }
    used_classes |= {
        t
        for s, t in own.subject_objects(RDF.type)
        if isinstance(s, URIRef) and not str(t).startswith(builtin)
    }
    assert sorted(map(str, used_classes - classes - {OWL.Thing})) == []


# ----------------------------------------------------------------------------- reasoning


def _java() -> str:
    java = shutil.which("java") or ("/usr/bin/java" if Path("/usr/bin/java").exists() else None)
    if java is None:
        pytest.skip("SKIPPED LOUDLY: no Java runtime found; HermiT (owlready2) needs java on PATH")
    return java


def _hermit(tmp_path: Path, *paths: Path, extra: str = "") -> tuple[list[str], bool]:
    """Run HermiT on the files; return (unsatisfiable class IRIs, consistent?)."""
    import owlready2

    owlready2.JAVA_EXE = _java()
    graph = Graph()
    for path in paths:
        parse_turtle(path, graph)
    if extra:
        graph.parse(data=extra, format="turtle")
    nt = tmp_path / "ontology.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return [], False
    unsat = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
    return unsat, True


@pytest.mark.java
def test_hermit_ontology_and_schemes_consistent(tmp_path: Path) -> None:
    files = [ONTOLOGY_FILE, *sorted(VOCAB_DIR.glob("*.ttl"))]
    assert _hermit(tmp_path, *files) == ([], True)


@pytest.mark.java
def test_hermit_lexicon_consistent_with_ontology(tmp_path: Path) -> None:
    lexicon = sorted((ROOT / "data" / "lexicon").glob("*.ttl"))
    if not lexicon:
        pytest.skip("no data/lexicon/*.ttl yet")
    files = [ONTOLOGY_FILE, *sorted(VOCAB_DIR.glob("*.ttl")), *lexicon]
    assert _hermit(tmp_path, *files) == ([], True)


@pytest.mark.java
def test_hermit_detects_violations(tmp_path: Path) -> None:
    """The reasoner really runs: a university-company is unsatisfiable, a person-cluster clashes."""
    bad_class = """@prefix ck: <https://w3id.org/clusterkg/ontology#> .
    @prefix owl: <http://www.w3.org/2002/07/owl#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ck:UniversityCompany a owl:Class ; rdfs:subClassOf ck:University , ck:Company ."""
    assert _hermit(tmp_path, ONTOLOGY_FILE, extra=bad_class) == (
        [str(CK) + "UniversityCompany"],  # a fixture class, not in the ontology
        True,
    )
    bad_individual = """@prefix ck: <https://w3id.org/clusterkg/ontology#> .
    <https://w3id.org/clusterkg/id/person/x> a ck:Person , ck:Cluster ."""
    assert _hermit(tmp_path, ONTOLOGY_FILE, extra=bad_individual) == ([], False)


@pytest.mark.java
def test_hermit_infers_the_membership_shortcut(tmp_path: Path) -> None:
    """ck:memberOf follows from an org:Membership (property chain); ck:hasMember is its inverse."""
    import owlready2

    owlready2.JAVA_EXE = _java()
    graph = parse_turtle(ONTOLOGY_FILE)
    graph.parse(
        data="""@prefix ck: <https://w3id.org/clusterkg/ontology#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        <https://w3id.org/clusterkg/id/membership/m1> a org:Membership ;
            org:member <https://w3id.org/clusterkg/id/org/stanford-university> ;
            org:organization <https://w3id.org/clusterkg/id/cluster/silicon-valley> .
        <https://w3id.org/clusterkg/id/org/stanford-university> a ck:University .
        <https://w3id.org/clusterkg/id/cluster/silicon-valley> a ck:TechnologyCluster .""",
        format="turtle",
    )
    nt = tmp_path / "chain.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(nt.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    rows = list(
        world.sparql(
            "SELECT ?c ?m WHERE { ?m <https://w3id.org/clusterkg/ontology#memberOf> ?c . "
            "?c <https://w3id.org/clusterkg/ontology#hasMember> ?m }"
        )
    )
    assert [(c.iri, m.iri) for c, m in rows] == [
        (ID + "cluster/silicon-valley", ID + "org/stanford-university")
    ]


# ----------------------------------------------------------------------------- stats, errors


def test_stats_command_on_the_ontology_and_its_own_schemes(tmp_path: Path) -> None:
    (tmp_path / "vocab").mkdir()
    shutil.copy(ONTOLOGY_FILE, tmp_path / "clusterkg.ttl")
    for path in OWN_FILES[1:]:
        shutil.copy(path, tmp_path / "vocab" / path.name)
    result = CliRunner().invoke(
        cli, ["ontology", "stats", "--ontology", str(tmp_path / "clusterkg.ttl")]
    )
    assert result.exit_code == 0, result.output
    rows = {
        m.group(1).strip(): m.group(2).strip()
        for m in re.finditer(r"^│ ([^│]+?)\s*│\s*([^│]+?)\s*│", result.output, re.M)
    }
    assert rows["files"] == "9"
    assert rows["ck: classes"] == "79"
    assert rows["ck: object properties"] == "62"
    assert rows["ck: datatype properties"] == "20"
    assert rows["ck: annotation properties"] == "1"
    assert rows["SKOS concept schemes"] == "22"  # 7 vocab files + 15 named by concept classes
    assert rows["SKOS concepts"] == "67"
    for lang in LANGUAGES:
        line = next(line for line in result.output.splitlines() if line.startswith(f"│ {lang} "))
        assert "162/162 (100.0%)" in line
        assert "67/67 (100.0%)" in line


def test_compute_stats_on_the_full_ontology_graph(full: Graph) -> None:
    stats = compute_stats(full)
    assert stats.terms["class"] == 79
    for lang in LANGUAGES:
        assert stats.term_labels.percent(lang) == 100.0
        assert stats.concept_labels.percent(lang) == 100.0


def _run_stats(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "ontology", "stats", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    result = _run_stats("--ontology", str(missing))
    assert result.returncode == 2
    assert result.stderr == f"error: {missing}:0: no such file\n"


def test_malformed_turtle_is_one_line_exit_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ck: <https://w3id.org/clusterkg/ontology#> .\n\n"
        "ck:A a ck:B .\n"
        'ck:C ck:d "unterminated .\n'
        "ck:E a ck:F .\n",
        encoding="utf-8",
    )
    result = _run_stats("--ontology", str(bad))
    assert result.returncode == 2
    assert result.stderr == (f"error: {bad}:4: malformed Turtle: newline found in string literal\n")
    with pytest.raises(InputError) as info:
        parse_turtle(bad)
    assert info.value.where == f"{bad}:4"


def test_malformed_vocab_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "vocab").mkdir()
    shutil.copy(ONTOLOGY_FILE, tmp_path / "clusterkg.ttl")
    bad = tmp_path / "vocab" / "broken.ttl"
    bad.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:x\n", encoding="utf-8"
    )
    result = _run_stats("--ontology", str(tmp_path / "clusterkg.ttl"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr == f"error: {bad}:2: malformed Turtle: objectList expected\n"


# ----------------------------------------------------------------------------- kg/vocab.py


def test_vocab_module_is_in_sync_with_the_ontology(onto: Graph) -> None:
    assert VOCAB_MODULE.read_text(encoding="utf-8") == render_namespace(onto), (
        "kg/vocab.py is out of date: run python -m kg.ontology --write-namespace"
    )


def test_vocab_module_lists_every_term_and_rejects_unknown_ones(onto: Graph) -> None:
    from kg.vocab import CK as DefinedCK

    for term in all_ck_terms(onto):
        assert getattr(DefinedCK, str(term)[len(str(CK)) :]) == term
    with pytest.raises(AttributeError):
        _ = DefinedCK.Clustr


# ----------------------------------------------------------------------------- quality (issue 13)

LABEL_FILES = sorted(VOCAB_DIR.glob("*.ttl")) + sorted((ROOT / "data" / "lexicon").glob("*.ttl"))


def test_no_duplicate_label_per_language_within_the_ontology(onto: Graph) -> None:
    """A class and a property (PolicyInstrument / policyInstrument) never share a label."""
    seen: dict[tuple[str, str], set[URIRef]] = {}
    for term in all_ck_terms(onto):
        for value in onto.objects(term, RDFS.label):
            seen.setdefault((value.language, str(value).casefold()), set()).add(term)
    assert {k: sorted(v) for k, v in seen.items() if len(v) > 1} == {}


def test_no_preferred_label_is_also_an_alternative_or_hidden_label() -> None:
    """SKOS S13/S14 for every concept and named entity, ignoring case (the matcher does)."""
    graph = Graph()
    for path in LABEL_FILES:
        parse_turtle(path, graph)
    clashes = []
    for subject in set(graph.subjects(SKOS.prefLabel)):

        def keys(prop: URIRef, s: URIRef = subject) -> set[tuple[str, str]]:
            return {(v.language, str(v).casefold()) for v in graph.objects(s, prop)}

        pref, alt, hidden = keys(SKOS.prefLabel), keys(SKOS.altLabel), keys(SKOS.hiddenLabel)
        if pref & alt or pref & hidden or alt & hidden:
            clashes.append(str(subject))
    assert clashes == []


def test_uzbek_latin_apostrophe_variants_are_hidden_labels() -> None:
    """Every Uzbek Latin label with o‘/g‘ or the tutuq belgisi is also findable typed with
    U+02BB, U+2018, U+2019 or ASCII '; the generated files are in sync with the labels."""
    from kg.ontology import APOSTROPHE_FORMS, variant_targets

    for target, text in variant_targets().items():
        assert target.read_text(encoding="utf-8") == text, (
            f"{target} is out of date: run python -m kg.ontology --write-variants"
        )
    graph = Graph()
    for path in LABEL_FILES:
        parse_turtle(path, graph)
    bare = "O‘zbekiston"
    usa_forms = {str(v) for v in graph.objects(URIRef(ID + "place/uzbekistan"), SKOS.hiddenLabel)}
    assert {bare.replace("‘", form) for form in APOSTROPHE_FORMS} - {bare} <= usa_forms
    missing = []
    for subject, value in graph.subject_objects(SKOS.prefLabel):
        if value.language != "uz-Latn" or not re.search("[ʻ‘’'ʼ]", str(value)):
            continue
        labels = {str(v) for p in LABEL_PROPS for v in graph.objects(subject, p)}
        for form in APOSTROPHE_FORMS:
            if re.sub("[ʻ‘’'ʼ]", form, str(value)) not in labels:
                missing.append((str(subject), form))
    assert missing == []


LABEL_PROPS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


def test_labels_as_a_fluent_speaker_writes_them(onto: Graph) -> None:
    """The labels issue 13 found wrong, as Russian and Uzbek write them."""
    graph = Graph()
    for path in LABEL_FILES:
        parse_turtle(path, graph)

    def pref(iri: str, lang: str) -> str:
        return next(str(v) for v in graph.objects(URIRef(ID + iri), SKOS.prefLabel)
                    if v.language == lang)  # fmt: skip

    def label(term: URIRef, lang: str) -> str:
        return next(str(v) for v in onto.objects(term, RDFS.label) if v.language == lang)

    assert label(CK.Person, "ru") == "Человек"  # not the calque "Персона"
    assert pref("cluster/silicon-valley", "ru") == "Кремниевая долина"  # the standard name
    assert pref("org/research-triangle-park", "ru") == "Исследовательский треугольный парк"
    assert label(CK.statSubject, "uz-Latn") == "statistik obyekt"  # not "ob’yekt"
    # uz-Latn and uz-Cyrl say the same (transliteration), for the triple helix too
    from kg.corpus.uzbek import cyrl_to_latn

    helix_cyrl, helix_latn = (
        pref("theory/triple-helix", "uz-Cyrl"),
        pref("theory/triple-helix", "uz-Latn"),
    )
    assert cyrl_to_latn(helix_cyrl.lower()) == helix_latn.lower()


def test_domains_and_ranges_where_they_hold(onto: Graph) -> None:
    """Object properties have a domain and a range unless any kind of thing fits (named)."""
    open_domain = {"about", "mentions"}  # documents and facts are about anything
    open_range = {"about", "mentions", "statSubject"}
    missing = []
    for prop in ck_terms(onto, "object property"):
        name = str(prop)[len(str(CK)) :]
        inverse = onto.value(prop, OWL.inverseOf) or onto.value(None, OWL.inverseOf, prop)
        domain = (prop, RDFS.domain, None) in onto or name in open_domain
        range_ = (prop, RDFS.range, None) in onto or name in open_range
        if not domain and (inverse is None or (inverse, RDFS.range, None) not in onto):
            missing.append(f"{name} domain")
        if not range_ and (inverse is None or (inverse, RDFS.domain, None) not in onto):
            missing.append(f"{name} range")
    assert missing == []
