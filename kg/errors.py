"""Errors a user can act on; the CLI prints them as one line and exits with their code."""

from __future__ import annotations

import errno
import os


class ClusterKGError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    ``exit_code`` follows the CLI convention: 1 = the data failed a check (e.g. SHACL
    violations), 2 = unusable input (missing file, malformed RDF, bad parameter).
    """

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class InputError(ClusterKGError):
    """Unusable input: a missing or malformed file, a bad parameter, an unreachable endpoint."""

    exit_code = 2


class CheckFailed(ClusterKGError):
    """The input was read, but the data failed a check (SHACL violation, missing quote)."""

    exit_code = 1


OS_ERROR_HINTS = {
    errno.ENOSPC: "the disk is full: free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is used up: free some space or write elsewhere",
    errno.EFBIG: "the file is larger than the file system or `ulimit -f` allows",
    errno.EROFS: "the file system is read-only: write elsewhere",
    errno.EACCES: "no permission: check the folder's owner and mode, or write elsewhere",
    errno.EPERM: "not permitted: check the folder's owner and mode, or write elsewhere",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "the path is a folder: give a file name",
    errno.EMFILE: "too many open files: raise `ulimit -n`",
    errno.ENOMEM: "out of memory",
}


def os_error_message(err: OSError) -> str:
    """One line for an OS error: the path, the system's reason and what to do."""
    reason = err.strerror or (os.strerror(err.errno) if err.errno else str(err))
    where = err.filename if err.filename is not None else None
    text = f"{os.fsdecode(where)}: {reason}" if where is not None else reason
    hint = OS_ERROR_HINTS.get(err.errno or 0)
    return f"{text} ({hint})" if hint else text


class WriteFailed(InputError):
    """Output could not be written (full disk, read-only folder, no permission)."""

    def __init__(self, target: str | os.PathLike[str], err: OSError):
        self.target = os.fspath(target)
        self.os_error = err
        super().__init__(f"cannot write: {err.strerror or err}", where=self.target,
                         hint=OS_ERROR_HINTS.get(err.errno or 0))


def write_error(target: str | os.PathLike[str], err: OSError) -> WriteFailed:
    """The error for output that could not be written to ``target``."""
    return WriteFailed(target, err)
