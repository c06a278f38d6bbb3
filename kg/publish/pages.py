"""HTML pages of the linked-data server: one readable page per entity, with its labels in the
language asked for, its types, its statements and every fact about it with the verbatim quote
and character offsets of its evidence."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg.namespace import BASE, CK, OA, PREFIXES
from kg.publish.conneg import bcp47_case, pick_language

RDF_NS = PREFIXES["rdf"]
RDFS_NS = PREFIXES["rdfs"]
SKOS_NS = PREFIXES["skos"]
LABEL_PROPS = (SKOS_NS + "prefLabel", RDFS_NS + "label")
TITLE_PROP = PREFIXES["dcterms"] + "title"
LITERAL_PREVIEW = 1500

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2630;
background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem;background:#fff;min-height:100vh}
h1{font-size:1.9rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid
#e3e7ec;padding-bottom:.2rem}
.iri{font-family:ui-monospace,Menlo,monospace;font-size:.85rem;color:#56636f;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:.93rem}th,td{text-align:left;
vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #e8ebef}th{background:#f0f3f6}
blockquote{margin:.2rem 0;padding:.3rem .7rem;border-left:4px solid #4f7cac;background:#f3f7fb}
.meta{color:#56636f;font-size:.82rem}.tag{display:inline-block;background:#e7eef6;
border-radius:4px;padding:0 .4rem;margin-right:.3rem;font-size:.8rem}
a{color:#1f5f9e;text-decoration:none}a:hover{text-decoration:underline}
nav a{margin-right:1rem}textarea{width:100%;font-family:ui-monospace,monospace;font-size:.9rem}
pre{background:#f3f5f7;padding:.6rem;overflow:auto;font-size:.85rem}
"""


def curie(iri: str) -> str:
    """``ck:Cluster`` for a known namespace, else the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def local_url(iri: str, base_url: str) -> str:
    """Map an IRI under ``https://w3id.org/clusterkg/`` to the server; others unchanged."""
    if iri.startswith(BASE):
        return base_url.rstrip("/") + "/" + iri[len(BASE) :]
    return iri


@dataclass
class Labeller:
    """Labels of IRIs in the preferred language order, fetched in one query per batch."""

    store: Any
    preference: list[str]

    def __post_init__(self) -> None:
        self.cache: dict[str, tuple[str, str | None]] = {}

    def fetch(self, iris: set[str]) -> None:
        todo = sorted(i for i in iris if i not in self.cache and i.startswith("http"))
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            values = " ".join(f"<{i}>" for i in chunk)
            query = (
                f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                f"?x <{LABEL_PROPS[0]}>|<{LABEL_PROPS[1]}>|<{TITLE_PROP}> ?l }}"
            )
            found: dict[str, dict[str, str]] = defaultdict(dict)
            for row in self.store.query(query, use_default_graph_as_union=True):
                lit = row["l"]
                found[row["x"].value].setdefault(lit.language or "", lit.value)
            for iri in chunk:
                labels = found.get(iri, {})
                lang = pick_language([t for t in labels if t], self.preference)
                if lang is not None:
                    self.cache[iri] = (labels[lang], bcp47_case(lang))
                elif "" in labels:
                    self.cache[iri] = (labels[""], None)
                else:
                    self.cache[iri] = (curie(iri), None)

    def label(self, iri: str) -> tuple[str, str | None]:
        if iri not in self.cache:
            self.fetch({iri})
        return self.cache.get(iri, (curie(iri), None))


def _lang_attr(lang: str | None) -> str:
    return f' lang="{html.escape(bcp47_case(lang))}"' if lang else ""


class EntityPage:
    """Render the HTML page of one IRI from the store."""

    def __init__(self, store: Any, iri: str, preference: list[str], base_url: str):
        self.store = store
        self.iri = iri
        self.base_url = base_url
        self.labels = Labeller(store, preference)
        self.preference = preference

    def q(self, query: str) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts (variable -> term or None)."""
        result = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return [{n: solution[n] for n in names} for solution in result]

    def add_quotes(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add ``exact``, ``source``, ``start``, ``end`` of each row's annotation ``ann``.

        Fetched in a second query bound by VALUES: one query with the quote pattern in an
        OPTIONAL is evaluated unbound by the store and is ten times slower."""
        anns = sorted({r["ann"].value for r in rows if r.get("ann") is not None})
        quotes: dict[str, dict[str, Any]] = {}
        for start in range(0, len(anns), 300):
            values = " ".join(f"<{a}>" for a in anns[start : start + 300])
            for row in self.q(_QUOTES.replace("ANNS", values)):
                quotes.setdefault(row["ann"].value, row)
        for r in rows:
            found = quotes.get(r["ann"].value) if r.get("ann") is not None else None
            for key in ("exact", "source", "start", "end"):
                r[key] = found[key] if found else None
        return rows

    def link(self, iri: str) -> str:
        text, lang = self.labels.label(iri)
        href = html.escape(local_url(iri, self.base_url))
        return (
            f'<a href="{href}" title="{html.escape(iri)}"{_lang_attr(lang)}>{html.escape(text)}</a>'
        )

    def term(self, term: Any) -> str:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return self.link(term.value)
        if isinstance(term, ox.Literal):
            value = term.value
            if len(value) > LITERAL_PREVIEW:
                value = value[:LITERAL_PREVIEW] + f" … ({len(term.value)} characters)"
            dtype = (
                "" if term.language else f' <span class="meta">{curie(term.datatype.value)}</span>'
            )
            if term.datatype.value.endswith("#string"):
                dtype = ""
            lang = (
                f' <span class="tag">{html.escape(bcp47_case(term.language))}</span>'
                if term.language
                else ""
            )
            return f"<span{_lang_attr(term.language)}>{html.escape(value)}</span>{lang}{dtype}"
        return f'<span class="meta">{html.escape(str(term))}</span>'

    def render(self) -> tuple[str, str | None]:
        """``(html, content language of the title)``."""
        iri = self.iri
        outgoing = self.q(
            f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} ORDER BY ?p ?o"
        )
        facts = self.add_quotes(self.q(_FACTS.replace("IRI", iri)))
        evidence = self.add_quotes(self.q(_EVIDENCE.replace("IRI", iri)))
        nary = self.add_quotes(self.q(_NARY.replace("IRI", iri)))
        mentions = self.q(_MENTIONS.replace("IRI", iri))
        incoming = self.q(_INCOMING.replace("IRI", iri))
        iris = {iri}
        for results, keys in (
            (outgoing, ("p", "o", "g")),
            (facts, ("s", "p", "o", "source", "extractor")),
            (evidence, ("source",)),
            (nary, ("fact", "type", "role", "source")),
            (mentions, ("source",)),
            (incoming, ("s", "p")),
        ):
            for row in results:
                for key in keys:
                    term = row[key]
                    if (
                        term is not None
                        and hasattr(term, "value")
                        and type(term).__name__ == "NamedNode"
                    ):
                        iris.add(term.value)
        self.labels.fetch(iris)
        title, title_lang = self.labels.label(iri)

        parts: list[str] = []
        types = [r["o"].value for r in outgoing if r["p"].value == RDF_NS + "type"]
        label_rows = [r for r in outgoing if r["p"].value in (*LABEL_PROPS, SKOS_NS + "altLabel")]
        parts.append(
            f"<h1{_lang_attr(title_lang)}>{html.escape(title)}</h1>"
            f'<div class="iri">{html.escape(iri)}</div>'
            + (
                "<p>"
                + " ".join(f'<span class="tag">{self.link(t)}</span>' for t in sorted(set(types)))
                + "</p>"
                if types
                else ""
            )
        )
        alt = self._alternates()
        parts.append(f'<p class="meta">This page in {alt}</p>')
        if label_rows:
            by_lang: dict[str, list[str]] = defaultdict(list)
            for r in label_rows:
                lit = r["o"]
                kind = "preferred" if r["p"].value != SKOS_NS + "altLabel" else "alternative"
                by_lang[bcp47_case(lit.language) if lit.language else "-"].append(
                    f"<span{_lang_attr(lit.language)}>{html.escape(lit.value)}</span>"
                    f' <span class="meta">({kind})</span>'
                )
            label_table = "".join(
                f"<tr><td>{html.escape(lang)}</td><td>{'; '.join(sorted(set(v)))}</td></tr>"
                for lang, v in sorted(by_lang.items())
            )
            parts.append(
                "<h2>Labels</h2><table><tr><th>language</th><th>labels</th></tr>"
                f"{label_table}</table>"
            )

        if evidence:
            parts.append("<h2>Evidence of this fact</h2>" + self._quotes(evidence))
        if facts:
            rows: list[str] = []
            for r in facts:
                rows.append(
                    "<tr><td>"
                    + f"{self.term(r['s'])} <b>{self.link(r['p'].value)}</b> {self.term(r['o'])}"
                    + f'<div class="meta">{self.link(r["fact"].value)}'
                    + (f" · confidence {html.escape(r['conf'].value)}" if r["conf"] else "")
                    + (f" · {self.link(r['extractor'].value)}" if r["extractor"] else "")
                    + "</div></td><td>"
                    + self._quote_cell(r)
                    + "</td></tr>"
                )
            parts.append(
                f"<h2>Facts with evidence ({len(facts)})</h2>"
                "<table><tr><th>fact</th><th>quote (source, offsets)</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        if nary:
            rows = [
                f"<tr><td>{self.link(r['fact'].value)}"
                f'<div class="meta">{self.link(r["type"].value) if r["type"] else ""}'
                f" · as {self.link(r['role'].value)}</div></td><td>{self._quote_cell(r)}</td></tr>"
                for r in nary
            ]
            parts.append(
                f"<h2>Memberships, statistics, lists and tables ({len(nary)})</h2>"
                "<table><tr><th>fact</th><th>quote (source, offsets)</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        if mentions:
            rows = [
                f"<tr><td>{self.link(r['source'].value)}</td><td>{r['n'].value}</td></tr>"
                for r in mentions
            ]
            parts.append(
                "<h2>Mentions</h2><table><tr><th>source</th><th>mentions</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        other = [r for r in outgoing if r not in label_rows and r["p"].value != RDF_NS + "type"]
        if other:
            rows = [
                f"<tr><td>{self.link(r['p'].value)}</td><td>{self.term(r['o'])}</td>"
                f'<td class="meta">{html.escape(curie(r["g"].value))}</td></tr>'
                for r in other
            ]
            parts.append(
                "<h2>Statements</h2><table><tr><th>property</th><th>value</th><th>graph</th></tr>"
                + "".join(rows)
                + "</table>"
            )
        if incoming:
            rows = [
                f"<tr><td>{self.term(r['s'])}</td><td>{self.link(r['p'].value)}</td></tr>"
                for r in incoming
            ]
            parts.append(
                f"<h2>Referenced by ({len(incoming)}{'+' if len(incoming) >= 200 else ''})</h2>"
                "<table><tr><th>subject</th><th>property</th></tr>" + "".join(rows) + "</table>"
            )
        return page(title, "".join(parts), self.base_url, lang=title_lang), title_lang

    def _alternates(self) -> str:
        doc = self.base_url.rstrip("/") + "/doc/" + self.iri[len(BASE + "id/") :]
        if not self.iri.startswith(BASE + "id/"):
            return ""
        return ", ".join(
            f'<a href="{html.escape(doc)}.{ext}">{name}</a>'
            for ext, name in (
                ("ttl", "Turtle"),
                ("jsonld", "JSON-LD"),
                ("rdf", "RDF/XML"),
                ("nt", "N-Triples"),
            )
        )

    def _quote_cell(self, r: Any) -> str:
        if r["exact"] is None:
            return '<span class="meta">(no quote)</span>'
        lit = r["exact"]
        where = self.link(r["source"].value) if r["source"] else ""
        if r["start"] is not None:
            where += f" [{r['start'].value}–{r['end'].value}]"
        return f"<blockquote{_lang_attr(lit.language)}>{html.escape(lit.value)}</blockquote>" + (
            f'<div class="meta">{where}</div>'
        )

    def _quotes(self, rows: list[Any]) -> str:
        return "".join(self._quote_cell(r) for r in rows)


def page(title: str, body: str, base_url: str, *, lang: str | None = None) -> str:
    """A complete HTML page with the site navigation."""
    root = base_url.rstrip("/")
    nav = (
        f'<nav><a href="{root}/">clusterkg</a><a href="{root}/ontology">ontology</a>'
        f'<a href="{root}/docs/">docs</a><a href="{root}/void">VoID</a>'
        f'<a href="{root}/dumps/">dumps</a><a href="{root}/#query">SPARQL</a></nav>'
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang or "en")}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · clusterkg</title><style>{STYLE}</style></head>"
        f"<body><main>{nav}{body}</main></body></html>"
    )


_QUOTES = f"""
SELECT ?ann ?exact ?source ?start ?end WHERE {{ VALUES ?ann {{ ANNS }}
  ?ann <{OA}hasTarget> ?t . ?t <{OA}hasSource> ?source ; <{OA}hasSelector> ?qs .
  ?qs <{OA}exact> ?exact .
  OPTIONAL {{ ?t <{OA}hasSelector> ?ps . ?ps <{OA}start> ?start ; <{OA}end> ?end }}
}}
"""
_FACTS = f"""
SELECT DISTINCT ?fact ?s ?p ?o ?conf ?extractor ?ann WHERE {{
  {{ ?fact <{RDF_NS}subject> <IRI> }} UNION {{ ?fact <{RDF_NS}object> <IRI> }}
  ?fact <{RDF_NS}subject> ?s ; <{RDF_NS}predicate> ?p ; <{RDF_NS}object> ?o .
  OPTIONAL {{ ?fact <{CK}confidence> ?conf }} OPTIONAL {{ ?fact <{CK}extractedBy> ?extractor }}
  OPTIONAL {{ ?fact <{CK}evidence> ?ann }}
}} ORDER BY ?p ?s ?o ?fact LIMIT 500
"""
_EVIDENCE = f"""
SELECT DISTINCT ?ann WHERE {{ <IRI> <{CK}evidence> ?ann }}
"""
_NARY = f"""
SELECT DISTINCT ?fact ?type ?role ?ann WHERE {{
  ?fact a <{CK}Fact> ; ?role <IRI> .
  FILTER NOT EXISTS {{ ?fact a <{RDF_NS}Statement> }}
  OPTIONAL {{ ?fact a ?type FILTER(?type != <{CK}Fact>) }}
  OPTIONAL {{ ?fact <{CK}evidence> ?ann }}
}} ORDER BY ?fact LIMIT 500
"""
_MENTIONS = f"""
SELECT ?source (COUNT(DISTINCT ?ann) AS ?n) WHERE {{
  ?ann <{OA}motivatedBy> <{OA}identifying> ; <{OA}hasBody> <IRI> ;
       <{OA}hasTarget>/<{OA}hasSource> ?source .
}} GROUP BY ?source ORDER BY ?source
"""
_INCOMING = f"""
SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <IRI> .
  FILTER(?p NOT IN (<{RDF_NS}subject>, <{RDF_NS}object>, <{OA}hasBody>))
  FILTER NOT EXISTS {{ ?s a <{CK}Fact> }} }} ORDER BY ?p ?s LIMIT 200
"""
