"""SQLite storage for Pluginary: the ``sqlite:///path.db`` catalogue.

Implements the ``register_storages`` and ``open_catalogue`` hooks. The design (WAL, one writer and
per-thread readers, FTS5 kept by triggers, forward-only migrations) is described in
``docs/storage.md``.
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import StorageRegister

from .catalogue import SQLiteCatalogue
from .connection import SCHEME, parse_url
from .schema import CURRENT_VERSION

__all__ = ["CURRENT_VERSION", "SQLiteCatalogue", "open_sqlite"]


def open_sqlite(url: str, *, create: bool = True) -> SQLiteCatalogue | None:
    """Open the catalogue named by ``url``; None when it is not an ``sqlite://`` URL."""
    location = parse_url(url)
    if location is None:
        return None
    return SQLiteCatalogue(url, location.path, create=create,
                           busy_timeout_ms=location.busy_timeout_ms)


@hookimpl
def register_storages(register: StorageRegister) -> None:
    register(SCHEME, "SQLite file catalogue (WAL, FTS5)")


@hookimpl
def open_catalogue(url: str, create: bool) -> SQLiteCatalogue | None:
    return open_sqlite(url, create=create)
