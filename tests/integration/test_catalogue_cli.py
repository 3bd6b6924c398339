"""Reading and looking after a real SQLite catalogue through the CLI."""

from __future__ import annotations

import msgspec

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.testing import sample_record

from .conftest import fill


def test_sqlite_extension_is_listed_with_what_it_provides(run_cli):
    extensions = {e["name"]: e for e in run_cli("extensions", "--json").json()}
    sqlite = extensions["sqlite"]
    assert sqlite["distribution"] == "pluginary-sqlite"
    assert sqlite["status"] == "ok"
    assert sqlite["provides"] == {"storages": ["sqlite"]}
    assert {"open_catalogue", "register_storages"} <= set(sqlite["hooks"])


def test_default_catalogue_is_created_on_first_use(run_cli, pluginary_env, monkeypatch, tmp_path):
    monkeypatch.delenv("PLUGINARY_DB")
    result = run_cli("db", "info", "--json")
    assert result.exit_code == 0, result.stderr
    info = result.json()
    assert info["plugins"] == 0
    assert info["url"].endswith("/pluginary/catalogue.db")
    assert info["url"].startswith("sqlite:///" + str(tmp_path))


def test_a_named_catalogue_that_does_not_exist_is_reported(run_cli, tmp_path):
    missing = tmp_path / "typo.db"
    result = run_cli("--db", str(missing), "list")
    assert result.exit_code == 3
    assert str(missing) in result.stderr and "Traceback" not in result.stderr
    assert not missing.exists()


def test_list_show_and_search(run_cli, filled, pluginary_env):
    records = filled(30)
    listed = run_cli("list", "--json").json()
    assert len(listed) == 30
    decoded = msgspec.convert(listed, list[PluginRecord])
    assert {r.key for r in decoded} == {r.key for r in records}

    one = records[7]
    shown = run_cli("show", one.key, "--json")
    assert shown.exit_code == 0
    assert msgspec.convert(shown.json(), PluginRecord) == one
    # The text view has the parameters; IDs are matched without regard to case.
    text = run_cli("show", one.key.lower())
    assert text.exit_code == 0, text.stderr
    assert one.name in text.stdout and one.parameters[0].name in text.stdout
    # A unique prefix is enough; an ambiguous one is a usage error.
    lv2 = sample_record(99, format="lv2")
    fill(pluginary_env, [lv2])
    prefix = lv2.key[:len("lv2:urn:test:") + 5]
    assert run_cli("show", prefix, "--json").json()["name"] == lv2.name
    ambiguous = run_cli("show", "vst3:000")
    assert ambiguous.exit_code == 2 and "Traceback" not in ambiguous.stderr

    by_vendor = run_cli("search", one.vendor.split()[0], "--json").json()
    assert one.key in {f"{h['record']['format']}:{h['record']['uid']}" for h in by_vendor}
    by_param = run_cli("search", "threshold", "--json").json()
    assert by_param, "parameter names are searchable"
    assert all(any(p["name"].startswith("Threshold") for p in h["record"]["parameters"])
               for h in by_param)


def test_filters_and_limits(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(i) for i in range(6)]
         + [sample_record(i, format="lv2") for i in range(6, 10)])
    assert len(run_cli("list", "--format", "lv2", "--json").json()) == 4
    assert len(run_cli("list", "--limit", "3", "--json").json()) == 3
    assert run_cli("list", "--status", "bogus").exit_code == 2
    hits = run_cli("search", "a", "--format", "lv2", "--json").json()
    assert hits and all(h["record"]["format"] == "lv2" for h in hits)


def test_show_unknown_id_exits_3_with_a_hint(run_cli, filled):
    filled(3)
    result = run_cli("show", "vst3:FFFFFFFF")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no plugin 'vst3:FFFFFFFF'")
    assert "pluginary search" in result.stderr


def test_search_text_is_never_an_sqlite_error(run_cli, filled):
    """FTS5 and SQL syntax in a query are just text, or a located query error (exit 2)."""
    filled(5)
    for text in ('"unbalanced', "AND OR NOT", "(", "NEAR(a b)", "'; DROP TABLE x", "a:b"):
        result = run_cli("search", text, "--json")
        assert "Traceback" not in result.stderr and "sqlite" not in result.stderr.lower()
        if result.exit_code == 0:
            assert result.json() == [], text
        else:
            assert result.exit_code == 2, (text, result.stderr)
            assert " at 1:" in result.stderr, result.stderr
    assert run_cli("search", "'; DROP TABLE x", "--json").exit_code == 0
    assert len(run_cli("list", "--json").json()) == 5


def test_empty_catalogue_says_so(run_cli, pluginary_env):
    fill(pluginary_env, [])
    result = run_cli("list")
    assert result.exit_code == 0
    assert "no matching plugins" in result.stderr


def test_db_info_check_vacuum_migrate(run_cli, filled):
    filled(12)
    info = run_cli("db", "info", "--json").json()
    assert info["engine"] == "sqlite" and info["plugins"] == 12
    assert info["parameters"] == sum(len(sample_record(i).parameters) for i in range(12))
    assert info["size_bytes"] > 0
    check = run_cli("db", "check", "--json")
    assert (check.exit_code, check.json()) == (0, {"ok": True, "problems": []})
    assert run_cli("db", "vacuum").exit_code == 0
    migrate = run_cli("db", "migrate", "--json").json()
    assert migrate["from_version"] == migrate["to_version"] == info["schema_version"]


def test_backup_is_a_consistent_usable_copy(run_cli, filled, tmp_path):
    records = filled(20)
    target = tmp_path / "copy.db"
    result = run_cli("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    copy = open_catalogue(make_plugin_manager(), str(target), create=False)
    try:
        assert {r.key for r in copy.list()} == {r.key for r in records}
        assert copy.check() == []
    finally:
        copy.close()
    again = run_cli("db", "backup", str(target))
    assert again.exit_code == 2, "an existing file is never overwritten"


def test_rescan_updates_rows_and_never_duplicates(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(i) for i in range(5)])
    fill(pluginary_env, [sample_record(i, version="9.9.9") for i in range(5)])
    listed = run_cli("list", "--json").json()
    assert len(listed) == 5
    assert {r["version"] for r in listed} == {"9.9.9"}


def test_doctor_with_a_catalogue(run_cli, filled):
    filled(3)
    result = run_cli("doctor", "--json")
    findings = {f["check"]: f for f in result.json()}
    assert findings["catalogue"]["verdict"] == "ok"
    assert "3 plugins" in findings["catalogue"]["detail"]
    assert findings["python"]["verdict"] == "ok"
    # The test format's missing library is a warning with advice, not a failure.
    assert findings["format testfmt"]["verdict"] == "warn"
    assert result.exit_code == 0
