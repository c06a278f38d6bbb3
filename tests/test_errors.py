"""User-facing errors survive the trip from a worker process to the parent."""

from __future__ import annotations

import errno
import pickle

from kg.errors import CheckFailed, ClusterKGError, InputError, WriteFailed


def test_errors_pickle_with_their_message_and_exit_code() -> None:
    errors: list[ClusterKGError] = [
        InputError("no such file", where="a.ttl", hint="check the path"),
        CheckFailed("3 violations"),
        WriteFailed("/out/build", OSError(errno.ENOSPC, "No space left on device")),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert copy.exit_code == error.exit_code
    full_disk = pickle.loads(pickle.dumps(errors[2]))
    assert isinstance(full_disk, WriteFailed)
    assert full_disk.target == "/out/build" and full_disk.os_error.errno == errno.ENOSPC
    assert str(full_disk) == ("/out/build: cannot write: No space left on device "
                              "(the disk is full: free some space or write elsewhere)")
