"""Stage 1: read the articles listed in a corpus catalogue, clean them, split sentences.

``load_corpus(corpus_dir)`` returns one :class:`~kg.corpus.document.Document` per entry of
``corpus_dir/sources.yaml``, in catalogue order. Bad input raises ``kg.errors.InputError``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.corpus.document import Document, Sentence
from kg.paths import CORPUS_DIR

__all__ = ["Document", "Sentence", "load_corpus", "load_document"]


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[Document]:
    """Read, clean and sentence-split every article of the catalogue in ``corpus_dir``."""
    from kg.corpus.catalogue import read_article, read_catalogue

    corpus_dir = Path(corpus_dir)
    docs: list[Document] = []
    for entry in read_catalogue(corpus_dir):
        raw = read_article(corpus_dir, entry)
        meta = dict(entry.fields)
        meta["catalogue_line"] = entry.line
        docs.append(load_document(corpus_dir / entry.file, raw, meta))
    return docs


def load_document(path: Path, raw: str, meta: dict[str, object]) -> Document:
    """Build a :class:`Document` from the raw text of one article."""
    from kg.corpus.clean import clean_text
    from kg.corpus.language import assign_languages
    from kg.corpus.sentences import split_sentences
    from kg.errors import InputError

    cleaned = clean_text(raw)
    if not cleaned.text.strip():
        raise InputError("the article has no text after cleaning", where=str(path))
    from kg.corpus.normalise import normalise

    default = str(meta.get("language") or "").strip() or "ru"
    spans = split_sentences(cleaned.text)
    langs = assign_languages([normalise(cleaned.text[s:e]).text for s, e in spans], default)
    sentences = tuple(
        Sentence(start=s, end=e, text=cleaned.text[s:e], lang=lang)
        for (s, e), lang in zip(spans, langs, strict=True)
    )
    meta = dict(meta)
    meta["sha256"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    meta["removed_headers"] = list(cleaned.removed_headers)
    meta["removed_footnotes"] = list(cleaned.removed_footnotes)
    return Document(
        source_id=Path(path).stem,
        path=str(path),
        raw_text=raw,
        text=cleaned.text,
        offset_map=cleaned.offset_map,
        sentences=sentences,
        meta=meta,
    )
