"""The catalogue's behaviour on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec
import pytest
from conftest import open_db
from records import hits, make_record, make_records

from pluginary.catalogue import Catalogue, open_catalogue
from pluginary.errors import NotFoundError, UsageError
from pluginary.manager import make_plugin_manager
from pluginary.models import (
    Fingerprint,
    Parameter,
    PluginRecord,
    Role,
    SearchQuery,
    Status,
)
from pluginary.query.parser import parse
from pluginary_sqlite import CURRENT_VERSION, SQLiteCatalogue, open_sqlite
from pluginary_sqlite.connection import parse_url

FULL = PluginRecord(
    format="vst3", uid="5653545646424C70726F2D7120330000", name="Pro-Q 3", vendor="FabFilter",
    version="3.21.0", role=Role.EFFECT, categories=("Fx", "EQ", "Fx|EQ"),
    description="Équaliseur dynamique — linear phase, mid/side", audio_inputs=2,
    audio_outputs=2, midi_inputs=1, midi_outputs=0,
    parameters=(Parameter(name="Band 1 Frequency", id="0", default=1000.0, min=10.0,
                          max=30000.0, unit="Hz"),
                Parameter(name="Band 1 Gain", id="1", default=0.0, min=-30.0, max=30.0,
                          unit="dB"),
                Parameter(name="Bypass", id="2")),
    file_path="/usr/lib/vst3/FabFilter Pro-Q 3.vst3/Contents/x86_64-linux/FabFilter Pro-Q 3.so",
    bundle_path="/usr/lib/vst3/FabFilter Pro-Q 3.vst3",
    fingerprint=Fingerprint(path="/usr/lib/vst3/FabFilter Pro-Q 3.vst3/Contents/x.so",
                            size=12_345_678, mtime_ns=1_712_345_678_901_234_567,
                            metadata="sha1:abcdef"),
    architecture="x86_64", status=Status.FAILED, cause="needs libGL.so.1: apt-get install libgl1",
    tier=2, extra={"sdk": "3.7.8", "juce": "7.0.9"},
)


def test_entry_point_is_found_and_opens(tmp_path: Path) -> None:
    pm = make_plugin_manager()
    assert "sqlite" in [e.name for e in pm.extensions]
    catalogue = open_catalogue(pm, str(tmp_path / "a" / "b" / "pm.db"))
    try:
        assert isinstance(catalogue, Catalogue)
        assert isinstance(catalogue, SQLiteCatalogue)
        assert catalogue.upsert([FULL]) == 1
        assert catalogue.get(FULL.key) == FULL
    finally:
        catalogue.close()
    assert (tmp_path / "a" / "b" / "pm.db").is_file()


def test_url_parsing() -> None:
    assert open_sqlite("postgres://host/db") is None
    loc = parse_url("sqlite:////tmp/x.db?busy_timeout=200")
    assert loc is not None and loc.path == Path("/tmp/x.db") and loc.busy_timeout_ms == 200
    loc = parse_url("sqlite:///tmp/x.db")
    assert loc is not None and loc.path == Path("/tmp/x.db") and loc.busy_timeout_ms == 5000
    with pytest.raises(UsageError):
        parse_url("sqlite:///tmp/x.db?cache=shared")
    with pytest.raises(UsageError):
        parse_url("sqlite:///tmp/x.db?busy_timeout=soon")


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        open_db(tmp_path / "nope.db", create=False)
    assert "pluginary scan" in info.value.hint
    assert not (tmp_path / "nope.db").exists()


def test_pragmas(catalogue: SQLiteCatalogue, db_path: Path) -> None:
    writer = catalogue._writer
    assert writer is not None
    assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert writer.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert writer.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert writer.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION


def test_round_trip_every_field(catalogue: SQLiteCatalogue) -> None:
    minimal = PluginRecord(format="ladspa", uid="1049", name="Delay")
    assert catalogue.upsert([FULL, minimal]) == 2
    assert catalogue.get(FULL.key) == FULL
    assert catalogue.get(minimal.key) == minimal
    assert catalogue.list() == [minimal, FULL]
    assert [h.record for h in hits(catalogue, "pro-q", parameters=True)] == [FULL]
    assert [h.record for h in hits(catalogue, "pro-q")] == [
        msgspec.structs.replace(FULL, parameters=())]  # a listing does not unpack them


def test_rescan_updates_and_never_duplicates(catalogue: SQLiteCatalogue) -> None:
    records = make_records(50)
    catalogue.upsert(records)
    catalogue.upsert(records)
    catalogue.upsert([make_record(7, description="a quokka in the mix")])
    assert [h.record.key for h in hits(catalogue, "quokka")] \
        == [records[7].key]
    changed = make_record(7, description="now xylophonic")
    catalogue.upsert([changed])
    info = catalogue.info()
    assert info.plugins == 50
    assert info.details["installations"] == 50
    assert info.parameters == sum(len(r.parameters) for r in records)
    assert catalogue.get(changed.key) == changed
    # the FTS index followed both updates (triggers)
    assert hits(catalogue, "quokka") == []
    assert [h.record.key for h in hits(catalogue, "xylophonic")] \
        == [changed.key]
    assert catalogue.check() == []


def test_parameters_replaced(catalogue: SQLiteCatalogue) -> None:
    catalogue.upsert([make_record(1, n_params=3000)])
    catalogue.upsert([make_record(1, n_params=2)])
    record = catalogue.get(make_record(1).key)
    assert record is not None and len(record.parameters) == 2
    assert catalogue.info().parameters == 2


def test_several_installations_best_one_wins(catalogue: SQLiteCatalogue) -> None:
    base = make_record(3)
    broken = msgspec_replace(base, bundle_path="/opt/old/X.vst3", file_path="/opt/old/X.so",
                             status=Status.CRASHED, cause="segfault")
    catalogue.upsert([base])
    catalogue.upsert([broken])  # newer, but not ok
    assert catalogue.info().details["installations"] == 2
    assert catalogue.info().plugins == 1
    assert catalogue.get(base.key) == base
    newer_ok = msgspec_replace(base, bundle_path="/home/u/.vst3/X.vst3", file_path="/home/u/x.so")
    catalogue.upsert([newer_ok])
    assert catalogue.get(base.key) == newer_ok
    assert catalogue.list(status="crashed") == []


def msgspec_replace(record: PluginRecord, **changes: object) -> PluginRecord:
    import msgspec

    return msgspec.structs.replace(record, **changes)


def test_get_by_prefix(catalogue: SQLiteCatalogue) -> None:
    a = PluginRecord(format="vst3", uid="ABCDEF01", name="A")
    b = PluginRecord(format="vst3", uid="ABCDEF02", name="B")
    c = PluginRecord(format="vst3", uid="ABC", name="C")
    d = PluginRecord(format="lv2", uid="http://lsp-plug.in/plugins/lv2/comp_100%", name="D")
    catalogue.upsert([a, b, c, d])
    assert catalogue.get("vst3:ABCDEF01") == a
    assert catalogue.get("VST3:abcdef02") == b
    with pytest.raises(UsageError) as info:
        catalogue.get("vst3:abcdef0")
    assert "vst3:ABCDEF01" in info.value.message and "vst3:ABCDEF02" in info.value.message
    assert catalogue.get("vst3:abc") == c  # an exact key beats a longer key it prefixes
    assert catalogue.get("lv2:") == d
    assert catalogue.get("lv2:http://lsp-plug.in/plugins/lv2/comp_1") == d
    assert catalogue.get("vst3:ABCDEF01_") is None
    assert catalogue.get("nothing") is None
    assert catalogue.get("vst3:%") is None
    with pytest.raises(UsageError):
        catalogue.get("  ")


def test_list_filters_and_order(catalogue: SQLiteCatalogue) -> None:
    records = make_records(40)
    catalogue.upsert(records)
    listed = catalogue.list()
    assert [r.name.casefold() for r in listed] == sorted(r.name.casefold() for r in records)
    assert {r.format for r in catalogue.list(format="lv2")} == {"lv2"}
    assert len(catalogue.list(format="lv2")) == 10
    assert len(catalogue.list(limit=5)) == 5
    assert catalogue.list(status="failed") == []
    assert len(catalogue.list(status="ok")) == 40


@pytest.mark.parametrize("text", [
    'reverb"', '"', "AND", "OR NOT", "NEAR(", "a:b", "col:name", "*", "-", "(", ")", "^x",
    "'; DROP TABLE plugins; --", "décor", "rev\u0000erb", "{x}", "a + b", "\"\"\"", "reverb OR",
    "NEAR(a b, 3)", "name:reverb",
])
def test_search_never_raises_fts_syntax_errors(catalogue: SQLiteCatalogue, text: str) -> None:
    """Whatever the text, the answer is hits or a located query error: never SQLite's."""
    catalogue.upsert(make_records(20))
    try:
        found = hits(catalogue, text)
    except UsageError as exc:
        assert " at 1:" in exc.message, exc.message
    else:
        assert isinstance(found, list)
    assert catalogue.info().plugins == 20


def test_relevance_puts_names_holding_the_words_first_with_and_and_or(
        catalogue: SQLiteCatalogue) -> None:
    """``reverb OR delay``: every plugin named after either comes first, the shortest name
    first; then the plugins that only mention a word, best bm25 first."""
    catalogue.upsert([
        PluginRecord(format="clap", uid="a", name="Long Tape Delay"),
        PluginRecord(format="clap", uid="b", name="Reverb"),
        PluginRecord(format="clap", uid="c", name="Delay"),
        PluginRecord(format="clap", uid="d", name="Space", description="a reverb"),
        PluginRecord(format="clap", uid="e", name="Echo", categories=("Delay",),
                     description="delay delay delay"),
        PluginRecord(format="clap", uid="f", name="Plate Reverb Delay"),
    ])
    names = [h.record.name for h in hits(catalogue, "reverb OR delay")]
    assert names[:4] == ["Delay", "Reverb", "Long Tape Delay", "Plate Reverb Delay"]
    assert set(names[4:]) == {"Space", "Echo"}
    rest = hits(catalogue, "reverb OR delay")[4:]
    assert rest[0].score >= rest[1].score > 0
    # with AND, the name has to hold both words
    assert [h.record.name for h in hits(catalogue, "reverb delay")][:1] == ["Plate Reverb Delay"]


@pytest.mark.parametrize("text", ["reverb OR delay", "comp", "syn -format:vst3", "eq stereo",
                                  "filter OR (eq -format:ladspa)"])
def test_pages_of_a_relevance_search_add_up_to_the_whole(catalogue: SQLiteCatalogue,
                                                          text: str) -> None:
    """bm25 is computed only when a page reaches past the name hits: a page that does and
    one that does not must still agree on one order."""
    catalogue.upsert(make_records(120))
    whole = [h.record.key for h in hits(catalogue, text, limit=None)]
    paged = [h.record.key for offset in range(0, len(whole) + 7, 7)
             for h in hits(catalogue, text, limit=7, offset=offset)]
    assert paged == whole
    assert catalogue.search(SearchQuery(text=text, root=parse(text), limit=5,
                                        offset=len(whole) + 3)).total == len(whole)


def test_search_ranking_filters_and_limit(catalogue: SQLiteCatalogue) -> None:
    records = make_records(80)
    catalogue.upsert(records)
    found = hits(catalogue, "reverb")
    assert found and all("Reverb" in h.record.categories for h in found)
    # Plugins whose name holds the word come first; the others by bm25, best first.
    named = [h for h in found if "reverb" in h.record.name.casefold()]
    assert found[:len(named)] == named
    rest = [h.score for h in found[len(named):]]
    assert rest == sorted(rest, reverse=True)
    # prefix match, several terms (all must match), parameter names, vendor
    assert hits(catalogue, "rever fabf")
    assert all(h.record.vendor == "FabFilter"
               for h in hits(catalogue, "rever fabf"))
    assert {h.record.key for h in hits(catalogue, "pre-delay", limit=100)} \
        == {r.key for r in records if any(p.name == "Pre-Delay" for p in r.parameters)}
    only_clap = hits(catalogue, "synth", format="clap", limit=100)
    assert only_clap and {h.record.format for h in only_clap} == {"clap"}
    assert len(hits(catalogue, "synth", limit=3)) == 3
    # a name hit outranks a description-only hit
    catalogue.upsert([PluginRecord(format="clap", uid="x.desc", name="Plain",
                                   description="sounds like a zebra"),
                      PluginRecord(format="clap", uid="x.name", name="Zebra 2")])
    assert hits(catalogue, "zebra")[0].record.uid == "x.name"
    for empty in ("", "   ", "\n\t"):  # an empty query is every plugin
        assert len(hits(catalogue, empty, limit=None)) == catalogue.info().plugins


def test_info_counts_scans_and_size(catalogue: SQLiteCatalogue, db_path: Path) -> None:
    catalogue.upsert(make_records(10))
    writer = catalogue._writer
    assert writer is not None
    writer.execute("INSERT INTO scans (started_at, roots, formats) VALUES (1.0, '[]', '[]')")
    writer.execute("INSERT INTO jobs (scan_id, format, path, status) VALUES (1, 'vst3', '/x', "
                   "'ok')")
    info = catalogue.info()
    assert (info.engine, info.schema_version, info.plugins, info.scans) == (
        "sqlite", CURRENT_VERSION, 10, 1)
    assert info.size_bytes is not None and info.size_bytes >= db_path.stat().st_size
    assert info.details["journal_mode"] == "wal"
    assert info.details["path"] == str(db_path)
    assert info.details["sqlite_version"] == sqlite3.sqlite_version


def test_backup_and_vacuum(catalogue: SQLiteCatalogue, tmp_path: Path) -> None:
    records = make_records(30)
    catalogue.upsert(records)
    copy = tmp_path / "copy.db"
    catalogue.backup(copy)
    with pytest.raises(UsageError):
        catalogue.backup(copy)
    with pytest.raises(NotFoundError):
        catalogue.backup(tmp_path / "missing" / "copy.db")
    restored = open_db(copy, create=False)
    try:
        assert restored.list() == catalogue.list()
        assert restored.check() == []
    finally:
        restored.close()
    catalogue.upsert([make_record(i, n_params=2) for i in range(30)])
    catalogue.vacuum()
    assert catalogue.info().details["free_pages"] == 0
    assert catalogue.check() == []
    assert len(catalogue.list()) == 30


def test_migrate_is_noop_when_current(catalogue: SQLiteCatalogue) -> None:
    report = catalogue.migrate()
    assert (report.from_version, report.to_version, report.backup_path) == (
        CURRENT_VERSION, CURRENT_VERSION, "")


def test_close_is_idempotent(db_path: Path) -> None:
    c = open_db(db_path)
    c.upsert(make_records(3))
    c.close()
    c.close()
    assert not Path(str(db_path) + "-wal").exists()


def test_a_negated_filter_keeps_plugins_whose_value_is_unknown(
        catalogue: SQLiteCatalogue) -> None:
    """``-inputs:5`` and ``-product:x`` keep a plugin whose inputs or product are not known
    (NULL): NOT of an unknown comparison must not drop the row."""
    known = PluginRecord(format="clap", uid="a.known", name="Known", audio_inputs=5)
    unknown = PluginRecord(format="clap", uid="a.unknown", name="Unknown")
    catalogue.upsert([known, unknown])
    assert [h.record.uid for h in hits(catalogue, "-inputs:5")] == ["a.unknown"]
    assert {h.record.uid for h in hits(catalogue, "-product:zam")} == {"a.known", "a.unknown"}
    assert [h.record.uid for h in hits(catalogue, "inputs:5")] == ["a.known"]
