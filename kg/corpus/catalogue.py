"""Read the corpus catalogue (``sources.yaml``) and the raw article files it lists.

Every problem with the input becomes a :class:`kg.errors.InputError` that names the file
and the line or entry, never a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.options import MAX_ARTICLE_ENV

CATALOGUE_NAME = "sources.yaml"
DEFAULT_MAX_ARTICLE_BYTES = 2_000_000  # 50x the longest article; ~20 s and 1.6 GB to build
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
# Fields that become RDF, and the YAML types they may have.
TEXT_FIELDS = ("title", "title_en", "title_as_extracted", "venue")
TEXT_OR_LIST_FIELDS = ("authors", "other_languages")
LANGUAGE_FIELDS = ("language", "other_languages")


@dataclass(frozen=True)
class CatalogueEntry:
    """One article of the catalogue: its file, the entry's fields and where it was declared."""

    file: str
    fields: dict[str, object]
    line: int  # 1-based line of the entry in sources.yaml


def read_catalogue(corpus_dir: Path) -> list[CatalogueEntry]:
    """Parse ``corpus_dir/sources.yaml``: a YAML list of mappings, each with a ``file`` key."""
    import yaml

    path = Path(corpus_dir) / CATALOGUE_NAME
    if not Path(corpus_dir).is_dir():
        raise InputError("corpus directory not found", where=str(corpus_dir))
    if not path.is_file():
        raise InputError("catalogue not found", where=str(path), hint="list the articles in it")
    text = _read_utf8(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"malformed YAML: {problem}", where=where) from None
    if not isinstance(data, list) or node is None or not isinstance(node, yaml.SequenceNode):
        raise InputError("the catalogue must be a YAML list of entries", where=str(path))
    if not data:
        raise InputError("the catalogue lists no article", where=str(path))
    entries: list[CatalogueEntry] = []
    seen: dict[str, int] = {}
    for index, (item, item_node) in enumerate(zip(data, node.value, strict=True), start=1):
        line = item_node.start_mark.line + 1
        where = f"{path}:{line}"
        if not isinstance(item, dict):
            raise InputError(f"entry {index} is not a mapping", where=where)
        file = item.get("file")
        if not isinstance(file, str) or not file.strip():
            raise InputError(f"entry {index} has no 'file' field", where=where)
        if Path(file).name != file:
            raise InputError(f"entry {index}: 'file' must be a bare file name: {file}", where=where)
        if file in seen:
            raise InputError(f"entry {index}: {file} is already listed", where=where)
        seen[file] = line
        _check_fields(item, item_node, index, f"{path}:")
        entries.append(CatalogueEntry(file=file, fields=dict(item), line=line))
    return entries


def article_path(corpus_dir: Path, entry: CatalogueEntry) -> Path:
    """The file of a catalogued article; ``InputError`` when it is missing."""
    path = Path(corpus_dir) / entry.file
    if not path.is_file():
        raise InputError(
            f"file listed in the catalogue is missing: {entry.file}",
            where=f"{Path(corpus_dir) / CATALOGUE_NAME}:{entry.line}",
        )
    return path


def read_article(corpus_dir: Path, entry: CatalogueEntry) -> str:
    """Read the raw text of a catalogued article (UTF-8, not empty)."""
    path = article_path(corpus_dir, entry)
    limit = max_article_bytes()
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"the article is {_human(size)}, over the limit of {_human(limit)}",
            where=str(path),
            hint=f"split it, or raise the limit with --max-article-size {size // 10**6 + 1}MB "
            f"or ${MAX_ARTICLE_ENV}",
        )
    text = _read_utf8(path)
    if not text.strip():
        raise InputError("the article file is empty", where=str(path))
    return text


def max_article_bytes() -> int:
    """The size limit for one article file: ``$CLUSTERKG_MAX_ARTICLE_SIZE`` bytes (set by
    ``clusterkg build --max-article-size``), else :data:`DEFAULT_MAX_ARTICLE_BYTES`."""
    value = os.environ.get(MAX_ARTICLE_ENV, "")
    if not value:
        return DEFAULT_MAX_ARTICLE_BYTES
    from kg.options import parse_size

    try:
        return parse_size(value)
    except ValueError as err:
        raise InputError(str(err), where=f"${MAX_ARTICLE_ENV}") from None


def _check_fields(item: dict[object, object], node: object, index: int, prefix: str) -> None:
    """The fields that become RDF must be text (or lists of text); languages BCP 47 tags.

    ``node`` is the entry's YAML mapping node (for the line of a bad field); ``prefix`` is
    ``"path:"``."""
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value  # type: ignore[attr-defined]
             if isinstance(key.value, str)}
    for name in (*TEXT_FIELDS, *TEXT_OR_LIST_FIELDS, "language"):
        value = item.get(name)
        if value is None:
            continue
        where = f"{prefix}{lines.get(name, '?')}"
        values = value if isinstance(value, list) and name in TEXT_OR_LIST_FIELDS else [value]
        for one in values:
            if not isinstance(one, str):
                kind = "text or a list of text" if name in TEXT_OR_LIST_FIELDS else "text"
                hint = ("one tag; list the others under other_languages"
                        if name == "language" and isinstance(one, list)
                        else "quote the value in YAML")
                raise InputError(
                    f"entry {index}: '{name}' must be {kind}, not {_yaml_kind(one)}: {one!r}",
                    where=where, hint=hint)
            if name in LANGUAGE_FIELDS and not _LANGUAGE_TAG.fullmatch(one):
                raise InputError(f"entry {index}: '{name}' is not a BCP 47 language tag: {one!r}",
                                 where=where, hint="e.g. ru, en, uz-Cyrl, uz-Latn")


def _human(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 10**6 else f"{size / 1e3:.1f} kB"


def _yaml_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _read_utf8(path: Path) -> str:
    """Read ``path`` as UTF-8 (a BOM is dropped), naming the line of the first bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
            where=f"{path}:{line}",
            hint="convert the file to UTF-8",
        ) from None
    return text.removeprefix("\ufeff")
