"""The linked-data documents of the server, made in its worker processes.

An entity is looked up by its IRI in the store's indexes (``quads_for_pattern``), never by a
scan, and every query that involves it gets the IRI through a pyoxigraph substitution of
``?iri``, never pasted into the query text; the labels and quotes of the resources a page
shows come from the snapshot's lookup tables (:mod:`kg.publish.snapshot`). Its document is
the triples about it, the triples pointing at it, and the triples of the hash IRIs of the
same document (``…#target``, ``…#quote``) reachable from it. The HTML page shows its
labels in the language asked for, its types, statements and every fact about it with the
verbatim quote and character offsets of its evidence.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import escape

from kg.namespace import BASE, CK, OA, PREFIXES
from kg.publish.conneg import bcp47_case, pick_language
from kg.publish.render import (
    Slot,
    TermView,
    cells_row,
    compact,
    fact_row,
    iri_view,
    nary_row,
    render,
    term_html,
    term_view,
)
from kg.publish.site import Reply, Settings, html_reply
from kg.publish.snapshot import LABEL_PROPS, Quoted

RDF_NS = PREFIXES["rdf"]
RDFS_NS = PREFIXES["rdfs"]
SKOS_NS = PREFIXES["skos"]
OWL_NS = PREFIXES["owl"]
ALT_LABEL = SKOS_NS + "altLabel"
#: ``/doc/x.{ext}`` -> media type and name of the RDF documents
RDF_DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "ttl": ("text/turtle", "TURTLE", "Turtle"),
    "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
    "rdf": ("application/rdf+xml", "RDF_XML", "RDF/XML"),
    "nt": ("application/n-triples", "N_TRIPLES", "N-Triples"),
}
ROW_LIMIT = 500
INCOMING_LIMIT = 200


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def exists(store: Any, iri: str) -> bool:
    """Whether ``iri`` is the subject or object of a triple (two index lookups)."""
    ox = _ox()
    node, default = ox.NamedNode(iri), ox.DefaultGraph()
    return any(True for _ in store.quads_for_pattern(node, None, None, default)) or any(
        True for _ in store.quads_for_pattern(None, None, node, default)
    )


def exists_reply(snapshot: Any, iri: str, settings: Settings) -> Reply:
    """204 when ``iri`` is known, else the 404 page."""
    return (
        Reply(204, "text/plain", b"")
        if exists(snapshot.data, iri)
        else not_found_page(iri, settings)
    )


def describe(snapshot: Any, iri: str) -> list[Any]:
    """The triples of the document of ``iri`` (set semantics, sorted), literals as loaded."""
    ox = _ox()
    store, default = snapshot.data, ox.DefaultGraph()
    node = ox.NamedNode(iri)
    hash_prefix = iri + "#"
    triples: dict[Any, None] = {}
    todo, seen = [node], {node}
    while todo:
        subject = todo.pop()
        for q in store.quads_for_pattern(subject, None, None, default):
            triples[q.triple] = None
            o = q.object
            if isinstance(o, ox.NamedNode) and o.value.startswith(hash_prefix) and o not in seen:
                seen.add(o)
                todo.append(o)
    for q in store.quads_for_pattern(None, None, node, default):
        triples[q.triple] = None
    # in term order: the same bytes (and ETag) whichever store (disk, memory) answered
    described: list[Any] = snapshot.originals(sorted(triples, key=str))
    return described


def rdf_document(snapshot: Any, iri: str, ext: str, settings: Settings) -> Reply:
    """The document of ``iri`` serialised as ``ext`` (ttl, jsonld, rdf, nt); 404 if unknown
    (a known IRI is the subject or object of a triple, so its document is not empty)."""
    triples = describe(snapshot, iri)
    if not triples:
        return not_found_page(iri, settings)
    media, fmt, _ = RDF_DOCUMENTS[ext]
    return serialize(triples, media, fmt)


def serialize(triples: list[Any], media: str, fmt: str) -> Reply:
    """Triples as an RDF document (prefixes in Turtle and RDF/XML)."""
    ox = _ox()
    prefixes = PREFIXES if fmt in {"TURTLE", "RDF_XML"} else None
    body = ox.serialize(triples, format=getattr(ox.RdfFormat, fmt), prefixes=prefixes)
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media else ""
    return Reply(200, media + charset, body)


@dataclass
class Labeller:
    """Labels of IRIs in the preferred language order (from the snapshot's label table)."""

    snapshot: Any
    preference: list[str]
    cache: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def label(self, iri: str) -> tuple[str, str | None]:
        """``(label, language)``; the prefixed name when the IRI has no label."""
        found = self.cache.get(iri)
        if found is None:
            found = self.cache[iri] = self._lookup(iri)
        return found

    def _lookup(self, iri: str) -> tuple[str, str | None]:
        labels: dict[str, str] = {}
        for lang, text in self.snapshot.labels(iri):
            labels.setdefault(lang, text)
        lang, tag = _pick(tuple(t for t in labels if t), tuple(self.preference))
        if lang is not None:
            return labels[lang], tag
        if "" in labels:
            return labels[""], None
        return compact(iri), None


@lru_cache(maxsize=1024)
def _pick(available: tuple[str, ...], preference: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The label language picked among ``available`` and its tag in conventional case (a few
    sets of languages recur)."""
    lang = pick_language(available, preference)
    return lang, bcp47_case(lang) if lang is not None else None


@dataclass
class Quote:
    """The evidence of an annotation: verbatim quote, its language, source and offsets."""

    exact: str
    lang: str | None
    source: TermView | Slot | None
    start: str | None
    end: str | None


def quote_from(quoted: Quoted, view: Any) -> Quote:
    """A quote of the snapshot's quote table (exact, language, source, offsets) as shown."""
    exact, lang, source, start, end = quoted
    return Quote(
        exact,
        bcp47_case(lang) if lang else None,
        view(_ox().NamedNode(source)) if source is not None else None,
        start,
        end,
    )


#: the page queries: ``?iri`` is bound by substitution, and each starts from it (LATERAL,
#: FILTER EXISTS) so that the store evaluates it from the index of ``?iri``, not a scan
_FACTS = f"""
SELECT DISTINCT ?iri ?fact ?s ?p ?o ?conf ?extractor ?ann WHERE {{
  {{ ?fact <{RDF_NS}subject> ?iri }} UNION {{ ?fact <{RDF_NS}object> ?iri }}
  LATERAL {{
    ?fact <{RDF_NS}subject> ?s ; <{RDF_NS}predicate> ?p ; <{RDF_NS}object> ?o .
    OPTIONAL {{ ?fact <{CK}confidence> ?conf }} OPTIONAL {{ ?fact <{CK}extractedBy> ?extractor }}
    OPTIONAL {{ ?fact <{CK}evidence> ?ann }}
  }}
}} ORDER BY ?p ?s ?o ?fact LIMIT {ROW_LIMIT}
"""
_NARY = f"""
SELECT DISTINCT ?iri ?fact ?type ?role ?ann WHERE {{
  ?fact ?role ?iri .
  FILTER EXISTS {{ ?fact a <{CK}Fact> }}
  FILTER NOT EXISTS {{ ?fact a <{RDF_NS}Statement> }}
  OPTIONAL {{ ?fact a ?type FILTER(?type != <{CK}Fact>) }}
  OPTIONAL {{ ?fact <{CK}evidence> ?ann }}
}} ORDER BY ?fact LIMIT {ROW_LIMIT}
"""
_MENTIONS = f"""
SELECT ?iri ?source (COUNT(DISTINCT ?ann) AS ?n) WHERE {{
  ?ann <{OA}hasBody> ?iri .
  FILTER EXISTS {{ ?ann <{OA}motivatedBy> <{OA}identifying> }}
  ?ann <{OA}hasTarget>/<{OA}hasSource> ?source .
}} GROUP BY ?iri ?source ORDER BY ?source
"""
_INCOMING = f"""
SELECT DISTINCT ?iri ?s ?p WHERE {{ ?s ?p ?iri .
  FILTER(?p NOT IN (<{RDF_NS}subject>, <{RDF_NS}object>, <{OA}hasBody>))
  FILTER NOT EXISTS {{ ?s a <{CK}Fact> }} }} ORDER BY ?p ?s LIMIT {INCOMING_LIMIT + 1}
"""


#: stands for "too many predicates point at it to list": every page query is run
ANY: frozenset[str] = frozenset({"*"})
#: incoming triples looked at to decide which page queries can have rows
INCOMING_SCAN = 2000


def _incoming_predicates(store: Any, node: Any) -> frozenset[str]:
    """The predicates of the triples pointing at ``node`` (:data:`ANY` past a bound), so that
    a page skips the queries that cannot match (an annotation has no facts about it)."""
    ox = _ox()
    found: set[str] = set()
    for i, q in enumerate(store.quads_for_pattern(None, None, node, ox.DefaultGraph())):
        if i >= INCOMING_SCAN:
            return ANY
        found.add(q.predicate.value)
    return frozenset(found)


def _select(store: Any, query: str, iri: Any) -> list[dict[str, Any]]:
    """Rows of a stored SELECT with ``?iri`` bound by substitution (SEP-0007: the variable
    must be projected)."""
    ox = _ox()
    result = store.query(query, substitutions={ox.Variable("iri"): iri})
    names = [v.value for v in result.variables]
    return [{n: solution[n] for n in names} for solution in result]


@dataclass
class Found:
    """What the HTML page of an IRI shows, before labels are chosen: its own quads, the rows
    of the page queries and the quotes of the annotations they name (language-free)."""

    iri: str
    outgoing: list[Any]
    facts: list[dict[str, Any]]
    nary: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    incoming: list[dict[str, Any]]
    quotes: dict[str, Quoted | None]


def gather(snapshot: Any, iri: str) -> Found | None:
    """The language-free content of the page of ``iri``; ``None`` if it is unknown."""
    ox = _ox()
    store = snapshot.data
    node = ox.NamedNode(iri)
    default = ox.DefaultGraph()
    quads = list(store.quads_for_pattern(node, None, None, None))
    pointing = _incoming_predicates(store, node)
    if not quads and not pointing:
        return None

    def select(query: str, needed: bool) -> list[dict[str, Any]]:
        return _select(store, query, node) if needed or pointing is ANY else []

    outgoing = sorted(
        (q for q in quads if q.graph_name != default),
        key=lambda q: (q.predicate.value, str(q.object)),
    )
    found = Found(
        iri, outgoing,
        facts=select(_FACTS, bool(pointing & {RDF_NS + "subject", RDF_NS + "object"})),
        nary=select(_NARY, bool(pointing)),
        mentions=select(_MENTIONS, OA + "hasBody" in pointing),
        incoming=select(_INCOMING, bool(pointing)),
        quotes={},
    )  # fmt: skip
    annotations = [r["ann"] for r in (*found.facts, *found.nary)]
    annotations += [q.object for q in outgoing if q.predicate.value == CK + "evidence"]
    for ann in annotations:
        if isinstance(ann, ox.NamedNode) and ann.value not in found.quotes:
            found.quotes[ann.value] = snapshot.quote(ann.value)
    return found


def entity_page(snapshot: Any, iri: str, preference: list[str], settings: Settings) -> Reply:
    """The HTML page of ``iri``, with ``Content-Language`` of its title; 404 if unknown."""
    found = gather(snapshot, iri)
    if found is None:
        return not_found_page(iri, settings)
    return pages_of(snapshot, found, [preference], settings)[0]


#: marks where a label-dependent piece goes in a page rendered once for several label orders
#: (random per process: no text of the graph can spell it)
_KEY = secrets.token_hex(8)
_SLOT = re.compile(f"\x00{_KEY}(t|l|h|[0-9]+)\x00")


def _mark(name: str | int) -> Any:
    from markupsafe import Markup

    return Markup(f"\x00{_KEY}{name}\x00")


def pages_of(snapshot: Any, found: Found, preferences: list[list[str]],
             settings: Settings) -> list[Reply]:  # fmt: skip
    """The HTML pages of what :func:`gather` found, one per label order of ``preferences``.

    The page is rendered once with a mark for every IRI (whose link text is its label) and
    for the title and its language; each order fills the marks in."""
    ox = _ox()
    base_url, iri = settings.base_url, found.iri
    slots: dict[str, int] = {}

    def view(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return Slot(_mark(slots.setdefault(term.value, len(slots))))
        return term_view(term, base_url)

    marked = _page_html(snapshot, found, view, base_url)
    replies = []
    for preference in preferences:
        labels = Labeller(snapshot, preference)
        title, lang = labels.label(iri)
        filled = [term_html(iri_view(i, base_url, labels.label(i))) for i in slots]
        fills = {
            "t": str(escape(title)),
            "l": str(escape(lang)) if lang else "en",
            "h": f' lang="{escape(lang)}"' if lang else "",
        }  # fmt: skip

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return fills[name] if name in fills else str(filled[int(name)])  # noqa: B023

        body = _SLOT.sub(fill, marked)
        headers = {"Content-Language": lang} if lang else {}
        replies.append(html_reply(body, 200, **headers))
    return replies


def _page_html(snapshot: Any, found: Found, view: Any, base_url: str) -> str:
    """The page's HTML, every term shown by ``view``, the title and its language marked."""
    ox = _ox()
    iri, outgoing = found.iri, found.outgoing

    def quote(ann: Any) -> Quote | None:
        if not isinstance(ann, ox.NamedNode):
            return None
        quoted = found.quotes[ann.value]
        return None if quoted is None else quote_from(quoted, view)

    types = sorted({q.object.value for q in outgoing if q.predicate.value == RDF_NS + "type"})
    label_rows = [q for q in outgoing if q.predicate.value in (*LABEL_PROPS[:2], ALT_LABEL)]
    by_lang: dict[str, set[tuple[str, str | None, str]]] = defaultdict(set)
    for q in label_rows:
        lit = q.object
        lang = bcp47_case(lit.language) if getattr(lit, "language", None) else None
        kind = "alternative" if q.predicate.value == ALT_LABEL else "preferred"
        by_lang[lang or "-"].add((lit.value, lang, kind))
    statements = [
        cells_row(
            view(q.predicate),
            view(snapshot.original(q.triple).object),
            (compact(q.graph_name.value), "meta"),
        )
        for q in outgoing
        if q not in label_rows and q.predicate.value != RDF_NS + "type"
    ]
    facts = [
        fact_row({
            "fact": view(r["fact"]), "s": view(r["s"]), "p": view(r["p"]), "o": view(r["o"]),
            "confidence": r["conf"].value if r["conf"] is not None else None,
            "extractor": view(r["extractor"]) if r["extractor"] is not None else None,
            "quote": quote(r["ann"]),
        })
        for r in found.facts
    ]  # fmt: skip
    nary = [
        nary_row({
            "fact": view(r["fact"]), "type": view(r["type"]) if r["type"] else None,
            "role": view(r["role"]), "quote": quote(r["ann"]),
        })
        for r in found.nary
    ]  # fmt: skip
    own_evidence = dict.fromkeys(q.object for q in outgoing if q.predicate.value == CK + "evidence")
    evidence = [quote(ann) for ann in own_evidence]
    mentions = [cells_row(view(r["source"]), (r["n"].value, "")) for r in found.mentions]
    incoming = [cells_row(view(r["s"]), view(r["p"])) for r in found.incoming[:INCOMING_LIMIT]]
    doc_url = ""
    alternates: list[tuple[str, str]] = []
    if iri.startswith(BASE + "id/"):
        doc_url = base_url + "/doc/" + urllib.parse.quote(iri[len(BASE + "id/") :], safe="/#")
        alternates = [(ext, media) for ext, (media, _, _) in RDF_DOCUMENTS.items()]
    return render(
        "entity.html",
        base_url=base_url, title=_mark("t"), lang=_mark("l"), h1_lang=_mark("h"), iri=iri,
        types=[view(ox.NamedNode(t)) for t in types],
        doc_url=doc_url, alternates=alternates,
        formats={ext: name for ext, (_, _, name) in RDF_DOCUMENTS.items()},
        labels=sorted((k, sorted(v)) for k, v in by_lang.items()),
        evidence=[q for q in evidence if q is not None], facts=facts, nary=nary,
        mentions=mentions, statements=statements, incoming=incoming,
        incoming_truncated=len(found.incoming) > INCOMING_LIMIT,
    )  # fmt: skip


def not_found_page(iri: str, settings: Settings) -> Reply:
    """404: nothing is known about ``iri``."""
    body = render(
        "message.html", base_url=settings.base_url, title="Not found", lang="en",
        message="Nothing is known about", code=iri,
    )  # fmt: skip
    return html_reply(body, status=404)


# ----- the ontology ------------------------------------------------------------------------

ONTOLOGY_GRAPH = BASE + "id/graph/ontology"
_ONTOLOGY_TERMS = f"""
SELECT ?t ?kind WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?t a ?kind FILTER(?kind IN (<{OWL_NS}Class>, <{OWL_NS}ObjectProperty>,
    <{OWL_NS}DatatypeProperty>, <{OWL_NS}AnnotationProperty>))
  FILTER(STRSTARTS(STR(?t), "{CK}")) }} }} ORDER BY ?kind ?t
"""


def ontology_document(snapshot: Any, ext: str, settings: Settings) -> Reply:
    """The ontology graph as an RDF document."""
    ox = _ox()
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    triples = snapshot.originals(
        q.triple for q in snapshot.data.quads_for_pattern(None, None, None, graph)
    )
    media, fmt, _ = RDF_DOCUMENTS[ext]
    return serialize(triples, media, fmt)


def ontology_page(snapshot: Any, preference: list[str], settings: Settings) -> Reply:
    """The HTML list of the ontology's classes and properties with their labels."""
    labels = Labeller(snapshot, preference)
    sections: dict[str, list[tuple[str, str, str, str | None]]] = {}
    for row in snapshot.data.query(_ONTOLOGY_TERMS):
        term, kind = row["t"].value, row["kind"].value
        label, lang = labels.label(term)
        sections.setdefault(compact(kind), []).append(
            (term.split("#")[-1], compact(term), label, lang)
        )
    body = render(
        "ontology.html", base_url=settings.base_url, title="clusterkg ontology", lang="en",
        namespace=str(CK), formats=list(RDF_DOCUMENTS), sections=list(sections.items()),
    )  # fmt: skip
    return html_reply(body)


# ----- the landing page --------------------------------------------------------------------

_CLUSTERS = f"""
SELECT DISTINCT ?c WHERE {{ ?c a ?k . ?k <{RDFS_NS}subClassOf>* <{CK.Cluster}>
  FILTER(isIRI(?c)) }} ORDER BY ?c LIMIT 60
"""
DEFAULT_QUERY = (
    f"PREFIX ck: <{CK}>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?cluster ?label WHERE {\n"
    "  ?cluster a/rdfs:subClassOf* ck:Cluster ; skos:prefLabel ?label .\n"
    '  FILTER(LANG(?label) = "en")\n} LIMIT 50'
)


def landing_page(snapshot: Any, preference: list[str], settings: Settings) -> Reply:
    """The landing page: clusters, a query box, the stored queries, links."""
    base_url = settings.base_url
    labels = Labeller(snapshot, preference)
    clusters = [
        iri_view(r["c"].value, base_url, labels.label(r["c"].value))
        for r in snapshot.data.query(_CLUSTERS)
    ]
    examples = [
        (
            name,
            question,
            text,
            f"{base_url}/sparql?" + urllib.parse.urlencode({"query": text, "format": "html"}),
        )
        for name, question, text in settings.examples
    ]
    body = render(
        "landing.html", base_url=base_url, title="clusterkg", lang="en", clusters=clusters,
        default_query=DEFAULT_QUERY, settings=settings, examples=examples,
    )  # fmt: skip
    return html_reply(body, Vary="Accept-Language")
