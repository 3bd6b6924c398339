"""The compatibility database on SQLite: the newest outcome per plugin version, OS, architecture
and source (table ``compat``, schema v5). Written with each batch of scan outcomes, in the same
transaction (source ``scan``), and by ``pluginary validate`` (source ``validation``,
:func:`upsert`); read for ``pluginary compat report``, ``export`` and ``show``; merged by
``import``; searched by ``validated:`` and ``failed-level:`` (``search.py``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from pluginary.models import CompatEntry, ScanOutcome, Status

COLUMNS = "format, uid, version, os, arch, source, status, tier, seconds, cause, recorded_at"

#: Keeps the newer outcome of a key: an import never replaces what this machine saw later, and
#: importing the same file twice changes nothing.
_CONFLICT = """
    ON CONFLICT (format, uid, version, os, arch, source) DO UPDATE SET
        status = excluded.status, tier = excluded.tier, seconds = excluded.seconds,
        cause = excluded.cause, recorded_at = excluded.recorded_at
    WHERE excluded.recorded_at > compat.recorded_at
"""
MERGE = f"INSERT INTO compat ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) {_CONFLICT}"
#: What this machine sees while scanning always lands (a later outcome in a batch wins: tier 2
#: after tier 1), whatever an import from a machine with another clock said.
_LATER = _CONFLICT[:_CONFLICT.index("WHERE")]
UPSERT = f"INSERT INTO compat ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) {_LATER}"


def rows(entries: Iterable[CompatEntry]) -> list[tuple[object, ...]]:
    return [(e.format, e.uid, e.version, e.os, e.arch, e.source, e.status.value, e.tier,
             e.seconds, e.cause, e.recorded_at) for e in entries]


#: A load that named no plugin (a deeper tier crashed): the plugins stored at its path.
UPSERT_AT_PATH = f"""
    INSERT INTO compat ({COLUMNS})
    SELECT p.format, p.uid, coalesce(nullif(i.version, ''), p.version), ?, ?, 'scan', ?, ?, ?,
           ?, ?
    FROM installations i JOIN plugins p ON p.id = i.plugin_id
    WHERE i.path = ? AND i.status != 'missing'
    {_LATER}
"""


def record(conn: sqlite3.Connection, outcomes: Sequence[ScanOutcome], now: float) -> None:
    """One entry per plugin of each outcome that says where it was loaded: the plugins its
    records name, or, when a deeper tier failed before naming any, those stored at its path."""
    located = [o for o in outcomes if o.os]
    conn.executemany(UPSERT, rows(
        CompatEntry(format=r.format, uid=r.uid, version=r.version, os=o.os, arch=o.arch,
                    status=r.status, tier=r.tier, seconds=o.state.seconds, cause=r.cause,
                    recorded_at=now)
        for o in located for r in o.records))
    conn.executemany(UPSERT_AT_PATH, [
        (o.os, o.arch, o.state.status.value, o.state.tier, o.state.seconds, o.state.cause, now,
         o.state.path) for o in located if not o.records])


def entries(conn: sqlite3.Connection, key: str | None = None) -> list[CompatEntry]:
    """Every entry, or those of the plugin ``key`` (``format:uid``, through the primary key)."""
    where, args = "", []
    if key is not None:
        fmt, _, uid = key.partition(":")
        where, args = " WHERE format = ? AND uid = ?", [fmt, uid]
    return [CompatEntry(format=f, uid=u, version=v, os=os_, arch=a, source=src,
                        status=Status(st), tier=t, seconds=sec, cause=c, recorded_at=at)
            for f, u, v, os_, a, src, st, t, sec, c, at in conn.execute(
                f"SELECT {COLUMNS} FROM compat{where} "
                "ORDER BY format, uid, version, os, arch, source", args)]


def upsert(conn: sqlite3.Connection, local: Sequence[CompatEntry]) -> int:
    """Entries this machine produced (validation results): each replaces its key's row,
    whatever an import said; returns how many rows were written."""
    before = conn.total_changes
    conn.executemany(UPSERT, rows(local))
    return conn.total_changes - before


def merge(conn: sqlite3.Connection, incoming: Sequence[CompatEntry]) -> int:
    """Upsert, the newer outcome of each key winning; returns how many rows changed."""
    before = conn.total_changes
    conn.executemany(MERGE, rows(incoming))
    return conn.total_changes - before
