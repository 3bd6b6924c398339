"""Catalogue URLs and the three kinds of connection: probe, writer and reader.

* The *probe* is a read-only (``mode=ro``) connection used once at open time to look at the file
  before anything may write to it: is it SQLite at all, and which schema version does it hold.
* The *writer* is the one read-write connection. All writes go through it, under a lock.
* *Readers* are read-only connections, one per thread, opened lazily. In WAL mode they read a
  consistent snapshot and never wait for the writer.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from pluginary.errors import UsageError

SCHEME = "sqlite"
DEFAULT_BUSY_TIMEOUT_MS = 5000
#: The page cache of each reader connection, in KiB.
READER_CACHE_KIB = 32768
#: ON CONFLICT DO UPDATE (3.24), generated columns (3.31), ALTER TABLE DROP COLUMN (3.35).
MINIMUM_SQLITE = (3, 35, 0)


@dataclass(frozen=True)
class Location:
    """What a ``sqlite:///path.db?busy_timeout=ms`` URL names."""

    path: Path
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS


def parse_url(url: str) -> Location | None:
    """The file and options in ``url``, or None when the URL is not an SQLite one.

    Both ``sqlite:///abs/path.db`` and ``sqlite:////abs/path.db`` name ``/abs/path.db``. The one
    option is ``busy_timeout`` in milliseconds.
    """
    prefix = SCHEME + "://"
    if not url.startswith(prefix):
        return None
    rest, _, query = url[len(prefix):].partition("?")
    while rest.startswith("//"):
        rest = rest[1:]
    if re.match(r"^/[A-Za-z]:[/\\]", rest):  # sqlite:///C:/x.db on Windows
        rest = rest[1:]
    if not rest or rest == "/":
        raise UsageError(f"the catalogue URL {url!r} names no file",
                         hint="use sqlite:///absolute/path/catalogue.db")
    busy = DEFAULT_BUSY_TIMEOUT_MS
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name != "busy_timeout":
            raise UsageError(f"unknown option {name!r} in the catalogue URL {url!r}",
                             hint="the only option is busy_timeout=<milliseconds>")
        if not value.isdigit():
            raise UsageError(f"busy_timeout must be a number of milliseconds, not {value!r}")
        busy = int(value)
    path = Path(rest)
    if not path.is_absolute():
        raise UsageError(f"the catalogue URL {url!r} must hold an absolute path",
                         hint="use sqlite:///absolute/path/catalogue.db, or pass a plain path")
    return Location(path=path, busy_timeout_ms=busy)


def file_uri(path: Path, **params: str) -> str:
    """An SQLite ``file:`` URI for ``path`` with query parameters (``mode=ro``...)."""
    uri = path.as_uri()
    if params:
        uri += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return uri


#: The SQL name of the Unicode case-folding function every connection has.
FOLD = "pluginary_fold"


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def _connect(uri: str, busy_timeout_ms: int) -> sqlite3.Connection:
    # isolation_level=None: the catalogue issues BEGIN/COMMIT itself, so transactions are explicit.
    # check_same_thread=False: the writer is used by whichever thread holds the write lock, and
    # close() may run in another thread than the one a reader was opened in.
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                           timeout=busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # SQLite's LIKE and lower() fold only A-Z; a query with other letters (Über, ΜΠ)
        # compares through Python's casefold instead (search.py uses it only then).
        conn.create_function(FOLD, 1, _fold, deterministic=True)
    except BaseException:
        conn.close()
        raise
    return conn


def connect_probe(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """A read-only connection that cannot create or change anything."""
    return _connect(file_uri(path, mode="ro"), busy_timeout_ms)


def connect_immutable(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """A read-only connection for a file on a read-only medium (no -shm/-wal can be made)."""
    return _connect(file_uri(path, mode="ro", immutable="1"), busy_timeout_ms)


def connect_writer(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """The read-write connection, in WAL mode with the pragmas the catalogue relies on."""
    conn = _connect(file_uri(path, mode="rwc"), busy_timeout_ms)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def connect_reader(path: Path, busy_timeout_ms: int, *, immutable: bool) -> sqlite3.Connection:
    """A per-thread read-only connection."""
    if immutable:
        conn = connect_immutable(path, busy_timeout_ms)
    else:
        conn = connect_probe(path, busy_timeout_ms)
    try:
        conn.execute("PRAGMA query_only = ON")
        # Room for a whole 5000-plugin catalogue (about 15 MB): SQLite's default 2 MB page
        # cache makes a search that touches a thousand rows read pages from the OS again
        # (measured: the 30 benchmark searches 5-10 % faster). Memory is taken only as
        # pages are read.
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


def sqlite_version_ok() -> bool:
    return sqlite3.sqlite_version_info >= MINIMUM_SQLITE


def free_name(candidate: Path) -> Path:
    """``candidate``, or ``stem.1.suffix``, ``stem.2.suffix``... whichever does not exist yet."""
    if not candidate.exists():
        return candidate
    n = 1
    while True:
        alternative = candidate.with_name(f"{candidate.stem}.{n}{candidate.suffix}")
        if not alternative.exists():
            return alternative
        n += 1


def file_size(path: Path) -> int:
    """An SQLite file's size on disk: the file plus its write-ahead log."""
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += os.path.getsize(str(path) + suffix)
    return total
