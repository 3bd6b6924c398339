"""The preset store's reads, and its part of ``db check`` and ``db info``; each function runs
on a connection inside a read transaction the catalogue opened."""

from __future__ import annotations

import sqlite3
from typing import Any

from pluginary.errors import UsageError
from pluginary.presets.model import (
    PRESET_PREFIX,
    ParamValue,
    PresetDump,
    PresetInfo,
    PresetVersion,
    StoredPreset,
    sha256,
)
from pluginary.presets.store import SourceState

from .connection import FOLD
from .presets_rows import (
    INFO_COLUMNS,
    VERSION_COLUMNS,
    info_from_row,
    unpack_snapshot,
    version_from_row,
)

#: The shortest key prefix ``get`` accepts: 4 hex digits leave few presets to choose from.
MIN_PREFIX = 4
#: How many candidates an ambiguous prefix error names.
MAX_CANDIDATES = 10
#: Above every character of a key (keys are hex digits): the end of a prefix's key range.
_AFTER_KEYS = "\U0010ffff"


def fold_tag(tag: str) -> str:
    """A tag as compared: trimmed, inner spaces collapsed, case-folded (as user tags are
    stored by :func:`pluginary.organisation.tag_name`)."""
    return " ".join(tag.split()).casefold()


def sources(conn: sqlite3.Connection, container: str) -> dict[str, SourceState]:
    return {path: SourceState(path=path, container=container, fingerprint=fingerprint)
            for path, fingerprint in conn.execute(
                "SELECT path, fingerprint FROM preset_sources WHERE container = ?",
                (container,))}


def find(conn: sqlite3.Connection, *, plugin: str | None, text: str, tag: str, container: str,
         missing: bool) -> list[PresetInfo]:
    """See :meth:`pluginary.presets.store.PresetStore.find`."""
    where: list[str] = []
    args: list[Any] = []
    if plugin is not None:
        where.append("p.plugin = ?")
        args.append(plugin)
    if container:
        where.append("p.container = ?")
        args.append(container)
    if not missing:
        where.append("p.missing = 0")
    for word in text.split():
        where.append(f"(instr({FOLD}(p.name), ?) OR instr({FOLD}(p.bank), ?) "
                     f"OR instr({FOLD}(p.author), ?))")
        args.extend([word.casefold()] * 3)
    wanted = fold_tag(tag)
    user_tagged = "0"
    if wanted:
        user_tagged = ("EXISTS (SELECT 1 FROM tags t WHERE t.tag = ? "
                       "AND t.target = ? || p.key)")
        # The file's own tags are JSON: rows without any cannot match them.
        where.append(f"({user_tagged} OR p.tags != '[]')")
        args = [wanted, PRESET_PREFIX, *args, wanted, PRESET_PREFIX]
    sql = f"SELECT {INFO_COLUMNS}, {user_tagged} FROM presets p"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY p.plugin, p.bank COLLATE NOCASE, p.name COLLATE NOCASE, p.key"
    found = []
    for row in conn.execute(sql, args):
        info = info_from_row(row[:-1])
        # A file tag is matched here, case-folded like a user tag, rather than in SQL: the
        # JSON functions are not in every SQLite this extension supports.
        if not wanted or row[-1] or wanted in {fold_tag(t) for t in info.tags}:
            found.append(info)
    return found


def get(conn: sqlite3.Connection, key: str) -> PresetInfo | None:
    """See :meth:`pluginary.presets.store.PresetStore.get`."""
    key = key.strip().lower()
    if not key:
        raise UsageError("an empty preset key matches nothing", hint="run 'pluginary preset list'")
    row = conn.execute(f"SELECT {INFO_COLUMNS} FROM presets p WHERE p.key = ?",
                       (key,)).fetchone()
    if row is not None:
        return info_from_row(row)
    if len(key) < MIN_PREFIX:
        raise UsageError(f"the preset key prefix {key!r} is too short",
                         hint=f"type {MIN_PREFIX} characters of the key at least")
    rows = conn.execute(
        f"SELECT {INFO_COLUMNS} FROM presets p WHERE p.key >= ? AND p.key < ? "
        "ORDER BY p.key LIMIT ?", (key, key + _AFTER_KEYS, MAX_CANDIDATES + 1)).fetchall()
    if not rows:
        return None
    if len(rows) > 1:
        found = [info_from_row(r) for r in rows]
        names = ", ".join(f"{p.key} ({p.name})" for p in found[:MAX_CANDIDATES])
        more = " ..." if len(rows) > MAX_CANDIDATES else ""
        raise UsageError(f"the preset key prefix {key!r} matches several presets: "
                         f"{names}{more}", hint="type more of the key")
    return info_from_row(rows[0])


def history(conn: sqlite3.Connection, key: str) -> list[PresetVersion]:
    """Every version of the preset ``key`` (exact), oldest first; [] for an unknown key."""
    return [version_from_row(row) for row in conn.execute(
        f"SELECT {VERSION_COLUMNS} FROM preset_versions v "
        "WHERE v.identity = (SELECT identity FROM presets WHERE key = ?) "
        "ORDER BY v.recorded_at, v.seq", (key,))]


def payload(conn: sqlite3.Connection, sha: str) -> bytes | None:
    row = conn.execute("SELECT data FROM preset_payloads WHERE sha256 = ?", (sha,)).fetchone()
    return None if row is None else bytes(row[0])


def snapshot(conn: sqlite3.Connection, sha: str) -> tuple[ParamValue, ...] | None:
    row = conn.execute("SELECT snapshot FROM preset_payloads WHERE sha256 = ?",
                       (sha,)).fetchone()
    return None if row is None else unpack_snapshot(row[0])


def payload_hashes(conn: sqlite3.Connection) -> set[str]:
    return {sha for (sha,) in conn.execute("SELECT sha256 FROM preset_payloads")}


def dump(conn: sqlite3.Connection) -> PresetDump:
    """Every preset (missing ones too) by identity, each with its history, and the snapshots."""
    histories: dict[str, list[PresetVersion]] = {}
    for identity, *row in conn.execute(
            f"SELECT v.identity, {VERSION_COLUMNS} FROM preset_versions v "
            "ORDER BY v.identity, v.recorded_at, v.seq"):
        histories.setdefault(identity, []).append(version_from_row(row))
    presets = tuple(
        StoredPreset(info=info, history=tuple(histories.get(info.identity, ())))
        for info in (info_from_row(row) for row in conn.execute(
            f"SELECT {INFO_COLUMNS} FROM presets p ORDER BY p.identity")))
    snapshots = {sha: parameters for sha, blob in conn.execute(
                     "SELECT sha256, snapshot FROM preset_payloads "
                     "WHERE snapshot IS NOT NULL ORDER BY sha256")
                 if (parameters := unpack_snapshot(blob)) is not None}
    return PresetDump(presets=presets, snapshots=snapshots)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The preset numbers ``pluginary db info`` shows."""
    presets, payloads, size = conn.execute(
        "SELECT (SELECT count(*) FROM presets), (SELECT count(*) FROM preset_payloads), "
        "(SELECT coalesce(sum(size), 0) FROM preset_payloads)").fetchone()
    return {"presets": presets, "preset_payloads": payloads, "preset_payload_bytes": size}


def problems(conn: sqlite3.Connection) -> list[str]:
    """What ``db check`` finds wrong with the presets: a payload whose bytes do not hash to its
    address (or whose size or snapshot is wrong), and presets or versions whose payload is not
    stored."""
    found: list[str] = []
    # Row by row: the cursor streams, so a large store is never held in memory at once.
    for sha, size, data, blob in conn.execute(
            "SELECT sha256, size, data, snapshot FROM preset_payloads ORDER BY sha256"):
        data = bytes(data) if isinstance(data, bytes | memoryview) else str(data).encode()
        actual = sha256(data)
        if actual != sha:
            found.append(f"preset payload {sha}: its bytes hash to {actual} (damaged)")
        elif len(data) != size:
            found.append(f"preset payload {sha}: {len(data)} bytes, but {size} recorded")
        try:
            unpack_snapshot(blob)
        except Exception as exc:  # msgspec's errors, a text value: all mean a bad snapshot
            found.append(f"preset payload {sha}: its parameter snapshot cannot be read ({exc})")
    for key, name, sha in conn.execute(
            "SELECT p.key, p.name, p.sha256 FROM presets p WHERE NOT EXISTS "
            "(SELECT 1 FROM preset_payloads pl WHERE pl.sha256 = p.sha256) ORDER BY p.key"):
        found.append(f"preset {key} ({name}): its current version {sha} has no stored payload")
    for key, name, sha in conn.execute(
            "SELECT DISTINCT p.key, p.name, v.sha256 FROM preset_versions v "
            "JOIN presets p ON p.identity = v.identity WHERE v.sha256 != p.sha256 "
            "AND NOT EXISTS (SELECT 1 FROM preset_payloads pl WHERE pl.sha256 = v.sha256) "
            "ORDER BY p.key, v.sha256"):
        found.append(f"preset {key} ({name}): version {sha} of its history has no stored "
                     "payload")
    return found
