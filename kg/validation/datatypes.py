"""Lexical well-formedness of the built-in XSD datatypes (for ``sh:datatype``) and regex flags.

A literal whose datatype is one of these but whose lexical form is not in the datatype's lexical
space (``"abc"^^xsd:integer``, ``"300"^^xsd:byte``) is ill-formed and fails ``sh:datatype``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_PATTERNS = {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "double": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "float": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "date": _YEAR + "-" + _MONTH + "-" + _DAY + _TZ,
    "dateTime": _YEAR + "-" + _MONTH + "-" + _DAY + "T" + _TIME + _TZ,
    "dateTimeStamp": _YEAR + "-" + _MONTH + "-" + _DAY + "T" + _TIME
    + r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    "time": _TIME + _TZ,
    "gYear": _YEAR + _TZ,
    "gYearMonth": _YEAR + "-" + _MONTH + _TZ,
    "gMonth": "--" + _MONTH + _TZ,
    "gDay": "---" + _DAY + _TZ,
    "gMonthDay": "--" + _MONTH + "-" + _DAY + _TZ,
    "duration": r"-?P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+D)?"
    r"(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?",
    "dayTimeDuration": r"-?P(?=[0-9T])([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?"
    r"([0-9]+(\.[0-9]+)?S)?)?",
    "yearMonthDuration": r"-?P(?=[0-9])([0-9]+Y)?([0-9]+M)?",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": r"(([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]"
    r"|([A-Za-z0-9+/] ?){2}[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}
_INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1), "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127), "nonNegativeInteger": (0, None), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
    "positiveInteger": (1, None),
}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_COMPILED = {XSD + k: re.compile(v) for k, v in _PATTERNS.items()}
INTEGER_TYPES = frozenset(XSD + k for k in _INTEGERS)
STRINGS = frozenset({XSD + "string", XSD + "normalizedString", XSD + "token", XSD + "anyURI"})
# datatypes pyoxigraph stores in a canonical form (value space), losing the lexical form or the
# derived datatype: literals of these are recorded as written when loaded
CANONICALISED = INTEGER_TYPES | frozenset(XSD + k for k in (
    "boolean", "decimal", "double", "float", "date", "dateTime", "dateTimeStamp", "time",
    "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "duration", "dayTimeDuration",
    "yearMonthDuration"))
# the datatype pyoxigraph gives a literal of a canonicalised datatype
STORED_AS = {**{t: XSD + "integer" for t in INTEGER_TYPES}, XSD + "dateTimeStamp": XSD + "dateTime"}


def is_well_formed(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (True for unknown types)."""
    bounds = _INTEGERS.get(datatype[len(XSD):]) if datatype.startswith(XSD) else None
    if bounds is not None:
        if _INTEGER.fullmatch(lexical) is None:
            return False
        value = int(lexical)
        low, high = bounds
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _COMPILED.get(datatype)
    if pattern is None:
        return True
    if pattern.fullmatch(lexical) is None:
        return False
    if datatype in (XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp"):
        return _valid_day(lexical)
    return True


def _valid_day(lexical: str) -> bool:
    m = re.match(r"(-?[0-9]+)-([0-9]{2})-([0-9]{2})", lexical)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return day <= days


def known(datatype: str) -> bool:
    """Whether the lexical space of ``datatype`` is checked here."""
    return datatype in _COMPILED or datatype in INTEGER_TYPES


def python_regex(pattern: str, flags: str) -> Callable[[str], bool]:
    """An XPath ``fn:matches`` test (flags s, m, i, x, q) with Python's ``re``."""
    bits = 0
    for f in flags:
        if f not in "smixq":
            raise ValueError(f"unknown regex flag {f!r}")
        bits |= {"s": re.S, "m": re.M, "i": re.I, "x": re.X, "q": 0}[f]
    compiled = re.compile(re.escape(pattern) if "q" in flags else pattern, bits)
    return lambda text: compiled.search(text) is not None
