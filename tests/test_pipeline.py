"""``clusterkg build`` end to end: outputs, byte-identical rebuild, a new article with no code
change, bad input (exit 2, nothing written), and ``clusterkg explain``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.explain import explain, explain_command, resolve
from kg.pipeline import run_build

FIXTURES = Path(__file__).parent / "fixtures"


def test_build_outputs_and_summary(build_dir: Path) -> None:
    for name in ("clusterkg.nq", "summary.json", "candidates.tsv", "pages.sqlite"):
        assert (build_dir / name).is_file(), name
    summary = json.loads((build_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["sources"] == 2
    assert summary["sentences"] == 259
    # the lexicon's, the recognisers' names, anaphora ("мазкур кластер") and, since the merge
    # of extraction2 (8eea36a: head nouns, appositions), 13 more; 2 fewer since a place after
    # a quoted Uzbek name is its own mention and a leading -даги place splits off (8dab69c);
    # 4 more: two sentence-opening "Кластер ҳудудида" (a kind of cluster), "Унда" (in it) and
    # "компанияси" after a consulting firm's name (a kind of company)
    assert summary["mentions"] == 282
    assert summary["evidence_share"] == 1.0
    assert summary["article_triples"] == summary["evidenced_triples"] > 10000
    assert summary["per_source"]["000_294bae6919eed714"]["sentences"] == 143
    assert summary["per_source"]["003_2c5d2ceac335d1da"]["mentions"] == 110
    if summary["validated"]:
        assert summary["violations"] == 0
    lines = (build_dir / "clusterkg.nq").read_bytes().splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))
    assert not list(build_dir.parent.glob(".build.*"))  # no temporary directory left


def test_rebuild_is_byte_identical(build_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run_build(out_dir=again, validate=False, progress=False, pages=True)
    for name in ("clusterkg.nq", "candidates.tsv", "pages.sqlite"):
        assert (again / name).read_bytes() == (build_dir / name).read_bytes(), name


def test_new_article_needs_no_code_change(tmp_path: Path) -> None:
    out = tmp_path / "new"
    summary = run_build(corpus_dir=FIXTURES / "corpus_new", out_dir=out, progress=False)
    # 15 lexicon mentions + the names the recognisers found (Samsung, KAIST, ...): 8, and 2
    # more since extraction2's head nouns and appositions (8eea36a); 3 more since the quoted
    # Russian names and pronouns: "кластера «Пангё Техновэлли»", the "Кластер" after it that
    # now has an antecedent, and "compares it with Silicon Valley" (the Pangyo cluster)
    assert summary.sources == 1 and summary.sentences == 17 and summary.mentions == 28
    assert summary.evidence_share == 1.0
    nq = (out / "clusterkg.nq").read_text(encoding="utf-8")
    graph = "<https://w3id.org/clusterkg/id/graph/101_pangyo_cluster>"
    for entity in (
        "cluster/silicon-valley",
        "org/oecd",
        "org/stanford-university",
        "place/south-korea",
        "theory/triple-helix",
    ):
        quad = (
            f"<https://w3id.org/clusterkg/id/source/101_pangyo_cluster> "
            f"<https://w3id.org/clusterkg/ontology#mentions> "
            f"<https://w3id.org/clusterkg/id/{entity}> {graph} ."
        )
        assert quad in nq, entity
    # names the lexicon lacks are typed resources of the article graph now, not candidates
    minted = [
        ("org/samsung", "Company"),
        ("org/sk-telecom", "Company"),
        ("org/kaist", "University"),  # typed by the list it heads with a university
        ("cluster/klaster-pangyo", "Cluster"),  # ё read as yo
    ]
    for entity, cls in minted:
        assert (
            f"<https://w3id.org/clusterkg/id/{entity}> "
            f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            f"<https://w3id.org/clusterkg/ontology#{cls}> {graph} ."
        ) in nq, entity
    tsv = (out / "candidates.tsv").read_text(encoding="utf-8")
    names = {line.split("\t")[0] for line in tsv.splitlines()[1:]}
    assert not {"Samsung", "KAIST", "SK Telecom"} & names


@pytest.mark.parametrize(
    ("corpus", "message"),
    [
        ("corpus_bad_encoding", "201_latin1.txt:3: not UTF-8"),
        ("corpus_empty_file", "202_empty.txt: the article file is empty"),
        ("corpus_missing_file", "file listed in the catalogue is missing: 204_absent.txt"),
        ("corpus_bad_yaml", "sources.yaml:5: malformed YAML"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, corpus: str, message: str) -> None:
    fresh = tmp_path / "fresh"
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "clusterkg.nq").write_text("old build\n", encoding="utf-8")
    (previous / ".clusterkg-build").write_text("a previous build\n", encoding="utf-8")
    for out in (fresh, previous):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "build",
                "--quiet",
                "--no-validate",
                "--corpus",
                str(FIXTURES / corpus),
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not fresh.exists()
    assert (previous / "clusterkg.nq").read_text(encoding="utf-8") == "old build\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["previous"]


def test_explain(build_dir: Path) -> None:
    about, facts = explain("id:cluster/silicon-valley", build_dir)
    assert "ck:TechnologyCluster" in about["types"]
    assert about["mentions"] == [
        "id:source/000_294bae6919eed714: 12",  # 7 by name, 5 by anaphora ("мазкур кластер",
        # a sentence-opening "Кластер ҳудудида")
        "id:source/003_2c5d2ceac335d1da: 4",  # 3 by name, "Этот кластер"
    ]
    mention_facts = [f for f in facts if " ck:mentions " in f.statement]
    assert [f.quote for f in mention_facts] == ["Силикон водийси", "Silikon vodiysi"]
    for fact in facts:
        assert fact.quote and fact.end > fact.start and fact.raw_end > fact.raw_start
    result = CliRunner().invoke(
        explain_command, ["cluster/silicon-valley", "--build", str(build_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "“Силикон водийси”" in result.output
    assert "id:source/000_294bae6919eed714 [" in result.output


def test_explain_resolves_names() -> None:
    iri = "https://w3id.org/clusterkg/id/org/oecd"
    assert resolve("id:org/oecd") == resolve("org/oecd") == resolve(f"<{iri}>") == iri


# --- the map/reduce build: same bytes as one rdflib dataset, workers, cache, Dask -----------

def reference_nquads(out: Path) -> bytes:
    """``clusterkg.nq`` the way the build wrote it before the map/reduce: every article
    extracted in this process, one rdflib Dataset, the canonical dump written from it."""
    from kg.corpus import load_corpus
    from kg.extract.article import extract_article, load_context
    from kg.paths import CORPUS_DIR, CURATION_DIR
    from kg.publish.dumps import write_dumps
    from kg.rdf.dataset import build_dataset

    context = load_context(CURATION_DIR)
    docs = load_corpus(CORPUS_DIR)
    records = [r for doc in docs for r in extract_article(doc, context).records]
    ds = build_dataset(docs, records, context.lexicon)
    from kg.rdf.inferred import add_inferred_graph

    add_inferred_graph(ds)  # the build's id:graph/inferred (model)
    write_dumps(ds, out)
    return (out / "clusterkg.nq").read_bytes()


def test_map_reduce_gives_the_bytes_of_one_rdflib_dataset(build_dir: Path,
                                                          tmp_path: Path) -> None:
    summary = json.loads((build_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["triples"] == len((build_dir / "clusterkg.nq").read_bytes().splitlines())
    assert reference_nquads(tmp_path / "ref") == (build_dir / "clusterkg.nq").read_bytes()


def test_one_worker_and_two_give_the_same_build(build_dir: Path, tmp_path: Path) -> None:
    one = run_build(out_dir=tmp_path / "one", validate=False, progress=False, workers=1,
                    cache_dir=None, pages=True)
    two = run_build(out_dir=tmp_path / "two", validate=False, progress=False, workers=2,
                    cache_dir=None, pages=True)
    assert one.extracted == two.extracted == 2 and two.workers == 2
    for name in ("clusterkg.nq", "clusterkg.jsonld", "clusterkg.trig", "candidates.tsv",
                 "pages.sqlite"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert (tmp_path / "two" / "clusterkg.nq").read_bytes() == \
        (build_dir / "clusterkg.nq").read_bytes()
    assert not (tmp_path / ".clusterkg-cache").exists()


def test_recycled_worker_processes_give_the_same_build(build_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker process per article (replaced after each), not the map in this process."""
    import kg.build_map

    monkeypatch.setattr(kg.build_map, "ARTICLES_PER_WORKER", 1)
    assert not kg.build_map.in_process(1, 2)
    run_build(out_dir=tmp_path / "one", validate=False, progress=False, workers=1,
              cache_dir=None)
    assert (tmp_path / "one" / "clusterkg.nq").read_bytes() == \
        (build_dir / "clusterkg.nq").read_bytes()
    assert not (tmp_path / "one" / "pages.sqlite").exists()  # the default: no page store


def test_map_in_workers_replaces_each_worker_after_its_items() -> None:
    import multiprocessing
    import os
    from collections import Counter

    from kg.build_map import map_in_workers

    ctx = multiprocessing.get_context("forkserver")
    pids: list[str] = []
    map_in_workers(os.readlink, ["/proc/self"] * 7, 2, 2, ctx, pids.append)
    seen = Counter(pids)
    assert len(pids) == 7 and max(seen.values()) <= 2 and len(seen) >= 4
    assert str(os.getpid()) not in seen
    pids.clear()
    map_in_workers(os.readlink, ["/proc/self"] * 7, 2, 100, ctx, pids.append)
    assert len(pids) == 7 and len(set(pids)) <= 2
    with pytest.raises(FileNotFoundError):
        map_in_workers(os.readlink, ["/proc/self", "/no/such/link", "/proc/self"], 1, 100,
                       ctx, pids.append)


def test_incremental_rebuild_extracts_only_what_changed(tmp_path: Path) -> None:
    import shutil

    from kg.paths import CORPUS_DIR, CURATION_DIR

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus)
    shutil.copytree(CURATION_DIR, corpus / "curation")
    cache = tmp_path / "cache"

    def build(name: str) -> tuple[int, bytes]:
        summary = run_build(corpus_dir=corpus, out_dir=tmp_path / name, validate=False,
                            progress=False, workers=1, cache_dir=cache)
        return summary.extracted, (tmp_path / name / "clusterkg.nq").read_bytes()

    first_n, first = build("first")
    again_n, again = build("again")
    assert (first_n, again_n) == (2, 0) and again == first
    article = corpus / "003_2c5d2ceac335d1da.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Кластеры", "Кластеры ", 1), encoding="utf-8")
    changed_n, changed = build("changed")
    assert changed_n == 1 and changed != first
    fresh = run_build(corpus_dir=corpus, out_dir=tmp_path / "fresh", validate=False,
                      progress=False, workers=1, cache_dir=None)
    assert fresh.extracted == 2
    assert (tmp_path / "fresh" / "clusterkg.nq").read_bytes() == changed
    relations = corpus / "curation" / "relations" / "000_294bae6919eed714.yaml"
    relations.write_text(relations.read_text(encoding="utf-8") + "\n# reviewed\n",
                         encoding="utf-8")
    assert build("curated")[0] == 1  # only the article that curation file is about
    assert sorted(p.suffix for p in cache.iterdir()).count(".nq") == 4  # 2 articles + 2 corpus


def test_dask_cluster_gives_the_local_build(build_dir: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster:
        summary = run_build(out_dir=tmp_path / "dask", progress=False, validate=False,
                            scheduler=cluster.scheduler_address, cache_dir=None)
    assert summary.extracted == 2
    assert (tmp_path / "dask" / "clusterkg.nq").read_bytes() == \
        (build_dir / "clusterkg.nq").read_bytes()


def test_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from kg.build_map import ArticleTask
    from kg.dask_map import run_dask
    from kg.errors import InputError

    task = ArticleTask(0, str(tmp_path), "x.txt", {}, 1, None, "k")
    with pytest.raises(InputError) as err:
        run_dask("tcp://127.0.0.1:9", [task], lambda result: None, timeout=2)
    assert str(err.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "\n" not in str(err.value)
