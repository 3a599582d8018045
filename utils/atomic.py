"""Atomic file writes (write beside the target, then rename) and a folder lock."""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new, never half.

    Parameters
    ----------
    path : Path
        Target file; parent folders are created.
    data : bytes
        Whole new content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Atomically write UTF-8 ``text`` to ``path`` (see :func:`write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def folder_lock(folder: Path, busy: Callable[[], Exception],
                timeout: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (across processes) while inside.

    Parameters
    ----------
    folder : Path
        Folder to lock; created if missing.
    busy : callable
        Makes the error raised when the lock is still held after ``timeout``.
    timeout : float
        Seconds to keep trying.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
