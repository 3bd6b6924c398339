"""One scan per catalogue: an OS file lock beside the SQLite file (``catalogue.db.scan-lock``).

The lock is taken with ``flock`` (``msvcrt.locking`` on Windows), so the kernel releases it when
the holding process dies, however it dies: a scan killed with ``kill -9`` never leaves a stale
lock, and a ``running`` scan row found while holding the lock belongs to a dead scan. The file
itself is never removed (removing it would let two processes lock two different files); it
holds the holder's pid and start time, for the message the next scan shows.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pluginary.errors import CatalogueReadOnlyError, ScanRunningError

SUFFIX = ".scan-lock"


def lock_path(catalogue: Path) -> Path:
    return catalogue.with_name(catalogue.name + SUFFIX)


def _try_lock(fd: int, wait: bool) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        mode = msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK
        while True:
            try:
                msvcrt.locking(fd, mode, 1)
                return True
            except OSError:
                if not wait:
                    return False  # LK_LOCK gives up after 10 s: keep waiting
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)  # no pread/pwrite: Windows has neither
        text = os.read(fd, 200).decode("utf-8", "replace").split()
        pid, started = int(text[0]), float(text[1])
    except (OSError, ValueError, IndexError):
        return "another process"
    return f"pid {pid}, started {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(started))}"


@contextlib.contextmanager
def hold(catalogue: Path, *, wait: bool) -> Iterator[None]:
    """Hold the scan lock of ``catalogue`` for the ``with`` block (see the module docs)."""
    path = lock_path(catalogue)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise CatalogueReadOnlyError(
            f"cannot create the scan lock {path}: {exc.strerror}",
            hint="a scan writes the catalogue; check the permissions of its folder") from exc
    try:
        if not _try_lock(fd, wait=False):
            if not wait:
                raise ScanRunningError(f"another scan is running on {catalogue} "
                                       f"({_holder(fd)})")
            _try_lock(fd, wait=True)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()} {time.time():.3f}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
