"""Tables and figures, driven by a curation spec because the PDF extraction lost their layout.

``data/curation/tables/*.yaml`` names, per article, each comparison table (its caption, the
region of text it was linearised into, its columns and rows with the verbatim quote of every
cell) and each figure made of boxes (caption, region, and per box: position, the SKOS concept
it denotes, the quote of its title and optionally of its explanation). This module locates
every quote in the cleaned text and returns:

- a :class:`TableCell` per cell (``ck:ComparisonCell``; the caption is the table's label and
  evidence, carried on each cell as ``table_label`` / ``table_evidence``);
- an :class:`Enumeration` per figure (``ck:Enumeration`` whose items are the boxes; evidence =
  the caption).

Table cells are searched in reading order inside the region (each after the previous one);
figure boxes anywhere in their region (the extraction may print them out of order). A missing
quote fails the build with ``CheckFailed`` naming the file, line and row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg.corpus.document import Document
from kg.errors import CheckFailed
from kg.extract.curation import (
    Row,
    expand_iri,
    read_yaml,
    require_quote,
    rows_of,
    source_stem,
)
from kg.extract.enumerations import scheme_concepts, scheme_iri
from kg.extract.records import Enumeration, EnumerationItem, Evidence, TableCell
from kg.paths import CURATION_DIR

EXTRACTOR = "tables"
CONFIDENCE = 1.0  # every span is a curated quote
TABLES_DIR = CURATION_DIR / "tables"


def _region(doc: Document, row: Row) -> tuple[int, int]:
    region = row.data.get("region")
    if region is None:
        return 0, len(doc.text)
    if not isinstance(region, dict) or not {"from", "to"} <= set(region):
        raise row.fail("'region' must be a mapping with 'from' and 'to' quotes")
    start, _ = require_quote(doc, region["from"], row, field="region.from")
    end, _ = require_quote(doc, region["to"], row, start=start + 1, field="region.to")
    return start, end


def _evidence(doc: Document, span: tuple[int, int]) -> Evidence:
    return Evidence(doc.source_id, span[0], span[1], EXTRACTOR, CONFIDENCE)


def _text(doc: Document, span: tuple[int, int]) -> str:
    return " ".join(doc.text[span[0] : span[1]].split())


def _table(doc: Document, row: Row) -> list[TableCell]:
    data = row.data
    key = data.get("key")
    if not isinstance(key, str) or not key:
        raise row.fail("missing 'key' (the table's slug, e.g. table-1)")
    caption = require_quote(doc, data.get("caption"), row, field="caption")
    label = _text(doc, caption)
    start, end = _region(doc, row)
    columns = data.get("columns")
    rows = data.get("rows")
    if not isinstance(columns, list) or not columns or not isinstance(rows, list) or not rows:
        raise row.fail("a table needs non-empty 'columns' and 'rows' lists")
    cursor = start
    models: list[URIRef] = []
    for i, column in enumerate(columns, start=1):
        if not isinstance(column, dict):
            raise row.fail(f"column {i} must be a mapping with 'model' and 'header'")
        models.append(expand_iri(column.get("model"), row, f"columns[{i}].model"))
        if column.get("header") is not None:
            _, cursor = require_quote(
                doc, column["header"], row, cursor, end, field=f"columns[{i}].header"
            )
    cells: list[TableCell] = []
    for r, spec in enumerate(rows, start=1):
        if not isinstance(spec, dict):
            raise row.fail(f"rows[{r}] must be a mapping")
        dimension = expand_iri(spec.get("dimension"), row, f"rows[{r}].dimension")
        if spec.get("header") is not None:
            _, cursor = require_quote(
                doc, spec["header"], row, cursor, end, field=f"rows[{r}].header"
            )
        texts = spec.get("cells")
        if not isinstance(texts, list) or len(texts) != len(models):
            raise row.fail(f"rows[{r}].cells must list {len(models)} quotes, one per column")
        for c, (model, quote) in enumerate(zip(models, texts, strict=True), start=1):
            span = require_quote(doc, quote, row, cursor, end, field=f"rows[{r}].cells[{c}]")
            cursor = span[1]
            cells.append(
                TableCell(
                    table=key,
                    dimension=dimension,
                    column=model,
                    text=_text(doc, span),
                    evidence=_evidence(doc, span),
                    table_label=label,
                    table_evidence=_evidence(doc, caption),
                )
            )
    return cells


def _figure(doc: Document, row: Row, lexicon: object | None) -> Enumeration:
    data = row.data
    key = data.get("key")
    scheme = data.get("scheme")
    if not isinstance(key, str) or not key or not isinstance(scheme, str) or not scheme:
        raise row.fail("a figure needs 'key' and 'scheme' (a SKOS scheme slug)")
    caption = require_quote(doc, data.get("caption"), row, field="caption")
    start, end = _region(doc, row)
    known = {c.iri for c in scheme_concepts(lexicon, scheme)}
    specs = data.get("items")
    if not isinstance(specs, list) or not specs:
        raise row.fail("a figure needs a non-empty 'items' list")
    items: list[EnumerationItem] = []
    for i, spec in enumerate(specs, start=1):
        if not isinstance(spec, dict):
            raise row.fail(f"items[{i}] must be a mapping")
        position = spec.get("position", i)
        if not isinstance(position, int) or isinstance(position, bool) or position < 1:
            raise row.fail(f"items[{i}].position must be a positive integer")
        denotes = expand_iri(spec.get("denotes"), row, f"items[{i}].denotes")
        if known and denotes not in known:
            raise row.fail(f"items[{i}].denotes: {denotes} is not in scheme {scheme}", CheckFailed)
        title = require_quote(doc, spec.get("quote"), row, start, end, field=f"items[{i}].quote")
        span = title
        if spec.get("explanation") is not None:
            explanation = require_quote(
                doc, spec["explanation"], row, title[1], end, field=f"items[{i}].explanation"
            )
            span = (title[0], explanation[1])
        items.append(
            EnumerationItem(
                position=position,
                text=_text(doc, title),
                denotes=denotes,
                evidence=_evidence(doc, span),
            )
        )
    positions = [item.position for item in items]
    if len(set(positions)) != len(positions):
        raise row.fail("figure item positions must be distinct")
    about = data.get("about")
    label = data.get("label")
    return Enumeration(
        key=key,
        label=label if isinstance(label, str) and label else _text(doc, caption),
        scheme=scheme_iri(scheme),
        about=expand_iri(about, row, "about") if about is not None else None,
        items=tuple(sorted(items, key=lambda item: item.position)),
        evidence=_evidence(doc, caption),
    )


def spec_rows(tables_dir: Path = TABLES_DIR) -> list[tuple[str, str, Row]]:
    """(source stem, "tables" | "figures", row) for every spec file in ``tables_dir``."""
    out = []
    for path in sorted(Path(tables_dir).glob("*.yaml")):
        data, node = read_yaml(path)
        default: Any = data.get("source") if isinstance(data, dict) else None
        for kind in ("tables", "figures"):
            for row in rows_of(path, data, node, kind):
                out.append((source_stem(row.data.get("source", default), row.where), kind, row))
    return out


def extract(
    doc: Document, lexicon: object | None = None, tables_dir: Path = TABLES_DIR
) -> list[TableCell | Enumeration]:
    """The cells of the tables and the boxes of the figures of ``doc`` named in the specs."""
    out: list[TableCell | Enumeration] = []
    for source, kind, row in spec_rows(tables_dir):
        if source != doc.source_id:
            continue
        if kind == "tables":
            out.extend(_table(doc, row))
        else:
            out.append(_figure(doc, row, lexicon))
    return out
