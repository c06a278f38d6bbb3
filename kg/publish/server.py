"""``clusterkg serve``: linked data and a read-only SPARQL endpoint over the built graph.

Every IRI under ``https://w3id.org/clusterkg/`` is served at the same path under the local
base URL (``--base-url``), following the W3C "Cool URIs for the Semantic Web" 303 recipe:

- ``/id/{path}`` (a thing) -> 303 See Other to ``/doc/{path}.{ext}``, ``ext`` chosen by
  ``Accept`` (html, ttl, jsonld, rdf, nt); 406 when no offered type fits, 404 when unknown;
- ``/doc/{path}.{ext}`` and ``/id/{path}.{ext}`` -> the document; ``/doc/{path}`` negotiates;
- ``/ontology`` (hash namespace, ``ck:`` terms) -> 303 to ``/ontology.{ext}``;
- ``/sparql``: SPARQL 1.1 Protocol, read-only, with time and size limits (:mod:`.sparql`);
- ``/void``, ``/.well-known/void``, ``/dcat``: VoID + DCAT; ``/dumps/``; ``/docs/``; ``/``.
HTML pages pick labels by ``Accept-Language`` (en, ru, uz-Cyrl, uz-Latn, with fallbacks).
"""

from __future__ import annotations

import html
import re
import time
import urllib.parse
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import click
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from kg.options import build_dir_option
from kg.paths import BUILD_DIR, MAPPINGS_DIR, QUERIES_DIR

EXTENSIONS: dict[str, str] = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
#: offered media types in server preference order -> extension
DOC_OFFERS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
    "application/json": "jsonld",
    "text/plain": "nt",
}
RDF_FORMATS: dict[str, str] = {
    "ttl": "TURTLE",
    "jsonld": "JSON_LD",
    "rdf": "RDF_XML",
    "nt": "N_TRIPLES",
}
MAX_QUERY_LENGTH = 10_000
CQ_HEADER = re.compile(r"^#\s*CQ:\s*(.+)$", re.MULTILINE)


def load_examples(queries_dir: Path = QUERIES_DIR) -> list[tuple[str, str, str]]:
    """``(file name, competency question, query text)`` of ``queries/cq/*.rq``."""
    examples = []
    for path in sorted((queries_dir / "cq").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = CQ_HEADER.search(text)
        examples.append((path.name, match.group(1).strip() if match else path.stem, text))
    return examples


def _open_main_store(build_dir: Path) -> Any:
    try:
        from kg.store import open_store
    except ImportError:  # pragma: no cover - kg.store is a sibling stage
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=str(build_dir / "clusterkg.nq"), format=ox.RdfFormat.N_QUADS)
        return store
    return open_store(build_dir)


def create_app(
    build_dir: Path = BUILD_DIR,
    base_url: str = "http://127.0.0.1:8000",
    *,
    workers: int = 2,
    query_timeout: float = 10.0,
    max_result_bytes: int = 16 * 1024 * 1024,
    max_query_length: int = MAX_QUERY_LENGTH,
    queries_dir: Path = QUERIES_DIR,
    mappings_dir: Path = MAPPINGS_DIR,
) -> FastAPI:
    """The FastAPI application serving ``build_dir`` (which must hold ``clusterkg.nq``)."""
    import pyoxigraph as ox
    from starlette.concurrency import run_in_threadpool

    from kg.errors import InputError
    from kg.namespace import BASE, CK, PREFIXES
    from kg.publish.conneg import language_preference, negotiate
    from kg.publish.dumps import CHECKSUMS, DUMPS
    from kg.publish.pages import EntityPage, curie, local_url, page
    from kg.publish.sparql import QueryPool, QueryRequest

    build_dir = Path(build_dir)
    nquads = build_dir / "clusterkg.nq"
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    base_url = base_url.rstrip("/")
    store = _open_main_store(build_dir)
    void_store = ox.Store()
    if (build_dir / "void.ttl").is_file():
        void_store.bulk_load(path=str(build_dir / "void.ttl"), format=ox.RdfFormat.TURTLE)
    examples = load_examples(queries_dir)
    docs_dir = build_dir / "docs"
    pool_box: dict[str, QueryPool] = {}
    dump_files = {
        **{n: m for n, (m, _) in DUMPS.items()},
        "void.ttl": "text/turtle",
        CHECKSUMS: "text/plain",
    }

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        pool = QueryPool(
            nquads, workers=workers, timeout=query_timeout, max_result_bytes=max_result_bytes
        )
        await run_in_threadpool(pool.wait_ready)
        pool_box["pool"] = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="clusterkg", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )

    def text(status: int, message: str, **headers: str) -> Response:
        return Response(
            message + "\n", status_code=status, media_type="text/plain", headers=headers
        )

    def exists(iri: str) -> bool:
        query = (
            f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} UNION "
            f'{{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{iri}#")) }} }}'
        )
        return bool(store.query(query, use_default_graph_as_union=True))

    def describe(iri: str) -> list[Any]:
        query = (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ <{iri}> ?p ?o BIND(<{iri}> AS ?s) }} UNION "
            f'{{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{iri}#")) }} UNION '
            f"{{ ?s ?p <{iri}> BIND(<{iri}> AS ?o) }} }}"
        )
        return list(store.query(query, use_default_graph_as_union=True))

    def rdf_response(triples: list[Any], ext: str, **headers: str) -> Response:
        fmt = getattr(ox.RdfFormat, RDF_FORMATS[ext])
        prefixes = PREFIXES if ext in {"ttl", "rdf"} else None
        body = ox.serialize(triples, format=fmt, prefixes=prefixes)
        media = EXTENSIONS[ext]
        return Response(body, media_type=media, headers=headers)

    def split_ext(path: str) -> tuple[str, str | None]:
        stem, dot, ext = path.rpartition(".")
        if dot and ext in EXTENSIONS and "/" not in ext:
            return stem, ext
        return path, None

    def entity_document(iri: str, ext: str, request: Request) -> Response:
        if not exists(iri):
            return not_found(iri)
        vary = {"Vary": "Accept, Accept-Language"}
        if ext == "html":
            preference = language_preference(request.headers.get("accept-language"))
            body, lang = EntityPage(store, iri, preference, base_url).render()
            headers = {**vary, **({"Content-Language": lang} if lang else {})}
            return HTMLResponse(body, headers=headers)
        return rdf_response(describe(iri), ext, **vary)

    def not_found(iri: str) -> Response:
        body = page(
            "Not found",
            f"<h1>Not found</h1><p>Nothing is known about <code>{html.escape(iri)}</code>.</p>",
            base_url,
        )
        return HTMLResponse(body, status_code=404)

    def not_acceptable(offers: list[str]) -> Response:
        return text(
            406,
            "none of the accepted media types is offered; offered: " + ", ".join(offers),
            Vary="Accept",
        )

    def choose_ext(request: Request) -> str | None:
        media = negotiate(request.headers.get("accept"), list(DOC_OFFERS))
        return DOC_OFFERS[media] if media else None

    # ----- linked data -------------------------------------------------------------------
    @app.api_route("/id/{path:path}", methods=["GET", "HEAD"])
    def thing(path: str, request: Request) -> Response:
        stem, ext = split_ext(path)
        iri = BASE + "id/" + stem
        if ext:
            return entity_document(iri, ext, request)
        if not exists(iri):
            return not_found(iri)
        chosen = choose_ext(request)
        if chosen is None:
            return not_acceptable(list(DOC_OFFERS))
        return RedirectResponse(
            f"{base_url}/doc/{stem}.{chosen}", status_code=303, headers={"Vary": "Accept"}
        )

    @app.api_route("/doc/{path:path}", methods=["GET", "HEAD"])
    def document(path: str, request: Request) -> Response:
        stem, ext = split_ext(path)
        iri = BASE + "id/" + stem
        if ext is None:
            ext = choose_ext(request)
            if ext is None:
                return not_acceptable(list(DOC_OFFERS))
            response = entity_document(iri, ext, request)
            response.headers["Content-Location"] = f"{base_url}/doc/{stem}.{ext}"
            return response
        return entity_document(iri, ext, request)

    def ontology_triples() -> list[Any]:
        graph = BASE + "id/graph/ontology"
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return list(store.query(query))

    @app.api_route("/ontology", methods=["GET", "HEAD"])
    def ontology(request: Request) -> Response:
        chosen = choose_ext(request)
        if chosen is None:
            return not_acceptable(list(DOC_OFFERS))
        return RedirectResponse(
            f"{base_url}/ontology.{chosen}", status_code=303, headers={"Vary": "Accept"}
        )

    @app.api_route("/ontology.{ext}", methods=["GET", "HEAD"])
    def ontology_document(ext: str, request: Request) -> Response:
        if ext not in EXTENSIONS:
            return not_found(BASE + "ontology." + ext)
        if ext != "html":
            return rdf_response(ontology_triples(), ext)
        return HTMLResponse(ontology_page(request))

    def ontology_page(request: Request) -> str:
        preference = language_preference(request.headers.get("accept-language"))
        rows = store.query(
            f"""SELECT ?t ?kind WHERE {{ GRAPH <{BASE}id/graph/ontology> {{
                ?t a ?kind FILTER(?kind IN (<{PREFIXES["owl"]}Class>,
                  <{PREFIXES["owl"]}ObjectProperty>, <{PREFIXES["owl"]}DatatypeProperty>,
                  <{PREFIXES["owl"]}AnnotationProperty>))
                FILTER(STRSTARTS(STR(?t), "{CK}")) }} }} ORDER BY ?kind ?t"""
        )
        terms = [(r["t"].value, r["kind"].value) for r in rows]
        from kg.publish.pages import Labeller

        labeller = Labeller(store, preference)
        labeller.fetch({t for t, _ in terms})
        sections: dict[str, list[str]] = {}
        for term, kind in terms:
            label, lang = labeller.label(term)
            lang_attr = f' lang="{html.escape(lang)}"' if lang else ""
            sections.setdefault(curie(kind), []).append(
                f'<tr id="{html.escape(term.split("#")[-1])}"><td><code>{curie(term)}</code></td>'
                f"<td{lang_attr}>{html.escape(label)}</td></tr>"
            )
        body = (
            "<h1>clusterkg ontology</h1>"
            f'<div class="iri">{BASE}ontology#</div>'
            f'<p>Full documentation: <a href="{base_url}/docs/">docs</a>. Download: '
            + ", ".join(f'<a href="{base_url}/ontology.{e}">{e}</a>' for e in RDF_FORMATS)
            + "</p>"
            + "".join(
                f"<h2>{html.escape(kind)} ({len(rows)})</h2><table>{''.join(rows)}</table>"
                for kind, rows in sections.items()
            )
        )
        return page("clusterkg ontology", body, base_url)

    # ----- VoID / DCAT ------------------------------------------------------------------------
    def void_response(request: Request, ext: str | None = None) -> Response:
        if ext is None:
            ext = choose_ext(request)
            if ext is None:
                return not_acceptable(list(DOC_OFFERS))
        triples = [q.triple for q in void_store]
        if ext == "html":
            turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            body = (
                "<h1>VoID and DCAT description</h1><p>Generated from the graph at build time."
                f" Also as <a href='{base_url}/void.ttl'>Turtle</a>, "
                f"<a href='{base_url}/void.jsonld'>JSON-LD</a>.</p>"
                f"<pre>{html.escape((turtle or b'').decode('utf-8'))}</pre>"
            )
            return HTMLResponse(page("VoID", body, base_url), headers={"Vary": "Accept"})
        return rdf_response(triples, ext, Vary="Accept")

    @app.api_route("/void", methods=["GET", "HEAD"])
    @app.api_route("/.well-known/void", methods=["GET", "HEAD"])
    @app.api_route("/dcat", methods=["GET", "HEAD"])
    def void(request: Request) -> Response:
        return void_response(request)

    @app.api_route("/void.{ext}", methods=["GET", "HEAD"])
    def void_ext(ext: str, request: Request) -> Response:
        if ext not in EXTENSIONS:
            return not_found(BASE + "void." + ext)
        return void_response(request, ext)

    # ----- dumps and docs ---------------------------------------------------------------------
    @app.api_route("/dumps/", methods=["GET", "HEAD"])
    def dumps_index() -> Response:
        rows = "".join(
            f'<tr><td><a href="{base_url}/dumps/{n}">{n}</a></td><td>{m}</td>'
            f"<td>{(build_dir / n).stat().st_size:,}</td></tr>"
            for n, m in dump_files.items()
            if (build_dir / n).is_file()
        )
        body = (
            "<h1>Dumps</h1><p>Licence: CC BY 4.0. Checksums: "
            f'<a href="{base_url}/dumps/{CHECKSUMS}">{CHECKSUMS}</a>.</p>'
            f"<table><tr><th>file</th><th>media type</th><th>bytes</th></tr>{rows}</table>"
        )
        return HTMLResponse(page("Dumps", body, base_url))

    @app.api_route("/dumps/{name}", methods=["GET", "HEAD"])
    def dump(name: str) -> Response:
        if name not in dump_files or not (build_dir / name).is_file():
            return text(404, f"no dump named {name}")
        return FileResponse(build_dir / name, media_type=dump_files[name])

    @app.api_route("/docs", methods=["GET", "HEAD"])
    def docs_root() -> Response:
        return RedirectResponse(f"{base_url}/docs/", status_code=301)

    @app.api_route("/docs/{path:path}", methods=["GET", "HEAD"])
    def docs(path: str) -> Response:
        if not docs_dir.is_dir():
            return text(404, "no documentation in this build: run clusterkg ontology docs")
        target = (docs_dir / (path or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if docs_dir.resolve() not in target.parents or not target.is_file():
            return text(404, f"no such document: {path}")
        return FileResponse(target)

    # ----- SSSOM mapping sets: mapping_set_id https://w3id.org/clusterkg/mappings/{name} ------
    mapping_files = {
        p.name.removeprefix("clusterkg-").removesuffix(".sssom.tsv"): p
        for p in sorted(Path(mappings_dir).glob("*.sssom.tsv"))
    }

    @app.api_route("/mappings/", methods=["GET", "HEAD"])
    def mappings_index() -> Response:
        rows = "".join(
            f'<li><a href="{base_url}/mappings/{n}">{BASE}mappings/{n}</a> ({p.name})</li>'
            for n, p in mapping_files.items()
        )
        body = f"<h1>SSSOM mapping sets</h1><ul>{rows}</ul>"
        return HTMLResponse(page("Mappings", body, base_url))

    @app.api_route("/mappings/{name}", methods=["GET", "HEAD"])
    def mapping_set(name: str) -> Response:
        path = mapping_files.get(name.removesuffix(".sssom.tsv"))
        if path is None:
            return text(404, f"no mapping set named {name}")
        return FileResponse(path, media_type="text/tab-separated-values; charset=utf-8")

    # ----- SPARQL ------------------------------------------------------------------------
    def sparql_refused_update() -> Response:
        return text(403, "this endpoint is read-only: SPARQL Update is not accepted")

    @app.api_route("/sparql", methods=["GET", "POST", "HEAD"])
    async def sparql(request: Request) -> Response:
        params = request.query_params
        default_graphs = params.getlist("default-graph-uri")
        named_graphs = params.getlist("named-graph-uri")
        fmt = params.get("format")
        if request.method in {"GET", "HEAD"}:
            if "update" in params:
                return sparql_refused_update()
            query = params.get("query")
            too_long = 414
        else:
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            too_long = 413
            if ctype == "application/sparql-update":
                return sparql_refused_update()
            if ctype == "application/x-www-form-urlencoded":
                raw = await request.body()
                if len(raw) > max_query_length * 12:
                    return text(413, f"query longer than {max_query_length} characters")
                form = urllib.parse.parse_qs(raw.decode("utf-8", errors="replace"))
                if "update" in form:
                    return sparql_refused_update()
                query = form.get("query", [None])[0]
                default_graphs += form.get("default-graph-uri", [])
                named_graphs += form.get("named-graph-uri", [])
                fmt = fmt or form.get("format", [None])[0]
            elif ctype == "application/sparql-query":
                body = await request.body()
                if len(body) > max_query_length * 4:
                    return text(413, f"query longer than {max_query_length} characters")
                query = body.decode("utf-8", errors="replace")
            else:
                return text(
                    415,
                    "POST a form (application/x-www-form-urlencoded) or application/sparql-query",
                )
        if not query:
            if negotiate(request.headers.get("accept"), ["text/html"]):
                return RedirectResponse(f"{base_url}/#query", status_code=303)
            return text(400, "missing query parameter")
        if len(query) > max_query_length:
            return text(too_long, f"query longer than {max_query_length} characters")
        req = QueryRequest(
            query=str(query),
            accept=request.headers.get("accept"),
            format=str(fmt) if fmt else None,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            link_base=base_url,
        )
        started = time.perf_counter()
        result = await run_in_threadpool(pool_box["pool"].run, req)
        elapsed = time.perf_counter() - started
        headers = {
            "Vary": "Accept",
            "Server-Timing": f"query;dur={elapsed * 1000:.1f}",
            **result.headers,
        }
        return Response(
            result.body, status_code=result.status, media_type=result.media_type, headers=headers
        )

    # ----- landing page ----------------------------------------------------------------------
    @app.api_route("/", methods=["GET", "HEAD"])
    def landing(request: Request) -> Response:
        preference = language_preference(request.headers.get("accept-language"))
        return HTMLResponse(landing_page(preference), headers={"Vary": "Accept-Language"})

    def landing_page(preference: list[str]) -> str:
        from kg.publish.pages import Labeller

        clusters = [
            r["c"].value
            for r in store.query(
                f"""SELECT DISTINCT ?c WHERE {{ ?c a ?k .
                    ?k <{PREFIXES["rdfs"]}subClassOf>* <{CK}Cluster>
                    FILTER(isIRI(?c)) }} ORDER BY ?c LIMIT 60""",
                use_default_graph_as_union=True,
            )
        ]
        labeller = Labeller(store, preference)
        labeller.fetch(set(clusters))
        cluster_links = ", ".join(
            f'<a href="{html.escape(local_url(c, base_url))}">'
            f"{html.escape(labeller.label(c)[0])}</a>"
            for c in clusters
        )
        example_items = []
        for name, question, text_ in examples:
            run = f"{base_url}/sparql?" + urllib.parse.urlencode({"query": text_, "format": "html"})
            example_items.append(
                f"<li><b>{html.escape(question)}</b> <span class='meta'>{html.escape(name)}</span>"
                f' · <a href="{html.escape(run)}">run</a> · <a href="#query" class="load" '
                f'data-query="{html.escape(text_)}">edit</a></li>'
            )
        default_query = (
            "PREFIX ck: <https://w3id.org/clusterkg/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?cluster ?label WHERE {\n"
            "  ?cluster a/rdfs:subClassOf* ck:Cluster ; skos:prefLabel ?label .\n"
            '  FILTER(LANG(?label) = "en")\n} LIMIT 50'
        )
        body = f"""
<h1>clusterkg</h1>
<p>A knowledge graph of industrial and innovation clusters, their actors, relations and policies,
built from economics articles. Every fact carries its source, verbatim quote and character
offsets.</p>
<h2>Clusters</h2><p>{cluster_links or '<span class="meta">none</span>'}</p>
<h2 id="query">SPARQL query</h2>
<form action="{base_url}/sparql" method="get">
<textarea name="query" id="q" rows="10">{html.escape(default_query)}</textarea>
<p><label>Results as <select name="format">
<option value="html">HTML table</option><option value="json">SPARQL JSON</option>
<option value="xml">SPARQL XML</option><option value="csv">CSV</option>
<option value="tsv">TSV</option><option value="ttl">Turtle (CONSTRUCT)</option>
</select></label> <button type="submit">Run</button></p></form>
<p class="meta">Endpoint: <code>{base_url}/sparql</code> (SPARQL 1.1 Protocol, GET and POST,
read-only). Default graph = union of all named graphs. Limits: queries up to
{max_query_length:,} characters (else 414/413), {query_timeout:g} s per query (else 503),
results up to {max_result_bytes:,} bytes (else 413); updates are refused with 403.</p>
<h2>Stored competency questions ({len(examples)})</h2>
<ul>{"".join(example_items) or '<li class="meta">none yet</li>'}</ul>
<h2>More</h2>
<p><a href="{base_url}/ontology">Ontology</a> · <a href="{base_url}/docs/">Documentation</a> ·
<a href="{base_url}/void">VoID/DCAT</a> · <a href="{base_url}/dumps/">Dumps</a> ·
<a href="{base_url}/mappings/">SSSOM mappings</a></p>
<script>
document.querySelectorAll('a.load').forEach(a => a.addEventListener('click', () => {{
  document.getElementById('q').value = a.dataset.query; }}));
</script>"""
        return page("clusterkg", body, base_url)

    return app


@click.command("serve")
@build_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--base-url",
    default=None,
    help="Public base URL that https://w3id.org/clusterkg/ maps to (default http://HOST:PORT).",
)
@click.option("--workers", default=2, show_default=True, type=int, help="Query worker processes.")
@click.option(
    "--query-timeout",
    default=10.0,
    show_default=True,
    type=float,
    help="Seconds a SPARQL query may run (then 503).",
)
@click.option(
    "--max-result-bytes",
    default=16 * 1024 * 1024,
    show_default=True,
    type=int,
    help="Largest serialised SPARQL result (then 413).",
)
@click.option(
    "--max-query-length",
    default=MAX_QUERY_LENGTH,
    show_default=True,
    type=int,
    help="Longest query text in characters (then 414/413).",
)
def serve_command(
    build_dir: Path,
    host: str,
    port: int,
    base_url: str | None,
    workers: int,
    query_timeout: float,
    max_result_bytes: int,
    max_query_length: int,
) -> None:
    """Serve linked data (303 + content negotiation) and a read-only SPARQL endpoint."""
    import uvicorn

    base = base_url or f"http://{host}:{port}"
    app = create_app(
        build_dir,
        base,
        workers=workers,
        query_timeout=query_timeout,
        max_result_bytes=max_result_bytes,
        max_query_length=max_query_length,
    )
    click.echo(f"serving {build_dir} at {base}/ (SPARQL: {base}/sparql)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
