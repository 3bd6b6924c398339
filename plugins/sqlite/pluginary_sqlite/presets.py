"""The SQLite preset store: :class:`pluginary.presets.store.PresetStore` on the catalogue's own
connections (schema version 7).

It reads through the catalogue's read snapshots and writes through its one writer, in one
transaction per call, retried while another process holds the lock; ``sqlite3`` errors become
:mod:`pluginary.errors` as everywhere in this extension. The SQL is in ``presets_read.py`` and
``presets_write.py``, the row layout in ``presets_rows.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from pluginary.presets.model import (
    ParamValue,
    Preset,
    PresetChanges,
    PresetDump,
    PresetInfo,
    PresetVersion,
    SourceRead,
)
from pluginary.presets.store import SourceState

from . import presets_read as read
from . import presets_write as write
from .access import Access
from .errors import translated as _translated


class SQLitePresetStore:
    """The presets kept in one SQLite catalogue; see :class:`pluginary.presets.store.PresetStore`
    for what each method promises."""

    def __init__(self, catalogue: Access) -> None:
        self._catalogue = catalogue
        self.path = catalogue.path

    def __repr__(self) -> str:
        return f"SQLitePresetStore({str(self.path)!r})"

    @_translated("reading")
    def sources(self, container: str) -> dict[str, SourceState]:
        """Every source of ``container`` read before, by path."""
        with self._catalogue._snapshot() as conn:
            return read.sources(conn, container)

    def record_sources(self, container: str, reads: Sequence[tuple[SourceRead, str]],
                       gone: Sequence[str] = ()) -> PresetChanges:
        """Store what the reads found and remember the sources, in one transaction."""
        if not reads and not gone:
            return PresetChanges()
        return self._catalogue._write(
            lambda conn: write.record_sources(conn, container, reads, gone, time.time()))

    def put(self, presets: Sequence[Preset], *, note: str) -> PresetChanges:
        """Store presets made outside a source (captures, conversions, imports)."""
        if not presets:
            return PresetChanges()
        return self._catalogue._write(lambda conn: write.put(conn, presets, note, time.time()))

    @_translated("reading")
    def find(self, *, plugin: str | None = None, text: str = "", tag: str = "",
             container: str = "", missing: bool = False) -> list[PresetInfo]:
        """Stored presets by plugin, words, tag and container; by plugin, bank, name."""
        with self._catalogue._snapshot() as conn:
            return read.find(conn, plugin=plugin, text=text, tag=tag, container=container,
                             missing=missing)

    @_translated("reading")
    def get(self, key: str) -> PresetInfo | None:
        """The preset whose key is ``key`` or starts with it (4 characters at least)."""
        with self._catalogue._snapshot() as conn:
            return read.get(conn, key)

    @_translated("reading")
    def history(self, key: str) -> list[PresetVersion]:
        """Every version of the preset ``key`` (exact), oldest first."""
        with self._catalogue._snapshot() as conn:
            return read.history(conn, key)

    @_translated("reading")
    def payload(self, sha256: str) -> bytes | None:
        """The bytes stored under ``sha256``."""
        with self._catalogue._snapshot() as conn:
            return read.payload(conn, sha256)

    @_translated("reading")
    def snapshot(self, sha256: str) -> tuple[ParamValue, ...] | None:
        """The parameter snapshot kept with the payload ``sha256``."""
        with self._catalogue._snapshot() as conn:
            return read.snapshot(conn, sha256)

    def set_snapshot(self, sha256: str, parameters: Sequence[ParamValue]) -> None:
        """Keep a snapshot made later with the stored payload ``sha256``."""
        self._catalogue._write(lambda conn: write.set_snapshot(conn, sha256, parameters))

    def restore(self, key: str, sha256: str, *, note: str) -> PresetVersion:
        """Make the version ``sha256`` of the preset ``key`` current by appending it."""
        return self._catalogue._write(
            lambda conn: write.restore(conn, key, sha256, note, time.time()))

    @_translated("reading")
    def payload_hashes(self) -> set[str]:
        """Every stored payload's sha256."""
        with self._catalogue._snapshot() as conn:
            return read.payload_hashes(conn)

    @_translated("reading")
    def dump(self) -> PresetDump:
        """Every preset with its history, and the snapshots, from one consistent snapshot."""
        with self._catalogue._snapshot() as conn:
            return read.dump(conn)

    def merge(self, dump: PresetDump, payload: Callable[[str], bytes]) -> PresetChanges:
        """Add what ``dump`` has and the store lacks, in one transaction."""
        return self._catalogue._write(lambda conn: write.merge(conn, dump, payload),
                                      doing="importing")
