"""The preset store's writes; each function runs inside the one write transaction the catalogue
opened, so a failure leaves nothing half-stored.

Nothing here deletes a preset, a version or a payload. A write compares with what is stored
first and touches only what differs, so an unchanged extraction writes nothing at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from pluginary.errors import NotFoundError
from pluginary.presets.container import PresetFormatError
from pluginary.presets.model import (
    ParamValue,
    Preset,
    PresetChanges,
    PresetDump,
    PresetInfo,
    PresetVersion,
    SourceRead,
    preset_key,
    sha256,
)

from .presets_rows import decode_identities, identities_text, meta_text, pack_snapshot, tags_text

#: The note of the versions an extraction makes.
EXTRACT_NOTE = "extract"

_METADATA = "plugin, name, container, bank, author, tags, source, meta"


def _metadata(preset: Preset) -> tuple[str, ...]:
    return (preset.plugin, preset.name, preset.container, preset.bank, preset.author,
            tags_text(preset.tags), preset.source, meta_text(preset.meta))


def _add_payload(conn: sqlite3.Connection, changes: PresetChanges, sha: str, data: bytes,
                 parameters: Sequence[ParamValue] | None) -> None:
    """Store ``data`` under ``sha`` unless it is there; keep a snapshot it lacked."""
    row = conn.execute("SELECT snapshot IS NOT NULL FROM preset_payloads WHERE sha256 = ?",
                       (sha,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO preset_payloads (sha256, size, data, snapshot) "
                      "VALUES (?, ?, ?, ?)",
                      (sha, len(data), data,
                       None if parameters is None else pack_snapshot(parameters)))
        changes.blobs_added += 1
        changes.bytes_added += len(data)
    elif parameters is not None and not row[0]:
        conn.execute("UPDATE preset_payloads SET snapshot = ? WHERE sha256 = ?",
                     (pack_snapshot(parameters), sha))


def _append_version(conn: sqlite3.Connection, identity: str, sha: str, recorded_at: float,
                    note: str) -> None:
    conn.execute(
        "INSERT INTO preset_versions (identity, seq, sha256, recorded_at, note) VALUES "
        "(?, (SELECT coalesce(max(seq), 0) + 1 FROM preset_versions WHERE identity = ?), "
        "?, ?, ?)", (identity, identity, sha, recorded_at, note))


def store_preset(conn: sqlite3.Connection, changes: PresetChanges, preset: Preset, note: str,
                 now: float) -> None:
    """A new preset, a new version of a known one (its bytes changed), or only its metadata
    brought up to date (counted unchanged)."""
    sha = sha256(preset.data)
    _add_payload(conn, changes, sha, preset.data, preset.parameters)
    metadata = _metadata(preset)
    row = conn.execute(f"SELECT sha256, missing, {_METADATA} FROM presets WHERE identity = ?",
                       (preset.identity,)).fetchone()
    key = preset_key(preset.identity)
    if row is None:
        conn.execute(
            f"INSERT INTO presets (identity, key, {_METADATA}, sha256, missing, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (preset.identity, key, *metadata, sha, now, now))
        _append_version(conn, preset.identity, sha, now, note)
        changes.added += 1
        changes.keys.append(key)
    elif row[0] != sha:
        conn.execute(
            "UPDATE presets SET plugin = ?, name = ?, container = ?, bank = ?, author = ?, "
            "tags = ?, source = ?, meta = ?, sha256 = ?, missing = 0, updated_at = ? "
            "WHERE identity = ?", (*metadata, sha, now, preset.identity))
        _append_version(conn, preset.identity, sha, now, note)
        changes.updated += 1
        changes.keys.append(key)
    else:
        if tuple(row[1:]) != (0, *metadata):
            conn.execute(
                "UPDATE presets SET plugin = ?, name = ?, container = ?, bank = ?, "
                "author = ?, tags = ?, source = ?, meta = ?, missing = 0, updated_at = ? "
                "WHERE identity = ?", (*metadata, now, preset.identity))
        changes.unchanged += 1


def _mark_missing(conn: sqlite3.Connection, identities: set[str], now: float) -> int:
    before = conn.total_changes
    conn.executemany("UPDATE presets SET missing = 1, updated_at = ? "
                     "WHERE identity = ? AND missing = 0",
                     [(now, identity) for identity in sorted(identities)])
    return conn.total_changes - before


def record_sources(conn: sqlite3.Connection, container: str,
                   reads: Sequence[tuple[SourceRead, str]], gone: Sequence[str],
                   now: float) -> PresetChanges:
    """See :meth:`pluginary.presets.store.PresetStore.record_sources`."""
    changes = PresetChanges()
    stored = {path: (fingerprint, identities) for path, fingerprint, identities in conn.execute(
        "SELECT path, fingerprint, identities FROM preset_sources WHERE container = ?",
        (container,))}
    yielded: set[str] = set()
    dropped: set[str] = set()
    for read, fingerprint in reads:
        for preset in read.presets:
            store_preset(conn, changes, preset, EXTRACT_NOTE, now)
            yielded.add(preset.identity)
        if read.error:
            continue  # the old fingerprint stays, so the source is read again next time
        identities = identities_text([p.identity for p in read.presets])
        before = stored.get(read.path)
        if before is not None:
            dropped.update(decode_identities(before[1]))
        if before != (fingerprint, identities):
            conn.execute(
                "INSERT INTO preset_sources (container, path, fingerprint, identities) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (container, path) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, identities = excluded.identities",
                (container, read.path, fingerprint, identities))
    for path in gone:
        before = stored.get(path)
        if before is not None:
            dropped.update(decode_identities(before[1]))
            conn.execute("DELETE FROM preset_sources WHERE container = ? AND path = ?",
                         (container, path))
    # A preset that moved to another source read in the same call is not missing.
    changes.missing = _mark_missing(conn, dropped - yielded, now)
    return changes


def put(conn: sqlite3.Connection, presets: Sequence[Preset], note: str,
        now: float) -> PresetChanges:
    changes = PresetChanges()
    for preset in presets:
        store_preset(conn, changes, preset, note, now)
    return changes


def restore(conn: sqlite3.Connection, key: str, sha: str, note: str,
            now: float) -> PresetVersion:
    """See :meth:`pluginary.presets.store.PresetStore.restore`."""
    row = conn.execute("SELECT identity FROM presets WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise NotFoundError(f"no preset with the key {key}", hint="run 'pluginary preset list'")
    identity = row[0]
    size = conn.execute(
        "SELECT pl.size FROM preset_versions v JOIN preset_payloads pl ON pl.sha256 = v.sha256 "
        "WHERE v.identity = ? AND v.sha256 = ?", (identity, sha)).fetchone()
    if size is None:
        raise NotFoundError(f"the preset {key} has no stored version {sha}",
                            hint=f"run 'pluginary preset history {key}' and give a full hash "
                                 "from it")
    _append_version(conn, identity, sha, now, note)
    conn.execute("UPDATE presets SET sha256 = ?, updated_at = ? WHERE identity = ?",
                 (sha, now, identity))
    return PresetVersion(sha256=sha, size=size[0], recorded_at=now, note=note)


def set_snapshot(conn: sqlite3.Connection, sha: str, parameters: Sequence[ParamValue]) -> None:
    cursor = conn.execute("UPDATE preset_payloads SET snapshot = ? WHERE sha256 = ?",
                          (pack_snapshot(parameters), sha))
    if cursor.rowcount == 0:
        raise NotFoundError(f"no preset payload {sha} is stored",
                            hint="a snapshot is kept with a stored payload only")


class _PayloadFetcher:
    """Stores the payloads a merge needs, fetching only those not stored yet and refusing bytes
    that do not hash to their address."""

    def __init__(self, conn: sqlite3.Connection, changes: PresetChanges,
                 fetch: Callable[[str], bytes]) -> None:
        self.conn, self.changes, self.fetch = conn, changes, fetch
        self.present: set[str] = set()

    def ensure(self, sha: str) -> None:
        if sha in self.present:
            return
        if self.conn.execute("SELECT 1 FROM preset_payloads WHERE sha256 = ?",
                             (sha,)).fetchone() is None:
            data = self.fetch(sha)
            actual = sha256(data)
            if actual != sha:
                raise PresetFormatError(
                    f"the payload given for {sha} hashes to {actual}; nothing was merged",
                    hint="the backup or bundle is damaged: verify it, or use another copy")
            _add_payload(self.conn, self.changes, sha, data, None)
        self.present.add(sha)


def _insert_preset(conn: sqlite3.Connection, info: PresetInfo) -> None:
    conn.execute(
        f"INSERT INTO presets (identity, key, {_METADATA}, sha256, missing, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (info.identity, preset_key(info.identity), info.plugin, info.name, info.container,
         info.bank, info.author, tags_text(info.tags), info.source, meta_text(info.meta),
         info.sha256, int(info.missing), info.created_at, info.updated_at))


def merge(conn: sqlite3.Connection, dump: PresetDump, fetch: Callable[[str], bytes]
          ) -> PresetChanges:
    """See :meth:`pluginary.presets.store.PresetStore.merge`. A version is the same when its
    hash and time are: a known preset gains only the versions it lacks, at their place in
    time, and keeps its current version."""
    changes = PresetChanges()
    payloads = _PayloadFetcher(conn, changes, fetch)
    for stored in dump.presets:
        info = stored.info
        known = conn.execute("SELECT 1 FROM presets WHERE identity = ?",
                             (info.identity,)).fetchone() is not None
        if known:
            here = set(conn.execute(
                "SELECT sha256, recorded_at FROM preset_versions WHERE identity = ?",
                (info.identity,)))
            lacking = [v for v in stored.history if (v.sha256, v.recorded_at) not in here]
        else:
            payloads.ensure(info.sha256)
            _insert_preset(conn, info)
            lacking = list(stored.history)
        for version in lacking:
            payloads.ensure(version.sha256)
            _append_version(conn, info.identity, version.sha256, version.recorded_at,
                            version.note)
        if not known:
            changes.added += 1
            changes.keys.append(preset_key(info.identity))
        elif lacking:
            changes.updated += 1
            changes.keys.append(preset_key(info.identity))
        else:
            changes.unchanged += 1
    # Snapshots only fill a gap: one kept here is never replaced.
    conn.executemany("UPDATE preset_payloads SET snapshot = ? "
                     "WHERE sha256 = ? AND snapshot IS NULL",
                     [(pack_snapshot(parameters), sha)
                      for sha, parameters in sorted(dump.snapshots.items())])
    return changes
