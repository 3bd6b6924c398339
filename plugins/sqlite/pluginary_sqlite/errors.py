"""Turning ``sqlite3`` exceptions into :mod:`pluginary.errors`, so no raw traceback reaches a user.

SQLite reports a numeric result code with every error (``sqlite_errorcode`` since Python 3.11);
its low byte is the primary code, which is what the mapping below keys on.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from pluginary.errors import (
    CatalogueBusyError,
    CatalogueCorruptError,
    CatalogueReadOnlyError,
    DiskFullError,
    PluginaryError,
    StorageError,
)

# Primary result codes, from https://www.sqlite.org/rescode.html
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

CORRUPT_HINT = ("restore a backup made with 'pluginary db backup', or rescan into a new --db; "
                "the damaged file was left as it is")


def primary_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of ``exc``, or None for anything else."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_busy(exc: BaseException) -> bool:
    """True for 'database is locked' (SQLITE_BUSY) and 'database table is locked' errors."""
    if primary_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def translate(exc: sqlite3.Error, path: str, doing: str) -> PluginaryError:
    """The :mod:`pluginary.errors` exception a user should see for ``exc``.

    ``doing`` is a short gerund phrase ("writing", "opening") used in the one-line message.
    """
    code = primary_code(exc)
    detail = str(exc)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in detail or (
            "not a database" in detail):
        return CatalogueCorruptError(
            f"the catalogue {path} is damaged or not an SQLite database ({detail})",
            hint=CORRUPT_HINT)
    if is_busy(exc):
        return CatalogueBusyError(
            f"the catalogue {path} stayed locked by another process while {doing} it")
    if code in (SQLITE_READONLY, SQLITE_PERM) or "readonly" in detail or "read-only" in detail:
        return CatalogueReadOnlyError(f"the catalogue {path} cannot be written ({detail})")
    if code == SQLITE_FULL or "disk is full" in detail:
        return DiskFullError(
            f"the disk holding {path} is full; the last change was rolled back ({detail})")
    if code == SQLITE_CANTOPEN:
        return StorageError(f"cannot open the catalogue {path} ({detail})",
                            hint="check that the file and its folder exist and are accessible")
    return StorageError(f"SQLite failed while {doing} {path}: {detail}",
                        hint="run 'pluginary db check'; rerun with --verbose for details")


class _OnFile(Protocol):
    path: Path


S = TypeVar("S", bound=_OnFile)
P = ParamSpec("P")
T = TypeVar("T")


def translated(doing: str) -> Callable[[Callable[Concatenate[S, P], T]],
                                       Callable[Concatenate[S, P], T]]:
    """Decorate a catalogue method so the sqlite3 errors it raises become pluginary errors
    that name the file and what was being done."""

    def decorate(fn: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
        @functools.wraps(fn)
        def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return fn(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise translate(exc, str(self.path), doing) from exc

        return wrapper

    return decorate
