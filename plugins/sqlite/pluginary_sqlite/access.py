"""What the catalogue's method groups (journal, organisation) need from the catalogue: a read
snapshot and a write transaction. ``SQLiteCatalogue`` provides both; the groups are mixins so
that ``catalogue.py`` stays about connections and records."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class Access:
    path: Path

    def _snapshot(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _write(self, work: Callable[[sqlite3.Connection], T], *, doing: str = "writing") -> T:
        raise NotImplementedError

