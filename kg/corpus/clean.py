"""Remove PDF-extraction noise from an article while keeping a clean -> raw offset map.

Rules (in order):

1. Lines are classified: blank, running header (journal URL + page number, issue line,
   journal motto), bare page number, footnote (``1 Разработана автором.`` whose marker is glued
   to a word earlier, ``Узбекистане1``), or content. Only content lines are kept.
2. Inside a content line, leading/trailing whitespace (incl. form feeds) is dropped and runs of
   whitespace become one space; footnote markers are dropped; a hyphen before an Uzbek plural
   suffix chain (``биотехнология-лар``) is dropped.
3. Consecutive content lines are joined into paragraphs: a line ending in ``letter-`` is
   glued to the next line (``илмий-`` + ``тадқиқот`` -> ``илмий-тадқиқот``; the hyphen is
   dropped only when the hyphenated form occurs nowhere else and the unhyphenated word occurs
   elsewhere in the article or is a Russian dictionary word: ``финан-`` + ``сируют``);
   a line break becomes ``\\n`` (a paragraph/unit boundary) before bullets and numbered items,
   around all-caps headings, after a sentence end followed by a capital, and after a short
   line (table cells, captions, headings) followed by a capital; otherwise a space.

Every character of the clean text maps to the raw character it came from; inserted joiners map
to the raw line break they replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.corpus.uzbek import suffixes_cyrl, suffixes_latn

# Running headers/footers of journal PDFs: layout patterns, not content.
HEADER_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^№\s*\d+[-‐]\s*SON\b.*\d{4}\s*[-‐]\s*YIL$", re.IGNORECASE),
    re.compile(r"^WWW\.[A-Z0-9.-]+\.[A-Z]{2,}\s+\d{1,4}$", re.IGNORECASE),
    re.compile(r"^\d{1,4}\s+WWW\.[A-Z0-9.-]+\.[A-Z]{2,}$", re.IGNORECASE),
    re.compile(r"^(ILMIY|ИЛМИЙ|НАУЧНЫЙ)[, ].*(JURNAL|ЖУРНАЛ|ЖУРНАЛИ)$", re.IGNORECASE),
)
PAGE_NUMBER = re.compile(r"^\d{1,4}$")
FOOTNOTE_LINE = re.compile(r"^(\d{1,2})\s+[A-ZА-ЯЁЎҚҒҲ]\S*\s.*$")
FOOTNOTE_MARKER = r"(?<=[^\W\d_]{{3}})({n})(?=[\s.,;:)]|$)"
BULLET = re.compile(r"^(?:[•●▪■◦·\-–—]\s|\d{1,2}[.)]\s)")
SENTENCE_END = re.compile(r"[.!?;:…][\"»”’)]*(?:\s*\[\d+(?:[,–-]\s*\d+)*\])*$")
CAPITAL_START = re.compile(r"^[\"«“„(\[]?[A-ZА-ЯЁЎҚҒҲ0-9•]")
LOWER_START = re.compile(r"^[^\W\d_]", re.UNICODE)
INITIAL_END = re.compile(r"(?:^|[\s(])[A-ZА-ЯЁЎҚҒҲ]\.$")
SHORT_LINE = 50  # characters: shorter lines are table cells, captions or headings


@dataclass(frozen=True)
class CleanResult:
    """The clean text, its map to the raw text and what was removed."""

    text: str
    offset_map: tuple[int, ...]
    removed_headers: tuple[str, ...]
    removed_footnotes: tuple[str, ...]


@dataclass
class _Line:
    start: int  # raw offset of the first kept character
    text: str  # stripped content
    chars: list[tuple[str, int]]  # (character, raw offset) after in-line normalisation


def clean_text(raw: str) -> CleanResult:
    """Clean ``raw`` (one article as extracted from its PDF); see the module docstring."""
    lines, headers = _content_lines(raw)
    lines, footnotes = _drop_footnotes(lines)
    plural = tuple(s for s in (*suffixes_cyrl(), *suffixes_latn()) if s[:3] in ("лар", "lar"))
    suffix_hyphen = re.compile(
        r"(?<=[^\W\d_]{4})-(?=(?:" + "|".join(map(re.escape, plural)) + r")(?![^\W\d_]))"
    )
    for line in lines:
        _normalise_line(line, suffix_hyphen)
    flat = raw.lower()
    out: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        out.extend(line.chars)
        if index + 1 == len(lines):
            break
        nxt = lines[index + 1]
        joiner = _joiner(line, nxt, flat)
        gap = line.chars[-1][1] + 1
        if joiner == "":
            continue
        if joiner == "-drop":
            out.pop()
            continue
        out.append((joiner, gap))
    text = "".join(c for c, _ in out)
    return CleanResult(
        text=text,
        offset_map=tuple(o for _, o in out),
        removed_headers=tuple(headers),
        removed_footnotes=tuple(footnotes),
    )


def _content_lines(raw: str) -> tuple[list[_Line], list[str]]:
    lines: list[_Line] = []
    headers: list[str] = []
    for match in re.finditer(r"[^\n]*", raw):
        segment = match.group()
        stripped = segment.strip()
        if not stripped:
            continue
        if any(p.match(stripped) for p in HEADER_PATTERNS) or PAGE_NUMBER.match(stripped):
            headers.append(stripped)
            continue
        lead = len(segment) - len(segment.lstrip())
        start = match.start() + lead
        lines.append(_Line(start=start, text=stripped, chars=[]))
    return lines, headers


def _drop_footnotes(lines: list[_Line]) -> tuple[list[_Line], list[str]]:
    """Drop ``N text`` lines whose marker ``N`` is glued to a word of an earlier line."""
    kept: list[_Line] = []
    notes: list[str] = []
    for line in lines:
        match = FOOTNOTE_LINE.match(line.text)
        if match and not re.match(r"^\d{1,2}\s+\S+\s*$", line.text):
            marker = re.compile(FOOTNOTE_MARKER.format(n=match.group(1)))
            owner = next((k for k in reversed(kept) if marker.search(k.text)), None)
            if owner is not None:
                notes.append(line.text)
                # mark the marker for removal (same length keeps the raw offsets)
                owner.text = marker.sub(lambda m: "\x00" * len(m.group()), owner.text, count=1)
                continue
        kept.append(line)
    return kept, notes


def _normalise_line(line: _Line, suffix_hyphen: re.Pattern[str]) -> None:
    """Fill ``line.chars``: collapse whitespace, drop footnote markers and suffix hyphens."""
    text = line.text
    drop = {m.start() for m in suffix_hyphen.finditer(text)}
    chars: list[tuple[str, int]] = []
    raw_offset = line.start
    previous_space = False
    for index, char in enumerate(text):
        offset = raw_offset + index
        if char == "\x00" or index in drop:
            continue
        if char.isspace():
            if not previous_space:
                chars.append((" ", offset))
            previous_space = True
            continue
        previous_space = False
        chars.append((char, offset))
    while chars and chars[-1][0] == " ":
        chars.pop()
    line.chars = chars
    line.text = "".join(c for c, _ in chars)


def _known_word(word: str) -> bool:
    """True when the Russian dictionary knows ``word`` (a line-end hyphen broke it)."""
    if not re.fullmatch(r"[а-яё]+", word):
        return False
    from kg.corpus.russian import is_known_word

    return is_known_word(word)


def _is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _joiner(line: _Line, nxt: _Line, flat: str) -> str:
    """How ``line`` continues into ``nxt``: "" (glue), "-drop", " " or "\\n"."""
    text, following = line.text, nxt.text
    if re.search(r"[^\W\d_]-$", text) and LOWER_START.match(following):
        left = re.search(r"([^\W\d_]+)-$", text)
        right = re.match(r"[^\W\d_]+", following)
        if left and right:
            joined = (left.group(1) + right.group(0)).lower()
            hyphenated = (left.group(1) + "-" + right.group(0)).lower()
            if hyphenated not in flat and (
                re.search(rf"(?<![^\W\d_]){re.escape(joined)}", flat) or _known_word(joined)
            ):
                return "-drop"
        return ""
    if BULLET.match(following):
        return "\n"
    head_now, head_next = _is_caps_heading(text), _is_caps_heading(following)
    if head_now and head_next:
        return " "
    if head_now or head_next:
        return "\n"
    starts_capital = bool(CAPITAL_START.match(following))
    if SENTENCE_END.search(text) and starts_capital and not INITIAL_END.search(text):
        return "\n"
    if re.search(r"(?:^|\s)[^\W\d_]{1,2}$", text) and text[-1].islower():
        return " "  # a line never ends a unit on a preposition or conjunction (в, с, va)
    if len(text) < SHORT_LINE and starts_capital and not re.search(r"[,(–—-]$", text):
        return "\n"
    return " "
