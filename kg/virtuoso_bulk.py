"""Load N-Quads into Virtuoso with its bulk loader (``ld_dir`` + ``rdf_loader_run``).

For large corpora the Graph Store Protocol (one HTTP PUT per graph, :mod:`kg.endpoint`) is
slow; Virtuoso's bulk loader reads the files itself, with one loader per core. It runs
through ``isql-vt`` (Debian's ``virtuoso-opensource``) on the SQL port, and the files must
be in a directory the server may read (``DirsAllowed`` of ``virtuoso.ini``), on the
server's machine: :func:`stage_files` copies them there.

:func:`bulk_load` replaces the named graphs the files hold (they are deleted first), loads
the files with ``loaders`` parallel ``rdf_loader_run()`` calls, checkpoints, and fails with
the server's message when a file was rejected. What ``clusterkg load`` does around it (what
to load, staging, all-or-nothing) belongs to :mod:`kg.endpoint`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError

ISQL = "isql-vt"
_SQL_STRING = re.compile(r"^[^'\\\x00-\x1f]*$")  # what may go between '...' in isql text


@dataclass(frozen=True)
class Isql:
    """How to reach Virtuoso's SQL port with ``isql-vt``."""

    host: str = "127.0.0.1"
    port: int = 1111
    user: str = "dba"
    password: str = "dba"
    binary: str = ISQL
    timeout: float = 3600.0

    def run(self, script: str) -> str:
        """Run SQL statements (one per line, ``;``-terminated); their output, or InputError
        naming the first ``*** Error`` the server reported."""
        binary = shutil.which(self.binary)
        if binary is None:
            raise InputError(f"{self.binary} not found", hint="apt install virtuoso-opensource")
        try:
            proc = subprocess.run(
                [binary, f"{self.host}:{self.port}", self.user, self.password,
                 "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
                input=script, capture_output=True, text=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise InputError(f"isql on {self.host}:{self.port}: no answer within "
                             f"{self.timeout:g} s") from err
        output = proc.stdout + proc.stderr
        error = re.search(r"\*\*\* Error[^\n]*(\n[^\n]*)?", output)
        if error or proc.returncode != 0:
            message = " ".join((error.group(0) if error else output.strip()[-300:]).split())
            raise InputError(f"Virtuoso at {self.host}:{self.port}: {message}")
        return proc.stdout


def _literal(text: str, what: str) -> str:
    if not _SQL_STRING.match(text):
        raise InputError(f"{what} has a character isql cannot quote: {text!r}")
    return f"'{text}'"


def stage_files(files: list[Path], directory: Path) -> Path:
    """Copy (hard-link when possible) the files into ``directory``, a ``DirsAllowed`` one."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in files:
        target = directory / source.name
        target.unlink(missing_ok=True)
        try:
            target.hardlink_to(source)
        except OSError:
            shutil.copyfile(source, target)
    return directory


def graphs_in(nquads: Path) -> list[str]:
    """The graph names of an N-Quads file written by clusterkg (the last IRI of each line)."""
    found: set[bytes] = set()
    with nquads.open("rb") as handle:
        for line in handle:
            if line.endswith(b"> .\n"):
                start = line.rfind(b" <", 0, len(line) - 4)
                found.add(line[start + 2:-4])
    return sorted(g.decode() for g in found)


def bulk_load(isql: Isql, directory: Path, graphs: list[str], *, mask: str = "*.nq",
              loaders: int = 2) -> int:
    """Replace ``graphs`` with the quads of the files matching ``mask`` in ``directory`` (as
    the server sees it); return the number of files loaded."""
    folder = _literal(str(directory), "the directory")
    mask_sql = _literal(mask, "the file mask")
    for graph in graphs:
        _literal(graph, "a graph IRI")
    in_dir = _literal(str(directory) + "/%", "the directory")
    clear = "".join(f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('{g}');\n"
                    for g in graphs)
    isql.run(
        "log_enable(3, 1);\n" + clear +
        f"DELETE FROM DB.DBA.LOAD_LIST WHERE LL_FILE LIKE {in_dir};\n"
        f"ld_dir({folder}, {mask_sql}, 'https://w3id.org/clusterkg/id/graph/default');\n")
    threads = [subprocess.Popen(
        [shutil.which(isql.binary) or isql.binary, f"{isql.host}:{isql.port}", isql.user,
         isql.password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(max(1, loaders))]
    outputs = [proc.communicate("rdf_loader_run();\n", timeout=isql.timeout)[0]
               for proc in threads]
    for output in outputs:
        if "*** Error" in output:
            raise InputError(f"Virtuoso bulk loader: {' '.join(output.split())[:300]}")
    report = isql.run(
        "checkpoint;\n"
        f"SELECT LL_FILE, LL_STATE, LL_ERROR FROM DB.DBA.LOAD_LIST WHERE LL_FILE LIKE "
        f"{in_dir} AND (LL_STATE <> 2 OR LL_ERROR IS NOT NULL);\n"
        f"SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE LL_FILE LIKE {in_dir};\n")
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    failed = [line for line in lines if line.startswith(str(directory))]
    if failed:
        raise InputError(f"Virtuoso bulk loader rejected a file: {failed[0][:300]}")
    counts = [int(line) for line in lines if line.isdigit()]
    return counts[-1] if counts else 0


def load_build_bulk(isql: Isql, nquads: Path, stage_dir: Path, loaders: int = 2) -> list[str]:
    """Bulk-load a build's ``clusterkg.nq`` (staged in ``stage_dir``); the graphs replaced."""
    if not nquads.is_file():
        raise InputError(f"no built graph at {nquads}", hint="run clusterkg build first")
    graphs = graphs_in(nquads)
    staged = stage_files([nquads], Path(stage_dir))
    bulk_load(isql, staged, graphs, mask=nquads.name, loaders=loaders)
    return graphs
