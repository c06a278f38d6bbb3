"""``clusterkg build``: corpus -> mentions and facts -> RDF with evidence -> SHACL -> dumps.

A map and a reduce. The map (:mod:`kg.build_map`) turns each article into its named graph,
written as sorted N-Quads as soon as it is ready, in ``--workers`` local processes or on a
Dask cluster (``--scheduler``, :mod:`kg.dask_map`); articles whose inputs did not change are
taken from the article cache. The reduce writes the ontology and lexicon graphs, bulk-loads
every graph into one pyoxigraph store for SHACL validation, and streams the dumps from the
sorted graph files, in two processes beside the validation (:mod:`kg.publish.dumps`). Memory
grows with the largest article and the store, not with rdflib copies of the corpus.

Everything is written into a temporary directory that replaces ``build/`` only when the whole
build succeeded (:func:`kg.atomic.atomic_directory`): a failed build leaves the previous one
untouched.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.errors import CheckFailed
from kg.options import max_article_size_option
from kg.paths import BUILD_DIR, CORPUS_DIR, CURATION_DIR

if TYPE_CHECKING:
    from rdflib import Dataset

    from kg.build_map import ArticleCache, ArticleResult, ArticleTask
    from kg.extract.lexicon import Lexicon
    from kg.publish.dumps import GraphFile
    from kg.publish.void import ReleaseStats
    from kg.validate import LoadedData
    from kg.validation.api import PreparedShapes

CACHE_NAME = ".clusterkg-cache"
T = TypeVar("T")


@dataclass
class BuildSummary:
    """The counts a build prints and writes to ``summary.json``."""

    sources: int = 0
    sentences: int = 0
    mentions: int = 0
    entities: int = 0  # distinct lexicon entities mentioned
    concepts: int = 0  # distinct SKOS concepts mentioned
    facts: int = 0  # fact nodes (reified statements + n-ary facts)
    statistics: int = 0  # qb:Observation
    enumerations: int = 0
    table_cells: int = 0
    memberships: int = 0
    triples: int = 0  # all quads
    article_triples: int = 0
    evidenced_triples: int = 0
    evidence_share: float = 0.0  # evidenced / article triples (docs/model.md section 4)
    candidates: int = 0
    violations: int = 0
    warnings: int = 0
    validated: bool = False
    extractors: list[str] = field(default_factory=list)
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cpu_timings: dict[str, float] = field(default_factory=dict)  # this process's CPU per stage
    peak_mb: dict[str, float] = field(default_factory=dict)  # this process's peak RSS so far,
    # at the end of each stage (MB)
    out_dir: str = ""
    workers: int = 1
    extracted: int = 0  # articles mapped in this build (the others came from the cache)

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (no timings, paths or run details: rebuilds give equal files)."""
        data = asdict(self)
        for volatile in ("seconds", "timings", "cpu_timings", "peak_mb", "out_dir", "workers",
                         "extracted"):
            data.pop(volatile)
        return data


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_cache_dir(out_dir: Path) -> Path:
    """The article cache of a build directory: ``.clusterkg-cache`` beside it."""
    return Path(out_dir).resolve().parent / CACHE_NAME


def run_build(
    corpus_dir: Path = CORPUS_DIR,
    out_dir: Path = BUILD_DIR,
    validate: bool = True,
    progress: bool = True,
    curation_dir: Path | None = None,
    with_docs: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    cache_dir: Path | bool | None = True,
    pages: bool = False,
) -> BuildSummary:
    """Run the whole pipeline; raise ``InputError`` (bad input) or ``CheckFailed`` (SHACL).

    Curated relations belong to a corpus: ``curation_dir`` defaults to ``data/curation`` for
    the project corpus, to ``{corpus_dir}/curation`` when that exists, else none.
    ``with_docs`` also writes the ontology's HTML documentation and diagram into ``docs/``.
    ``workers``: local extraction processes (default: the cores); ``scheduler``: the address
    of a Dask scheduler to map the articles on instead. ``cache_dir``: the article cache
    (True: :func:`default_cache_dir`; None or False: no cache). ``pages``: also write the
    page store (every entity document pre-rendered, :mod:`kg.publish.prerender`).
    """
    from kg.atomic import atomic_directory
    from kg.build_map import ArticleCache

    started = time.perf_counter()
    summary = BuildSummary(out_dir=str(out_dir), workers=workers or default_workers())
    if cache_dir is True:
        cache = ArticleCache(default_cache_dir(out_dir))
    else:
        cache = ArticleCache(Path(cache_dir) if cache_dir else None)
    corpus_dir = Path(corpus_dir)
    with _progress(progress) as step, tempfile.TemporaryDirectory(prefix="clusterkg-") as work:
        clock: list[Any] = [None, started, time.process_time()]

        def stage(name: str | None, detail: str = "") -> None:
            if name != clock[0]:
                now, cpu = time.perf_counter(), time.process_time()
                peak = _peak_rss_mb()
                if clock[0] is not None:
                    summary.timings[clock[0]] = round(now - clock[1], 2)
                    summary.cpu_timings[clock[0]] = round(cpu - clock[2], 2)
                    if peak is not None:
                        summary.peak_mb[clock[0]] = peak
                clock[:] = [name, now, cpu]
            step(name, detail)

        stage("plan")
        tasks = plan_articles(corpus_dir, resolve_curation_dir(corpus_dir, curation_dir))
        stage("extract", f"0/{len(tasks)}")
        from kg.validation.data import Loader

        loader = Loader()
        # with worker processes (or a cluster) this one is free during the map: each graph is
        # loaded into the store as it arrives; in one process, after the map has released
        # the models' memory
        from kg.build_map import in_process

        overlap = bool(scheduler) or not in_process(summary.workers, len(tasks))
        from concurrent.futures import ThreadPoolExecutor

        lexicon = _once(_load_lexicon)  # for the ontology and lexicon graphs, loaded once
        # the ontology graph needs no article: made during the map
        with ThreadPoolExecutor(1) as beside:
            ontology = beside.submit(ontology_graph_file, cache, Path(work), lexicon)
            shapes = beside.submit(_prepare_shapes) if validate else None  # and the shapes
            results = map_articles(tasks, cache, Path(work), summary, scheduler,
                                   lambda done: stage("extract", f"{done}/{len(tasks)}"),
                                   (lambda m: loader.add_file(m.file.path)) if overlap else None)
            stage("merge")
            corpus_files = [keep_in_cache(ontology.result(), cache),
                            lexicon_graph_file(results, cache, Path(work), lexicon)]
        files = corpus_files + [r.file for r in results]
        for graph_file in corpus_files if overlap else files:
            loader.add_file(graph_file.path)
        store = loader.finish()
        # derived graphs (the inferred graph) are computed from the merged store, one call
        # each, appended to ``files`` (the links from ontology/mappings are in the ontology
        # and lexicon graphs, written by kg.rdf.dataset.ontology_graph / lexicon_graph).
        stage("infer")
        from kg.publish.dumps import write_quad_dumps
        from kg.rdf.inferred import infer_graph_file

        files.append(infer_graph_file(store, Path(work) / "inferred.nq"))
        _add_up(results, files, summary)
        with atomic_directory(out_dir) as tmp, _writer(summary.workers) as write:
            stage("validate" if validate else "write")
            # the two halves of the dumps, beside validation
            quad_dumps = write(write_quad_dumps, files, tmp)
            union_dumps = write(write_union_dumps_and_stats, files, tmp)
            if shapes is not None:
                _validate(store, summary, summary.workers, shapes.result())
            del store
            stage("write")
            quad_dumps()
            finish_release(union_dumps(), results, tmp, pages)
            if with_docs:
                stage("docs")
                from kg.publish.docs import write_docs

                write_docs(tmp / "docs")
            summary.seconds = round(time.perf_counter() - started, 2)
            text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
            (tmp / "summary.json").write_text(text + "\n", encoding="utf-8")
        cache.prune()
        stage(None)
    summary.seconds = round(time.perf_counter() - started, 2)
    if progress:
        print_summary(summary)
    return summary


def _peak_rss_mb() -> float | None:
    """This process's peak RSS so far (MB, Linux ``VmHWM``), or None where /proc does not
    say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None
    return round(kb / 1024, 1)


@dataclass
class Mapped:
    """A mapped article in the reduce: its counts and its graph file."""

    result: ArticleResult
    file: GraphFile


def plan_articles(corpus_dir: Path, curation_dir: Path | None) -> list[ArticleTask]:
    """The catalogue as keyed map tasks; curated facts citing unknown sources fail here."""
    from kg.build_map import code_fingerprint, iter_tasks
    from kg.corpus.catalogue import read_catalogue

    entries = read_catalogue(corpus_dir)
    if curation_dir is not None:
        from kg.extract.curation import check_sources

        check_sources({Path(e.file).stem for e in entries}, curation_dir)
    return list(iter_tasks(corpus_dir, entries, curation_dir, code_fingerprint()))


def map_articles(tasks: list[ArticleTask], cache: ArticleCache, workdir: Path,
                 summary: BuildSummary, scheduler: str | None,
                 progress: Callable[[int], None],
                 arrived: Callable[[Mapped], None] | None = None) -> list[Mapped]:
    """Every article's result, from the cache or mapped now (in catalogue order); each one
    also goes to ``arrived`` as soon as it is there."""
    from kg.build_map import run_local
    from kg.publish.dumps import GraphFile

    found: dict[int, Mapped] = {}
    todo = []

    def add(mapped: Mapped) -> None:
        found[mapped.result.index] = mapped
        if arrived is not None:
            arrived(mapped)

    for task in tasks:
        hit = cache.get(task.key)
        if hit is None:
            todo.append(task)
        else:
            add(Mapped(hit, GraphFile(hit.graph, cache.nquads_path(task.key))))

    def on_result(result: ArticleResult) -> None:
        path = cache.put(result, workdir)
        add(Mapped(result, GraphFile(result.graph, path)))
        progress(len(found))

    progress(len(found))
    summary.extracted = len(todo)
    if scheduler:
        from kg.dask_map import run_dask

        run_dask(scheduler, todo, on_result)
    else:
        run_local(todo, summary.workers, on_result)
    return [found[i] for i in sorted(found)]


def _load_lexicon() -> Lexicon:
    from kg.extract.lexicon import Lexicon

    return Lexicon.load()


def _once(load: Callable[[], T]) -> Callable[[], T]:
    """``load`` called on first use only, from any thread."""
    import threading

    lock = threading.Lock()
    box: list[T] = []

    def get() -> T:
        with lock:
            if not box:
                box.append(load())
        return box[0]

    return get


def ontology_graph_file(cache: ArticleCache, workdir: Path,
                        lexicon: Callable[[], Lexicon] = _load_lexicon) -> GraphFile:
    """The ontology graph as a graph file (cached by code; it needs no article): from the
    cache, else written into ``workdir`` (:func:`keep_in_cache` stores it once the map
    succeeded: a failed build writes nothing beside ``--out``)."""
    from kg.build_map import code_fingerprint
    from kg.namespace import graph_iri
    from kg.publish.dumps import GraphFile, write_graph_file

    name = str(graph_iri("ontology"))
    stem = f"{code_fingerprint()[:32]}-ontology"
    if cache.directory is not None and (cache.directory / f"{stem}.nq").is_file():
        cache.used.add(stem)
        return GraphFile(name, cache.directory / f"{stem}.nq")
    from kg.rdf.dataset import ontology_graph

    return write_graph_file(ontology_graph(lexicon()), name, Path(workdir) / f"{stem}.nq")


def keep_in_cache(graph: GraphFile, cache: ArticleCache) -> GraphFile:
    """``graph`` (a file in the work directory or the cache) as a file of the cache."""
    if cache.directory is None or graph.path.parent == cache.directory:
        return graph
    import shutil

    from kg.atomic import atomic_path
    from kg.publish.dumps import GraphFile

    cache.directory.mkdir(parents=True, exist_ok=True)
    target = cache.directory / graph.path.name
    with atomic_path(target) as tmp:
        shutil.copyfile(graph.path, tmp)
    cache.used.add(target.stem)
    return GraphFile(graph.name, target)


def lexicon_graph_file(mapped: list[Mapped], cache: ArticleCache, workdir: Path,
                       lexicon: Callable[[], Lexicon] = _load_lexicon) -> GraphFile:
    """The lexicon graph as a graph file (cached by code and the extractors that gave
    records)."""
    import hashlib

    from kg.build_map import code_fingerprint
    from kg.namespace import graph_iri
    from kg.publish.dumps import GraphFile, write_graph_file

    extractors = sorted({name for m in mapped for name in m.result.extractors})
    key = hashlib.sha256(json.dumps([code_fingerprint(), extractors]).encode()).hexdigest()[:32]
    name = str(graph_iri("lexicon"))
    path = Path(cache.directory or workdir) / f"{key}-lexicon.nq"
    if not path.is_file():
        from kg.rdf.dataset import lexicon_graph

        path.parent.mkdir(parents=True, exist_ok=True)
        write_graph_file(lexicon_graph(lexicon(), extractors), name, path)
    cache.used.add(path.stem)
    return GraphFile(name, path)


def _add_up(mapped: list[Mapped], files: list[GraphFile], summary: BuildSummary) -> None:
    """The summary counts from the articles' counts (no graph is read again)."""
    entities: set[str] = set()
    concepts: set[str] = set()
    for m in mapped:
        result = m.result
        summary.per_source[result.source_id] = dict(result.counts)
        summary.sentences += result.counts["sentences"]
        summary.mentions += result.counts["mentions"]
        summary.facts += result.counts["facts"]
        for key in ("statistics", "enumerations", "table_cells", "memberships"):
            setattr(summary, key, getattr(summary, key) + result.counts[key])
        summary.article_triples += result.article_triples
        summary.evidenced_triples += result.evidenced_triples
        summary.candidates += len(result.candidates)
        for warning in getattr(result, "warnings", []):
            click.echo(f"warning: {warning}", err=True)
        entities |= result.entities
        concepts |= result.concepts
        summary.extractors = result.context_extractors
    summary.sources = len(mapped)
    summary.entities, summary.concepts = len(entities), len(concepts)
    total, covered = summary.article_triples, summary.evidenced_triples
    summary.evidence_share = round(covered / total, 6) if total else 1.0
    summary.triples = 0
    for graph in files:
        with graph.path.open("rb") as handle:
            summary.triples += sum(1 for _ in handle)


@contextmanager
def _writer(workers: int) -> Iterator[Callable[..., Callable[[], Any]]]:
    """Run jobs in two more processes while this one validates (with two or more workers),
    else each right away; a job's ``wait`` returns its result when it is done (raising its
    error)."""
    if workers < 2:
        def now(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            result = fn(*args)
            return lambda: result

        yield now
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
        def later(fn: Callable[..., Any], *args: Any) -> Callable[[], Any]:
            return pool.submit(fn, *args).result

        yield later


def write_union_dumps_and_stats(files: list[GraphFile], out: Path) -> ReleaseStats:
    """:func:`kg.publish.dumps.write_union_dumps`, then the VoID statistics from the union
    N-Triples it wrote."""
    from kg.publish.dumps import write_union_dumps
    from kg.publish.void import stats_from_files

    write_union_dumps(files, out)
    return stats_from_files(files, out / "clusterkg.nt")


def finish_release(stats: ReleaseStats, mapped: list[Mapped], out: Path,
                   pages: bool = True) -> None:  # fmt: skip
    """After the dumps: VoID/DCAT, checksums, the unknown-name candidates and (``pages``)
    the page store, into ``out``."""
    from kg.extract.mentions import candidates_tsv
    from kg.publish.dumps import DUMPS, write_checksums
    from kg.publish.void import dump_files, write_void

    dumps = dump_files(out)
    void = write_void(stats, out, dumps)
    write_checksums(out, [*DUMPS, void.name], {name: sha for name, (_, _, sha) in dumps.items()})
    candidates = [c for m in mapped for c in m.result.candidates]
    (out / "candidates.tsv").write_text(candidates_tsv(candidates), encoding="utf-8")
    if pages:
        from kg.publish.prerender import write_release_pages

        write_release_pages(out)


def resolve_curation_dir(corpus_dir: Path, curation_dir: Path | None) -> Path | None:
    """The curation directory of a corpus (see :func:`run_build`)."""
    if curation_dir is not None:
        return Path(curation_dir)
    if Path(corpus_dir).resolve() == CORPUS_DIR.resolve():
        return CURATION_DIR
    own = Path(corpus_dir) / "curation"
    return own if own.is_dir() else None


def evidence_coverage(ds: Dataset) -> tuple[int, int]:
    """(article triples, evidenced triples) of a Dataset by docs/model.md section 4."""
    from kg.build_map import graph_coverage
    from kg.namespace import ID

    total = covered = 0
    for graph in ds.graphs():
        name = str(graph.identifier)
        if not name.startswith(str(ID) + "graph/") or name.endswith(
            ("/ontology", "/lexicon", "/inferred")
        ):
            continue
        t, c = graph_coverage(graph)
        total, covered = total + t, covered + c
    return total, covered


def _prepare_shapes() -> PreparedShapes:
    from kg.validation.api import prepare_shapes

    return prepare_shapes()


def _validate(data: LoadedData, summary: BuildSummary, workers: int,
              shapes: PreparedShapes) -> None:
    from kg.validate import validate_store

    result = validate_store(data, workers=workers, prepared=shapes)
    summary.validated = True
    summary.violations = len(result.violations)
    summary.warnings = len(result.warnings)
    if result.violations:
        first = result.violations[0]
        raise CheckFailed(
            f"{summary.violations} SHACL violation(s); first: {first.message} "
            f"(focus {first.focus}, shape {first.shape_label})",
            hint="nothing was written; run with --no-validate to inspect the graph",
        )


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str | None, str], None]]:
    """A step reporter: a rich progress bar over the pipeline stages when enabled."""
    steps = ["plan", "extract", "merge", "infer", "validate", "write", "docs"]
    if not enabled:
        yield lambda name, detail: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]build[/bold] {task.description:<18}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("start", total=len(steps))

        def step(name: str | None, detail: str) -> None:
            if name is None:
                bar.update(task, completed=len(steps), description="done")
                return
            bar.update(task, description=f"{name} {detail}".strip(),
                       completed=steps.index(name))

        yield step


def print_summary(summary: BuildSummary) -> None:
    """A rich table of the build counts."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"clusterkg build -> {summary.out_dir}", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("sources", summary.sources),
        ("sentences", summary.sentences),
        ("mentions", summary.mentions),
        ("entities mentioned", summary.entities),
        ("concepts mentioned", summary.concepts),
        ("facts (with evidence)", summary.facts),
        ("statistics (qb:Observation)", summary.statistics),
        ("enumerations", summary.enumerations),
        ("table cells", summary.table_cells),
        ("memberships", summary.memberships),
        ("triples (all graphs)", summary.triples),
        ("article triples", summary.article_triples),
        ("share of article triples with evidence", f"{summary.evidence_share:.2%}"),
        ("unknown-name candidates", summary.candidates),
        (
            "SHACL",
            "not run"
            if not summary.validated
            else f"{summary.violations} violations, {summary.warnings} warnings",
        ),
        ("extractors", ", ".join(summary.extractors)),
        ("articles extracted (others from the cache)", f"{summary.extracted} of "
         f"{summary.sources}, {summary.workers} worker(s)"),
        ("seconds", f"{summary.seconds:.2f}"),
        *((f"  {name}", f"{secs:.2f}") for name, secs in summary.timings.items()),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    Console().print(table)


@click.command("build")
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=CORPUS_DIR,
    show_default=True,
    help="Directory with sources.yaml and the article files.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=BUILD_DIR,
    show_default=True,
    help="Build folder: new, empty or a previous build, replaced as a whole on success "
    "(any other folder is refused).",
)
@click.option(
    "--curation",
    "curation_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Curated relations (default: data/curation for the project corpus, else "
    "CORPUS/curation when present).",
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary table.")
@click.option(
    "--docs", is_flag=True, help="Also write the ontology's HTML docs and diagram (OUT/docs)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes extracting articles in parallel (default: the cores).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Map the articles on a Dask cluster (e.g. tcp://10.0.0.5:8786) instead; its workers "
    "need the checkout and the corpus at the same paths.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path),
    default=None,
    help=f"Article cache: unchanged articles are not extracted again (default: {CACHE_NAME} "
    "beside OUT).",
)
@click.option("--no-cache", is_flag=True, help="Extract every article (and keep no cache).")
@click.option(
    "--pages/--no-pages", default=False, show_default=True,
    help="Also pre-render every entity document into pages.sqlite for `clusterkg serve` "
    "(a release step: tens of seconds on the seed; `clusterkg pages` does it later).",
)  # fmt: skip
@max_article_size_option
def build_command(
    corpus_dir: Path,
    out_dir: Path,
    curation_dir: Path | None,
    no_validate: bool,
    quiet: bool,
    docs: bool,
    workers: int | None,
    scheduler: str | None,
    cache_dir: Path | None,
    no_cache: bool,
    pages: bool,
) -> None:
    """Build the graph from the articles: clean, extract, RDF, validate, dump."""
    from kg.atomic import build_lock

    with build_lock(out_dir):  # refuse a busy or non-build --out before the work starts
        run_build(
            corpus_dir=corpus_dir,
            out_dir=out_dir,
            validate=not no_validate,
            progress=not quiet,
            curation_dir=curation_dir,
            with_docs=docs,
            workers=workers,
            scheduler=scheduler,
            cache_dir=False if no_cache else (cache_dir or True),
            pages=pages,
        )
