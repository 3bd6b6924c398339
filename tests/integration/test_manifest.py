"""The universal manifest and the export surface on the real zam-plugins set: selection by query
and collection, --dry-run, backups, a lossless round trip into another catalogue, and bad input
with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def zam(run_cli) -> None:
    ok(run_cli("scan", "/usr/lib/vst3", "/usr/lib/clap", "--json"))
    ok(run_cli("tag", "add", "glue", "product:damienzammit/zamcomp"))
    ok(run_cli("collection", "create", "Live"))
    ok(run_cli("collection", "add", "Live", ZAMCOMP_VST3))
    ok(run_cli("saved", "create", "verbs", "name:ZamVerb"))
    ok(run_cli("collection", "create", "Verbs", "--saved", "verbs"))


def test_the_manifest_carries_identities_categories_tags_and_collections(
        run_cli, pluginary_env, tmp_path):
    zam(run_cli)
    target = tmp_path / "manifest.json"
    ok(run_cli("export", "manifest", str(target)))
    data = json.loads(target.read_text())
    assert (data["schema"], data["version"]) == ("pluginary-manifest", 1)
    plugins = {p["key"]: p for p in data["plugins"]}
    assert len(plugins) == 34
    comp = plugins[ZAMCOMP_VST3]
    assert comp["ids"] == {"vst3_cid": ZAMCOMP_VST3[5:]}
    assert comp["device_role"] == "audioFX" and comp["category"].startswith("Effect/Dynamics")
    assert comp["tags"] == ["glue"] and comp["product"] == "damienzammit/zamcomp"
    assert comp["paths"] == ["/usr/lib/vst3/ZamComp.vst3"]
    assert plugins["clap:com.zamaudio.ZamComp"]["ids"] == {"clap_id": "com.zamaudio.ZamComp"}
    collections = {c["name"]: c for c in data["organisation"]["collections"]}
    assert collections["Live"]["members"] == [ZAMCOMP_VST3]


def test_a_round_trip_into_another_catalogue_is_lossless_and_twice_adds_nothing(
        run_cli, pluginary_env, tmp_path):
    zam(run_cli)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    ok(run_cli("export", "manifest", str(first)))
    other = tmp_path / "other.db"
    imported = ok(run_cli("--db", str(other), "import", "manifest", str(first), "--json")).json()
    assert imported["plugins"] == 34
    again = ok(run_cli("--db", str(other), "import", "manifest", str(first), "--json")).json()
    assert again == {"plugins": 0, "installations": 0, "organisation": 0}
    ok(run_cli("--db", str(other), "export", "manifest", str(second)))
    assert second.read_text() == first.read_text()
    # A plugin the catalogue already has keeps its own scanned data (its parameters).
    ok(run_cli("import", "manifest", str(second)))
    shown = ok(run_cli("show", ZAMCOMP_VST3, "--json")).json()
    assert shown["parameters"]


def test_selection_dry_run_and_backups(run_cli, pluginary_env, tmp_path):
    zam(run_cli)
    target = tmp_path / "live.json"
    ok(run_cli("export", "manifest", str(target), "--collection", "Live"))
    assert [p["key"] for p in json.loads(target.read_text())["plugins"]] == [ZAMCOMP_VST3]
    before = target.read_text()
    dry = ok(run_cli("export", "manifest", "--out", str(target), "--collection", "Verbs",
                     "--dry-run"))
    assert "ZamVerb" in dry.stdout and target.read_text() == before
    assert not list(tmp_path.glob("live.json.*.bak"))
    ok(run_cli("export", "manifest", str(target), "--query", "name:ZamVerb format:clap"))
    (backup,) = tmp_path.glob("live.json.*.bak")
    assert backup.read_text() == before


def test_bad_input_is_one_line_and_nothing_is_written(run_cli, pluginary_env, tmp_path):
    zam(run_cli)
    empty = run_cli("export", "manifest", str(tmp_path / "x.json"), "--query", "name:Nothing")
    assert empty.exit_code == 3 and "nothing to export" in empty.stderr
    assert not (tmp_path / "x.json").exists()
    unknown = run_cli("export", "manifest", str(tmp_path / "x.json"), "--collection", "Nope")
    assert unknown.exit_code == 3 and "no collection 'Nope'" in unknown.stderr
    assert " at 1:" not in unknown.stderr  # not a place in a query the user did not type
    nowhere = run_cli("export", "manifest", str(tmp_path / "no" / "x.json"))
    assert nowhere.exit_code == 3
    # a folder no one may write into (sysfs refuses even root, who runs CI)
    refused = run_cli("export", "manifest", "/sys/kernel/pluginary.json")
    assert refused.exit_code == 2 and "cannot write /sys/kernel/pluginary.json" in \
        refused.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "pluginary-manifest", "version": 1, "plugins": [{"key": 1}]}')
    result = run_cli("import", "manifest", str(bad))
    assert result.exit_code == 2 and "not a Pluginary manifest" in result.stderr
    assert run_cli("import", "manifest", str(tmp_path / "none.json")).exit_code == 3
    other = Path(tmp_path / "fresh.db")
    assert run_cli("--db", str(other), "import", "manifest", str(bad)).exit_code == 2
