"""``clusterkg ontology docs``: HTML documentation of the ontology (pyLODE ``OntPub``), of
each SKOS vocabulary (pyLODE ``VocPub``) and a diagram of the core classes and relations
(Graphviz ``dot`` -> SVG and PNG), written to ``build/docs/``."""

from __future__ import annotations

import html
import importlib.metadata
import importlib.util
import logging
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg.namespace import ONTOLOGY_NS
from kg.paths import BUILD_DIR, ONTOLOGY_FILE, VOCAB_DIR

if TYPE_CHECKING:
    from rdflib.term import Node

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
CK = ONTOLOGY_NS
#: colour groups of the diagram: a class takes the colour of its first ancestor listed here
GROUPS: list[tuple[str, str]] = [
    ("Cluster", "#cfe2f3"),
    ("Fact", "#eeeeee"),
    ("Organisation", "#d9ead3"),
    ("Person", "#d9ead3"),
    ("Place", "#fff2cc"),
    ("Policy", "#f4cccc"),
    ("Programme", "#f4cccc"),
    ("Project", "#f4cccc"),
    ("Document", "#ead1dc"),
    ("Theory", "#ead1dc"),
]


def _import_pylode() -> Any:
    """Import pylode; its 3.4 wheel reads ``pyproject.toml`` for its version, which pip does
    not install, so the version module is provided from the package metadata first."""
    spec = importlib.util.find_spec("pylode")
    origin = Path(spec.origin) if spec and spec.origin else None
    missing = origin is not None and not (origin.parent.parent / "pyproject.toml").is_file()
    if missing and "pylode.version" not in sys.modules:
        stub = types.ModuleType("pylode.version")
        stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stub
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    import pylode  # its server module configures the root logger at INFO on import

    root.setLevel(level)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    return pylode


def ontology_html(ontology_file: Path) -> str:
    """pyLODE OntPub HTML of an OWL ontology file."""
    from kg.errors import InputError

    pylode = _import_pylode()
    try:
        return str(pylode.OntPub(ontology=str(ontology_file)).make_html())
    except pylode.PylodeError as err:
        raise InputError(f"pyLODE cannot document it: {err}", where=str(ontology_file)) from err


def vocabulary_html(vocab_file: Path) -> str:
    """pyLODE VocPub HTML of a SKOS vocabulary file (one concept scheme)."""
    pylode = _import_pylode()
    return str(pylode.VocPub(ontology=str(vocab_file)).make_html())


def diagram_dot(ontology_file: Path) -> str:
    """Graphviz source of the core classes (ck classes that are not SKOS concept classes),
    their subclass links and the ck object properties between them (domain -> range, unions
    expanded). External classes appear (dashed) where a ck property uses them as its domain
    or range."""
    from rdflib import Graph, URIRef
    from rdflib.collection import Collection

    from kg.namespace import PREFIXES

    g = Graph().parse(ontology_file)
    rdf_type, sub = URIRef(RDF + "type"), URIRef(RDFS + "subClassOf")

    def name(term: object) -> str:
        iri = str(term)
        if iri.startswith(CK):
            return iri[len(CK) :]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def supers(cls: URIRef) -> list[URIRef]:
        return sorted(o for o in g.objects(cls, sub) if isinstance(o, URIRef))

    def ancestors(cls: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = [cls]
        while todo:
            for parent in supers(todo.pop()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def members(node: Node) -> list[URIRef]:
        if isinstance(node, URIRef):
            return [node]
        union = g.value(node, URIRef(OWL + "unionOf"))
        if union is None:
            return []
        return sorted(m for m in Collection(g, union) if isinstance(m, URIRef))

    concept = URIRef(SKOS + "Concept")
    core = sorted(
        c for c in g.subjects(rdf_type, URIRef(OWL + "Class"))
        if isinstance(c, URIRef) and str(c).startswith(CK) and concept not in ancestors(c)
    )  # fmt: skip
    nodes = set(core)
    relations: list[tuple[URIRef, URIRef, str]] = []
    for prop in sorted(g.subjects(rdf_type, URIRef(OWL + "ObjectProperty")), key=str):
        if not str(prop).startswith(CK):
            continue
        domains = [d for x in g.objects(prop, URIRef(RDFS + "domain")) for d in members(x)]
        ranges = [r for x in g.objects(prop, URIRef(RDFS + "range")) for r in members(x)]
        for d in sorted(set(domains)):
            for r in sorted(set(ranges)):
                if concept in ancestors(r):
                    r = concept
                relations.append((d, r, name(prop)))
    external = sorted({t for d, r, _ in relations for t in (d, r)} - nodes)

    def colour(cls: URIRef) -> str:
        lineage = {name(a) for a in ancestors(cls) | {cls}}
        return next((c for group, c in GROUPS if group in lineage), "#ffffff")

    lines = [
        "digraph clusterkg {",
        '  graph [rankdir=RL, fontname="Helvetica", fontsize=12, nodesep=0.12, ranksep=0.6,'
        ' label="clusterkg ontology: core classes. Grey hollow arrows: subclass of; blue:'
        ' object properties (domain -> range); dashed: external classes", labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    for cls in core:
        lines.append(f'  "{name(cls)}" [fillcolor="{colour(cls)}"];')
    for cls in external:
        lines.append(f'  "{name(cls)}" [style="rounded,dashed", fillcolor="#ffffff"];')
    for cls in core:
        for parent in supers(cls):
            if parent in nodes or parent in external:
                lines.append(
                    f'  "{name(cls)}" -> "{name(parent)}" [arrowhead=empty, color="#888888"];'
                )
    # one edge per (domain, range) pair, its properties in one label: parallel labelled edges
    # make dot's spline router fail ("lost ... edge") once properties have union domains
    labels: dict[tuple[URIRef, URIRef], list[str]] = {}
    for d, r, label in relations:
        labels.setdefault((d, r), []).append(label)
    for (d, r), names in labels.items():
        lines.append(
            f'  "{name(d)}" -> "{name(r)}" [label="{", ".join(sorted(set(names)))}",'
            ' color="#1f5f9e", fontcolor="#1f5f9e", constraint=false];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_dot(dot_source: str, target: Path, fmt: str) -> None:
    """Render Graphviz source to ``target`` (svg or png) atomically with ``dot``."""
    from kg.atomic import atomic_path
    from kg.errors import InputError

    dot = shutil.which("dot")
    if dot is None:
        raise InputError("Graphviz 'dot' not found", hint="apt-get install graphviz")
    args = [dot, f"-T{fmt}", "-o"] + (["-Gdpi=110"] if fmt == "png" else [])
    with atomic_path(target) as tmp:
        subprocess.run([*args[:3], str(tmp), *args[3:]], input=dot_source.encode(), check=True)


def write_docs(
    out_dir: Path,
    ontology_file: Path = ONTOLOGY_FILE,
    vocab_dir: Path | None = VOCAB_DIR,
) -> list[Path]:
    """Write ``index.html`` (ontology), ``vocab/*.html``, ``diagram.{dot,svg,png}``.

    Without Graphviz the diagram is left out (``diagram.dot`` only) with a one-line warning.
    """
    from kg.atomic import write_text_atomic

    out_dir = Path(out_dir)
    written: list[Path] = []
    write_text_atomic(out_dir / "index.html", ontology_html(ontology_file))
    written.append(out_dir / "index.html")
    dot_source = diagram_dot(ontology_file)
    write_text_atomic(out_dir / "diagram.dot", dot_source)
    written.append(out_dir / "diagram.dot")
    if shutil.which("dot") is None:
        click.echo(
            "warning: Graphviz 'dot' not found: documentation written without the class "
            "diagram (apt-get install graphviz)",
            err=True,
        )
    else:
        for fmt in ("svg", "png"):
            render_dot(dot_source, out_dir / f"diagram.{fmt}", fmt)
            written.append(out_dir / f"diagram.{fmt}")
    if vocab_dir is not None and vocab_dir.is_dir():
        items = []
        for vocab in sorted(vocab_dir.glob("*.ttl")):
            try:
                page = vocabulary_html(vocab)
            except Exception as err:  # a file that is not one SKOS concept scheme
                items.append(f"<li>{html.escape(vocab.stem)}: not documented ({err})</li>")
                continue
            target = out_dir / "vocab" / f"{vocab.stem}.html"
            write_text_atomic(target, page)
            written.append(target)
            items.append(f'<li><a href="{vocab.stem}.html">{html.escape(vocab.stem)}</a></li>')
        index = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>clusterkg '
            "vocabularies</title></head><body><h1>clusterkg SKOS vocabularies</h1>"
            f'<ul>{"".join(items)}</ul><p><a href="../index.html">ontology</a> · '
            '<a href="../diagram.svg">diagram</a></p></body></html>\n'
        )
        write_text_atomic(out_dir / "vocab" / "index.html", index)
        written.append(out_dir / "vocab" / "index.html")
    return written


@click.command("docs")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=BUILD_DIR / "docs",
    show_default=True,
    help="Output directory.",
)
@click.option(
    "--ontology",
    "ontology_file",
    type=click.Path(path_type=Path, exists=True),
    default=ONTOLOGY_FILE,
    show_default=True,
)
@click.option(
    "--vocab-dir",
    type=click.Path(path_type=Path),
    default=VOCAB_DIR,
    show_default=True,
    help="SKOS vocabularies to document (one page each).",
)
@click.option(
    "--vocab/--no-vocab",
    default=True,
    show_default=True,
    help="Document the SKOS vocabularies too.",
)
def docs_command(out_dir: Path, ontology_file: Path, vocab_dir: Path, vocab: bool) -> None:
    """Write HTML documentation (pyLODE) and a class diagram (SVG, PNG)."""
    written = write_docs(out_dir, ontology_file, vocab_dir if vocab else None)
    click.echo(f"{len(written)} files -> {out_dir}", err=True)
