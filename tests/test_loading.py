"""What extraction loads and when: each language's recogniser only for the sentences in that
language, the gazetteer's index built once into the user cache and read from there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build_map import task_languages
from kg.paths import CORPUS_DIR, CURATION_DIR

OPEN = Path(__file__).parent / "fixtures" / "corpus_open"

#: builds one corpus in one process (one worker: the map runs in it) and says which
#: recognisers' packages it imported
PROBE = """
import json, sys
from pathlib import Path
from kg.pipeline import run_build
run_build(corpus_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), workers=1, cache_dir=None,
          progress=False, validate=False)
print(json.dumps({name: name in sys.modules for name in ("spacy", "natasha")}))
"""


def _one_article_corpus(tmp_path: Path, file: str, language: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OPEN / file, corpus / file)
    (corpus / "sources.yaml").write_text(f"- {{file: {file}, language: {language}}}\n", "utf-8")
    return corpus


def _loaded(corpus: Path, out: Path) -> dict[str, bool]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(corpus), str(out)],
                          capture_output=True, text=True, timeout=300, check=True)
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_an_english_corpus_is_built_without_natasha(tmp_path: Path) -> None:
    corpus = _one_article_corpus(tmp_path, "201_en_valley.txt", "en")
    assert _loaded(corpus, tmp_path / "build") == {"spacy": True, "natasha": False}


def test_a_russian_corpus_is_built_without_spacy(tmp_path: Path) -> None:
    corpus = _one_article_corpus(tmp_path, "202_ru_technopark.txt", "ru")
    assert _loaded(corpus, tmp_path / "build") == {"spacy": False, "natasha": True}


def test_a_recogniser_loads_with_the_first_sentence_in_its_language() -> None:
    from kg.corpus import load_corpus
    from kg.extract.article import extract_article, load_context

    context = load_context(None, languages=())
    docs = {d.source_id[:3]: d for d in load_corpus(OPEN)}
    extract_article(docs["203"], context)  # Uzbek: rules only
    assert (context.recognisers._english, context.recognisers._russian) == (None, None)
    extract_article(docs["202"], context)
    assert context.recognisers._english is None and context.recognisers._russian is not None
    extract_article(docs["201"], context)
    assert context.recognisers._english is not None


def test_the_forkserver_preloads_the_languages_of_the_catalogue() -> None:
    from kg.build_map import code_fingerprint, iter_tasks
    from kg.corpus.catalogue import read_catalogue

    def languages(corpus: Path) -> list[str]:
        tasks = iter_tasks(corpus, read_catalogue(corpus), CURATION_DIR, code_fingerprint())
        return task_languages(tasks)

    # the seed: uz-Cyrl with a Russian abstract; Russian with Uzbek Latin and English ones
    assert languages(CORPUS_DIR) == ["en", "ru", "uz-Cyrl", "uz-Latn"]
    assert languages(OPEN) == ["en", "ru", "uz-Cyrl"]


def test_an_article_without_a_language_is_taken_for_russian(tmp_path: Path) -> None:
    from kg.build_map import ArticleTask

    task = ArticleTask(index=0, corpus_dir=str(tmp_path), file="a.txt", fields={"file": "a.txt"},
                       line=1, curation_dir=None, key="k")
    assert task_languages([task]) == ["ru"]


NAMES = [("Tashkent", "en"), ("Ташкент", "ru"), ("Тошкент", "uz-Cyrl"), ("Samarqand", "uz-Latn"),
         ("Germany", "en"), ("Германия", "ru"), ("California", "en"), ("Фарғона", "uz-Cyrl"),
         ("Nowhere-on-Earth-xyz", "en")]
FOUND = [("Tashkent", "city", "UZ")] * 3 + [("Samarkand", "city", "UZ")] + [
    ("Germany", "country", "DE")] * 2 + [("California", "region", "US"), ("Fergana", "city", "UZ"),
                                         None]


@pytest.fixture(scope="module")
def in_memory():  # type: ignore[no-untyped-def]
    from kg.extract.gazetteer import Gazetteer

    return Gazetteer(memory=True)


def test_the_gazetteer_index_is_built_once_and_answers_as_the_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory
) -> None:
    from kg.extract.gazetteer import Gazetteer, index_path

    monkeypatch.setenv("CLUSTERKG_CACHE_DIR", str(tmp_path / "cache"))
    built = Gazetteer()
    path = index_path()
    assert path.parent == tmp_path / "cache" and path.is_file()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [path.name]  # no temporary left
    stamp = path.stat().st_mtime_ns
    found = [built.lookup(name, lang) for name, lang in NAMES]
    assert found == [in_memory.lookup(name, lang) for name, lang in NAMES]
    assert [p and (p.name, p.level, p.country) for p in found] == FOUND
    reopened = Gazetteer()
    assert path.stat().st_mtime_ns == stamp  # read, not built again
    keys = sorted(in_memory._memory)[::97]
    assert [reopened.places(k) for k in keys] == [in_memory._memory[k] for k in keys]


def test_a_cache_that_cannot_be_written_keeps_the_index_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory
) -> None:
    from kg.extract.gazetteer import Gazetteer

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("CLUSTERKG_CACHE_DIR", str(blocker / "cache"))
    gazetteer = Gazetteer()
    assert gazetteer._path is None and gazetteer._memory is not None
    assert [gazetteer.lookup(n, lang) for n, lang in NAMES] == [
        in_memory.lookup(n, lang) for n, lang in NAMES]
    assert blocker.read_text("utf-8") == "not a folder"


def test_the_index_is_opened_again_after_a_fork(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.extract.gazetteer import Gazetteer

    monkeypatch.setenv("CLUSTERKG_CACHE_DIR", str(tmp_path / "cache"))
    gazetteer = Gazetteer()
    assert gazetteer.lookup("Tashkent", "en") is not None
    opened = gazetteer._db
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child's first lookup opens its own connection
        place = gazetteer.lookup("Berlin", "en")
        own = gazetteer._db is not None and gazetteer._db[0] == os.getpid()
        os.write(write, b"ok" if place is not None and own else b"no")
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 2) == b"ok"
    assert gazetteer._db is opened


def test_the_context_knows_the_lexicon_iris_without_parsing_the_files_again() -> None:
    from kg.extract.article import load_context
    from kg.extract.curation import KnownSet

    context = load_context(None, languages=())
    assert context.known is not None
    parsed = KnownSet().iris  # the lexicon and vocabulary files parsed again
    assert context.known.iris == parsed and len(parsed) > 100
    assert context.known.schemes() == KnownSet().schemes()
