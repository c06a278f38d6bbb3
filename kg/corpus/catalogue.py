"""Read the corpus catalogue (``sources.yaml``) and the raw article files it lists.

Every problem with the input becomes a :class:`kg.errors.InputError` that names the file
and the line or entry, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

CATALOGUE_NAME = "sources.yaml"


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
        entries.append(CatalogueEntry(file=file, fields=dict(item), line=line))
    return entries


def read_article(corpus_dir: Path, entry: CatalogueEntry) -> str:
    """Read the raw text of a catalogued article (UTF-8, not empty)."""
    path = Path(corpus_dir) / entry.file
    if not path.is_file():
        raise InputError(
            f"file listed in the catalogue is missing: {entry.file}",
            where=f"{Path(corpus_dir) / CATALOGUE_NAME}:{entry.line}",
        )
    text = _read_utf8(path)
    if not text.strip():
        raise InputError("the article file is empty", where=str(path))
    return text


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
