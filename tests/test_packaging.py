"""Installable anywhere: the built wheel carries its data and works outside the checkout;
``clusterkg init``, ``--version``; the README's set-up commands are what CI runs."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.namespace import ID
from kg.paths import BUILD_DIR, CHECKOUT, CORPUS_DIR, ONTOLOGY_FILE, ROOT

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SHIPPED = PYPROJECT["tool"]["clusterkg"]["package-data"]


def shipped_files() -> set[str]:
    """The files of the checkout's data folders that the wheel must carry (relative paths)."""
    found: set[str] = set()
    for folder in SHIPPED["folders"]:
        for path in (REPO / folder).rglob("*"):
            rel = path.relative_to(REPO)
            if not path.is_file() or any(p.startswith(".") or p == "__pycache__"
                                         for p in rel.parts):
                continue
            if any(rel.as_posix().startswith(ex + "/") for ex in SHIPPED["exclude"]):
                continue
            found.add(rel.as_posix())
    return found


# ----- the checkout -------------------------------------------------------------------------


def test_paths_read_the_checkout_and_write_to_the_current_directory() -> None:
    assert CHECKOUT == REPO
    assert ROOT == REPO
    assert ONTOLOGY_FILE == REPO / "ontology" / "clusterkg.ttl"
    assert CORPUS_DIR == REPO / "data" / "corpus"
    assert not BUILD_DIR.is_absolute() and Path("build") == BUILD_DIR


def test_version_is_the_package_metadata() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"clusterkg, version {kg.__version__}\n"
    assert version("clusterkg") == kg.__version__


def test_init_writes_a_corpus_that_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "mine"])
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(tmp_path / "mine").as_posix()
                   for p in (tmp_path / "mine").rglob("*") if p.is_file())
    assert files == ["README.md", "curation/relations/example-article.yaml",
                     "example-article.txt", "sources.yaml"]
    assert (tmp_path / "mine" / "sources.yaml").read_text().startswith("# The catalogue")
    summary = kg.build(corpus="mine")
    assert (tmp_path / "build" / "clusterkg.nq").is_file()  # ./build, the current directory
    assert (summary.sources, summary.memberships, summary.violations) == (1, 1, 0)
    assert summary.facts >= 3  # the two curated rows and the mentions of the example
    members = kg.open_build().query("CQ02").to_dicts()
    assert [(r["cluster"], r["member"]) for r in members] == [
        (ID + "cluster/silicon-valley", ID + "org/intel")]


def test_init_refuses_a_folder_in_use(tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(used)], standalone_mode=False)
    assert isinstance(result.exception, kg.errors.InputError)
    assert "already exists and is not an empty folder" in str(result.exception)
    assert [p.name for p in used.iterdir()] == ["notes.txt"]


def test_readme_set_up_is_two_commands_and_ci_runs_them() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    commands = block.group(1).strip().splitlines()
    assert len(commands) == 2
    assert "clusterkg build" in commands[0]
    assert "scripts/install-test-packages" in commands[1] and "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[0] in ci and commands[1] in ci
    assert re.findall(r"^## .*", readme, re.M)[0] == "## Set up"  # the README opens with it


def test_install_test_packages_is_quick_when_installed() -> None:
    started = time.perf_counter()
    subprocess.run([REPO / "scripts" / "install-test-packages"], check=True)
    assert time.perf_counter() - started < 5


def test_skips_fail_under_ci(tmp_path: Path) -> None:
    (tmp_path / "test_needs_server.py").write_text(
        "import pytest\n\ndef test_server():\n    pytest.skip('no server here')\n")
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    args = [sys.executable, "-m", "pytest", "-p", "plugins.ci", "-q", "-p", "no:cacheprovider",
            str(tmp_path / "test_needs_server.py")]
    local = subprocess.run(args, env={**env, "CI": ""}, capture_output=True, text=True,
                           cwd=tmp_path)
    assert "1 skipped" in local.stdout, local.stdout
    on_ci = subprocess.run(args, env={**env, "CI": "true"}, capture_output=True, text=True,
                           cwd=tmp_path)
    assert on_ci.returncode == 1
    assert "1 failed" in on_ci.stdout
    assert "skipped under CI=true, which counts as a failure: no server here" in on_ci.stdout


# ----- the wheel, in a fresh virtual environment --------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of this checkout (no dependencies)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(REPO)], check=True, capture_output=True)
    (built,) = out.glob("clusterkg-*.whl")
    return built


def test_wheel_carries_the_data_folders_whole(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packaged = {n.removeprefix("kg/_data/") for n in names if n.startswith("kg/_data/")}
    assert packaged == shipped_files()
    assert "data/corpus/sources.yaml" in packaged and "ontology/clusterkg.ttl" in packaged
    assert not any(n.startswith("data/dev-corpus/") for n in packaged)
    package_files = {p.relative_to(REPO).as_posix() for p in (REPO / "kg").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts}
    assert package_files <= names  # modules and every data file inside kg/ (templates, ...)
    assert "kg/skeleton/sources.yaml" in names and "kg/publish/templates/base.html" in names
    assert not any(n.startswith(("benchmarks/", "tests/")) for n in names)


@pytest.mark.slow
def test_wheel_installs_and_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """A fresh venv, ``pip install`` the wheel, then in an empty folder: init + build of the
    researcher's corpus, the seed corpus from package data, a stored query, the API."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    site = next((venv / "lib").glob("python3*/site-packages"))

    def installed() -> set[Path]:
        return {p for p in site.rglob("*") if "__pycache__" not in p.parts}

    before = installed()

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(bin_dir / "clusterkg"), *args], cwd=work, env=env,
                              capture_output=True, text=True)
        assert done.returncode == code, (args, done.stdout[-2000:], done.stderr[-2000:])
        return done

    assert run("--version").stdout == f"clusterkg, version {kg.__version__}\n"
    run("init", "mine")
    run("build", "--corpus", "mine", "--quiet")
    mine = (work / "build" / "clusterkg.nq").read_text(encoding="utf-8")
    assert "id/source/example-article>" in mine
    run("build", "--quiet")  # the seed corpus, from the package data
    seed = (work / "build" / "clusterkg.nq").read_text(encoding="utf-8")
    assert "id/source/003_2c5d2ceac335d1da>" in seed
    answer = list(csv.reader(io.StringIO(run("query", "CQ02", "--format", "csv").stdout)))
    assert answer[0][:2] == ["cluster", "member"]
    assert len(answer) > 5
    bench = run("bench", "run", code=2)
    assert bench.stderr.count("\n") == 1 and "runs from a checkout" in bench.stderr
    api = subprocess.run(
        [str(bin_dir / "python"), "-c",
         "import kg, kg.paths; g = kg.open_build(); "
         "print(kg.paths.CHECKOUT, len(g.query('CQ02')), not g.validate().violations)"],
        cwd=work, env=env, capture_output=True, text=True, check=True)
    assert api.stdout.split() == ["None", str(len(answer) - 1), "True"]
    assert installed() == before  # nothing written into site-packages
