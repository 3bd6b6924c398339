"""The catalogue's read queries, each on a connection inside a read transaction that the
catalogue opened (``SQLiteCatalogue._snapshot``)."""

from __future__ import annotations

import sqlite3
from typing import Any

from pluginary.catalogue import sort_records
from pluginary.errors import UsageError
from pluginary.models import (
    Fingerprint,
    Installation,
    PluginRecord,
    PluginSummary,
    Role,
    Status,
)

from . import codec, schema

#: How many candidates an ambiguous key prefix error lists.
MAX_CANDIDATES = 10


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_record(conn: sqlite3.Connection, key: str) -> PluginRecord | None:
    """The record with ``key`` (``format:uid``), or the one whose key starts with ``key``.

    An exact key wins (case-sensitive, then case-insensitive); otherwise a case-insensitive
    prefix must match exactly one plugin, else :class:`UsageError` lists the candidates.
    """
    key = key.strip()
    if not key:
        raise UsageError("an empty plugin ID matches nothing", hint="run 'pluginary list'")
    base = f"SELECT {codec.RECORD_COLUMNS} FROM plugins p {codec.BEST_INSTALLATION}"
    fmt, sep, uid = key.partition(":")
    if sep:
        row = conn.execute(base + " WHERE p.format = ? AND p.uid = ?", (fmt, uid)).fetchone()
        if row is not None:
            return codec.record_from_row(row)
    rows = conn.execute(
        "SELECT p.id, p.key FROM plugins p WHERE p.key LIKE ? ESCAPE '\\' "
        "ORDER BY p.key LIMIT ?", (_like_escape(key) + "%", MAX_CANDIDATES + 1),
    ).fetchall()
    exact = [r for r in rows if r[1].casefold() == key.casefold()]
    if len(exact) == 1:
        rows = exact
    if not rows:
        return None
    if len(rows) > 1:
        names = ", ".join(r[1] for r in rows[:MAX_CANDIDATES])
        more = " ..." if len(rows) > MAX_CANDIDATES else ""
        raise UsageError(f"the ID prefix {key!r} matches several plugins: {names}{more}",
                         hint="type more of the ID")
    row = conn.execute(base + " WHERE p.id = ?", (rows[0][0],)).fetchone()
    return None if row is None else codec.record_from_row(row)


def list_records(conn: sqlite3.Connection, *, format: str | None, status: str | None,
                 limit: int | None) -> list[PluginRecord]:
    """All records (each from its best installation), filtered, ordered by name."""
    sql = f"SELECT {codec.RECORD_COLUMNS} FROM plugins p {codec.BEST_INSTALLATION}"
    where: list[str] = []
    args: list[Any] = []
    if format is not None:
        where.append("p.format = ?")
        args.append(format)
    if status is not None:
        where.append("coalesce(i.status, 'ok') = ?")
        args.append(status)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY p.name COLLATE NOCASE, p.vendor COLLATE NOCASE, p.key"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(max(0, limit))
    rows = conn.execute(sql, args).fetchall()
    return sort_records([codec.record_from_row(r) for r in rows])


def summaries(conn: sqlite3.Connection) -> list[PluginSummary]:
    """Every installation with its plugin's identity, name and vendor; no parameter blob is
    read. A plugin without installations (only in hand-made data) gives one row without a
    path, so every plugin is there."""
    return [PluginSummary(
                format=fmt, uid=uid, name=name, vendor=vendor, path=path or "",
                fingerprint=None if fp_path is None else Fingerprint(
                    path=fp_path, size=fp_size, mtime_ns=fp_mtime, metadata=fp_meta or ""),
                status=Status(status or "ok"), version=version or "",
                categories=codec.decode_categories(categories), role=Role(role),
                audio_inputs=ins, audio_outputs=outs, category=category,
                category_guessed=bool(guessed))
            for (fmt, uid, name, vendor, path, fp_path, fp_size, fp_mtime, fp_meta, status,
                 version, categories, role, ins, outs, category, guessed) in conn.execute(
                "SELECT p.format, p.uid, p.name, p.vendor, i.path, i.fp_path, i.fp_size, "
                "i.fp_mtime_ns, i.fp_metadata, i.status, "
                "coalesce(nullif(i.version, ''), p.version), p.categories, p.role, p.audio_inputs, "
                "p.audio_outputs, p.category, p.category_guessed FROM plugins p "
                "LEFT JOIN installations i ON i.plugin_id = p.id "
                "ORDER BY p.format, p.uid, i.path")]


def installations(conn: sqlite3.Connection, key: str | None) -> list[Installation]:
    """Every installation, or those of the plugin ``key`` (exact ``format:uid``)."""
    sql = ("SELECT p.format || ':' || p.uid, i.path, i.version, i.status, i.cause, i.tier, "
           "i.architecture FROM installations i JOIN plugins p ON p.id = i.plugin_id")
    args: tuple[str, ...] = ()
    if key is not None:
        fmt, _, uid = key.partition(":")
        sql += " WHERE p.format = ? AND p.uid = ?"
        args = (fmt, uid)
    sql += " ORDER BY p.format, p.uid, i.path"
    return [Installation(key=k, path=path, version=version, status=Status(status),
                         cause=cause, tier=tier, architecture=arch)
            for k, path, version, status, cause, tier, arch in conn.execute(sql, args)]


def counts(conn: sqlite3.Connection) -> dict[str, Any]:
    """The numbers ``pluginary db info`` shows."""
    plugins, parameters, installations, scans, linked = conn.execute(
        "SELECT (SELECT count(*) FROM plugins), "
        "(SELECT coalesce(sum(count), 0) FROM parameters), "
        "(SELECT count(*) FROM installations), (SELECT count(*) FROM scans), "
        "(SELECT count(*) FROM products)").fetchone()
    return {"schema_version": schema.user_version(conn), "plugins": plugins,
            "parameters": parameters, "scans": scans, "installations": installations,
            "products": linked,
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
            "page_size": conn.execute("PRAGMA page_size").fetchone()[0],
            "pages": conn.execute("PRAGMA page_count").fetchone()[0],
            "free_pages": conn.execute("PRAGMA freelist_count").fetchone()[0]}


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` find; empty when sound."""
    problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    return problems + [f"foreign key: {table} row {rowid} points to a missing {parent}"
                       for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
