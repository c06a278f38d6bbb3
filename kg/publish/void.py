"""The VoID and DCAT description of the release, generated from the graph and the dump files.

Nothing here is typed by hand except the title, description, licence and publisher: every
count, class and property partition, linkset, subset, coverage and distribution is computed
from the dataset (or, for sizes and checksums, from the files ``write_dumps`` just wrote).

Counting conventions (the tests recompute each one with SPARQL over ``clusterkg.nq``):

- ``void:triples``: distinct triples of the union of all named graphs (the query default graph);
- ``void:entities``: distinct IRI subjects under ``void:uriSpace`` (``https://w3id.org/clusterkg/``);
- ``void:distinctSubjects`` / ``void:distinctObjects``: distinct subject / object terms;
- ``void:classes``: distinct objects of ``rdf:type``; ``void:properties``: distinct predicates;
- class partition: ``void:entities`` = distinct subjects typed with the class;
- property partition: ``void:triples`` = distinct triples with the predicate;
- linksets: ``skos:exactMatch`` triples whose object is a Wikidata / DBpedia IRI;
- subsets: one per named graph, ``void:triples`` = triples of that graph;
- ``dcterms:spatial``: every ``id:place/...`` IRI an article graph refers to, as the EU
  country-table IRI or the GeoNames feature it is matched to (``skos:exactMatch``) when it has
  one (the controlled vocabularies DCAT-AP asks for), else the place itself; each a
  ``dcterms:Location``;
- ``dcterms:temporal``: first and last year of the statistics' ``ck:refPeriod`` or, when no
  statistic gives a period, of the articles' publication (``dcterms:bibliographicCitation``).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, VOID
from rdflib.term import Node

from kg.atomic import atomic_path
from kg.namespace import BASE, CK, DBR, ID, PREFIXES, WD, short_hash

if TYPE_CHECKING:
    from kg.publish.dumps import GraphFile

SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID_DOC = URIRef(BASE + "void")
_V = Namespace(BASE + "void#")
DATASET = _V["clusterkg"]
PUBLISHER = _V["publisher"]
SPARQL_ENDPOINT = URIRef(BASE + "sparql")
DUMPS_BASE = BASE + "dumps/"
URI_SPACE = BASE
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "clusterkg: a knowledge graph of industrial and innovation clusters"
DESCRIPTION = (
    "Industrial and innovation clusters, their actors, relations, policies and statistics, "
    "extracted from economics articles; every fact carries the verbatim quote and character "
    "offsets of its evidence (W3C Web Annotation)."
)
#: the date of the first release (dcterms:issued); dcterms:modified is the build date.
FIRST_RELEASE = date(2026, 11, 25)
#: external datasets of the linksets: name -> (dataset IRI, URI space, title)
LINK_TARGETS: dict[str, tuple[str, str, str]] = {
    "wikidata": ("http://www.wikidata.org/", str(WD), "Wikidata"),
    "dbpedia": ("http://dbpedia.org/", str(DBR), "DBpedia"),
}
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
#: files of the release that are not data (not listed as dumps or distributions)
NOT_DATA = frozenset({"context.jsonld"})
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_COUNTRY = EU_AUTHORITY + "country/"
GEONAMES = "http://sws.geonames.org/"
#: dcat:theme: the EU data theme (DCAT-AP's mandatory vocabulary) and the EuroVoc descriptor
THEMES: dict[str, tuple[str, str, str]] = {
    EU_AUTHORITY + "data-theme/ECON": (
        "Economy and finance",
        EU_AUTHORITY + "data-theme",
        "Data theme (EU Vocabularies)",
    ),
    "http://eurovoc.europa.eu/c_de4d6f2f": (
        "business cluster",
        "http://eurovoc.europa.eu/100141",
        "EuroVoc",
    ),
}


def build_date() -> date:
    """The build date: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


def _named_graphs(ds: Dataset) -> list[Graph]:
    return sorted(
        (g for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)),
        key=lambda g: str(g.identifier),
    )


def _union_triples(ds: Dataset) -> set[tuple[Node, Node, Node]]:
    return {triple for graph in ds.graphs() for triple in graph}


def _is_article_graph(iri: Node) -> bool:
    return str(iri).startswith(str(ID["graph/"])) and str(iri).rsplit("/", 1)[1] not in {
        "ontology",
        "lexicon",
        "inferred",
    }


def compute_stats(ds: Dataset) -> dict[str, Any]:
    """All numbers of the VoID description, computed from the dataset."""
    triples = _union_triples(ds)
    subjects = {s for s, _, _ in triples}
    objects = {o for _, _, o in triples}
    typed: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in triples:
        if p == RDF.type:
            typed[o].add(s)
    predicates = Counter(p for _, p, _ in triples)
    links: dict[str, int] = {}
    for name, (_, space, _) in LINK_TARGETS.items():
        links[name] = sum(
            1 for _, p, o in triples if p == SKOS.exactMatch and str(o).startswith(space)
        )
    places: set[URIRef] = set()
    years: set[int] = set()
    published: set[int] = set()
    for graph in _named_graphs(ds):
        if not _is_article_graph(graph.identifier):
            continue
        for _, p, o in graph:
            if isinstance(o, URIRef) and str(o).startswith(str(ID["place/"])):
                places.add(o)
            if p == CK.refPeriod:
                years.update(_years(o))
            elif p in (DCTERMS.bibliographicCitation, DCTERMS.date, DCTERMS.issued):
                published.update(_years(o))
    return {
        "triples": len(triples),
        "entities": sum(1 for s in subjects if isinstance(s, URIRef) and s.startswith(URI_SPACE)),
        "distinctSubjects": len(subjects),
        "distinctObjects": len(objects),
        "classes": len(typed),
        "properties": len(predicates),
        "class_partitions": {cls: len(members) for cls, members in typed.items()},
        "property_partitions": dict(predicates),
        "linksets": links,
        "subsets": {g.identifier: len(g) for g in _named_graphs(ds)},
        "places": places,
        "place_matches": _place_matches(ds, places),
        # the periods the statistics refer to; without any, the articles' publication years
        "years": years or published,
        "vocabularies": _vocabularies(set(typed) | set(predicates)),
    }


def _years(literal: object) -> set[int]:
    """Four-digit years (1500-2099) in a literal."""
    return {int(y) for y in re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", str(literal))}


def _vocabularies(terms: set[Node] | set[str]) -> list[str]:
    spaces = [ns for prefix, ns in PREFIXES.items() if prefix != "id"]
    return sorted({ns for ns in spaces for term in terms if str(term).startswith(ns)})


#: what :func:`stats_from_files` computes: the statistics and the source titles by graph
ReleaseStats = tuple[dict[str, Any], dict[Node, Node]]


def _source_titles(ds: Dataset) -> dict[Node, Node]:
    titles: dict[Node, Node] = {}
    for graph in _named_graphs(ds):
        for s in graph.subjects(RDF.type, CK.SourceDocument):
            for title in graph.objects(s, DCTERMS.title):
                titles[graph.identifier] = title
    return titles


def _split(line: bytes, cut: int) -> tuple[bytes, bytes, bytes]:
    """Subject, predicate and object of a canonical N-Triples/N-Quads line whose last
    ``cut`` bytes are the graph term (if any) and the full stop (terms as written)."""
    s, p, o = line[:-cut].split(b" ", 2)
    return s, p, o


def stats_from_files(files: list[GraphFile], union_nt: Path) -> ReleaseStats:
    """:func:`compute_stats` and the source titles, streamed from the build's graph files and
    its union N-Triples (``clusterkg.nt``: distinct triples), not from an rdflib Dataset.

    The files are canonical lines (one term form each, as the dumps' sorted merge assumes),
    so terms are told apart by their bytes; only the few lines whose literal is read (periods,
    publication dates, titles) are parsed."""
    import pyoxigraph as ox

    def iri(text: str) -> bytes:
        return b"<" + text.encode() + b">"

    rdf_type, exact_match = iri(str(RDF.type)), iri(str(SKOS.exactMatch))
    space_prefix, place_prefix = b"<" + URI_SPACE.encode(), b"<" + str(ID["place/"]).encode()
    link_spaces = {name: b"<" + space.encode() for name, (_, space, _) in LINK_TARGETS.items()}
    place_matches: dict[URIRef, list[str]] = defaultdict(list)
    subjects: set[bytes] = set()
    objects: set[bytes] = set()
    entities = 0
    typed: dict[bytes, set[bytes]] = defaultdict(set)
    predicates: Counter[bytes] = Counter()
    links: Counter[str] = Counter()
    triples = 0
    with union_nt.open("rb") as handle:
        for line in handle:
            s, p, o = _split(line, 3)
            triples += 1
            if s not in subjects:
                subjects.add(s)
                entities += s.startswith(space_prefix)
            objects.add(o)
            predicates[p] += 1
            if p == rdf_type:
                typed[o].add(s)
            elif p == exact_match:
                for name, space in link_spaces.items():
                    if o.startswith(space):
                        links[name] += 1
                if s.startswith(place_prefix):
                    place_matches[URIRef(s[1:-1].decode())].append(o[1:-1].decode())
    period, source_type = iri(str(CK.refPeriod)), iri(str(CK.SourceDocument))
    published_by = {iri(str(p)) for p in (DCTERMS.bibliographicCitation, DCTERMS.date,
                                           DCTERMS.issued)}
    title = iri(str(DCTERMS.title))
    places: set[URIRef] = set()
    read: list[bytes] = []  # the lines whose literal is read: periods, dates, titles
    subsets: dict[URIRef, int] = {}
    for graph in sorted((f for f in files if f.name), key=lambda f: str(f.name)):
        name = URIRef(str(graph.name))
        with graph.path.open("rb") as handle:
            if not _is_article_graph(name):
                subsets[name] = sum(1 for _ in handle)
                continue
            cut, count, sources, titles_of = len(graph.suffix), 0, set(), []
            for line in handle:
                count += 1
                s, p, o = _split(line, cut)
                if o.startswith(place_prefix):
                    places.add(URIRef(o[1:-1].decode()))
                if p == period or p in published_by:
                    read.append(line)
                elif p == title:
                    titles_of.append((s, line))
                elif p == rdf_type and o == source_type:
                    sources.add(s)
        subsets[name] = count
        read.extend(line for s, line in titles_of if s in sources)
    years: set[int] = set()
    published: set[int] = set()
    titles: dict[Node, Node] = {}
    for q in ox.parse(b"".join(read), format=ox.RdfFormat.N_QUADS):
        p_iri, o_term = q.predicate.value, q.object
        if p_iri == str(CK.refPeriod):
            years.update(_years(o_term.value))
        elif p_iri == str(DCTERMS.title):
            titles[URIRef(q.graph_name.value)] = Literal(o_term.value,
                                                         lang=o_term.language or None)
        else:
            published.update(_years(o_term.value))

    def value(term: bytes) -> str:
        return term[1:-1].decode() if term.startswith(b"<") else term.decode()

    stats: dict[str, Any] = {
        "triples": triples,
        "entities": entities,
        "distinctSubjects": len(subjects),
        "distinctObjects": len(objects),
        "classes": len(typed),
        "properties": len(predicates),
        "class_partitions": {URIRef(value(c)): len(members) for c, members in typed.items()},
        "property_partitions": {URIRef(value(p)): n for p, n in predicates.items()},
        "linksets": {name: links[name] for name in LINK_TARGETS},
        "subsets": {g: n for g, n in subsets.items() if n},
        "places": places,
        "place_matches": {p: place_matches.get(p, []) for p in places},
        "years": years or published,
        "vocabularies": _vocabularies({value(t) for t in {*typed, *predicates}}),
    }
    return stats, titles


def void_graph(source: Dataset | ReleaseStats,
               dumps: dict[str, tuple[str, int, str]] | None = None) -> Graph:
    """The VoID + DCAT graph of a Dataset (or of precomputed ``(stats, titles)``, see
    :func:`stats_from_files`).

    ``dumps`` maps a dump file name to ``(media type, byte size, sha256 hex)``.
    """
    if isinstance(source, Dataset):
        stats, titles = compute_stats(source), _source_titles(source)
    else:
        stats, titles = source
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    g.bind("spdx", SPDX)
    g.bind("sd", SD)
    g.bind("", _V)

    def nni(n: int) -> Literal:
        return Literal(n, datatype=XSD.integer)

    ds_ = DATASET
    g.add((VOID_DOC, RDF.type, VOID.DatasetDescription))
    g.add((VOID_DOC, DCTERMS.title, Literal("VoID and DCAT description of clusterkg", lang="en")))
    g.add((VOID_DOC, FOAF.primaryTopic, ds_))
    g.add((ds_, RDF.type, VOID.Dataset))
    g.add((ds_, RDF.type, DCAT.Dataset))
    g.add((ds_, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((ds_, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds_, DCTERMS.license, LICENSE))
    g.add((ds_, DCTERMS.publisher, PUBLISHER))
    g.add((PUBLISHER, RDF.type, FOAF.Agent))
    g.add((PUBLISHER, FOAF.name, Literal("clusterkg developers")))
    g.add((ds_, DCTERMS.issued, Literal(FIRST_RELEASE.isoformat(), datatype=XSD.date)))
    g.add((ds_, DCTERMS.modified, Literal(build_date().isoformat(), datatype=XSD.date)))
    g.add((ds_, VOID.sparqlEndpoint, SPARQL_ENDPOINT))
    g.add((ds_, VOID.uriSpace, Literal(URI_SPACE)))
    g.add((ds_, VOID.rootResource, URIRef(BASE + "ontology")))
    for key in (
        "triples",
        "entities",
        "distinctSubjects",
        "distinctObjects",
        "classes",
        "properties",
    ):
        g.add((ds_, VOID[key], nni(stats[key])))
    for vocab in stats["vocabularies"]:
        g.add((ds_, VOID.vocabulary, URIRef(vocab)))

    service = _V["sparql-service"]
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("clusterkg SPARQL 1.1 endpoint (read-only)", lang="en")))
    g.add((service, DCAT.endpointURL, SPARQL_ENDPOINT))
    g.add((service, DCAT.servesDataset, ds_))
    for theme, (label, scheme, title) in THEMES.items():
        g.add((ds_, DCAT.theme, URIRef(theme)))
        g.add((URIRef(theme), RDF.type, SKOS.Concept))
        g.add((URIRef(theme), SKOS.prefLabel, Literal(label, lang="en")))
        g.add((URIRef(theme), SKOS.inScheme, URIRef(scheme)))
        g.add((ds_, DCAT.themeTaxonomy, URIRef(scheme)))
        g.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        g.add((URIRef(scheme), DCTERMS.title, Literal(title, lang="en")))
    g.add((LICENSE, RDF.type, DCTERMS.LicenseDocument))

    for cls, count in sorted(stats["class_partitions"].items()):
        node = _V[f"class-{short_hash(cls)}"]
        g.add((ds_, VOID.classPartition, node))
        g.add((node, VOID["class"], cls))
        g.add((node, VOID.entities, nni(count)))
    for prop, count in sorted(stats["property_partitions"].items()):
        node = _V[f"property-{short_hash(prop)}"]
        g.add((ds_, VOID.propertyPartition, node))
        g.add((node, VOID.property, prop))
        g.add((node, VOID.triples, nni(count)))

    for name, count in sorted(stats["linksets"].items()):
        if not count:
            continue
        target_iri, space, title = LINK_TARGETS[name]
        target = URIRef(target_iri)
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title)))
        g.add((target, VOID.uriSpace, Literal(space)))
        linkset = _V[f"links-{name}"]
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((ds_, VOID.subset, linkset))
        g.add((linkset, VOID.subjectsTarget, ds_))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.target, ds_))
        g.add((linkset, VOID.target, target))
        g.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
        g.add((linkset, VOID.triples, nni(count)))

    for graph_iri, count in sorted(stats["subsets"].items()):
        node = _V[f"graph-{str(graph_iri).rsplit('/', 1)[1]}"]
        g.add((ds_, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, SD.name, graph_iri))
        g.add((node, VOID.triples, nni(count)))
        if _is_article_graph(graph_iri):
            stem = str(graph_iri).rsplit("/", 1)[1]
            g.add((node, DCTERMS.source, ID[f"source/{stem}"]))
        if graph_iri in titles:
            g.add((node, DCTERMS.title, titles[graph_iri]))

    matches: dict[URIRef, list[str]] = stats["place_matches"]
    for location in sorted({_location(matches.get(p, []), p) for p in stats["places"]}):
        g.add((ds_, DCTERMS.spatial, location))
        g.add((location, RDF.type, DCTERMS.Location))
        if str(location).startswith(EU_COUNTRY):
            g.add((location, SKOS.inScheme, URIRef(EU_COUNTRY.rstrip("/"))))
    years = sorted(stats["years"])
    if years:
        period = _V["temporal-coverage"]
        g.add((ds_, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(str(years[0]), datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(str(years[-1]), datatype=XSD.gYear)))

    for name, (media_type, size, sha) in sorted((dumps or {}).items()):
        if name in NOT_DATA:
            continue
        url = URIRef(DUMPS_BASE + name)
        dist = _V[f"dump-{name}"]
        g.add((ds_, VOID.dataDump, url))
        g.add((ds_, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(name)))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(MEDIA_TYPE_BASE + media_type)))
        g.add((URIRef(MEDIA_TYPE_BASE + media_type), RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, LICENSE))
        checksum = _V[f"checksum-{name}"]
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sha, datatype=XSD.hexBinary)))
    assert not any(isinstance(t, BNode) for tr in g for t in tr)
    return g


def _location(matches: list[str], place: URIRef) -> URIRef:
    """The controlled IRI of a place for ``dcterms:spatial`` from its ``skos:exactMatch``es: its
    EU country-table match, else its GeoNames feature (https, as DCAT-AP's GeoNames pattern
    expects), else the place."""
    for match in sorted(matches):
        if match.startswith(EU_COUNTRY):
            return URIRef(match)
    for match in sorted(matches):
        if match.startswith(GEONAMES):
            return URIRef("https://" + match[len("http://") :])
    return place


def _place_matches(ds: Dataset, places: set[URIRef]) -> dict[URIRef, list[str]]:
    return {
        place: [str(o) for g in ds.graphs() for o in g.objects(place, SKOS.exactMatch)]
        for place in places
    }


def dump_files(out_dir: Path) -> dict[str, tuple[str, int, str]]:
    """The dumps present in ``out_dir``: name -> (media type, byte size, sha256 hex)."""
    from kg.publish.dumps import DUMPS, sha256_file

    return {
        name: (media, (out_dir / name).stat().st_size, sha256_file(out_dir / name))
        for name, (media, _) in DUMPS.items()
        if (out_dir / name).exists()
    }


def write_void(source: Dataset | list[GraphFile] | ReleaseStats,
               out_dir: Path, dumps: dict[str, tuple[str, int, str]] | None = None) -> Path:
    """Write ``out_dir/void.ttl`` (VoID + DCAT) describing a Dataset, the build's graph
    files (with ``clusterkg.nt`` already written in ``out_dir``) or precomputed
    :func:`stats_from_files`, and the dumps there (``dumps``: :func:`dump_files`, if known)."""
    if dumps is None:
        dumps = dump_files(out_dir)
    if isinstance(source, list):
        source = stats_from_files(source, Path(out_dir) / "clusterkg.nt")
    graph = void_graph(source, dumps)
    target = Path(out_dir) / "void.ttl"
    with atomic_path(target) as tmp:
        graph.serialize(destination=str(tmp), format="turtle", encoding="utf-8")
    return target
