"""Every earlier schema version, built from its real DDL with data, opens with the current code."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import msgspec
import pytest
from conftest import open_db
from presetdata import CONTAINER, fingerprint, read_bundle
from records import hits, make_record, make_records

from pluginary.errors import CatalogueTooNewError, StorageError
from pluginary.models import (
    CandidateState,
    PluginRecord,
    ScanOutcome,
    Status,
)
from pluginary.organisation import Tagging
from pluginary.presets.model import PRESET_PREFIX, preset_key
from pluginary.products import link_products
from pluginary_sqlite import CURRENT_VERSION
from pluginary_sqlite.codec import (
    UPSERT_INSTALLATION,
    UPSERT_PARAMETERS,
    Rows,
    pack_parameters,
)
from pluginary_sqlite.schema import apply_migrations


def build_v1(path: Path, records: list[PluginRecord]) -> None:
    """A version-1 catalogue as the v1 code wrote it: one installation per plugins row."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        assert apply_migrations(conn, target=1) == (0, 1)
        conn.execute("BEGIN")
        for r in records:
            fp = r.fingerprint
            cur = conn.execute(
                "INSERT INTO plugins (format, uid, name, vendor, version, role, categories, "
                "description, audio_inputs, audio_outputs, midi_inputs, midi_outputs, extra, "
                "param_names, file_path, bundle_path, fp_path, fp_size, fp_mtime_ns, "
                "fp_metadata, architecture, status, cause, tier, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (r.format, r.uid, r.name, r.vendor, r.version, r.role.value,
                 msgspec.json.encode(r.categories).decode(), r.description, r.audio_inputs,
                 r.audio_outputs, r.midi_inputs, r.midi_outputs,
                 msgspec.json.encode(r.extra).decode(),
                 "\n".join(p.name for p in r.parameters), r.file_path, r.bundle_path,
                 fp.path if fp else None, fp.size if fp else None,
                 fp.mtime_ns if fp else None, fp.metadata if fp else None, r.architecture,
                 r.status.value, r.cause, r.tier, time.time()))
            conn.execute("INSERT INTO parameters (plugin_id, count, data) VALUES (?, ?, ?)",
                         (cur.lastrowid, len(r.parameters), pack_parameters(r.parameters)))
        conn.execute("INSERT INTO scans (started_at, finished_at, status) VALUES (1, 2, 'done')")
        conn.execute("COMMIT")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = {row[1] for row in conn.execute("PRAGMA table_info(plugins)")}
        assert {"file_path", "status", "tier"} <= columns
    finally:
        conn.close()


def v1_records() -> list[PluginRecord]:
    records = make_records(25)
    # a record without a bundle (single-file plugin) and one without a fingerprint
    records.append(msgspec.structs.replace(make_record(100), bundle_path="", fingerprint=None))
    records.append(PluginRecord(format="ladspa", uid="1049", name="Delay",
                                file_path="/usr/lib/ladspa/delay.so"))
    return records


#: How versions 2-5 wrote a plugin row (version 6 added the tree category): frozen here, as
#: the migrations are, so the old files are built the way the old code built them.
V5_UPSERT_PLUGIN = """
    INSERT INTO plugins (format, uid, name, vendor, version, role, categories, description,
                         audio_inputs, audio_outputs, midi_inputs, midi_outputs, extra,
                         param_names, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def v5_plugin_rows(rows: Rows) -> list[tuple[object, ...]]:
    return [row[:-2] for row in rows.plugins]  # without category, category_guessed


def as_written(record: PluginRecord | None) -> PluginRecord | None:
    """A record read back from a migrated file, without the tree category the migration
    derived (the records written before had none)."""
    if record is None:
        return None
    return msgspec.structs.replace(record, category="", category_guessed=False)


def test_current_version_is_seven() -> None:
    assert CURRENT_VERSION == 7


def test_v1_catalogue_opens_migrated_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    records = v1_records()
    build_v1(path, records)
    v1_bytes = None
    catalogue = open_db(path, create=False)
    try:
        info = catalogue.info()
        assert info.schema_version == CURRENT_VERSION
        assert info.plugins == len(records)
        assert info.details["installations"] == len(records)
        assert info.scans == 1
        assert info.parameters == sum(len(r.parameters) for r in records)
        for r in records:
            assert as_written(catalogue.get(r.key)) == r
        assert catalogue.list() == sorted(catalogue.list(), key=lambda r: r.name.casefold())
        assert {h.record.key for h in hits(catalogue, "reverb", limit=100)} \
            == {r.key for r in records if "Reverb" in r.categories}
        assert catalogue.check() == []
        report = catalogue.migrate()
        assert (report.from_version, report.to_version) == (1, CURRENT_VERSION)
        assert report.backup_path == str(tmp_path / "old.db.v1.bak")
        again = catalogue.migrate()
        assert (again.from_version, again.to_version, again.backup_path) == (
            CURRENT_VERSION, CURRENT_VERSION, "")
        # the new code writes installations: a second installation of a migrated plugin
        moved = msgspec.structs.replace(records[0], bundle_path="/opt/vst3/Moved.vst3")
        catalogue.upsert([moved])
        assert catalogue.info().details["installations"] == len(records) + 1
        assert catalogue.info().plugins == len(records)
    finally:
        catalogue.close()
    # the backup is a consistent v1 catalogue with the same data
    backup = sqlite3.connect(tmp_path / "old.db.v1.bak")
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
        assert backup.execute("SELECT count(*) FROM plugins").fetchone()[0] == len(records)
        v1_bytes = backup.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        backup.close()
    assert v1_bytes == "ok"


def test_v1_backup_name_does_not_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_v1(path, v1_records()[:3])
    (tmp_path / "old.db.v1.bak").write_bytes(b"an older backup")
    catalogue = open_db(path)
    try:
        report = catalogue.migrate()
    finally:
        catalogue.close()
    assert (tmp_path / "old.db.v1.bak").read_bytes() == b"an older backup"
    assert report.backup_path == str(tmp_path / "old.db.v1.1.bak")


def test_too_new_catalogue_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    catalogue = open_db(path)
    catalogue.upsert(make_records(5))
    catalogue.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    siblings = sorted(p.name for p in tmp_path.iterdir())
    for create in (True, False):
        with pytest.raises(CatalogueTooNewError) as info:
            open_db(path, create=create)
        assert f"schema version {CURRENT_VERSION + 1}" in info.value.message
        assert info.value.hint
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_other_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError) as info:
        open_db(path)
    assert "not a Pluginary catalogue" in info.value.message
    assert path.read_bytes() == before


def test_empty_file_becomes_a_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    catalogue = open_db(path, create=False)
    try:
        assert catalogue.info().schema_version == CURRENT_VERSION
    finally:
        catalogue.close()


def build_v2(path: Path, records: list[PluginRecord]) -> None:
    """A version-2 catalogue as the v2 code wrote it: installations, no candidates table."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        assert apply_migrations(conn, target=2) == (0, 2)
        rows = Rows(records)
        conn.execute("BEGIN")
        conn.executemany(V5_UPSERT_PLUGIN, v5_plugin_rows(rows))
        # The v2 code's installation insert: no version column yet.
        conn.executemany(
            "INSERT INTO installations (plugin_id, path, file_path, bundle_path, fp_path, "
            "fp_size, fp_mtime_ns, fp_metadata, architecture, status, cause, tier, updated_at) "
            "VALUES ((SELECT id FROM plugins WHERE format = ? AND uid = ?), "
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [row[:-1] for row in rows.installations])
        conn.executemany(UPSERT_PARAMETERS, rows.parameters)
        conn.execute("INSERT INTO scans (started_at, finished_at, status) VALUES (1, 2, 'done')")
        conn.execute("INSERT INTO jobs (scan_id, format, path, status) "
                     "VALUES (1, 'vst3', '/x.vst3', 'ok')")
        conn.execute("COMMIT")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        assert "candidates" not in tables and "installations" in tables
    finally:
        conn.close()


def test_v2_catalogue_opens_migrated_with_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    records = v1_records()
    build_v2(path, records)
    catalogue = open_db(path, create=False)
    try:
        assert catalogue.info().schema_version == CURRENT_VERSION
        for r in records:
            assert as_written(catalogue.get(r.key)) == r
        report = catalogue.migrate()
        assert (report.from_version, report.to_version) == (2, CURRENT_VERSION)
        assert report.backup_path == str(tmp_path / "v2.db.v2.bak")
        # the old journal rows are still there, and the new journal works beside them
        assert catalogue.info().scans == 1
        assert catalogue.unfinished_scan() is None
        assert catalogue.candidates() == {}
        assert catalogue.check() == []
    finally:
        catalogue.close()


def build_v3(path: Path, records: list[PluginRecord]) -> None:
    """A version-3 catalogue as the v3 code wrote it: the journal, no products."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        assert apply_migrations(conn, target=3) == (0, 3)
        rows = Rows(records)
        conn.execute("BEGIN")
        conn.executemany(V5_UPSERT_PLUGIN, v5_plugin_rows(rows))
        conn.executemany(UPSERT_INSTALLATION, rows.installations)
        conn.executemany(UPSERT_PARAMETERS, rows.parameters)
        conn.execute("INSERT INTO scans (started_at, finished_at, status) "
                     "VALUES (1, 2, 'finished')")
        conn.execute(
            "INSERT INTO candidates (path, format, status, tier, plugins, updated_at) "
            "VALUES ('/usr/lib/ladspa/delay.so', 'ladspa', 'ok', 1, 1, 1)")
        conn.execute("COMMIT")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        assert "products" not in tables and "candidates" in tables
        columns = {row[1] for row in conn.execute("PRAGMA table_info(plugins)")}
        assert "product" not in columns
    finally:
        conn.close()


def test_v3_catalogue_opens_migrated_and_links_products(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    zam = [PluginRecord(format="vst3", uid="2046504473616C63504D435A00000000", name="ZamComp",
                        vendor="Damien Zammit", bundle_path="/usr/lib/vst3/ZamComp.vst3"),
           PluginRecord(format="ladspa", uid="1514360144", name="ZamComp",
                        vendor="Damien Zammit <damien@zamaudio.com>",
                        file_path="/usr/lib/ladspa/ZamComp-ladspa.so")]
    records = v1_records() + zam
    build_v3(path, records)
    catalogue = open_db(path, create=False)
    try:
        assert catalogue.info().schema_version == CURRENT_VERSION
        report = catalogue.migrate()
        assert (report.from_version, report.to_version) == (3, CURRENT_VERSION)
        assert report.backup_path == str(tmp_path / "v3.db.v3.bak")
        for r in records:
            assert as_written(catalogue.get(r.key)) == r
        # the journal survived, and no product exists until something links them
        assert catalogue.candidates()["/usr/lib/ladspa/delay.so"].status == Status.OK
        assert catalogue.info().scans == 1
        assert catalogue.products() == []
        assert catalogue.info().details["products"] == 0
        catalogue.replace_products(link_products(catalogue.list()))
        (comp,) = catalogue.products(member="ladspa:1514360144")
        assert comp.formats == ("ladspa", "vst3") and comp.key == "damienzammit/zamcomp"
        assert len(catalogue.products()) == len(records) - 1
        # the new code still writes the journal on the migrated file
        scan = catalogue.begin_scan(formats=["ladspa"], roots=[], options={})
        state = CandidateState(format="ladspa", path="/x.so", status=Status.OK, plugins=0)
        catalogue.record_outcomes(scan, [ScanOutcome(job_id=None, state=state)])
        catalogue.finish_scan(scan, status="finished")
        assert catalogue.candidates()["/x.so"] == state
        assert catalogue.check() == []
    finally:
        catalogue.close()
    backup = sqlite3.connect(tmp_path / "v3.db.v3.bak")
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 3
        assert backup.execute("SELECT count(*) FROM plugins").fetchone()[0] == len(records)
    finally:
        backup.close()


def test_v4_catalogue_opens_migrated_with_categories_search_and_organisation(
        tmp_path: Path) -> None:
    """Version 6 (search and organisation) on a file the version-4 code wrote: the tree
    category is derived by the migration itself, the word index gains it, the trigram index is
    built for existing rows, and the organisation tables take tags at once."""
    path = tmp_path / "v4.db"
    zam = [PluginRecord(format="vst3", uid="2046504473616C63504D435A00000000", name="ZamComp",
                        vendor="Damien Zammit", categories=("Fx", "Dynamics", "Mono"),
                        bundle_path="/usr/lib/vst3/ZamComp.vst3"),
           PluginRecord(format="lv2", uid="urn:zamaudio:ZamVerb", name="ZamVerb",
                        vendor="Damien Zammit", categories=("Reverb Plugin",),
                        bundle_path="/usr/lib/lv2/ZamVerb.lv2")]
    records = v1_records() + zam
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert apply_migrations(conn, target=4) == (0, 4)
        rows = Rows(records)
        conn.execute("BEGIN")
        conn.executemany(V5_UPSERT_PLUGIN, v5_plugin_rows(rows))
        conn.executemany(UPSERT_INSTALLATION, rows.installations)
        conn.executemany(UPSERT_PARAMETERS, rows.parameters)
        conn.execute("COMMIT")
    finally:
        conn.close()
    catalogue = open_db(path, create=False)
    try:
        report = catalogue.migrate()
        assert (report.from_version, report.to_version) == (4, CURRENT_VERSION)
        for r in records:
            assert as_written(catalogue.get(r.key)) == r
        comp = catalogue.get(zam[0].key)
        verb = catalogue.get(zam[1].key)
        assert comp is not None and comp.category.startswith("Effect/Dynamics")
        assert verb is not None and verb.category == "Effect/Reverb"
        # a substring through the trigram index built by the migration
        assert [h.record.name for h in hits(catalogue, "verb vendor:zammit")] == ["ZamVerb"]
        # the tree category is searchable as words
        assert verb.key in {h.record.key for h in hits(catalogue, "effect reverb", limit=None)}
        catalogue.add_tags([Tagging(tag="favourite", target=comp.key)])
        assert [h.record.key for h in hits(catalogue, "tag:favourite")] == [comp.key]
        assert catalogue.check() == []
    finally:
        catalogue.close()


def build_v6(path: Path, records: list[PluginRecord]) -> None:
    """A version-6 catalogue as the version-6 code wrote it: plugins with their tree category,
    a tag, a collection and a saved search; no preset tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        assert apply_migrations(conn, target=6) == (0, 6)
        rows = Rows(records)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO plugins (format, uid, name, vendor, version, role, categories, "
            "description, audio_inputs, audio_outputs, midi_inputs, midi_outputs, extra, "
            "param_names, updated_at, category, category_guessed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.plugins)
        conn.executemany(UPSERT_INSTALLATION, rows.installations)
        conn.executemany(UPSERT_PARAMETERS, rows.parameters)
        conn.execute("INSERT INTO tags (tag, target, added_at) VALUES (?, ?, 1)",
                     ("favourite", records[0].key))
        conn.execute("INSERT INTO saved_searches (name, query, created_at) "
                     "VALUES ('verbs', 'reverb', 1)")
        conn.execute("COMMIT")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
        assert "tags" in tables and not any(t.startswith("preset") for t in tables)
    finally:
        conn.close()


def test_v6_catalogue_opens_migrated_and_stores_presets(tmp_path: Path) -> None:
    """Version 7 (presets) on a file the version-6 code wrote: the old data stays, the preset
    tables start empty and take real presets, and user tags apply to them."""
    path = tmp_path / "v6.db"
    records = v1_records()
    build_v6(path, records)
    catalogue = open_db(path, create=False)
    try:
        report = catalogue.migrate()
        assert (report.from_version, report.to_version) == (6, CURRENT_VERSION)
        assert report.backup_path == str(tmp_path / "v6.db.v6.bak")
        for r in records:
            assert catalogue.get(r.key) == r
        organisation = catalogue.organisation()
        assert [(t.tag, t.target) for t in organisation.tags] == [("favourite", records[0].key)]
        assert [s.name for s in organisation.saved] == ["verbs"]
        store = catalogue.preset_store()
        assert store.find(missing=True) == [] and store.sources(CONTAINER) == {}
        assert catalogue.info().details["presets"] == 0
        comp = read_bundle("ZamComp")
        changes = store.record_sources(CONTAINER, [(comp, fingerprint("ZamComp"))])
        assert changes.added == len(comp.presets)
        key = preset_key(comp.presets[0].identity)
        catalogue.add_tags([Tagging(tag="favourite", target=PRESET_PREFIX + key)])
        assert [p.key for p in store.find(tag="favourite")] == [key]
        assert catalogue.info().details["presets"] == len(comp.presets)
        assert catalogue.check() == []
    finally:
        catalogue.close()
    backup = sqlite3.connect(tmp_path / "v6.db.v6.bak")
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == 6
        assert backup.execute("SELECT count(*) FROM plugins").fetchone()[0] == len(records)
    finally:
        backup.close()
