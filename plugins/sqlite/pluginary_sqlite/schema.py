"""The catalogue schema, as an ordered list of forward-only migrations.

``PRAGMA user_version`` holds the schema version of a file. ``MIGRATIONS[n]`` takes a catalogue
from version ``n`` to ``n + 1``, so a new file runs every step from 0 and an old one runs only the
steps it lacks: the DDL of every past version stays here, executed, and tested. Migrations are
never edited once released and never run backwards; a file newer than ``CURRENT_VERSION`` is
refused before anything writes to it.

Version 1: ``plugins`` with one installation per plugin (path, fingerprint, status... as
columns), packed ``parameters``, the FTS5 index kept in sync by triggers, and the ``scans`` and
``jobs`` journal tables.

Version 2: installations move into their own table, so one plugin identity ``(format, uid)``
can be installed at several paths, each with its own fingerprint, architecture and status.

Version 3: the scan journal grows what resume and incremental rescans need: ``candidates``
remembers every file or bundle seen (fingerprint, status, cause, deepest tier, load time, the
crash block), jobs record their tiers and dispatch state, and scans their options.

Version 4: products. ``products`` holds one row per product (its content-derived key, display
name and vendor, and what linked it); ``plugins.product`` names the product of each plugin. The
core computes the links (``pluginary.products``) and the scan engine stores them at the end of
every scan; a migrated catalogue has none until its next scan.

Version 5: the compatibility database (``compat``).

Version 6: search and organisation. ``plugins.category`` holds the tree category derived from
the raw categories (computed for existing rows by the migration itself), the word index gains it,
``plugins_trigram`` indexes names and vendors by trigrams for substring search, and ``tags``,
``collections``, ``collection_members`` and ``saved_searches`` keep the user's organisation.

Version 7: presets (:mod:`pluginary.presets.store`, implemented in ``presets*.py``).
``preset_payloads`` holds each distinct payload once, content-addressed by its sha256, with the
parameter snapshot made of it (msgpack, NULL when none was made); ``presets`` holds one row per
preset identity with its metadata and current version; ``preset_versions`` its history;
``preset_sources`` what each preset file or bundle was when last read (fingerprint, and the
identities it yielded). Everything is keyed by identities and hashes, never by row ids, so a
backup merges into another catalogue.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from pluginary.categories import CategoryMap

from .codec import decode_categories

#: One migration step: an SQL statement, or a function for what SQL cannot do alone.
Step = str | Callable[[sqlite3.Connection], None]

#: The FTS5 columns of versions 1-5. Frozen: the DDL of a released version never changes.
_V1_FTS_COLUMNS = ("name", "vendor", "categories", "description", "param_names")
#: The FTS5 columns now (version 6 added the tree category), in order; the search weights in
#: search.py follow this order.
FTS_COLUMNS = (*_V1_FTS_COLUMNS, "category")


def _fts_ddl(table: str, columns: Sequence[str], options: str) -> tuple[str, ...]:
    """An external-content FTS5 index over ``plugins`` and the triggers that keep it in step."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5 ({listed}, content = 'plugins', "
        f"content_rowid = 'id', {options})",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON plugins BEGIN "
        f"INSERT INTO {table} (rowid, {listed}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON plugins BEGIN "
        f"INSERT INTO {table} ({table}, rowid, {listed}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF {listed} ON plugins BEGIN "
        f"INSERT INTO {table} ({table}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {table} (rowid, {listed}) VALUES (new.id, {new}); END",
    )


_FTS_VALUES_NEW = ", ".join(f"new.{c}" for c in _V1_FTS_COLUMNS)
_FTS_VALUES_OLD = ", ".join(f"old.{c}" for c in _V1_FTS_COLUMNS)
_FTS_LIST = ", ".join(_V1_FTS_COLUMNS)

V1: tuple[str, ...] = (
    """
    CREATE TABLE plugins (
        id            INTEGER PRIMARY KEY,
        format        TEXT NOT NULL,
        uid           TEXT NOT NULL,
        key           TEXT COLLATE NOCASE GENERATED ALWAYS AS (format || ':' || uid) VIRTUAL,
        name          TEXT NOT NULL,
        vendor        TEXT NOT NULL DEFAULT '',
        version       TEXT NOT NULL DEFAULT '',
        role          TEXT NOT NULL DEFAULT 'unknown',
        categories    TEXT NOT NULL DEFAULT '[]',   -- JSON array, as declared
        description   TEXT NOT NULL DEFAULT '',
        audio_inputs  INTEGER,
        audio_outputs INTEGER,
        midi_inputs   INTEGER,
        midi_outputs  INTEGER,
        extra         TEXT NOT NULL DEFAULT '{}',   -- JSON object
        param_names   TEXT NOT NULL DEFAULT '',     -- distinct parameter names, for FTS only
        file_path     TEXT NOT NULL DEFAULT '',
        bundle_path   TEXT NOT NULL DEFAULT '',
        fp_path       TEXT,                         -- NULL: no fingerprint
        fp_size       INTEGER,
        fp_mtime_ns   INTEGER,
        fp_metadata   TEXT,
        architecture  TEXT NOT NULL DEFAULT '',
        status        TEXT NOT NULL DEFAULT 'ok',
        cause         TEXT NOT NULL DEFAULT '',
        tier          INTEGER NOT NULL DEFAULT 0,
        updated_at    REAL NOT NULL,
        UNIQUE (format, uid)
    )
    """,
    "CREATE INDEX plugins_status ON plugins (status)",
    """
    CREATE TABLE parameters (
        plugin_id INTEGER PRIMARY KEY REFERENCES plugins (id) ON DELETE CASCADE,
        count     INTEGER NOT NULL,
        data      BLOB NOT NULL                     -- zlib(msgpack(tuple[Parameter, ...]))
    )
    """,
    f"""
    CREATE VIRTUAL TABLE plugins_fts USING fts5 (
        {_FTS_LIST},
        content = 'plugins', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )
    """,
    f"""
    CREATE TRIGGER plugins_fts_insert AFTER INSERT ON plugins BEGIN
        INSERT INTO plugins_fts (rowid, {_FTS_LIST}) VALUES (new.id, {_FTS_VALUES_NEW});
    END
    """,
    f"""
    CREATE TRIGGER plugins_fts_delete AFTER DELETE ON plugins BEGIN
        INSERT INTO plugins_fts (plugins_fts, rowid, {_FTS_LIST})
            VALUES ('delete', old.id, {_FTS_VALUES_OLD});
    END
    """,
    f"""
    CREATE TRIGGER plugins_fts_update AFTER UPDATE OF {_FTS_LIST} ON plugins BEGIN
        INSERT INTO plugins_fts (plugins_fts, rowid, {_FTS_LIST})
            VALUES ('delete', old.id, {_FTS_VALUES_OLD});
        INSERT INTO plugins_fts (rowid, {_FTS_LIST}) VALUES (new.id, {_FTS_VALUES_NEW});
    END
    """,
    """
    CREATE TABLE scans (
        id          INTEGER PRIMARY KEY,
        started_at  REAL NOT NULL,
        finished_at REAL,
        status      TEXT NOT NULL DEFAULT 'running',
        roots       TEXT NOT NULL DEFAULT '[]',     -- JSON array
        formats     TEXT NOT NULL DEFAULT '[]'      -- JSON array
    )
    """,
    """
    CREATE TABLE jobs (
        id          INTEGER PRIMARY KEY,
        scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        format      TEXT NOT NULL,
        path        TEXT NOT NULL,
        fingerprint TEXT,
        status      TEXT NOT NULL,
        cause       TEXT NOT NULL DEFAULT '',
        tier        INTEGER NOT NULL DEFAULT 0,
        seconds     REAL,
        stderr      TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX jobs_scan_status ON jobs (scan_id, status)",
)

_MOVED_TO_INSTALLATIONS = ("file_path", "bundle_path", "fp_path", "fp_size", "fp_mtime_ns",
                           "fp_metadata", "architecture", "status", "cause", "tier")

V2: tuple[str, ...] = (
    """
    CREATE TABLE installations (
        id           INTEGER PRIMARY KEY,
        plugin_id    INTEGER NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
        path         TEXT NOT NULL,                 -- bundle_path, or file_path when no bundle
        file_path    TEXT NOT NULL DEFAULT '',
        bundle_path  TEXT NOT NULL DEFAULT '',
        fp_path      TEXT,                          -- NULL: no fingerprint
        fp_size      INTEGER,
        fp_mtime_ns  INTEGER,
        fp_metadata  TEXT,
        architecture TEXT NOT NULL DEFAULT '',
        status       TEXT NOT NULL DEFAULT 'ok',
        cause        TEXT NOT NULL DEFAULT '',
        tier         INTEGER NOT NULL DEFAULT 0,
        updated_at   REAL NOT NULL,
        UNIQUE (plugin_id, path)
    )
    """,
    f"""
    INSERT INTO installations (plugin_id, path, {", ".join(_MOVED_TO_INSTALLATIONS)}, updated_at)
        SELECT id, CASE WHEN bundle_path != '' THEN bundle_path ELSE file_path END,
               {", ".join(_MOVED_TO_INSTALLATIONS)}, updated_at
        FROM plugins
    """,
    "CREATE INDEX installations_status ON installations (status)",
    "DROP INDEX plugins_status",
    *(f"ALTER TABLE plugins DROP COLUMN {column}" for column in _MOVED_TO_INSTALLATIONS),
)

V3: tuple[str, ...] = (
    """
    CREATE TABLE candidates (
        path        TEXT PRIMARY KEY,               -- the file or bundle as discovered
        format      TEXT NOT NULL,
        fingerprint TEXT,                           -- JSON Fingerprint of the real binary
        status      TEXT NOT NULL,
        cause       TEXT NOT NULL DEFAULT '',
        tier        INTEGER NOT NULL DEFAULT 0,     -- the deepest tier attempted
        seconds     REAL,                           -- how long that tier took
        vendor      TEXT NOT NULL DEFAULT '',
        blocked     INTEGER NOT NULL DEFAULT 0,     -- crashed twice: skipped until it changes
        stderr      TEXT NOT NULL DEFAULT '',
        plugins     INTEGER NOT NULL DEFAULT 0,
        updated_at  REAL NOT NULL
    ) WITHOUT ROWID
    """,
    "CREATE INDEX candidates_format_status ON candidates (format, status)",
    "CREATE INDEX installations_path ON installations (path)",
    # Two installations of one plugin can be two versions: each keeps its own.
    "ALTER TABLE installations ADD COLUMN version TEXT NOT NULL DEFAULT ''",
    "UPDATE installations SET version = (SELECT version FROM plugins p WHERE p.id = plugin_id)",
    "ALTER TABLE jobs ADD COLUMN tiers TEXT NOT NULL DEFAULT '[1]'",
    "ALTER TABLE jobs ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'",
    # the msgpack Candidate, replayed on resume
    "ALTER TABLE jobs ADD COLUMN candidate BLOB",
    "ALTER TABLE scans ADD COLUMN options TEXT NOT NULL DEFAULT '{}'",
    "CREATE INDEX scans_status ON scans (status)",
)

V4: tuple[str, ...] = (
    """
    CREATE TABLE products (
        key    TEXT PRIMARY KEY,                    -- normalised vendor/name, never a row id
        name   TEXT NOT NULL,
        vendor TEXT NOT NULL DEFAULT '',
        links  TEXT NOT NULL DEFAULT '[]'           -- JSON array: name, dpf-id
    ) WITHOUT ROWID
    """,
    # NULL: not linked yet (written outside a scan, or migrated and not rescanned).
    "ALTER TABLE plugins ADD COLUMN product TEXT REFERENCES products (key) ON DELETE SET NULL",
    "CREATE INDEX plugins_product ON plugins (product)",
)

V5: tuple[str, ...] = (
    # The compatibility database: the newest outcome per plugin version, OS, architecture and
    # source (scan, later validation). Identity, never a row id: it is exported and merged.
    """
    CREATE TABLE compat (
        format      TEXT NOT NULL,
        uid         TEXT NOT NULL,
        version     TEXT NOT NULL DEFAULT '',
        os          TEXT NOT NULL,
        arch        TEXT NOT NULL,
        source      TEXT NOT NULL DEFAULT 'scan',
        status      TEXT NOT NULL,
        tier        INTEGER NOT NULL DEFAULT 0,
        seconds     REAL,
        cause       TEXT NOT NULL DEFAULT '',
        recorded_at REAL NOT NULL,
        PRIMARY KEY (format, uid, version, os, arch, source)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX compat_status ON compat (status)",
)



def _derive_categories(conn: sqlite3.Connection) -> None:
    """Give every stored plugin its tree category from the built-in map (the scan engine
    re-derives with the extensions' maps and the rules at the end of the next scan)."""
    tree = CategoryMap.builtin()
    rows = conn.execute("SELECT id, format, name, categories, role, audio_inputs, "
                        "audio_outputs FROM plugins").fetchall()
    updates = []
    for row_id, fmt, name, categories, role, ins, outs in rows:
        derived = tree.derive(format=fmt, name=name, categories=decode_categories(categories),
                              role=role, audio_inputs=ins, audio_outputs=outs)
        updates.append((derived.path, int(derived.guessed), row_id))
    conn.executemany("UPDATE plugins SET category = ?, category_guessed = ? WHERE id = ?",
                     updates)


V6: tuple[Step, ...] = (
    # The tree category (pluginary.categories), derived from the raw categories and stored
    # for search; the raw ones stay as declared.
    "ALTER TABLE plugins ADD COLUMN category TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE plugins ADD COLUMN category_guessed INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX plugins_category ON plugins (category)",
    # A narrow copy of what filters and listings read, in listing order: a search scans this
    # (about 60 bytes a plugin) instead of the wide rows with their parameter names, and a
    # listing by name needs no sort.
    """
    CREATE INDEX plugins_browse ON plugins (name COLLATE NOCASE, vendor COLLATE NOCASE, format,
        uid, role, category, audio_inputs, audio_outputs, product)
    """,
    "CREATE INDEX parameters_count ON parameters (count)",
    "CREATE INDEX installations_plugin_status ON installations (plugin_id, status)",
    # The word index gains the tree category ("reverb" finds Effect/Reverb): rebuilt.
    "DROP TRIGGER plugins_fts_insert",
    "DROP TRIGGER plugins_fts_delete",
    "DROP TRIGGER plugins_fts_update",
    "DROP TABLE plugins_fts",
    *_fts_ddl("plugins_fts", FTS_COLUMNS,
              "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"),
    # Substrings of names and vendors ("verb" finds ZamVerb) through a trigram index.
    *_fts_ddl("plugins_trigram", ("name", "vendor"), "tokenize = 'trigram'"),
    # The user's organisation, keyed by identities (format:uid, product:<key>, names), never
    # by row ids: it outlives the plugin rows it names.
    """
    CREATE TABLE tags (
        tag      TEXT NOT NULL,                     -- case-folded
        target   TEXT NOT NULL,                     -- format:uid, or product:<product key>
        added_at REAL NOT NULL,
        PRIMARY KEY (tag, target)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX tags_target ON tags (target)",
    """
    CREATE TABLE saved_searches (
        name       TEXT PRIMARY KEY COLLATE NOCASE,
        query      TEXT NOT NULL,
        created_at REAL NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE collections (
        name       TEXT PRIMARY KEY COLLATE NOCASE, -- 'Mixing' or 'Mixing/Bus'
        saved      TEXT NOT NULL DEFAULT '',        -- smart: the saved search defining it
        created_at REAL NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE collection_members (
        collection TEXT NOT NULL COLLATE NOCASE
                   REFERENCES collections (name) ON UPDATE CASCADE ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        member     TEXT NOT NULL,                   -- format:uid
        PRIMARY KEY (collection, member)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX collection_members_member ON collection_members (member)",
    "INSERT INTO plugins_fts (plugins_fts) VALUES ('rebuild')",
    _derive_categories,
    "INSERT INTO plugins_trigram (plugins_trigram) VALUES ('rebuild')",
)

V7: tuple[Step, ...] = (
    # A rowid table, not WITHOUT ROWID: payloads are kilobytes, and SQLite advises rowid tables
    # for rows that large.
    """
    CREATE TABLE preset_payloads (
        sha256   TEXT PRIMARY KEY,                  -- of data: the content address
        size     INTEGER NOT NULL,
        data     BLOB NOT NULL,                     -- the native container's bytes, as read
        snapshot BLOB                               -- msgpack tuple[ParamValue, ...], or NULL
    )
    """,
    """
    CREATE TABLE presets (
        identity   TEXT PRIMARY KEY,                -- LV2 URI, file:<path>, capture:<key>/<name>
        key        TEXT NOT NULL UNIQUE,            -- preset_key(identity): the short handle
        plugin     TEXT NOT NULL DEFAULT '',        -- format:uid, '' when the file does not say
        name       TEXT NOT NULL,
        container  TEXT NOT NULL,
        bank       TEXT NOT NULL DEFAULT '',
        author     TEXT NOT NULL DEFAULT '',
        tags       TEXT NOT NULL DEFAULT '[]',      -- JSON array: the file's own tags
        source     TEXT NOT NULL DEFAULT '',
        meta       TEXT NOT NULL DEFAULT '{}',      -- JSON object
        sha256     TEXT NOT NULL REFERENCES preset_payloads (sha256),  -- the current version
        missing    INTEGER NOT NULL DEFAULT 0,      -- its source no longer yields it
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    ) WITHOUT ROWID
    """,
    "CREATE INDEX presets_plugin ON presets (plugin, bank, name)",
    # The history, read ordered by recorded_at, then seq (a merge adds older versions last).
    """
    CREATE TABLE preset_versions (
        identity    TEXT NOT NULL REFERENCES presets (identity),
        seq         INTEGER NOT NULL,
        sha256      TEXT NOT NULL REFERENCES preset_payloads (sha256),
        recorded_at REAL NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (identity, seq)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE preset_sources (
        container   TEXT NOT NULL,
        path        TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        identities  TEXT NOT NULL DEFAULT '[]',     -- JSON array: the presets it yielded
        PRIMARY KEY (container, path)
    ) WITHOUT ROWID
    """,
)

#: ``MIGRATIONS[n]`` upgrades a catalogue from schema version ``n`` to ``n + 1``.
MIGRATIONS: tuple[Sequence[Step], ...] = (V1, V2, V3, V4, V5, V6, V7)
CURRENT_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def has_foreign_tables(conn: sqlite3.Connection) -> bool:
    """True when a version-0 file already holds tables, i.e. it is some other program's database."""
    row = conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()
    return int(row[0]) > 0


def apply_migrations(conn: sqlite3.Connection, target: int = CURRENT_VERSION) -> tuple[int, int]:
    """Run the missing steps up to ``target``, one transaction per step; return (from, to).

    ``conn`` must be in autocommit mode (isolation_level None). A failing step rolls back and
    leaves the file at the last completed version.
    """
    start = user_version(conn)
    if start > target:
        raise ValueError(f"schema version {start} is newer than {target}")
    for version in range(start, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            if user_version(conn) != version:
                conn.execute("ROLLBACK")
                continue
            for step in MIGRATIONS[version]:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return start, user_version(conn)
