"""Build step only (the metadata is in pyproject.toml): ship the data folders in the wheel.

The top-level folders named in ``[tool.clusterkg.package-data]`` (ontology/, queries/,
shapes/, data/) stay the source of truth in git. At build time they are copied whole into the
wheel as ``kg/_data/<folder>`` (and into the sdist as themselves), so a new file or subfolder
ships without editing the packaging; ``exclude`` names the subfolders that do not ship.
Editable installs copy nothing: ``kg.paths`` reads the checkout.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
CONFIG = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
SHIPPED = CONFIG["tool"]["clusterkg"]["package-data"]
FOLDERS: list[str] = SHIPPED["folders"]
EXCLUDED: set[str] = set(SHIPPED["exclude"])
JUNK = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".*")


def _copy_folders(source: Path, target: Path) -> None:
    """Copy every shipped folder from ``source`` into ``target``, leaving out the excluded."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).relative_to(source)
        skipped = {n for n in names if (rel / n).as_posix() in EXCLUDED}
        return skipped | JUNK(directory, names)

    for folder in FOLDERS:
        if (target / folder).exists():
            shutil.rmtree(target / folder)
        shutil.copytree(source / folder, target / folder, ignore=ignore)


class BuildPyWithData(build_py):
    """``build_py`` that also puts the data folders into the package as ``kg/_data``."""

    def run(self) -> None:
        editable = getattr(self, "editable_mode", False)
        if not editable:  # no module or data file left over from an earlier build
            shutil.rmtree(Path(self.build_lib) / "kg", ignore_errors=True)
        super().run()
        if not editable:
            _copy_folders(HERE, Path(self.build_lib) / "kg" / "_data")


class SdistWithData(sdist):
    """``sdist`` that carries the data folders, so a wheel built from it ships them too."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        _copy_folders(HERE, Path(base_dir))


setup(
    cmdclass={"build_py": BuildPyWithData, "sdist": SdistWithData},
    # setuptools' scratch space, kept out of build/ (the graph release clusterkg build writes)
    options={"build": {"build_base": ".build.setuptools"}},
)
