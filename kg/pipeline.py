"""``clusterkg build``: corpus -> mentions and facts -> RDF with evidence -> SHACL -> dumps.

Everything is written into a temporary directory that replaces ``build/`` only when the whole
build succeeded (:func:`kg.atomic.atomic_directory`): a failed build leaves the previous one
untouched. The extractors run per article (:mod:`kg.extract.article`, the map); the records
of all articles become one dataset (the reduce), validated by ``kg.validate`` and written by
``kg.publish.dumps``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.errors import CheckFailed
from kg.paths import BUILD_DIR, CORPUS_DIR, CURATION_DIR

if TYPE_CHECKING:
    from rdflib import Dataset

    from kg.corpus.document import Document
    from kg.extract.article import ExtractionContext
    from kg.extract.mentions import Candidate
    from kg.extract.records import Record

CK = "https://w3id.org/clusterkg/ontology#"
OA = "http://www.w3.org/ns/oa#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ID = "https://w3id.org/clusterkg/id/"


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
    out_dir: str = ""

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (no timings or paths, so rebuilds give identical files)."""
        data = asdict(self)
        for volatile in ("seconds", "timings", "out_dir"):
            data.pop(volatile)
        return data


def run_build(
    corpus_dir: Path = CORPUS_DIR,
    out_dir: Path = BUILD_DIR,
    validate: bool = True,
    progress: bool = True,
    curation_dir: Path | None = None,
    with_docs: bool = False,
) -> BuildSummary:
    """Run the whole pipeline; raise ``InputError`` (bad input) or ``CheckFailed`` (SHACL).

    Curated relations belong to a corpus: ``curation_dir`` defaults to ``data/curation`` for
    the project corpus, to ``{corpus_dir}/curation`` when that exists, else none.
    ``with_docs`` also writes the ontology's HTML documentation and diagram into ``docs/``.
    """
    from kg.atomic import atomic_directory

    started = time.perf_counter()
    summary = BuildSummary(out_dir=str(out_dir))
    with _progress(progress) as step:
        clock: list[Any] = [None, started]

        def stage(name: str | None) -> None:
            now = time.perf_counter()
            if clock[0] is not None:
                summary.timings[clock[0]] = round(now - clock[1], 2)
            clock[:] = [name, now]
            step(name)

        stage("lexicon")
        from kg.extract.article import load_context

        context = load_context(resolve_curation_dir(Path(corpus_dir), curation_dir))
        lexicon = context.lexicon
        stage("corpus")
        from kg.corpus import load_corpus

        docs = load_corpus(Path(corpus_dir))
        stage("extract")
        records, cands = extract_all(docs, context, summary)
        stage("rdf")
        from kg.rdf.dataset import build_dataset

        ds = build_dataset(docs, records, lexicon)
        _count_graph(ds, summary)
        if validate:
            stage("validate")
            _validate(ds, summary)
        stage("write")
        with atomic_directory(out_dir) as tmp:
            from kg.publish.dumps import write_dumps

            write_dumps(ds, tmp)
            if with_docs:
                stage("docs")
                from kg.publish.docs import write_docs

                write_docs(tmp / "docs")
            from kg.extract.mentions import candidates_tsv

            (tmp / "candidates.tsv").write_text(candidates_tsv(cands), encoding="utf-8")
            summary.seconds = round(time.perf_counter() - started, 2)
            text = json.dumps(summary.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
            (tmp / "summary.json").write_text(text + "\n", encoding="utf-8")
        stage(None)
    summary.seconds = round(time.perf_counter() - started, 2)
    if progress:
        print_summary(summary)
    return summary


def resolve_curation_dir(corpus_dir: Path, curation_dir: Path | None) -> Path | None:
    """The curation directory of a corpus (see :func:`run_build`)."""
    if curation_dir is not None:
        return Path(curation_dir)
    if Path(corpus_dir).resolve() == CORPUS_DIR.resolve():
        return CURATION_DIR
    own = Path(corpus_dir) / "curation"
    return own if own.is_dir() else None


def extract_all(
    docs: list[Document], context: ExtractionContext, summary: BuildSummary
) -> tuple[list[Record], list[Candidate]]:
    """The records and unknown-name candidates of every article (the map), with counts."""
    from kg.extract.article import extract_article

    if context.curation_dir is not None:
        from kg.extract.curation import check_sources

        check_sources({doc.source_id for doc in docs}, context.curation_dir)
    summary.extractors = context.extractors
    summary.sources = len(docs)
    records: list[Record] = []
    all_candidates: list[Candidate] = []
    entities: set[str] = set()
    concepts: set[str] = set()
    for doc in docs:
        article = extract_article(doc, context)
        records.extend(article.records)
        all_candidates.extend(article.candidates)
        entities |= article.entities
        concepts |= article.concepts
        summary.sentences += article.sentences
        summary.mentions += article.mentions
        summary.per_source[doc.source_id] = {
            "sentences": article.sentences,
            "mentions": article.mentions,
            "characters": article.characters,
        }
    summary.entities = len(entities)
    summary.concepts = len(concepts)
    summary.candidates = len(all_candidates)
    return records, all_candidates


def evidence_coverage(ds: Dataset) -> tuple[int, int]:
    """(article triples, evidenced triples) by the rule of docs/model.md section 4."""
    from rdflib import URIRef

    rdf_type = URIRef(RDF_NS + "type")
    statement = URIRef(RDF_NS + "Statement")
    evidence = URIRef(CK + "evidence")
    fact_class = URIRef(CK + "Fact")
    machinery_classes = {
        URIRef(CK + "SourceDocument"),
        statement,
        URIRef(OA + "Annotation"),
        URIRef(OA + "SpecificResource"),
        URIRef(OA + "TextQuoteSelector"),
        URIRef(OA + "TextPositionSelector"),
    }
    total = covered = 0
    for graph in ds.graphs():
        name = str(graph.identifier)
        if not name.startswith(ID + "graph/") or name.endswith(("/ontology", "/lexicon")):
            continue
        reified: set[tuple[Any, Any, Any]] = set()
        for node in graph.subjects(rdf_type, statement):
            if (node, evidence, None) in graph:
                s = graph.value(node, URIRef(RDF_NS + "subject"))
                p = graph.value(node, URIRef(RDF_NS + "predicate"))
                o = graph.value(node, URIRef(RDF_NS + "object"))
                reified.add((s, p, o))
        facts = {n for n in graph.subjects(rdf_type, fact_class) if (n, evidence, None) in graph}
        machinery = {n for c in machinery_classes for n in graph.subjects(rdf_type, c)}
        for triple in graph:
            total += 1
            if triple in reified or triple[0] in facts or triple[0] in machinery:
                covered += 1
    return total, covered


def _count_graph(ds: Dataset, summary: BuildSummary) -> None:
    from rdflib import URIRef

    rdf_type = URIRef(RDF_NS + "type")
    summary.triples = sum(len(g) for g in ds.graphs())
    total, covered = evidence_coverage(ds)
    summary.article_triples, summary.evidenced_triples = total, covered
    summary.evidence_share = round(covered / total, 6) if total else 1.0
    for graph in ds.graphs():
        name = str(graph.identifier)
        stem = name.rsplit("/", 1)[-1]
        if stem not in summary.per_source:
            continue
        facts = set(graph.subjects(rdf_type, URIRef(CK + "Fact")))
        counts = summary.per_source[stem]
        counts["facts"] = len(facts)
        counts["triples"] = len(graph)
        summary.facts += len(facts)
        for key, cls in (
            ("statistics", "http://purl.org/linked-data/cube#Observation"),
            ("enumerations", CK + "Enumeration"),
            ("table_cells", CK + "ComparisonCell"),
            ("memberships", "http://www.w3.org/ns/org#Membership"),
        ):
            n = len(set(graph.subjects(rdf_type, URIRef(cls))))
            counts[key] = n
            setattr(summary, key, getattr(summary, key) + n)


def _validate(ds: Dataset, summary: BuildSummary) -> None:
    from kg.validate import validate_dataset

    result = validate_dataset(ds)
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
def _progress(enabled: bool) -> Iterator[Callable[[str | None], None]]:
    """A step reporter: a rich progress bar over the pipeline stages when enabled."""
    steps = ["lexicon", "corpus", "extract", "rdf", "validate", "write", "docs"]
    if not enabled:
        yield lambda name: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]build[/bold] {task.description:<10}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("start", total=len(steps))
        seen: list[str] = []

        def step(name: str | None) -> None:
            if seen:
                bar.advance(task)
            if name is None:
                bar.update(task, completed=len(steps), description="done")
                return
            seen.append(name)
            bar.update(task, description=name, completed=steps.index(name))

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
    help="Build directory (replaced as a whole on success).",
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
def build_command(
    corpus_dir: Path,
    out_dir: Path,
    curation_dir: Path | None,
    no_validate: bool,
    quiet: bool,
    docs: bool,
) -> None:
    """Build the graph from the articles: clean, extract, RDF, validate, dump."""
    run_build(
        corpus_dir=corpus_dir,
        out_dir=out_dir,
        validate=not no_validate,
        progress=not quiet,
        curation_dir=curation_dir,
        with_docs=docs,
    )
