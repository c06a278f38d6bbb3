"""Errors a user can act on; the CLI prints them as one line and exits with their code."""

from __future__ import annotations


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
