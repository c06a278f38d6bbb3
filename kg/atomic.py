"""Atomic output: a file or a build folder is replaced complete, or not at all.

Files (:func:`atomic_path`): written to a temporary file beside the target, fsynced, renamed
over it. Build folders (:func:`atomic_directory`, used by ``clusterkg build``):

- only a previous build (it holds the :data:`MARKER` file), an empty folder or a new path is
  replaced; any other folder, and any file, is refused before anything is written;
- one build at a time per folder: a lock file beside it (``.NAME.lock``, ``flock``; the
  kernel releases it when the process dies, so a killed build never leaves a stale lock, and
  the build deletes it when done);
- the new release is written into ``.NAME.tmp-*`` beside the target, every file and folder
  fsynced, then swapped with the target by one ``renameat2(RENAME_EXCHANGE)`` system call: at
  every instant the path holds the old or the new complete build, never nothing. (A symlink
  flip would also be atomic, but it would turn ``build/`` into a link, which changes what
  ``cp -r``, ``rsync``, ``tar`` and ``rm`` do with it.) Where the kernel or file system cannot
  exchange (not Linux, some network file systems), the old build is renamed aside first and the
  next build puts it back if it was killed in between;
- temporaries of killed builds are removed by the next build into the same folder.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import InputError, WriteFailed, write_error

MARKER = ".clusterkg-build"
MARKER_TEXT = "A clusterkg build: `clusterkg build --out` replaces this folder as a whole.\n"
# Folders written by clusterkg versions before the marker existed: recognised by these files.
LEGACY_BUILD_FILES = ("clusterkg.nq", "summary.json", "SHA256SUMS")
BUILD_OUTPUT = re.compile(r"(clusterkg|ontology)\.\w+|void\.ttl|SHA256SUMS|summary\.json|"
                          r"candidates\.tsv|context\.jsonld|docs|\..+\.tmp|\.clusterkg-build")
PAUSE_ENV = "CLUSTERKG_TEST_PAUSE_AT"  # tests: stop at a named point (see checkpoint)
_HELD: dict[Path, int] = {}  # build locks this process holds -> nesting depth


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp/mkdtemp create private (0600/0700) entries; published files get the usual modes.
_FILE_MODE = 0o666 & ~_umask()
_DIR_MODE = 0o777 & ~_umask()


# --- files ---------------------------------------------------------------------------------

@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target``, on error it is removed.

    A ``target`` that is a folder, or a failing write (full disk, read-only folder), raises
    :class:`InputError` naming ``target``.
    """
    target = Path(target)
    if target.is_dir():
        raise InputError("is a folder, not a file", where=str(target),
                         hint="give a file name")
    _make_parent(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as err:
        raise write_error(target, err) from None
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _FILE_MODE)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
    except OSError as err:
        if _is_write_failure(err, tmp, target):
            raise write_error(target, err) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


# --- build folders -------------------------------------------------------------------------

@contextmanager
def atomic_directory(target: str | os.PathLike[str],
                     marker: str | None = MARKER) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces the build folder ``target``.

    Holds the lock of ``target`` throughout (see :func:`build_lock`); refuses a ``target``
    that is not absent, empty or marked with ``marker`` (:func:`check_replaceable`), and
    writes ``marker`` into the new folder. ``marker=None``: a folder that is not a build
    (``clusterkg init``), which may only take the place of nothing or an empty folder.
    """
    target = _resolve(target)
    with build_lock(target, marker):
        tmp = Path(_mkdtemp(target))
        try:
            checkpoint("created")
            yield tmp
            if marker:
                (tmp / marker).write_text(MARKER_TEXT, encoding="utf-8")
            os.chmod(tmp, _DIR_MODE)
            checkpoint("written")
            sync_tree(tmp)
            checkpoint("synced")
            _swap(tmp, target)
            checkpoint("swapped")
        except WriteFailed as err:  # a file of the release: name the build folder instead
            if err.target.startswith(str(tmp)):
                raise write_error(target, err.os_error) from None
            raise
        except OSError as err:
            if _is_write_failure(err, tmp, target):
                raise write_error(target, err) from None
            raise
        finally:
            if os.path.lexists(tmp):  # the failed build, or the previous one after the swap
                shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def build_lock(target: str | os.PathLike[str], marker: str | None = MARKER) -> Iterator[Path]:
    """Hold the lock of the build folder ``target`` (re-entrant within a process).

    On first entry: refuse a second build into the same folder ("another build is
    running"), put back a build left aside by a killed fallback swap, refuse a ``target``
    that is not a build, and remove the temporaries of killed builds.
    """
    target = _resolve(target)
    if target in _HELD:
        _HELD[target] += 1
        try:
            yield target
        finally:
            _HELD[target] -= 1
        return
    if not target.name:
        raise InputError("is not a build folder", where=str(target), hint="choose --out DIR")
    check_replaceable(target, marker)  # before a lock file is made beside a folder not ours
    lock_path = target.with_name(f".{target.name}.lock")
    _make_parent(target)
    fd = _lock(lock_path, target)
    _HELD[target] = 1
    try:
        _restore_aside(target)
        check_replaceable(target, marker)
        remove_stale(target)
        yield target
    finally:
        del _HELD[target]
        lock_path.unlink(missing_ok=True)  # while still locked: see _lock
        os.close(fd)


def _lock(lock_path: Path, target: Path) -> int:
    """Open and flock ``lock_path``; the descriptor. The holder deletes the file before it
    unlocks, so a lock taken on a file that is no longer at ``lock_path`` is retried."""
    import fcntl

    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, _FILE_MODE)
        except OSError as err:
            raise write_error(target, err) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError("another build is running", where=str(target),
                             hint=f"it holds {lock_path}; wait for it to finish") from None
        try:
            if os.stat(lock_path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


def check_replaceable(target: Path, marker: str | None = MARKER) -> None:
    """Raise :class:`InputError` unless ``target`` is absent, empty or a previous build."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError("is a file, not a build folder", where=str(target),
                         hint="choose another --out")
    if not target.exists() or (marker and is_build(target, marker)):
        return
    if any(target.iterdir()):
        if not marker:
            raise InputError("already exists and is not an empty folder; it was left untouched",
                             where=str(target), hint="choose a new folder")
        raise InputError(f"is not a clusterkg build (no {marker} file); it was left untouched",
                         where=str(target), hint="choose a new or empty folder for --out")


def is_build(folder: Path, marker: str = MARKER) -> bool:
    """True for a folder written by ``clusterkg build`` (the marker, or the legacy files)."""
    if (folder / marker).is_file():
        return True
    return marker == MARKER and all((folder / name).is_file() for name in LEGACY_BUILD_FILES)


def remove_stale(target: Path) -> list[Path]:
    """Remove the temporaries that killed builds left beside ``target``; return them.

    Only folders this module creates are touched: ``.NAME.tmp-*``, ``.NAME.aside`` (when
    ``target`` exists), and the ``.NAME.XXXXXXXX`` / ``.NAME.old`` folders of older versions
    when they hold nothing but build output.
    """
    name = re.escape(target.name)
    ours = re.compile(rf"\.{name}\.(tmp-.+|aside)")
    legacy = re.compile(rf"\.{name}\.(old|[a-z0-9_]{{8}})")
    removed = []
    for entry in target.parent.iterdir():
        if not entry.is_dir() or entry.is_symlink():
            continue
        if ours.fullmatch(entry.name):
            if entry.name.endswith(".aside") and not target.exists():
                continue  # the only copy of the previous build: _restore_aside puts it back
        elif not (legacy.fullmatch(entry.name) and _holds_only_build_output(entry)):
            continue  # a name like ours, but not a folder clusterkg wrote: keep it
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _holds_only_build_output(folder: Path) -> bool:
    """True when every entry of ``folder`` is a file a build writes (or its temporary)."""
    return all(BUILD_OUTPUT.fullmatch(entry.name) for entry in folder.iterdir())


def sync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder`` (children first), and ``folder``."""
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            _fsync(Path(root) / name)
        _fsync(Path(root))


def checkpoint(name: str) -> None:
    """Tests: when ``$CLUSTERKG_TEST_PAUSE_AT`` names this point, say so on stderr and wait
    for SIGUSR1 (continue) or a kill; a no-op otherwise."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    import signal

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    print(f"paused at {name}", file=sys.stderr, flush=True)
    signal.sigwait({signal.SIGUSR1})
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})


def _resolve(target: str | os.PathLike[str]) -> Path:
    """Absolute, with symlinks followed: a linked build folder is replaced where it lives."""
    return Path(target).resolve()


def _make_parent(target: Path) -> None:
    """Create the folders above ``target``; InputError when a part of the path is a file."""
    for ancestor in target.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(f"cannot write: {ancestor} is a file, not a folder",
                                 where=str(target))
            break
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise write_error(target, err) from None


def _mkdtemp(target: Path) -> str:
    try:
        return tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    except OSError as err:
        raise write_error(target, err) from None


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; afterwards ``new`` holds the previous build (if any)."""
    if not target.exists():
        os.rename(new, target)
    else:
        try:
            _exchange(new, target)
        except OSError as err:
            if err.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
                raise
            aside = target.with_name(f".{target.name}.aside")
            os.rename(target, aside)
            checkpoint("aside")
            os.rename(new, target)
            os.rename(aside, new)
    _fsync(target.parent)


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically: Linux ``renameat2(..., RENAME_EXCHANGE)`` (glibc >= 2.28).

    Raises OSError(ENOSYS) where the call does not exist, EINVAL where the file system
    does not support it."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _restore_aside(target: Path) -> None:
    """Put back a previous build that a killed fallback swap left at ``.NAME.aside``."""
    aside = target.with_name(f".{target.name}.aside")
    if not target.exists() and aside.is_dir() and not aside.is_symlink():
        os.rename(aside, target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as err:  # some file systems cannot fsync a folder: nothing more to do
        if not (path.is_dir() and err.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF)):
            raise
    finally:
        os.close(fd)


def _is_write_failure(err: OSError, *paths: Path) -> bool:
    """An error of writing the output (not of reading some input while producing it)."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
        return True
    for name in (err.filename, err.filename2):
        if name:
            failed = Path(os.fsdecode(name))
            if any(failed == p or p in failed.parents for p in paths):
                return True
    return False


