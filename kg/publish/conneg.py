"""HTTP content negotiation: ``Accept`` media ranges and ``Accept-Language`` language ranges."""

from __future__ import annotations

from collections.abc import Sequence


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """``Accept`` -> ``[(media range, q, position)]``; an absent or empty header is ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def _specificity(media_range: str, offer: str) -> int | None:
    """How specifically ``media_range`` matches ``offer``: 2 exact, 1 ``type/*``, 0 ``*/*``."""
    if media_range == offer:
        return 2
    rtype, _, rsub = media_range.partition("/")
    otype, _, _ = offer.partition("/")
    if rsub == "*" and rtype == otype:
        return 1
    if media_range == "*/*":
        return 0
    return None


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or ``None`` (-> 406).

    Each offer gets the q of the most specific range matching it (RFC 9110 12.5.1); ties go
    to the server's order of ``offers``.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int, str] | None = None
    for index, offer in enumerate(offers):
        matches = [
            (spec, q) for media, q, _ in ranges if (spec := _specificity(media, offer)) is not None
        ]
        if not matches:
            continue
        q = max(matches)[1]
        if q <= 0:
            continue
        key = (q, -index, offer)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def parse_accept_language(header: str | None) -> list[str]:
    """``Accept-Language`` -> language ranges ordered by q (``*`` and q=0 dropped)."""
    if not header:
        return []
    ranges = []
    for position, (lang, q, _) in enumerate(parse_accept(header)):
        if lang not in {"*", "*/*"} and q > 0:
            ranges.append((-q, position, lang))
    return [lang for _, _, lang in sorted(ranges)]


#: when no asked language has a label: Uzbek scripts stand in for each other, then English.
FALLBACKS: dict[str, list[str]] = {
    "uz-cyrl": ["uz-latn"],
    "uz-latn": ["uz-cyrl"],
    "uz": ["uz-latn", "uz-cyrl"],
}
DEFAULT_ORDER = ["en", "ru", "uz-latn", "uz-cyrl"]


def language_preference(header: str | None) -> list[str]:
    """The lookup order of label languages (lower case) for an ``Accept-Language`` header."""
    order: list[str] = []
    for lang in parse_accept_language(header):
        for candidate in [lang, *FALLBACKS.get(lang, [])]:
            if candidate not in order:
                order.append(candidate)
    for lang in DEFAULT_ORDER:
        if lang not in order:
            order.append(lang)
    return order


def _in_range(tag: str, wanted: str) -> bool:
    """Whether the (lower-case) ``tag`` falls under the language range ``wanted`` (RFC 4647
    basic filtering: the range itself or a tag that extends it)."""
    return tag == wanted or tag.startswith(wanted + "-")


def effective_preference(preference: Sequence[str], languages: Sequence[str]) -> list[str]:
    """``preference`` without the ranges that match none of ``languages`` (lower case): the
    same label is picked with either for every IRI whose labels are in ``languages``."""
    return [wanted for wanted in preference if any(_in_range(tag, wanted) for tag in languages)]


def pick_language(available: Sequence[str], preference: Sequence[str]) -> str | None:
    """The first available tag (as given) matching the preference order (basic filtering)."""
    lowered = {tag.lower(): tag for tag in available}
    for wanted in preference:
        if wanted in lowered:
            return lowered[wanted]
        for low, tag in sorted(lowered.items()):
            if _in_range(low, wanted):
                return tag
    return None


def bcp47_case(tag: str) -> str:
    """Conventional case of a language tag: ``uz-cyrl`` -> ``uz-Cyrl`` (stores lower-case it)."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)
