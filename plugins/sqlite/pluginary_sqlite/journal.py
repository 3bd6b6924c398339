"""The scan journal on SQLite: candidates, scans and jobs.

Every function takes the writer or a reader connection inside a transaction that the catalogue
opened, so a batch of outcomes (records, candidate states, finished jobs) commits as one: after a
``kill -9`` a job is either done with its records stored, or still pending.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

import msgspec

from pluginary.models import (
    Candidate,
    CandidateState,
    Fingerprint,
    ScanInfo,
    ScanJob,
    ScanOutcome,
    Status,
)

from . import codec, compat

_json = msgspec.json.Encoder()
_fingerprint = msgspec.json.Decoder(Fingerprint)
_tiers = msgspec.json.Decoder(tuple[int, ...])
_strings = msgspec.json.Decoder(tuple[str, ...])
_options = msgspec.json.Decoder(dict[str, Any])
_candidate_encode = msgspec.msgpack.Encoder().encode
_candidate_decode = msgspec.msgpack.Decoder(Candidate).decode

UPSERT_CANDIDATE = """
    INSERT INTO candidates (path, format, fingerprint, status, cause, tier, seconds, vendor,
                            blocked, stderr, plugins, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (path) DO UPDATE SET
        format = excluded.format, fingerprint = excluded.fingerprint, status = excluded.status,
        cause = excluded.cause, tier = excluded.tier, seconds = excluded.seconds,
        vendor = excluded.vendor, blocked = excluded.blocked, stderr = excluded.stderr,
        plugins = excluded.plugins, updated_at = excluded.updated_at
"""

FINISH_JOB = """
    UPDATE jobs SET state = 'done', status = ?, cause = ?, tier = ?, seconds = ?, stderr = ?
    WHERE id = ?
"""


def _fp_text(fp: Fingerprint | None) -> str | None:
    return None if fp is None else _json.encode(fp).decode()


def candidates(conn: sqlite3.Connection, format: str | None) -> dict[str, CandidateState]:
    sql = ("SELECT path, format, fingerprint, status, cause, tier, seconds, vendor, blocked, "
           "stderr, plugins FROM candidates")
    args: tuple[Any, ...] = ()
    if format is not None:
        sql += " WHERE format = ?"
        args = (format,)
    found = {}
    for path, fmt, fp, status, cause, tier, seconds, vendor, blocked, stderr, plugins in (
            conn.execute(sql, args)):
        found[path] = CandidateState(
            format=fmt, path=path, fingerprint=_fingerprint.decode(fp) if fp else None,
            status=Status(status), cause=cause, tier=tier, seconds=seconds, vendor=vendor,
            blocked=bool(blocked), stderr=stderr, plugins=plugins)
    return found


def begin_scan(conn: sqlite3.Connection, formats: Sequence[str], roots: Sequence[str],
               options: dict[str, Any]) -> int:
    cursor = conn.execute(
        "INSERT INTO scans (started_at, status, formats, roots, options) "
        "VALUES (?, 'running', ?, ?, ?)",
        (time.time(), _json.encode(list(formats)).decode(), _json.encode(list(roots)).decode(),
         _json.encode(options).decode()))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def unfinished_scan(conn: sqlite3.Connection) -> ScanInfo | None:
    row = conn.execute(
        "SELECT id, started_at, status, formats, roots, options, finished_at FROM scans "
        "WHERE status = 'running' ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    scan_id, started, status, formats, roots, options, finished = row
    return ScanInfo(id=scan_id, started_at=started, status=status,
                    formats=_strings.decode(formats), roots=_strings.decode(roots),
                    options=_options.decode(options), finished_at=finished)


def add_jobs(conn: sqlite3.Connection, scan_id: int,
             jobs: Sequence[tuple[Candidate, tuple[int, ...]]]) -> list[int]:
    ids = []
    # executemany cannot return row ids; one INSERT per job inside the caller's transaction is
    # still one transaction, and jobs are added once per scan phase.
    for candidate, tiers in jobs:
        cursor = conn.execute(
            "INSERT INTO jobs (scan_id, format, path, fingerprint, status, tiers, state, "
            "candidate) VALUES (?, ?, ?, ?, 'pending', ?, 'pending', ?)",
            (scan_id, candidate.format, candidate.path, _fp_text(candidate.fingerprint),
             _json.encode(list(tiers)).decode(), _candidate_encode(candidate)))
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
    return ids


def scan_jobs(conn: sqlite3.Connection, scan_id: int) -> list[ScanJob]:
    return [ScanJob(id=job_id, scan_id=scan_id, candidate=_candidate_decode(blob),
                    tiers=_tiers.decode(tiers), state=state)
            for job_id, blob, tiers, state in conn.execute(
                "SELECT id, candidate, tiers, state FROM jobs WHERE scan_id = ? "
                "AND candidate IS NOT NULL ORDER BY id", (scan_id,))]


#: The cause of an installation whose file is still there but no longer holds the plugin.
NOT_IN_FILE = "no longer in this file: its last load did not list this plugin"


def record_outcomes(conn: sqlite3.Connection, outcomes: Sequence[ScanOutcome],
                    running: Sequence[int] = ()) -> None:
    now = time.time()
    # Running first: a job dispatched and finished within one batch ends up done.
    conn.executemany("UPDATE jobs SET state = 'running' WHERE id = ? AND state = 'pending'",
                     [(i,) for i in running])
    records = [r for o in outcomes for r in o.records]
    rows = codec.Rows(records)
    if rows:
        conn.executemany(codec.UPSERT_PLUGIN, rows.plugins)
        conn.executemany(codec.UPSERT_INSTALLATION, rows.installations)
        conn.executemany(codec.UPSERT_PARAMETERS, rows.parameters)
        # Only a load that succeeded proves what a file holds: a failed deeper tier leaves the
        # records of a shallower one, which may name fewer classes.
        retire_unlisted(conn, [o for o in outcomes
                               if o.records and o.state.status is Status.OK], now)
    compat.record(conn, outcomes, now)
    conn.executemany(UPSERT_CANDIDATE, [
        (s.path, s.format, _fp_text(s.fingerprint), s.status.value, s.cause, s.tier, s.seconds,
         s.vendor, int(s.blocked), s.stderr, s.plugins, now)
        for s in (o.state for o in outcomes)])
    # Installations at a candidate's path that a failed load could not name keep their data but
    # take the candidate's status, so a plugin that used to load and now crashes shows it.
    conn.executemany(
        "UPDATE installations SET status = ?, cause = ?, tier = ?, updated_at = ? "
        "WHERE path = ? AND status != ? AND status != 'missing'",
        [(o.state.status.value, o.state.cause, o.state.tier, now, o.state.path,
          o.state.status.value) for o in outcomes if not o.records])
    conn.executemany(FINISH_JOB, [
        (o.state.status.value, o.state.cause, o.state.tier, o.state.seconds, o.state.stderr,
         o.job_id) for o in outcomes if o.job_id is not None])


def retire_unlisted(conn: sqlite3.Connection, outcomes: Sequence[ScanOutcome], now: float
                    ) -> None:
    """Mark ``missing`` the installations at each outcome's path whose plugin its records no
    longer name: a VST3 update that changed a class id, an LV2 bundle that dropped a plugin, a
    LADSPA library rebuilt with fewer descriptors. The bundle is still there, so discovery alone
    never marks them."""
    for outcome in outcomes:
        named = {(r.format, r.uid) for r in outcome.records}
        for path in {codec.installation_path(r) for r in outcome.records}:
            stale = [(installation,) for installation, fmt, uid in conn.execute(
                "SELECT i.id, p.format, p.uid FROM installations i "
                "JOIN plugins p ON p.id = i.plugin_id WHERE i.path = ? AND i.status != ?",
                (path, Status.MISSING.value)) if (fmt, uid) not in named]
            conn.executemany(
                "UPDATE installations SET status = 'missing', cause = ?, updated_at = ? "
                "WHERE id = ?", [(NOT_IN_FILE, now, i) for (i,) in stale])


def mark_missing(conn: sqlite3.Connection, paths: Sequence[str]) -> int:
    now = time.time()
    params = [(now, p) for p in paths]
    cursor = conn.executemany(
        "UPDATE candidates SET status = 'missing', cause = 'the file is gone', updated_at = ? "
        "WHERE path = ?", params)
    conn.executemany(
        "UPDATE installations SET status = 'missing', cause = 'the file is gone', "
        "updated_at = ? WHERE path = ?", params)
    return cursor.rowcount


def finish_scan(conn: sqlite3.Connection, scan_id: int, status: str) -> None:
    conn.execute("UPDATE scans SET status = ?, finished_at = ? WHERE id = ?",
                 (status, time.time(), scan_id))
    analyze(conn)


def analyze(conn: sqlite3.Connection) -> None:
    """Refresh the query planner's table statistics (``sqlite_stat1``). Without them SQLite
    takes ``format = 'lv2'`` on the (format, uid) index for a selective test and reads 3500
    LV2 plugins to find the 700 that hold a word (bench/search.py: 7.3 ms instead of 5.8 ms).
    About 40 ms for 5000 plugins."""
    conn.execute("ANALYZE")


def status_counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for fmt, status, n in conn.execute(
            "SELECT p.format, i.status, count(*) FROM installations i "
            "JOIN plugins p ON p.id = i.plugin_id GROUP BY p.format, i.status "
            "UNION ALL "
            "SELECT c.format, c.status, count(*) FROM candidates c "
            "WHERE NOT EXISTS (SELECT 1 FROM installations i WHERE i.path = c.path) "
            "GROUP BY c.format, c.status"):
        by_status = counts.setdefault(fmt, {})
        by_status[status] = by_status.get(status, 0) + n
    return counts
