"""``clusterkg review SOURCE``: curators review the automatic output instead of typing facts.

The command lists an article's automatic facts (relations, memberships, statistics) and the
resources minted from it, each with its stable identifier, confidence and quote. Accepting,
rejecting or correcting one writes a row to ``data/curation/review/{source}.yaml``::

    source: 003_2c5d2ceac335d1da
    decisions:
      - id: id:fact/3f2a9c01b2d4        # the identifier `clusterkg review` shows
        decision: accept                # accept | reject | correct
        curator: Jane Doe
        object: id:org/bmw              # correct only: the fields that change
                                        # (subject, predicate, object; entity for a resource)

The file is read and written with ruamel.yaml's round-trip mode, so comments and order stay
as a person left them, and replaced atomically (:mod:`kg.atomic`). The next build honours it
(:func:`apply_decisions`, called by :func:`kg.extract.article.extract_article`): an accepted
fact is attributed to the curator (extractor ``review``, confidence 1, the curator's name as
``dcterms:contributor``), a rejected one is left out, a corrected one is written as corrected
and attributed to the curator. A rejected resource takes its mentions and the facts about it
along; a corrected resource (``entity:`` another IRI) is that entity wherever it was mentioned.
Identifiers are those of the RDF (``kg.rdf.facts.record_id``): hashes of the fact's content
and source, so they stay the same across rebuilds and the rows keep applying.
"""

from __future__ import annotations

import getpass
from dataclasses import replace
from io import StringIO
from pathlib import Path
from typing import Any

import click

from kg.errors import InputError
from kg.extract.records import (
    EntityDescription,
    Evidence,
    Membership,
    Mention,
    Observation,
    Record,
    Relation,
)
from kg.namespace import PREFIXES, compact_iri
from kg.paths import CORPUS_DIR, CURATION_DIR

DECISIONS = ("accept", "reject", "correct")
REVIEWED = (Relation, Membership, Observation, EntityDescription)
EXTRACTOR = "review"
HEADER = (
    "# Review decisions for article {source} (written by `clusterkg review`; edit freely,\n"
    "# comments are kept). One row per automatic fact or minted resource: id, decision\n"
    "# (accept | reject | correct), curator, and for `correct` the fields that change.\n"
)


def review_dir(curation_dir: Path) -> Path:
    """``curation_dir/review``."""
    return Path(curation_dir) / "review"


def review_file(curation_dir: Path, source_id: str) -> Path:
    """The review file of one article."""
    return review_dir(curation_dir) / f"{source_id}.yaml"


#: the prefixes of review rows and listings
REVIEW_PREFIXES = {p: PREFIXES[p] for p in ("id", "ck", "skos", "org", "rdf")}


def compact(iri: object) -> str:
    """``https://w3id.org/clusterkg/id/fact/x`` -> ``id:fact/x``; ``<iri>`` elsewhere."""
    return compact_iri(str(iri), REVIEW_PREFIXES)


def expand(value: str) -> str:
    """``id:fact/x`` -> the full IRI."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order and quoting stay
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def read_decisions(curation_dir: Path | None, source_id: str) -> dict[str, dict[str, Any]]:
    """The decision rows of an article by full identifier (empty without a file)."""
    if curation_dir is None:
        return {}
    path = review_file(curation_dir, source_id)
    if not path.is_file():
        return {}
    data = _load(path)
    out: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(data.get("decisions") or [], start=1):
        line = getattr(getattr(row, "lc", None), "line", None)
        where = f"{path}:{line + 1}" if line is not None else str(path)
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise InputError(f"decision {number} needs an 'id'", where=where)
        if row.get("decision") not in DECISIONS:
            raise InputError(
                f"decision {number}: 'decision' must be one of {', '.join(DECISIONS)}",
                where=where,
            )
        out[expand(row["id"])] = dict(row)
    return out


def _load(path: Path) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"not valid YAML: {getattr(err, 'problem', err)}", where=where) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("a review file must be a mapping", where=f"{path}:1")
    return data


def write_decision(
    curation_dir: Path, source_id: str, identifier: str, decision: str, curator: str,
    changes: dict[str, str] | None = None,
) -> Path:  # fmt: skip
    """Add or replace the row of ``identifier`` in the article's review file, atomically."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from kg.atomic import write_text_atomic

    if decision not in DECISIONS:
        raise InputError(f"unknown decision {decision!r}", hint="accept, reject or correct")
    path = review_file(curation_dir, source_id)
    if path.is_file():
        data = _load(path)
    else:
        data = _yaml().load(HEADER.format(source=source_id) + f"source: {source_id}\n")
    rows = data.get("decisions")
    if rows is None:
        rows = CommentedSeq()
        data["decisions"] = rows
    row = CommentedMap()
    row["id"] = compact(identifier)
    row["decision"] = decision
    row["curator"] = curator
    for key, value in (changes or {}).items():
        row[key] = value
    for index, existing in enumerate(rows):
        if isinstance(existing, dict) and expand(str(existing.get("id", ""))) == identifier:
            rows[index] = row
            break
    else:
        rows.append(row)
    stream = StringIO()
    _yaml().dump(data, stream)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, stream.getvalue())
    return path


def _iri(value: object, row: dict[str, Any], field: str) -> Any:
    from rdflib import URIRef

    if not isinstance(value, str) or not value.strip():
        raise InputError(f"review row {row.get('id')}: '{field}' must be an IRI")
    return URIRef(expand(value.strip()))


def apply_decisions(
    records: list[Record], decisions: dict[str, dict[str, Any]], source_id: str
) -> list[Record]:
    """The records of an article with the curators' decisions applied (module docstring)."""
    if not decisions:
        return records
    from kg.rdf.facts import record_id

    rejected: set[str] = set()
    relink: dict[str, Any] = {}
    for record in records:
        if isinstance(record, EntityDescription):
            row = decisions.get(str(record.entity))
            if row and row["decision"] == "reject":
                rejected.add(str(record.entity))
            elif row and row["decision"] == "correct" and "entity" in row:
                relink[str(record.entity)] = _iri(row["entity"], row, "entity")
    out: list[Record] = []
    for record in records:
        record = _relinked(record, relink)
        if _involves(record, rejected):
            continue
        if not isinstance(record, REVIEWED):
            out.append(record)
            continue
        row = decisions.get(record_id(record, source_id))
        if isinstance(record, EntityDescription) and str(record.entity) in relink:
            continue
        if row is None:
            out.append(record)
        elif row["decision"] == "accept":
            out.append(_by_curator(record, row))
        elif row["decision"] == "correct":
            out.append(_by_curator(_corrected(record, row), row))
    return out


def _by_curator(record: Any, row: dict[str, Any]) -> Any:
    ev = record.evidence
    curator = str(row.get("curator") or "curator")
    return replace(record, evidence=Evidence(ev.source_id, ev.start, ev.end, EXTRACTOR, 1.0,
                                             curator))  # fmt: skip


def _corrected(record: Any, row: dict[str, Any]) -> Any:
    fields = {
        Relation: ("subject", "predicate", "object"),
        Membership: ("cluster", "member", "role", "helix_sector"),
        Observation: ("indicator", "ref_area", "subject"),
        EntityDescription: (),
    }[type(record)]
    aliases = {"subject": "cluster", "object": "member", "helix": "helix_sector"}
    changes = {}
    for key, value in row.items():
        name = aliases.get(key, key) if isinstance(record, Membership) else key
        if name in fields:
            changes[name] = _iri(value, row, key)
    return replace(record, **changes)


def _relinked(record: Record, relink: dict[str, Any]) -> Record:
    if not relink:
        return record
    if isinstance(record, Mention) and str(record.entity) in relink:
        return replace(record, entity=relink[str(record.entity)])
    if isinstance(record, Relation):
        return replace(
            record,
            subject=relink.get(str(record.subject), record.subject),
            object=relink.get(str(record.object), record.object),
        )
    if isinstance(record, Membership):
        return replace(
            record,
            cluster=relink.get(str(record.cluster), record.cluster),
            member=relink.get(str(record.member), record.member),
        )
    if isinstance(record, Observation):
        return replace(
            record,
            subject=relink.get(str(record.subject), record.subject),
            ref_area=relink.get(str(record.ref_area), record.ref_area),
        )
    return record


def _involves(record: Record, rejected: set[str]) -> bool:
    if not rejected:
        return False
    if isinstance(record, Mention | EntityDescription):
        return str(getattr(record, "entity", "")) in rejected
    values = [getattr(record, f, None) for f in ("subject", "object", "cluster", "member",
                                                   "ref_area")]  # fmt: skip
    return any(str(v) in rejected for v in values if v is not None)


# -- the command -------------------------------------------------------------------------------


def reviewable(source: str, corpus_dir: Path, curation_dir: Path) -> tuple[Any, list[Any]]:
    """(document, automatic records to review) of one article of the corpus."""
    from kg.corpus import load_corpus
    from kg.extract.article import extract_article, load_context

    stem = Path(source).stem
    docs = [d for d in load_corpus(corpus_dir) if d.source_id == stem]
    if not docs:
        raise InputError(f"no article {stem!r} in the corpus", where=str(corpus_dir))
    context = load_context(None)  # the automatic output alone, as the extractors give it
    article = extract_article(docs[0], context)
    records = [r for r in article.records if isinstance(r, REVIEWED)]
    return docs[0], records


def describe(record: Record) -> str:
    """A one-line statement of a record with compact IRIs."""
    if isinstance(record, Relation):
        return f"{compact(record.subject)} {compact(record.predicate)} {compact(record.object)}"
    if isinstance(record, Membership):
        return f"{compact(record.cluster)} ck:hasMember {compact(record.member)}"
    if isinstance(record, Observation):
        about = record.subject or record.ref_area
        return (
            f"{compact(record.indicator)} = {record.value} ({record.surface}) of {compact(about)}"
        )
    if isinstance(record, EntityDescription):
        label = next((t for p, _, t in record.labels if p == "pref"), "")
        kinds = ", ".join(compact(c) for c in record.classes)
        return f"new {kinds} {compact(record.entity)} “{label}”"
    return repr(record)


@click.command("review")
@click.argument("source")
@click.option("--accept", "accepts", multiple=True, metavar="ID", help="Accept a fact.")
@click.option("--reject", "rejects", multiple=True, metavar="ID", help="Reject a fact.")
@click.option("--correct", "correct", metavar="ID", help="Correct a fact (with --set).")
@click.option(
    "--set", "changes", multiple=True, metavar="FIELD=IRI",
    help="With --correct: subject=, predicate=, object= (or entity= for a new resource).",
)  # fmt: skip
@click.option("--curator", default=None, help="Your name (default: the login name).")
@click.option(
    "--corpus", "corpus_dir", type=click.Path(path_type=Path), default=CORPUS_DIR,
    show_default=True, help="Directory with sources.yaml and the articles.",
)  # fmt: skip
@click.option(
    "--curation", "curation_dir", type=click.Path(path_type=Path), default=CURATION_DIR,
    show_default=True, help="Curation directory (decisions go to its review/ folder).",
)  # fmt: skip
def review_command(
    source: str,
    accepts: tuple[str, ...],
    rejects: tuple[str, ...],
    correct: str | None,
    changes: tuple[str, ...],
    curator: str | None,
    corpus_dir: Path,
    curation_dir: Path,
) -> None:
    """List an article's automatic facts and new resources, or record decisions on them."""
    doc, records = reviewable(source, corpus_dir, curation_dir)
    from kg.rdf.facts import record_id

    ids = {record_id(r, doc.source_id): r for r in records}
    who = curator or getpass.getuser()
    empty: dict[str, str] = {}
    wanted: list[tuple[str, str, dict[str, str]]] = [(i, "accept", empty) for i in accepts]
    wanted += [(i, "reject", empty) for i in rejects]
    if changes and not correct:
        raise InputError("--set needs --correct ID")
    if correct:
        parsed = {}
        for change in changes:
            key, sep, value = change.partition("=")
            if not sep or key not in ("subject", "predicate", "object", "entity", "indicator"):
                raise InputError(f"bad --set {change!r}", hint="FIELD=IRI, e.g. object=id:org/bmw")
            parsed[key] = value
        if not parsed:
            raise InputError("--correct needs at least one --set FIELD=IRI")
        wanted.append((correct, "correct", parsed))
    for identifier, decision, fields in wanted:
        full = expand(identifier)
        if full not in ids:
            raise InputError(
                f"{identifier} is not an automatic fact of {doc.source_id}",
                hint=f"run `clusterkg review {doc.source_id}` for the list",
            )
        path = write_decision(curation_dir, doc.source_id, full, decision, who, fields)
        click.echo(f"{decision}: {compact(full)} -> {path}")
    if not wanted:
        _print_table(doc, ids, read_decisions(curation_dir, doc.source_id))


def _print_table(doc: Any, ids: dict[str, Record], decisions: dict[str, dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"automatic facts of {doc.source_id} ({len(ids)})", show_lines=False)
    for column in ("id", "statement", "conf.", "quote", "decision"):
        table.add_column(column, overflow="fold")
    for identifier, record in sorted(ids.items(), key=lambda kv: kv[1].evidence.start):
        ev = record.evidence
        quote = doc.text[ev.start : ev.end]
        quote = quote if len(quote) <= 90 else quote[:87] + "..."
        decision = decisions.get(identifier, {}).get("decision", "")
        table.add_row(compact(identifier), describe(record), f"{ev.confidence:.2f}", quote,
                      decision)  # fmt: skip
    Console(width=200).print(table)
