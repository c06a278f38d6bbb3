"""Numbers as the articles write them, with multiplier, unit and qualifier (uz, ru, en).

``find_numbers(text)`` returns every quantity expression: ``"87 мингта"`` -> 87000 count exact,
``"икки мингдан ортиқ"`` -> 2000 count more-than, ``"қарийб 2 миллиард АҚШ долларидан ошиқроқ"``
-> 2000000000 usd approximately, ``"50 фоизга яқини"`` -> 50 percent approximately,
``"1,5 млрд"``, ``"12 %"``, ``"over 3 billion"``. The words below are grammar (number words,
multipliers, units, qualifiers); what a number measures is decided elsewhere, from data.

Digits are read by the passage's locale (Babel's CLDR data: ``babel.numbers``): in English
``1,500`` is 1500 and ``1.5`` one and a half; in Russian and Uzbek ``1,5`` is one and a half and
``1 500`` (space, no-break or thin space) 1500. A separator that is neither the locale's
decimal nor its group symbol groups thousands when exactly three digits follow each time
(``1.500.000`` in a Russian text), else it is a decimal point (``2.5 млрд``).

Not quantities: ordinals and dates written with a hyphenated suffix (``"1950-йилларнинг"``,
``"19-асрнинг"``, ``"1-жадвал"``), citation numbers (``"[7]"``), digits glued to letters
(``"№6"``, ``"Узбекистане1"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache

#: Number words (lower case) -> value; only read when a multiplier follows (``икки минг``).
# fmt: off
NUMBER_WORDS: dict[str, int] = {
    # Uzbek Cyrillic
    "бир": 1, "икки": 2, "уч": 3, "тўрт": 4, "беш": 5, "олти": 6, "етти": 7, "саккиз": 8,
    "тўққиз": 9, "ўн": 10, "йигирма": 20, "ўттиз": 30, "қирқ": 40, "эллик": 50,
    "олтмиш": 60, "етмиш": 70, "саксон": 80, "тўқсон": 90, "юз": 100,
    # Uzbek Latin
    "bir": 1, "ikki": 2, "uch": 3, "to‘rt": 4, "besh": 5, "olti": 6, "yetti": 7,
    "sakkiz": 8, "to‘qqiz": 9, "o‘n": 10, "yigirma": 20, "o‘ttiz": 30, "qirq": 40,
    "ellik": 50, "yuz": 100,
    # Russian
    "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "сто": 100,
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100,
}
# fmt: on

#: Multiplier stems -> factor (suffixes such as -та, -дан, -а are allowed after the stem).
MULTIPLIERS: tuple[tuple[str, int], ...] = (
    ("триллион", 10**12),
    ("трлн", 10**12),
    ("trillion", 10**12),
    ("trln", 10**12),
    ("миллиард", 10**9),
    ("млрд", 10**9),
    ("milliard", 10**9),
    ("mlrd", 10**9),
    ("billion", 10**9),
    ("bn", 10**9),
    ("миллион", 10**6),
    ("млн", 10**6),
    ("million", 10**6),
    ("mln", 10**6),
    ("минг", 10**3),
    ("тысяч", 10**3),
    ("тыс", 10**3),
    ("ming", 10**3),
    ("thousand", 10**3),
)

APPROXIMATELY = (
    "қарийб",
    "тахминан",
    "яқин",
    "около",
    "примерно",
    "приблизительно",
    "почти",
    "порядка",
    "qariyb",
    "taxminan",
    "yaqin",
    "about",
    "approximately",
    "nearly",
    "almost",
    "around",
    "some",
    "~",
)
MORE_THAN = (
    "ортиқ",
    "ошиқ",
    "кўпроқ",
    "зиёд",
    "более",
    "свыше",
    "больше",
    "ortiq",
    "oshiq",
    "ko‘proq",
    "ziyod",
    "more than",
    "over",
    "above",
    "in excess of",
    "+",
)
LESS_THAN = (
    "камроқ",
    "кам",
    "менее",
    "меньше",
    "kamroq",
    "kam",
    "less than",
    "fewer than",
    "under",
    "below",
)

_PRE = (
    r"қарийб|тахминан|около|примерно|приблизительно|почти|порядка|более|свыше|менее|"
    r"qariyb|taxminan|about|approximately|nearly|almost|around|some|roughly|more\s+than|"
    r"less\s+than|"
    r"fewer\s+than|over|under|up\s+to|~"
)
_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_MULT = "|".join(re.escape(m) for m, _ in MULTIPLIERS)
_PERCENT = r"%|фоиз|процент|проц\.|percent|per\s+cent|foiz"
_USD = r"(?:АҚШ\s+|AQSh\s+|US\s+)?доллар|долл\.|\$|USD|US\s+dollars?|dollars?|dollar"
#: currencies after the number (word or ISO 4217 code) and before it (sign or code)
_MONEY = (
    r"евро|euros?|€|EUR|юан|yuan|renminbi|CNY|RMB|сўм|so[‘’'ʻ`]?m|сум|UZS|рубл|руб\.|RUB|"
    r"белорусских\s+рубл|BYN|крон|kronor|kroner|kroon|DKK|SEK|NOK|фунт|pounds?\s+sterling|"
    r"GBP|£|иен|yen|JPY|¥|вон|won|KRW|тенге|KZT|TWD|NT\$|рупи|rupees?|INR"
)
_MONEY_BEFORE = r"NT\$|US\$|\$|€|£|¥|USD|EUR|DKK|SEK|NOK|CNY|RMB|RUB|UZS|TWD|GBP|JPY|BYN|INR|KZT"
#: measures: area, mass, power
_MEASURE = (
    r"гектар|га(?![\w‘’])|gektar|hectares?|ha(?![\w‘’])|км²|км2|кв\.\s*км|km²|km2|"
    r"sq\.?\s*km|square\s+kilomet(?:re|er)s?|квадратн\w*\s+километр|kvadrat\s+kilometr|"
    r"тонн|tonnes?|tons?(?![\w‘’])|tonna|МВт|MW(?![\w‘’])|megavatt|megawatts?|мегаватт"
)
_SUFFIX = r"[\w‘’]*"  # case endings glued to a word: -та, -дан, -га, -и, -лар ...
_POST = (
    r"(?:\s*(?:дан|dan|га|ga))?\s*(?:ошиқроқ|ортиқ|ошиқ|кўпроқ|зиёд|камроқ|кам|"
    r"яқини|яқин|oshiqroq|ortiq|oshiq|ko‘proq|kamroq|kam|yaqini|yaqin|"
    r"с\s+лишним|и\s+более|или\s+более|и\s+менее|or\s+more|or\s+less|plus)(?![\w‘’])"
)

#: Words after which a number names a table, figure, page or issue (``Рис. 1``, ``1-жадвал``).
LABEL_WORD_RE = re.compile(
    r"(?<![\w‘’])(?:(?:рис|fig|figure|табл|таблица|table|расм|жадвал|стр|pp|no|№|том|vol)\.?"
    r"|(?:с|p)\.)\s*$",  # "с." and "p." (page) only with their dot: "с 5 до 9 млн" is "from"
    re.IGNORECASE,
)

NUMBER_RE = re.compile(
    rf"""
    (?:(?P<pre>{_PRE})\s+)?
    (?:(?P<money_before>{_MONEY_BEFORE})\s?)?
    (?<![\w\-№./,\[])
    (?:
        (?P<digits>\d{{1,3}}(?:,\d{{3}})+\.\d+|\d{{1,3}}(?:\.\d{{3}})+,\d+
          |\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+(?:,\d+)?(?![\d])
          |\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d{{1,3}}(?:\.\d{{3}})+(?![\d.])|\d+(?:[.,]\d+)?)
      | (?P<word>(?<![\w‘’])(?:{_WORDS}))
    )
    (?!-\w)(?![\w‘’])(?!\])(?![.,]\d)
    (?:\s*(?P<mult>(?:{_MULT})\.?){_SUFFIX})?
    (?:\s*(?P<unit>(?:{_PERCENT}|{_USD}|{_MONEY}|{_MEASURE})){_SUFFIX})?
    (?:\s*(?P<count>та|ta|шт\.)(?![\w‘’]))?
    (?P<post>{_POST})?
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class NumberExpr:
    """A quantity in text: [start, end) covers the whole expression (qualifiers included)."""

    start: int
    end: int
    surface: str
    value: Decimal
    unit: str  # "percent" | "count" | a currency ("usd", "eur", ...) | a measure | "rank" | "ratio"
    qualifier: str  # "exact" | "approximately" | "more-than" | "less-than"
    number_start: int  # where the digits (or the number word) begin


#: BCP 47 tags of the corpus -> Babel locale identifiers
BABEL_LOCALES = {"en": "en", "ru": "ru", "uz-Cyrl": "uz_Cyrl", "uz-Latn": "uz_Latn"}


@lru_cache(maxsize=16)
def separators(lang: str) -> tuple[str, str]:
    """(decimal symbol, group symbol) of a language's locale (CLDR via Babel)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = BABEL_LOCALES.get(lang, lang.replace("-", "_") or "en")
    try:
        return get_decimal_symbol(locale), get_group_symbol(locale)
    except (ValueError, LookupError):
        return get_decimal_symbol("en"), get_group_symbol("en")


def _digits_value(digits: str, lang: str = "en") -> Decimal:
    """The value of a digit string with separators, read by ``lang``'s locale."""
    decimal, _group = separators(lang)
    compact = re.sub(r"[ \u00a0\u202f]", "", digits)
    marks = [c for c in compact if c in ",."]
    if not marks:
        return Decimal(compact)
    if len(set(marks)) == 2:  # "1,234.5" / "1.234,5": the last separator is the decimal
        last = compact[max(compact.rfind(","), compact.rfind("."))]
        whole, _, frac = compact.rpartition(last)
        return Decimal(re.sub(r"[,.]", "", whole) + "." + frac)
    mark = marks[0]
    grouped = re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", compact) is not None
    if grouped and (mark != decimal or len(marks) > 1):
        return Decimal(compact.replace(mark, ""))
    return Decimal(compact.replace(mark, "."))


def _factor(mult: str | None) -> int:
    if not mult:
        return 1
    low = mult.lower().rstrip(".")
    for stem, factor in MULTIPLIERS:
        if low.startswith(stem):
            return factor
    return 1


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    for word in words:
        if not word[0].isalnum():
            if word in low:
                return True
        elif re.search(rf"(?<![\w‘’]){re.escape(word)}", low):
            return True
    return False


def qualifier_of(surface: str) -> str:
    """The qualifier a quantity expression states: approximately wins over a bound."""
    if _has_word(surface, APPROXIMATELY):
        return "approximately"
    if _has_word(surface, LESS_THAN):
        return "less-than"
    if _has_word(surface, MORE_THAN):
        return "more-than"
    return "exact"


#: currency words and signs -> ISO 4217 code (lower case), tried in order
CURRENCIES: tuple[tuple[str, str], ...] = (
    (r"nt\$|twd", "twd"), (r"us\$|\$|usd|долл|доллар|dollar", "usd"),
    (r"€|eur|евро|euro", "eur"), (r"юан|yuan|renminbi|cny|rmb", "cny"),
    (r"сўм|so[‘’'ʻ`]?m|сум|uzs", "uzs"), (r"белорусских|byn", "byn"), (r"рубл|руб\.|rub", "rub"),
    (r"dkk", "dkk"), (r"sek", "sek"), (r"nok", "nok"), (r"£|gbp|фунт|pound", "gbp"),
    (r"¥|jpy|иен|yen", "jpy"), (r"krw|вон|won", "krw"), (r"kzt|тенге", "kzt"),
    (r"inr|рупи|rupee", "inr"), (r"крон|kronor|kroner|kroon", "sek"),
)  # fmt: skip
MEASURES: tuple[tuple[str, str], ...] = (
    (r"гектар|га$|gektar|hectare|ha$", "hectare"),
    (r"км|km|кв|sq|square|квадрат|kvadrat", "km2"),
    (r"тонн|tonne|ton|tonna", "tonne"),
    (r"мвт|mw|megavatt|megawatt|мегаватт", "megawatt"),
)  # fmt: skip


def _unit_of(unit: str | None, before: str | None = None) -> str:
    if before:
        low = before.lower().strip()
        return next(code for pattern, code in CURRENCIES if re.match(pattern, low))
    if not unit:
        return "count"
    low = unit.lower()
    if re.match(_PERCENT, low, re.IGNORECASE):
        return "percent"
    for pattern, name in MEASURES:
        if re.match(pattern, low):
            return name
    for pattern, code in CURRENCIES:
        if re.match(pattern, low):
            return code
    return "usd"


def _is_list_marker(text: str, m: re.Match[str]) -> bool:
    """``1. Title`` at the start of a line, or ``Рис. 1`` / ``Table 2``: a label, not a figure."""
    if m.group("pre") or not m.group("digits"):
        return False
    start = m.start("digits")
    line_start = text.rfind("\n", 0, start) + 1
    after = text[m.end("digits") : m.end("digits") + 2]
    if not text[line_start:start].strip() and after[:1] in (".", ")"):
        return True
    return bool(LABEL_WORD_RE.search(text[max(0, start - 12) : start]))


#: ordinal words (1..10) of the four languages
ORDINALS: dict[str, int] = {
    w: i + 1
    for words in (
        "биринчи иккинчи учинчи тўртинчи бешинчи олтинчи еттинчи саккизинчи тўққизинчи ўнинчи",
        "birinchi ikkinchi uchinchi to‘rtinchi beshinchi oltinchi yettinchi sakkizinchi "
        "to‘qqizinchi o‘ninchi",
        "first second third fourth fifth sixth seventh eighth ninth tenth",
        "перв втор трет четвёрт пят шест седьм восьм девят десят",
    )
    for i, w in enumerate(words.split())
}
_ORDINAL = "|".join(sorted((re.escape(w) for w in ORDINALS), key=len, reverse=True))
_PLACE_NOUN = r"ўрин|o[‘’'ʻ`]?rin|мест(?:о|а|е|ом|у)?(?![\w‘’])|place(?![\w‘’])|position(?![\w‘’])"
#: ranks: "93-o‘rinni", "86-ўринга", "3-е место", "ranked 5th", "иккинчи ўринни", "ranked first"
RANK_RE = re.compile(
    rf"(?<![\w‘’])(?:(?P<digits>\d{{1,4}})(?:\s*-\s*(?:е|ое|м|ом|ем)?|st|nd|rd|th)\s*"
    rf"(?={_PLACE_NOUN})|(?P<word>{_ORDINAL})[\w‘’]*\s+(?={_PLACE_NOUN})"
    rf"|(?<=ranked\s)(?P<ranked>{_ORDINAL}|\d{{1,4}}(?:st|nd|rd|th)?)(?![\w‘’]))",
    re.IGNORECASE,
)
_RANK_NOUN = re.compile(rf"(?:{_PLACE_NOUN})[\w‘’]*", re.IGNORECASE)
#: ratios: "3 баробар", "в 2 раза", "3 marta", "5 times", "вдвое", "twice"
RATIO_NOUNS = {"uz-Cyrl": "баробар|марта", "uz-Latn": "barobar|marta", "ru": "раза?",
               "en": "times"}  # fmt: skip
RATIO_RE = {
    lang: re.compile(
        rf"(?<![\w‘’.,])(?P<digits>\d+(?:[.,]\d+)?)\s*(?P<noun>{nouns})(?![\w‘’])"
        r"|(?<![\w‘’])(?P<word>вдвое|втрое|вчетверо|впятеро|twice|thrice)(?![\w‘’])",
        re.IGNORECASE,
    )
    for lang, nouns in RATIO_NOUNS.items()
}
RATIO_WORDS = {"вдвое": 2, "втрое": 3, "вчетверо": 4, "впятеро": 5, "twice": 2, "thrice": 3}


def _ranks(text: str, base: int, lang: str) -> list[NumberExpr]:
    out = []
    for m in RANK_RE.finditer(text):
        if m.group("digits"):
            value, start = Decimal(m.group("digits")), m.start("digits")
        else:
            word = (m.group("word") or m.group("ranked")).lower()
            digits = re.match(r"\d+", word)
            value = Decimal(digits.group()) if digits else Decimal(ORDINALS[word])
            start = m.start("word") if m.group("word") else m.start("ranked")
        noun = _RANK_NOUN.match(text, m.end())
        end = noun.end() if noun else m.end()
        surface = text[start:end].rstrip()
        out.append(NumberExpr(base + start, base + start + len(surface), surface, value, "rank",
                              "exact", base + start))  # fmt: skip
    return out


def _ratios(text: str, base: int, lang: str) -> list[NumberExpr]:
    out = []
    pattern = RATIO_RE.get(lang)
    for m in pattern.finditer(text) if pattern else ():
        if m.group("digits"):
            value = Decimal(m.group("digits").replace(",", "."))
        else:
            value = Decimal(RATIO_WORDS[m.group("word").lower()])
        surface = m.group()
        out.append(NumberExpr(base + m.start(), base + m.end(), surface, value, "ratio", "exact",
                              base + m.start()))  # fmt: skip
    return out


def find_numbers(
    text: str, base: int = 0, lang: str = "en", measures: bool = False
) -> list[NumberExpr]:
    """Every quantity expression in ``text`` (offsets shifted by ``base``), in text order;
    digits are read by the locale of ``lang`` (the passage's language). ``measures``: also
    ranks (``93-o‘rin``, ``иккинчи ўринни``, ``ranked first``) and ratios (``3 баробар``,
    ``вдвое``), which take the place of a plain number they overlap."""
    found = _quantities(text, base, lang)
    if not measures:
        return found
    special = _ranks(text, base, lang) + _ratios(text, base, lang)
    kept = [n for n in found if not any(s.start < n.end and n.start < s.end for s in special)]
    return sorted(kept + special, key=lambda n: n.start)


def _quantities(text: str, base: int, lang: str) -> list[NumberExpr]:
    """Every quantity expression in ``text`` (offsets shifted by ``base``), in text order;
    digits are read by the locale of ``lang`` (the passage's language)."""
    found: list[NumberExpr] = []
    for m in NUMBER_RE.finditer(text):
        if m.group("word") and not m.group("mult"):
            continue  # a bare number word ("икки йўналишда") is not a figure
        if m.group("digits") is None and m.group("word") is None:
            continue
        if _is_list_marker(text, m):
            continue
        if m.group("word"):
            value = Decimal(NUMBER_WORDS[m.group("word").lower()])
            number_start = m.start("word")
        else:
            value = _digits_value(m.group("digits"), lang)
            number_start = m.start("digits")
        with localcontext() as exact:  # no rounding, whatever the number of digits
            exact.prec = max(28, len(m.group()) + 15)
            value *= _factor(m.group("mult"))
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
        end = m.end()
        unit = m.group("unit")
        if unit and unit.lower() == "га" and lang.startswith("uz"):
            end, unit = m.start("unit"), None  # "250 га яқин": the Uzbek dative, not hectares
        surface = text[m.start() : end]
        stripped = surface.rstrip()
        end -= len(surface) - len(stripped)
        found.append(
            NumberExpr(
                start=base + m.start(),
                end=base + end,
                surface=stripped,
                value=value,
                unit=_unit_of(unit, m.group("money_before")),
                qualifier=qualifier_of(stripped),
                number_start=base + number_start,
            )
        )
    return found


def parse_number(surface: str, lang: str = "en") -> NumberExpr | None:
    """Parse one quantity expression (the first one found in ``surface``)."""
    found = find_numbers(surface, lang=lang)
    return found[0] if found else None
