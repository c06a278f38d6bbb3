"""Load and inspect the clusterkg ontology (``ontology/clusterkg.ttl``) and its SKOS schemes.

- :func:`parse_turtle` / :func:`load_ontology`: parse with rdflib; a missing or malformed file
  raises :class:`kg.errors.InputError` with ``where="path:line"``.
- :func:`ck_terms`, :func:`individuals`, :func:`concepts`, :func:`label_coverage`: listings.
- ``clusterkg ontology stats`` (:data:`stats_command`): counts and label coverage per language.
- ``python -m kg.ontology --write-namespace``: regenerate ``kg/vocab.py`` (class ``CK``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.atomic import write_text_atomic
from kg.errors import InputError
from kg.namespace import CK, ONTOLOGY_NS
from kg.paths import ONTOLOGY_FILE, PACKAGE_DIR, VOCAB_DIR

LANGUAGES: tuple[str, ...] = ("en", "ru", "uz-Cyrl", "uz-Latn")
VOCAB_MODULE = PACKAGE_DIR / "vocab.py"

TERM_KINDS: dict[str, URIRef] = {
    "class": OWL.Class,
    "object property": OWL.ObjectProperty,
    "datatype property": OWL.DatatypeProperty,
    "annotation property": OWL.AnnotationProperty,
}

# rdf:type values that make a resource a term or an axiom, not an individual.
_META_TYPES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.Ontology,
        OWL.Restriction,
        OWL.AllDisjointClasses,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        RDFS.Class,
        RDFS.Datatype,
        RDF.Property,
    }
)


# ---------------------------------------------------------------------------------- loading


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one by default).

    Raises :class:`InputError` (``where="path:line"``) on a missing, unreadable or malformed file.
    """
    path = Path(path)
    graph = Graph() if graph is None else graph
    if not path.is_file():
        raise InputError("no such file", where=f"{path}:0")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", where=f"{path}:{line}") from None
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as err:
        why = " ".join(str(getattr(err, "_why", err)).split())
        # rdflib counts lines from 0 and runs past the end on errors at end of file
        line = min(err.lines + 1, max(len(text.splitlines()), 1))
        raise InputError(f"malformed Turtle: {why}", where=f"{path}:{line}") from None
    except Exception as err:  # rdflib raises plain exceptions for some errors (bad IRIs, ...)
        reason = " ".join(str(err).split())[:200]
        raise InputError(f"malformed Turtle: {reason}", where=f"{path}:0") from None
    return graph


def vocab_files(vocab_dir: Path | None = VOCAB_DIR) -> list[Path]:
    """The SKOS scheme files ``*.ttl`` of ``vocab_dir``, sorted; none if it is ``None``/absent."""
    if vocab_dir is None or not Path(vocab_dir).is_dir():
        return []
    return sorted(Path(vocab_dir).glob("*.ttl"))


def load_ontology(ontology: Path = ONTOLOGY_FILE, vocab_dir: Path | None = VOCAB_DIR) -> Graph:
    """The ontology plus every SKOS scheme of ``vocab_dir`` in one graph (the ontology graph)."""
    graph = parse_turtle(Path(ontology))
    for path in vocab_files(vocab_dir):
        parse_turtle(path, graph)
    return graph


# ---------------------------------------------------------------------------------- listings


def ck_terms(graph: Graph, kind: str) -> list[URIRef]:
    """The ck: terms of one kind (a key of :data:`TERM_KINDS`), sorted."""
    rdf_type = TERM_KINDS[kind]
    subjects = graph.subjects(RDF.type, rdf_type)
    return sorted(s for s in subjects if isinstance(s, URIRef) and s.startswith(ONTOLOGY_NS))


def all_ck_terms(graph: Graph) -> list[URIRef]:
    """Every declared ck: term (classes and properties), sorted."""
    return sorted({t for kind in TERM_KINDS for t in ck_terms(graph, kind)})


def external_terms(graph: Graph) -> list[URIRef]:
    """Declared terms of other vocabularies (referenced, not imported), sorted."""
    found = {
        s
        for rdf_type in TERM_KINDS.values()
        for s in graph.subjects(RDF.type, rdf_type)
        if isinstance(s, URIRef) and not s.startswith(ONTOLOGY_NS)
    }
    return sorted(found)


def individuals(graph: Graph) -> list[URIRef]:
    """Named individuals: IRIs typed with a class (or owl:NamedIndividual), not terms."""
    terms = {s for rdf_type in TERM_KINDS.values() for s in graph.subjects(RDF.type, rdf_type)}
    found = {
        s
        for s, t in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and t not in _META_TYPES and s not in terms
    }
    return sorted(found)


def concepts(graph: Graph) -> list[URIRef]:
    """SKOS concepts (``a skos:Concept``), sorted."""
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef))


def labels_by_language(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, list[str]]:
    """The literal values of ``predicate`` on ``subject``, grouped by language tag."""
    found: dict[str, list[str]] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", []).append(str(value))
    return found


@dataclass
class Coverage:
    """How many of ``total`` resources have a label in each language."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)

    def percent(self, lang: str) -> float:
        """Share of resources labelled in ``lang``, 0..100."""
        return 100.0 * self.counts.get(lang, 0) / self.total if self.total else 0.0


def label_coverage(
    graph: Graph, subjects: Iterable[URIRef], predicate: URIRef = RDFS.label
) -> Coverage:
    """Count, per language of :data:`LANGUAGES`, the subjects having ``predicate`` in it."""
    subjects = list(subjects)
    counts = {lang: 0 for lang in LANGUAGES}
    for subject in subjects:
        langs = labels_by_language(graph, subject, predicate)
        for lang in LANGUAGES:
            counts[lang] += bool(langs.get(lang))
    return Coverage(total=len(subjects), counts=counts)


@dataclass
class OntologyStats:
    """The numbers ``clusterkg ontology stats`` prints."""

    triples: int
    terms: dict[str, int]
    external_terms: int
    individuals: int
    concepts: int
    schemes: int
    term_labels: Coverage
    concept_labels: Coverage


def compute_stats(graph: Graph) -> OntologyStats:
    """Counts of the ontology graph: ck: terms by kind, individuals, concepts, label coverage."""
    return OntologyStats(
        triples=len(graph),
        terms={kind: len(ck_terms(graph, kind)) for kind in TERM_KINDS},
        external_terms=len(external_terms(graph)),
        individuals=len(individuals(graph)),
        concepts=len(concepts(graph)),
        schemes=len(set(graph.subjects(RDF.type, SKOS.ConceptScheme))),
        term_labels=label_coverage(graph, all_ck_terms(graph), RDFS.label),
        concept_labels=label_coverage(graph, concepts(graph), SKOS.prefLabel),
    )


# ---------------------------------------------------------------------------------- CLI


@click.command("stats")
@click.option(
    "--ontology",
    "ontology",
    type=click.Path(path_type=Path, dir_okay=False),
    default=ONTOLOGY_FILE,
    show_default=True,
    help="The ontology Turtle file.",
)
@click.option(
    "--vocab-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Directory of SKOS scheme files [default: vocab/ beside the ontology].",
)
def stats_command(ontology: Path, vocab_dir: Path | None) -> None:
    """Print classes, properties, individuals, SKOS concepts and label coverage per language."""
    from rich.console import Console
    from rich.table import Table

    vocab = vocab_dir if vocab_dir is not None else Path(ontology).parent / "vocab"
    graph = load_ontology(Path(ontology), vocab)
    stats = compute_stats(graph)

    counts = Table(title=f"clusterkg ontology ({Path(ontology).name})", title_justify="left")
    counts.add_column("what")
    counts.add_column("count", justify="right")
    counts.add_row("files", str(1 + len(vocab_files(vocab))))
    counts.add_row("triples", str(stats.triples))
    for kind, number in stats.terms.items():
        counts.add_row(
            f"ck: {kind.replace('property', 'properties')}" if kind != "class" else "ck: classes",
            str(number),
        )
    counts.add_row("external terms (referenced)", str(stats.external_terms))
    counts.add_row("individuals", str(stats.individuals))
    counts.add_row("SKOS concept schemes", str(stats.schemes))
    counts.add_row("SKOS concepts", str(stats.concepts))

    labels = Table(title="label coverage", title_justify="left")
    labels.add_column("language")
    labels.add_column("ck: terms (rdfs:label)", justify="right")
    labels.add_column("concepts (skos:prefLabel)", justify="right")
    for lang in LANGUAGES:
        labels.add_row(
            lang,
            _share(stats.term_labels, lang),
            _share(stats.concept_labels, lang),
        )
    console = Console(width=100)
    console.print(counts)
    console.print(labels)


def _share(coverage: Coverage, lang: str) -> str:
    """``"132/133 (99.2%)"``."""
    return f"{coverage.counts.get(lang, 0)}/{coverage.total} ({coverage.percent(lang):.1f}%)"


# ---------------------------------------------------------------------------------- apostrophes

#: the characters Uzbek Latin text uses for the o‘/g‘ sign and the tutuq belgisi
APOSTROPHES = "\u02bb\u2018\u2019'\u02bc"
#: the forms written as hidden labels: U+02BB (the standard), the two curly quotes, ASCII
APOSTROPHE_FORMS = ("\u02bb", "\u2018", "\u2019", "'")
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
VARIANT_FILE = "uzbek-latin-apostrophes.ttl"


def apostrophe_variants(label: str) -> list[str]:
    """``label`` with its apostrophes written each way of :data:`APOSTROPHE_FORMS` (not itself)."""
    if not _APOSTROPHE_RE.search(label):
        return []
    found = {_APOSTROPHE_RE.sub(form, label) for form in APOSTROPHE_FORMS}
    return sorted(found - {label})


def render_apostrophe_variants(paths: Iterable[Path]) -> str:
    """Turtle of the hidden labels that spell every Uzbek Latin label of ``paths`` with each
    apostrophe form, so that a search typed with any of them finds the entity or concept."""
    graph = Graph()
    for path in paths:
        if path.name != VARIANT_FILE:
            parse_turtle(path, graph)
    lines = [
        "# GENERATED by python -m kg.ontology --write-variants; do not edit.",
        "# Uzbek Latin labels with the o‘/g‘ sign or the tutuq belgisi spelt with U+02BB, U+2018,",
        "# U+2019 and ASCII ' (as hidden labels): a search typed any of these ways finds the term.",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
    ]
    labels: dict[URIRef, set[str]] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for subject, value in graph.subject_objects(prop):
            uzbek_latin = isinstance(value, Literal) and value.language == "uz-Latn"
            if isinstance(subject, URIRef) and uzbek_latin:
                labels.setdefault(subject, set()).add(str(value))
    for subject in sorted(labels):
        own = labels[subject]
        variants = sorted({v for label in own for v in apostrophe_variants(label)} - own)
        if variants:
            values = ",\n    ".join(f'"{v}"@uz-Latn' for v in variants)
            lines.append(f"<{subject}> skos:hiddenLabel\n    {values} .")
    return "\n".join(lines) + "\n"


def variant_targets() -> dict[Path, str]:
    """The generated variant file of each folder and its expected content."""
    from kg.paths import LEXICON_DIR

    return {
        folder / VARIANT_FILE: render_apostrophe_variants(sorted(folder.glob("*.ttl")))
        for folder in (VOCAB_DIR, LEXICON_DIR)
    }


# ---------------------------------------------------------------------------------- kg/vocab.py

_KIND_TITLES = {
    "class": "Classes",
    "object property": "Object properties",
    "datatype property": "Datatype properties",
    "annotation property": "Annotation properties",
}


def render_namespace(graph: Graph) -> str:
    """The source of ``kg/vocab.py``: a DefinedNamespace ``CK`` listing every declared ck: term."""
    lines = [
        '"""The ck: terms of the clusterkg ontology as an rdflib DefinedNamespace.',
        "",
        "GENERATED from ontology/clusterkg.ttl by ``python -m kg.ontology --write-namespace``;",
        "do not edit. tests/test_ontology.py checks that it is in sync with the ontology.",
        "Unknown terms raise AttributeError, so a misspelt term fails where it is used.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class CK(DefinedNamespace):",
        f'    """clusterkg ontology, {ONTOLOGY_NS}."""',
        "",
        f'    _NS = Namespace("{ONTOLOGY_NS}")',
        "    _fail = True",
    ]
    seen: set[URIRef] = set()
    for kind in TERM_KINDS:
        terms = [t for t in ck_terms(graph, kind) if t not in seen]
        if not terms:
            continue
        seen.update(terms)
        lines += ["", f"    # {_KIND_TITLES[kind]}"]
        for term in terms:
            name = str(term)[len(str(CK)) :]
            label = next(
                (
                    str(v)
                    for v in graph.objects(term, RDFS.label)
                    if getattr(v, "language", None) == "en"
                ),
                "",
            )
            lines.append(f"    {name}: URIRef  # {label}" if label else f"    {name}: URIRef")
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--write-namespace", is_flag=True, help="Regenerate kg/vocab.py from the ontology.")
@click.option("--check", is_flag=True, help="Exit 1 if kg/vocab.py is out of date.")
@click.option(
    "--write-variants",
    is_flag=True,
    help="Regenerate the Uzbek Latin apostrophe variants (uzbek-latin-apostrophes.ttl).",
)
@click.option(
    "--ontology",
    type=click.Path(path_type=Path, dir_okay=False),
    default=ONTOLOGY_FILE,
    show_default=True,
)
def main(write_namespace: bool, check: bool, write_variants: bool, ontology: Path) -> None:
    """Maintain kg/vocab.py (the DefinedNamespace) and the generated apostrophe variants."""
    if write_variants:
        for target, text in variant_targets().items():
            write_text_atomic(target, text)
            click.echo(f"wrote {target}")
        return
    try:
        source = render_namespace(parse_turtle(ontology))
    except InputError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    current = VOCAB_MODULE.read_text(encoding="utf-8") if VOCAB_MODULE.exists() else ""
    if check:
        if current != source:
            click.echo(
                f"{VOCAB_MODULE} is out of date: run python -m kg.ontology --write-namespace",
                err=True,
            )
            sys.exit(1)
        click.echo(f"{VOCAB_MODULE} is up to date")
    elif write_namespace:
        write_text_atomic(VOCAB_MODULE, source)
        click.echo(f"wrote {VOCAB_MODULE}")
    else:
        click.echo(main.get_help(click.get_current_context()))


if __name__ == "__main__":
    main()
