"""The SQLite file header, read before any connection is made.

Even a read-only SQLite connection creates the -wal and -shm files of a WAL database, so the cases
that must leave the folder exactly as it was (not SQLite at all, a newer schema) are settled from
the first 100 bytes. The header can lag behind an uncheckpointed -wal; the probe connection
looks again.
"""

from __future__ import annotations

from pathlib import Path

from pluginary.errors import CatalogueCorruptError, CatalogueTooNewError, StorageError

from . import schema

SQLITE_MAGIC = b"SQLite format 3\x00"


def check(path: Path) -> None:
    """Refuse a file that is not SQLite, or whose schema is too new, by its header alone."""
    try:
        with open(path, "rb") as f:
            data = f.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read the catalogue {path}: {exc.strerror}",
                           hint="check the permissions of the file") from exc
    if not data:
        return  # an empty file is an empty database
    if len(data) < 100 or not data.startswith(SQLITE_MAGIC):
        raise CatalogueCorruptError(f"{path} is not an SQLite database",
                                    hint="point --db at a catalogue file or a new file name")
    version = int.from_bytes(data[60:64], "big", signed=True)
    if version > schema.CURRENT_VERSION:
        raise too_new(path, version)


def too_new(path: Path, version: int) -> CatalogueTooNewError:
    return CatalogueTooNewError(
        f"the catalogue {path} has schema version {version}; this version of "
        f"pluginary-sqlite reads up to {schema.CURRENT_VERSION}")
