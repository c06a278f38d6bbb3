"""Curated relations: facts that need reading, each with the verbatim quote that states it.

``data/curation/relations/*.yaml`` (one file per article by convention)::

    source: 000_294bae6919eed714          # file stem (or file name) of the article; default
    facts:
      - subject: id:cluster/silicon-valley # prefixed name (kg.namespace.PREFIXES) or full IRI
        predicate: ck:hasMember
        object: id:org/stanford-university
        role: id:actor-role/research-partner    # optional, ck:hasMember rows only
        helix: id:triple-helix-sector/science   # optional, ck:hasMember rows only
        quote: "... verbatim text of the cleaned article ..."
        source: 003_2c5d2ceac335d1da       # optional, overrides the file's source
        occurrence: 2                       # optional: the n-th occurrence of the quote
        confidence: 0.9                     # optional, default 1.0

A ``ck:hasMember`` row becomes an ``org:Membership`` record (the RDF writer also asserts the
shortcut triple); every other row a ``Relation``. Quotes are matched against the cleaned text
after whitespace normalisation (a hyphen in the quote also matches a hyphen removed or split by
the cleaning). A quote that is not found fails the build with ``CheckFailed`` naming the file,
line and row; malformed YAML or a bad row raises ``InputError`` with the line. Entity IRIs
(``id:{cluster,org,person,place,...}/...``) must be known to the lexicon.

The quote locator and the YAML reader here are shared with :mod:`kg.extract.tables`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, URIRef

from kg.corpus.document import Document
from kg.errors import CheckFailed, InputError
from kg.extract.records import Evidence, Membership, Relation
from kg.namespace import CK, ENTITY_KINDS, ID, PREFIXES
from kg.paths import CURATION_DIR

EXTRACTOR = "curation"
RELATIONS_DIR = CURATION_DIR / "relations"
DEFAULT_CONFIDENCE = 1.0
ROW_KEYS = frozenset(
    {"subject", "predicate", "object", "quote", "source", "role", "helix", "occurrence",
     "confidence", "note"}
)  # fmt: skip


# -- YAML with line numbers --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One mapping of a curation list, with where it stands in its file."""

    path: Path
    line: int  # 1-based line of the row in the file
    number: int  # 1-based position in its list
    data: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def fail(
        self, message: str, cls: type[InputError] | type[CheckFailed] = InputError
    ) -> InputError | CheckFailed:
        """An error naming the file, line and row."""
        return cls(f"row {self.number}: {message}", where=self.where)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file: (data, node tree for line numbers); errors name file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read curation file: {err.strerror}", where=str(path)) from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster
        data = yaml.load(text, Loader=loader)
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"not valid YAML: {problem}", where=where) from None
    return data, node


def rows_of(path: Path, data: Any, node: yaml.Node | None, key: str) -> list[Row]:
    """The mappings of the list ``data[key]`` as :class:`Row` values with their lines."""
    if not isinstance(data, dict):
        raise InputError("a curation file must be a mapping", where=f"{path}:1")
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputError(f"'{key}' must be a list", where=str(path))
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            is_list = isinstance(value_node, yaml.SequenceNode)
            if getattr(key_node, "value", None) == key and is_list:
                lines = [item.start_mark.line + 1 for item in value_node.value]
    rows = []
    for i, item in enumerate(items, start=1):
        line = lines[i - 1] if i - 1 < len(lines) else 1
        if not isinstance(item, dict):
            raise InputError(f"{key} row {i} must be a mapping", where=f"{path}:{line}")
        rows.append(Row(Path(path), line, i, item))
    return rows


def source_stem(value: object, where: str) -> str:
    """``"000_x.txt"`` or ``"000_x"`` -> ``"000_x"``."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("missing 'source' (the article's file stem)", where=where)
    return Path(value.strip()).stem if value.strip().endswith(".txt") else value.strip()


def expand_iri(value: object, row: Row, field: str) -> URIRef:
    """A prefixed name (``id:org/x``, ``ck:hasMember``) or full IRI -> ``URIRef``."""
    if not isinstance(value, str) or not value.strip():
        raise row.fail(f"'{field}' must be an IRI or prefixed name")
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^https?://", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and not re.search(r"\s", local):
        return URIRef(PREFIXES[prefix] + local)
    raise row.fail(f"'{field}': unknown prefix or malformed IRI {text!r}")


# -- quotes ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def quote_pattern(quote: str) -> re.Pattern[str]:
    """Regex for a quote: any whitespace run matches any whitespace run; a hyphen may have
    been removed or followed by a line break in the cleaned text."""
    words = quote.split()
    parts = [re.escape(word).replace(r"\-", r"(?:-\s*)?") for word in words]
    return re.compile(r"\s+".join(parts))


def locate(
    doc: Document, quote: str, start: int = 0, end: int | None = None, occurrence: int = 1
) -> tuple[int, int] | None:
    """Span [start, end) of the ``occurrence``-th match of ``quote`` in ``doc.text``."""
    if not quote.strip():
        return None
    end = len(doc.text) if end is None else end
    for n, match in enumerate(quote_pattern(quote).finditer(doc.text, start, end), start=1):
        if n == occurrence:
            return match.start(), match.end()
    return None


def require_quote(
    doc: Document,
    quote: object,
    row: Row,
    start: int = 0,
    end: int | None = None,
    occurrence: int = 1,
    field: str = "quote",
) -> tuple[int, int]:
    """:func:`locate` or fail with ``CheckFailed`` naming the file, line and row."""
    if not isinstance(quote, str) or not quote.strip():
        raise row.fail(f"missing '{field}'")
    span = locate(doc, quote, start, end, occurrence)
    if span is None:
        short = quote if len(quote) <= 120 else quote[:117] + "..."
        raise row.fail(
            f"{field} not found in the cleaned text of {doc.source_id}: {short!r}", CheckFailed
        )
    return span


# -- relations ---------------------------------------------------------------------------------


def check_known(iri: URIRef, lexicon: object | None, row: Row, field: str) -> None:
    """Entity IRIs must be lexicon entities; concepts must be in their scheme when it is loaded."""
    if lexicon is None or not str(iri).startswith(str(ID)):
        return
    kind = str(iri)[len(str(ID)) :].split("/", 1)[0]
    if kind in ENTITY_KINDS:
        if iri not in lexicon:  # type: ignore[operator]
            raise row.fail(f"'{field}': {iri} is not an entity of data/lexicon", CheckFailed)
        return
    schemes = getattr(lexicon, "schemes", None)
    if callable(schemes) and kind in schemes() and iri not in lexicon:  # type: ignore[operator]
        raise row.fail(f"'{field}': {iri} is not a concept of scheme '{kind}'", CheckFailed)


def _confidence(row: Row) -> float:
    value = row.data.get("confidence", DEFAULT_CONFIDENCE)
    try:
        number = float(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        raise row.fail("'confidence' must be a number in [0, 1]") from None
    if not 0 <= number <= 1:
        raise row.fail("'confidence' must be a number in [0, 1]")
    return number


def _occurrence(row: Row) -> int:
    value = row.data.get("occurrence", 1)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise row.fail("'occurrence' must be a positive integer")
    return value


def fact_rows(curation_dir: Path = RELATIONS_DIR) -> list[tuple[str, Row]]:
    """(source stem, row) for every fact row of every ``*.yaml`` file in ``curation_dir``.

    Parsed once per process while the files are unchanged (name, size, mtime): the build
    extracts each article on its own and would otherwise parse every file per article."""
    paths = sorted(Path(curation_dir).glob("*.yaml"))
    signature = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    return list(_fact_rows(str(curation_dir), signature))


@lru_cache(maxsize=8)
def _fact_rows(curation_dir: str, signature: tuple[tuple[str, int, int], ...]
               ) -> tuple[tuple[str, Row], ...]:
    out = []
    for name, _size, _mtime in signature:
        path = Path(curation_dir) / name
        data, node = read_yaml(path)
        default = data.get("source") if isinstance(data, dict) else None
        for row in rows_of(path, data, node, "facts"):
            unknown = set(row.data) - ROW_KEYS
            if unknown:
                raise row.fail(f"unknown field(s): {', '.join(sorted(unknown))}")
            out.append((source_stem(row.data.get("source", default), row.where), row))
    return tuple(out)


def relations_dir(curation_dir: Path) -> Path:
    """``curation_dir/relations`` when it exists (the layout of ``data/curation``), else the
    directory itself (a test fixture with the YAML files at its top)."""
    sub = Path(curation_dir) / "relations"
    return sub if sub.is_dir() else Path(curation_dir)


@lru_cache(maxsize=4)
def _known_iris(lexicon_dir: str, vocab_dir: str) -> frozenset[URIRef]:
    """Subjects of the lexicon and vocabulary files (used when no Lexicon is given)."""
    graph = Graph()
    for directory in (lexicon_dir, vocab_dir):
        for path in sorted(Path(directory).glob("*.ttl")):
            graph.parse(path, format="turtle")
    return frozenset(s for s in graph.subjects() if isinstance(s, URIRef))


class KnownSet:
    """A lexicon stand-in: membership and scheme slugs from the subjects of the lexicon and
    vocabulary files (``iris``; default: the files parsed here)."""

    def __init__(self, iris: frozenset[URIRef] | None = None) -> None:
        from kg.paths import LEXICON_DIR, VOCAB_DIR

        self.iris = _known_iris(str(LEXICON_DIR), str(VOCAB_DIR)) if iris is None else iris

    @classmethod
    def of(cls, *graphs: Graph) -> KnownSet:
        """The subjects of graphs already parsed from those files (a loaded Lexicon's)."""
        return cls(frozenset(s for g in graphs for s in g.subjects() if isinstance(s, URIRef)))

    def __contains__(self, iri: object) -> bool:
        return iri in self.iris

    def schemes(self) -> list[str]:
        prefix = str(ID)
        locals_ = [str(i)[len(prefix) :] for i in self.iris if str(i).startswith(prefix)]
        kinds = {local.split("/", 1)[0] for local in locals_}
        return sorted(kinds - ENTITY_KINDS)


def extract(
    docs: Document | Sequence[Document],
    curation_dir: Path = CURATION_DIR,
    lexicon: object | None = None,
) -> list[Relation | Membership]:
    """The curated facts about ``docs`` (one document or all), each with its quote's span.

    ``curation_dir`` is ``data/curation`` (its ``relations/`` folder is read) or a folder of
    YAML files. With all documents given, a row whose source is not among them is an error
    (:func:`check_sources`). ``lexicon`` checks entity IRIs (default: the subjects of
    ``data/lexicon/*.ttl``).
    """
    if isinstance(docs, Document):
        by_id = {docs.source_id: docs}
    else:
        by_id = {doc.source_id: doc for doc in docs}
        check_sources(by_id, curation_dir)
    known = lexicon if lexicon is not None and hasattr(lexicon, "__contains__") else KnownSet()
    return [
        _record(by_id[source], row, known)
        for source, row in fact_rows(relations_dir(curation_dir))
        if source in by_id
    ]


def check_sources(source_ids: Collection[str], curation_dir: Path = CURATION_DIR) -> None:
    """Fail naming the row when a curated fact cites a source that is not in the corpus."""
    for source, row in fact_rows(relations_dir(curation_dir)):
        if source not in source_ids:
            raise row.fail(f"source {source!r} is not an article of the corpus", CheckFailed)


def _record(doc: Document, row: Row, known: object) -> Relation | Membership:
    subject = expand_iri(row.data.get("subject"), row, "subject")
    predicate = expand_iri(row.data.get("predicate"), row, "predicate")
    obj = expand_iri(row.data.get("object"), row, "object")
    for field, iri in (("subject", subject), ("object", obj)):
        check_known(iri, known, row, field)
    start, end = require_quote(doc, row.data.get("quote"), row, occurrence=_occurrence(row))
    evidence = Evidence(doc.source_id, start, end, EXTRACTOR, _confidence(row))
    role = row.data.get("role")
    helix = row.data.get("helix")
    if predicate == CK.hasMember:
        return Membership(
            cluster=subject,
            member=obj,
            role=expand_iri(role, row, "role") if role is not None else None,
            helix_sector=expand_iri(helix, row, "helix") if helix is not None else None,
            evidence=evidence,
        )
    if role is not None or helix is not None:
        raise row.fail("'role' and 'helix' are only allowed on ck:hasMember rows")
    return Relation(subject, predicate, obj, evidence)
