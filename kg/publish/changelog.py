"""``clusterkg ontology changelog``: terms added, removed and changed between two ontology
versions (labels, definitions, domains, ranges, superclasses/superproperties, types, deprecation),
printed as a table or written as Markdown."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from kg.namespace import compact_iri
from kg.paths import ONTOLOGY_DIR, ONTOLOGY_FILE, ROOT, VOCAB_DIR

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TERM_TYPES = {
    OWL + "Class": "class",
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    RDF + "Property": "property",
    OWL + "NamedIndividual": "individual",
    SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "concept scheme",
}
#: aspect -> predicates whose values make it up
ASPECTS: dict[str, tuple[str, ...]] = {
    "type": (RDF + "type",),
    "label": (RDFS + "label", SKOS + "prefLabel"),
    "definition": (SKOS + "definition", RDFS + "comment"),
    "domain": (RDFS + "domain",),
    "range": (RDFS + "range",),
    "superclass": (RDFS + "subClassOf",),
    "superproperty": (RDFS + "subPropertyOf",),
    "inverse": (OWL + "inverseOf",),
    "scheme": (SKOS + "inScheme", SKOS + "broader"),
    "deprecated": (OWL + "deprecated",),
}


@dataclass
class Change:
    """One changed aspect of a term."""

    aspect: str
    removed: list[str]
    added: list[str]


@dataclass
class Changelog:
    """Differences between two ontology versions."""

    added: dict[str, str] = field(default_factory=dict)  # term -> kind
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, list[Change]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": {
                t: [{"aspect": c.aspect, "removed": c.removed, "added": c.added} for c in cs]
                for t, cs in self.changed.items()
            },
        }


def _render(graph: object, node: object, prefixes: dict[str, str], depth: int = 0) -> str:
    """A readable, blank-node-free rendering of a term value (restrictions, lists)."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.collection import Collection

    g = graph  # rdflib.Graph
    if isinstance(node, URIRef):
        return compact_iri(str(node), prefixes)
    if isinstance(node, Literal):
        return f'"{node}"@{node.language}' if node.language else f'"{node}"'
    if isinstance(node, BNode) and depth < 5:
        props = {str(p): o for p, o in g.predicate_objects(node)}  # type: ignore[attr-defined]
        on = props.get(OWL + "onProperty")
        for key, word in (("someValuesFrom", "some"), ("allValuesFrom", "only"),
                          ("hasValue", "value"), ("qualifiedCardinality", "exactly"),
                          ("minQualifiedCardinality", "min"), ("maxQualifiedCardinality", "max"),
                          ("cardinality", "exactly"), ("minCardinality", "min"),
                          ("maxCardinality", "max")):  # fmt: skip
            if OWL + key in props and on is not None:
                value = _render(g, props[OWL + key], prefixes, depth + 1)
                if "Qualified" in key or key.endswith("Cardinality"):
                    cls = props.get(OWL + "onClass")
                    value = str(props[OWL + key]) + (
                        " " + _render(g, cls, prefixes, depth + 1) if cls is not None else ""
                    )
                return f"({_render(g, on, prefixes, depth + 1)} {word} {value})"
        for key, word in (("unionOf", " or "), ("intersectionOf", " and "), ("oneOf", ", ")):
            if OWL + key in props:
                items = Collection(g, props[OWL + key])  # type: ignore[arg-type]
                return (
                    "(" + word.join(sorted(_render(g, i, prefixes, depth + 1) for i in items)) + ")"
                )
        if OWL + "complementOf" in props:
            return f"(not {_render(g, props[OWL + 'complementOf'], prefixes, depth + 1)})"
    return "[]"


def term_table(graph: object) -> dict[str, dict[str, frozenset[str]]]:
    """Every declared term (IRI) -> aspect -> rendered values."""
    from rdflib import URIRef

    g = graph  # rdflib.Graph
    prefixes = {p: str(ns) for p, ns in g.namespaces()}  # type: ignore[attr-defined]
    terms: dict[str, dict[str, frozenset[str]]] = {}
    for type_iri in TERM_TYPES:
        for term in g.subjects(URIRef(RDF + "type"), URIRef(type_iri)):  # type: ignore[attr-defined]
            if not isinstance(term, URIRef) or str(term) in terms:
                continue
            aspects: dict[str, frozenset[str]] = {}
            for aspect, preds in ASPECTS.items():
                values = {
                    _render(g, o, prefixes)
                    for p in preds
                    for o in g.objects(term, URIRef(p))  # type: ignore[attr-defined]
                }
                if aspect == "type":
                    individual = compact_iri(OWL + "NamedIndividual", prefixes)
                    values = {v for v in values if v != individual}
                aspects[aspect] = frozenset(values)
            terms[str(term)] = aspects
    return terms


def _kind(aspects: dict[str, frozenset[str]]) -> str:
    kinds = []
    for type_iri, word in TERM_TYPES.items():
        local = type_iri.split("#")[-1]
        if any(v.endswith((":" + local, "#" + local + ">")) for v in aspects.get("type", ())):
            kinds.append(word)
    return ", ".join(kinds) or "term"


def diff(old: object, new: object) -> Changelog:
    """The changelog from graph ``old`` to graph ``new``."""
    a, b = term_table(old), term_table(new)
    log = Changelog()
    for term in sorted(set(b) - set(a)):
        log.added[term] = _kind(b[term])
    for term in sorted(set(a) - set(b)):
        log.removed[term] = _kind(a[term])
    for term in sorted(set(a) & set(b)):
        changes = [
            Change(aspect, sorted(a[term][aspect] - b[term][aspect]),
                   sorted(b[term][aspect] - a[term][aspect]))
            for aspect in ASPECTS
            if a[term][aspect] != b[term][aspect]
        ]  # fmt: skip
        if changes:
            log.changed[term] = changes
    return log


def load_graph(paths: list[Path]) -> object:
    """Parse Turtle/RDF files (a directory means every ``*.ttl`` under it) into one graph."""
    from rdflib import Graph

    from kg.errors import InputError

    graph = Graph()
    for path in paths:
        files = sorted(path.rglob("*.ttl")) if path.is_dir() else [path]
        if not path.exists():
            raise InputError(f"no such ontology file: {path}")
        for file in files:
            try:
                graph.parse(file, format="turtle" if file.suffix == ".ttl" else None)
            except Exception as err:
                raise InputError(f"cannot parse: {err}", where=str(file)) from err
    return graph


def ontology_at_revision(rev: str, tmp: Path) -> list[Path]:
    """Write the ontology and ``vocab/*.ttl`` as of git ``rev`` into ``tmp``; their paths."""
    from kg.errors import InputError
    from kg.paths import CHECKOUT

    if CHECKOUT is None:
        raise InputError("--since reads git history: it needs a checkout of clusterkg",
                         hint="compare two ontology files: clusterkg ontology changelog OLD NEW")
    rel_dir = ONTOLOGY_DIR.relative_to(ROOT).as_posix()
    try:
        listing = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", rev, "--", rel_dir],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    except subprocess.CalledProcessError as err:
        raise InputError(f"unknown git revision {rev!r}: {err.stderr.strip()}") from err
    vocab = f"{rel_dir}/vocab/"
    wanted = [
        p for p in listing
        if p == f"{rel_dir}/clusterkg.ttl" or (p.startswith(vocab) and p.endswith(".ttl"))
    ]  # fmt: skip
    out = []
    for index, rel in enumerate(wanted):
        data = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True,
                              check=True).stdout  # fmt: skip
        target = tmp / f"{index:03d}-{Path(rel).name}"
        target.write_bytes(data)
        out.append(target)
    return out


def _cell(values: list[str]) -> str:
    return "; ".join(values).replace("|", "\\|").replace("\n", " ") or "—"


def to_markdown(log: Changelog, title: str) -> str:
    """The changelog as Markdown (three tables)."""
    lines = [f"# {title}", ""]
    lines.append(
        f"{len(log.added)} added, {len(log.removed)} removed, {len(log.changed)} changed terms."
    )
    for heading, terms in (("Added", log.added), ("Removed", log.removed)):
        lines += ["", f"## {heading} ({len(terms)})", ""]
        if terms:
            lines += ["| term | kind |", "|---|---|"]
            lines += [f"| `{compact_iri(t)}` | {k} |" for t, k in terms.items()]
    lines += ["", f"## Changed ({len(log.changed)})", ""]
    if log.changed:
        lines += ["| term | aspect | before | after |", "|---|---|---|---|"]
        for term, changes in log.changed.items():
            for c in changes:
                cells = (f"`{compact_iri(term)}`", c.aspect, _cell(c.removed), _cell(c.added))
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def print_table(log: Changelog, title: str) -> None:
    """Print the changelog as a rich table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in ("change", "term", "aspect", "before", "after"):
        table.add_column(col, overflow="fold")
    for term, kind in log.added.items():
        table.add_row("added", compact_iri(term), kind, "", "")
    for term, kind in log.removed.items():
        table.add_row("removed", compact_iri(term), kind, "", "")
    for term, changes in log.changed.items():
        for c in changes:
            table.add_row("changed", compact_iri(term), c.aspect, _cell(c.removed), _cell(c.added))
    Console(width=160).print(table)


@click.command("changelog")
@click.argument("old", required=False, type=click.Path(path_type=Path))
@click.argument("new", required=False, type=click.Path(path_type=Path))
@click.option(
    "--since",
    "since",
    default=None,
    metavar="GIT-REV",
    help="Compare the ontology (+ vocab) at this git revision with the working tree.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write Markdown (or JSON with --format json) here, atomically.",
)
def changelog_command(
    old: Path | None, new: Path | None, since: str | None, fmt: str, output: Path | None
) -> None:
    """Terms added, removed and changed between OLD.ttl and NEW.ttl (or --since GIT-REV)."""
    from kg.atomic import write_text_atomic
    from kg.errors import InputError

    with tempfile.TemporaryDirectory() as tmp:
        if since is not None:
            if old is not None:
                raise InputError("give either OLD NEW or --since, not both")
            old_graph = load_graph(ontology_at_revision(since, Path(tmp)))
            new_graph = load_graph([ONTOLOGY_FILE, VOCAB_DIR])
            title = f"Ontology changes since {since}"
        else:
            if old is None or new is None:
                raise InputError("give OLD and NEW ontology files, or --since GIT-REV")
            old_graph, new_graph = load_graph([old]), load_graph([new])
            title = f"Ontology changes from {old.name} to {new.name}"
        log = diff(old_graph, new_graph)
    if fmt == "json":
        text = json.dumps(log.to_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = to_markdown(log, title)
    if output is not None:
        write_text_atomic(output, text)
        click.echo(
            f"{len(log.added)} added, {len(log.removed)} removed, {len(log.changed)} changed "
            f"-> {output}",
            err=True,
        )
    elif fmt == "table":
        print_table(log, title)
    else:
        click.echo(text, nl=False)
