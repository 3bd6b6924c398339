"""The scan journal and compatibility database methods of the SQLite catalogue (the SQL is in
``journal.py``, ``compat.py`` and ``scanlock.py``)."""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Sequence
from typing import Any

from pluginary.models import (
    Candidate,
    CandidateState,
    CompatEntry,
    ScanInfo,
    ScanJob,
    ScanOutcome,
)

from . import compat, journal, scanlock
from .access import Access
from .errors import translated as _translated


class JournalMethods(Access):
    @_translated("reading")
    def candidates(self, *, format: str | None = None) -> dict[str, CandidateState]:
        with self._snapshot() as conn:
            return journal.candidates(conn, format)

    def begin_scan(self, *, formats: Sequence[str], roots: Sequence[str],
                   options: dict[str, Any]) -> int:
        return self._write(lambda conn: journal.begin_scan(conn, formats, roots, options))

    @_translated("reading")
    def unfinished_scan(self) -> ScanInfo | None:
        with self._snapshot() as conn:
            return journal.unfinished_scan(conn)

    def add_jobs(self, scan_id: int, jobs: Sequence[tuple[Candidate, tuple[int, ...]]]
                 ) -> builtins.list[int]:
        return self._write(lambda conn: journal.add_jobs(conn, scan_id, jobs))

    @_translated("reading")
    def scan_jobs(self, scan_id: int) -> builtins.list[ScanJob]:
        with self._snapshot() as conn:
            return journal.scan_jobs(conn, scan_id)

    def record_outcomes(self, scan_id: int, outcomes: Sequence[ScanOutcome], *,
                        running: Sequence[int] = ()) -> None:
        if outcomes or running:
            self._write(lambda conn: journal.record_outcomes(conn, outcomes, running))

    @_translated("reading")
    def compat_entries(self, *, key: str | None = None) -> builtins.list[CompatEntry]:
        with self._snapshot() as conn:
            return compat.entries(conn, key)

    def record_compat(self, entries: Sequence[CompatEntry]) -> int:  # this machine's: it wins
        return self._write(lambda conn: compat.upsert(conn, entries)) if entries else 0

    def merge_compat(self, entries: Sequence[CompatEntry]) -> int:  # the newer outcome wins
        return self._write(lambda conn: compat.merge(conn, entries), doing="importing")

    def scan_lock(self, *, wait: bool = False) -> contextlib.AbstractContextManager[None]:
        return scanlock.hold(self.path, wait=wait)  # an OS file lock beside the catalogue

    def mark_missing(self, paths: Sequence[str]) -> int:
        return self._write(lambda conn: journal.mark_missing(conn, paths)) if paths else 0

    def finish_scan(self, scan_id: int, *, status: str) -> None:
        self._write(lambda conn: journal.finish_scan(conn, scan_id, status))

    @_translated("reading")
    def status_counts(self) -> dict[str, dict[str, int]]:
        with self._snapshot() as conn:
            return journal.status_counts(conn)
