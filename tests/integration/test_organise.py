"""Tags, favourites, hidden, collections, saved searches and their backup, on this machine's
real catalogue, through the CLI. Everything is keyed by format:uid (or a product), so it must
survive rescans, updates, a plugin that disappears and returns, and a rebuilt catalogue."""

from __future__ import annotations

import shutil

ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"
ZAMCOMP_PRODUCT = "product:damienzammit/zamcomp"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def keys(result) -> list[str]:
    ok(result)
    return [h["record"]["format"] + ":" + h["record"]["uid"] for h in result.json()]


def test_tag_by_id_by_query_and_by_product(run_cli, real_catalogue):
    ok(run_cli("tag", "add", "Favourite", ZAMCOMP_VST3))
    assert keys(run_cli("search", "tag:favourite", "--json")) == [ZAMCOMP_VST3]
    # A query is fine where an ID is expected; above 20 matches it must be confirmed.
    refused = run_cli("tag", "add", "zam", "vendor:zam")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert not keys(run_cli("search", "tag:zam", "--json"))
    ok(run_cli("tag", "add", "zam", "vendor:zam", "--yes"))
    assert len(keys(run_cli("search", "tag:zam", "--limit", "500", "--json"))) >= 51
    few = ok(run_cli("tag", "add", "bus", "name:ZamCompX2 format:vst3"))
    assert "tagged 1" in few.stdout
    # On a product, every format of it carries the tag.
    ok(run_cli("tag", "add", "glue", ZAMCOMP_PRODUCT))
    tagged = run_cli("search", "tag:glue", "--json").json()
    assert {h["record"]["format"] for h in tagged} == {"vst3", "lv2", "ladspa", "clap"}
    listing = ok(run_cli("tag", "list", "--json")).json()
    assert listing["glue"] == 1 and listing["favourite"] == 1
    ok(run_cli("tag", "rm", "glue", ZAMCOMP_PRODUCT))
    assert not keys(run_cli("search", "tag:glue", "--json"))


def test_hidden_plugins_are_left_out_unless_asked(run_cli, real_catalogue):
    ok(run_cli("tag", "add", "hidden", "name:ZamComp"))
    assert not keys(run_cli("search", "name:ZamComp", "--json"))
    listed = {r["name"] for r in ok(run_cli("list", "vendor:zam", "--json")).json()}
    assert "ZamComp" not in listed and "ZamGate" in listed
    assert keys(run_cli("search", "name:ZamComp", "--hidden", "--json"))
    assert keys(run_cli("search", "tag:hidden", "--json"))
    # Exports leave them out too, unless asked.
    csv = real_catalogue.parent / "zam.csv"
    ok(run_cli("export", "csv", str(csv), "--query", "vendor:zam"))
    assert "ZamComp," not in csv.read_text() and "ZamGate," in csv.read_text()
    csv.unlink()
    ok(run_cli("export", "csv", str(csv), "--query", "vendor:zam", "--hidden"))
    assert "ZamComp," in csv.read_text()


def test_collections_keep_order_nest_and_can_be_smart(run_cli, real_catalogue):
    ok(run_cli("collection", "create", "Mixing"))
    ok(run_cli("collection", "create", "Mixing/Bus"))
    ok(run_cli("collection", "add", "Mixing", "name:ZamEQ2 format:lv2"))
    ok(run_cli("collection", "add", "Mixing", ZAMCOMP_VST3))
    ok(run_cli("collection", "add", "Mixing/Bus", "name:ZamGateX2 format:clap"))
    shown = ok(run_cli("collection", "show", "Mixing", "--json")).json()
    # Its own plugins in its order, then those of the collections nested in it.
    assert [p["name"] for p in shown["plugins"]] == ["ZamEQ2", "ZamComp", "ZamGateX2"]
    # A parent collection takes what is nested in it.
    assert len(keys(run_cli("search", "collection:Mixing", "--json"))) == 3
    ok(run_cli("collection", "rm", "Mixing", ZAMCOMP_VST3))
    ok(run_cli("collection", "rename", "Mixing", "Mix"))
    names = [c["name"] for c in ok(run_cli("collection", "list", "--json")).json()]
    assert names == ["Mix", "Mix/Bus"]
    too_deep = run_cli("collection", "create", "A/B/C")
    assert too_deep.exit_code == 2
    # Smart: defined by a saved search, updated as the catalogue changes.
    ok(run_cli("saved", "create", "zam-dyn", "vendor:zam category:dynamics"))
    ok(run_cli("collection", "create", "Dynamics", "--saved", "zam-dyn"))
    smart = keys(run_cli("search", "collection:Dynamics", "--limit", "500", "--json"))
    assert smart == keys(run_cli("saved", "run", "zam-dyn", "--json"))
    assert ZAMCOMP_VST3 in smart
    ok(run_cli("collection", "delete", "Mix"))
    assert [c["name"] for c in ok(run_cli("collection", "list", "--json")).json()] == [
        "Dynamics"]


def test_saved_searches_nest_and_a_cycle_is_an_error(run_cli, real_catalogue):
    ok(run_cli("saved", "create", "comps", "comp vendor:zam"))
    ok(run_cli("saved", "create", "mix-comps", "saved:comps format:vst3"))
    found = keys(run_cli("search", "saved:mix-comps", "--json"))
    assert ZAMCOMP_VST3 in found and all(k.startswith("vst3:") for k in found)
    cycle = run_cli("saved", "create", "comps", "saved:mix-comps")
    assert cycle.exit_code == 2 and "uses itself" in cycle.stderr, cycle.stderr
    # The refused definition did not replace the working one.
    assert keys(run_cli("search", "saved:mix-comps", "--json")) == found
    ok(run_cli("saved", "delete", "mix-comps"))
    assert run_cli("saved", "delete", "mix-comps").exit_code == 3


def scan(run_cli, *paths: str) -> None:
    ok(run_cli("scan", *paths, "--json"))


def test_organisation_survives_rescans_updates_and_a_plugin_that_returns(
        run_cli, pluginary_env, tmp_path):
    folder = tmp_path / "vst3"
    folder.mkdir()
    bundle = folder / "ZamComp.vst3"
    shutil.copytree("/usr/lib/vst3/ZamComp.vst3", bundle)
    scan(run_cli, str(folder))
    ok(run_cli("tag", "add", "favourite", ZAMCOMP_VST3))
    ok(run_cli("collection", "create", "Live"))
    ok(run_cli("collection", "add", "Live", ZAMCOMP_VST3))
    scan(run_cli, str(folder))  # unchanged rescan
    binary = next(bundle.rglob("*.so"))
    binary.write_bytes(binary.read_bytes())  # an update: new mtime, reloaded
    scan(run_cli, str(folder))
    assert keys(run_cli("search", "tag:favourite", "--json")) == [ZAMCOMP_VST3]
    moved = tmp_path / "away"
    shutil.move(bundle, moved)
    scan(run_cli, str(folder))  # gone: missing
    shutil.move(moved, bundle)
    scan(run_cli, str(folder))  # back
    assert keys(run_cli("search", "tag:favourite collection:Live", "--json")) == [ZAMCOMP_VST3]


def test_export_import_round_trip_and_a_rebuilt_catalogue(run_cli, real_catalogue, tmp_path):
    ok(run_cli("tag", "add", "favourite", ZAMCOMP_VST3))
    ok(run_cli("tag", "add", "glue", ZAMCOMP_PRODUCT))
    ok(run_cli("saved", "create", "verbs", "reverb -format:ladspa"))
    ok(run_cli("collection", "create", "Live/Keys"))
    ok(run_cli("collection", "add", "Live/Keys", "name:ZamTube format:lv2"))
    ok(run_cli("collection", "create", "Verbs", "--saved", "verbs"))
    backup = tmp_path / "organisation.json"
    ok(run_cli("organise", "export", str(backup)))
    assert run_cli("organise", "export", str(backup)).exit_code == 2  # never overwrites
    exported = backup.read_text()
    # Rebuild from scratch: a new catalogue, scanned again, then the backup imported.
    real_catalogue.unlink()
    ok(run_cli("scan", "/usr/lib/vst3", "/usr/lib/lv2", "/usr/lib/clap", "/usr/lib/ladspa",
               "--json"))
    ok(run_cli("tag", "add", "mine", "name:ZamGate format:vst3"))
    ok(run_cli("organise", "import", str(backup)))
    assert keys(run_cli("search", "tag:favourite", "--json")) == [ZAMCOMP_VST3]
    assert len(keys(run_cli("search", "tag:glue", "--json"))) == 4
    assert keys(run_cli("search", "tag:mine", "--json")), "import never drops what is there"
    assert keys(run_cli("search", "collection:Verbs", "--json")) == keys(
        run_cli("saved", "run", "verbs", "--json"))
    again = tmp_path / "again.json"
    ok(run_cli("tag", "rm", "mine", "name:ZamGate format:vst3"))
    ok(run_cli("organise", "export", str(again)))
    assert again.read_text() == exported  # lossless round trip
    ok(run_cli("organise", "import", str(backup)))  # twice: nothing doubles
    third = tmp_path / "third.json"
    ok(run_cli("organise", "export", str(third)))
    assert third.read_text() == exported


def test_a_bad_organisation_file_is_one_line(run_cli, real_catalogue, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "pluginary-organisation", "version": 1, "tags": [{"tag": 3}]}')
    result = run_cli("organise", "import", str(bad))
    assert result.exit_code == 2 and "not an organisation export" in result.stderr
    assert run_cli("organise", "import", str(tmp_path / "none.json")).exit_code == 3


def test_several_ids_at_once_and_a_missing_one(run_cli, real_catalogue):
    ok(run_cli("tag", "add", "pair", ZAMCOMP_VST3, "lv2:urn:zamaudio:ZamVerb"))
    assert set(keys(run_cli("search", "tag:pair", "--json"))) == {
        ZAMCOMP_VST3, "lv2:urn:zamaudio:ZamVerb"}
    missing = run_cli("tag", "add", "pair", "clap:com.zamaudio.Nope")
    assert missing.exit_code == 3 and "no plugin 'clap:com.zamaudio.Nope'" in missing.stderr


def test_nesting_rules_and_smart_children(run_cli, real_catalogue):
    ok(run_cli("collection", "create", "Mix/Bus"))  # the parent is made too
    refused = run_cli("collection", "rename", "Mix", "A/B")
    assert refused.exit_code == 2 and "nested" in refused.stderr
    ok(run_cli("collection", "add", "Mix", ZAMCOMP_VST3))
    ok(run_cli("saved", "create", "verbs", "name:ZamVerb format:lv2"))
    ok(run_cli("collection", "create", "Mix/Smart", "--saved", "verbs"))
    # A parent takes its static and its smart children.
    assert set(keys(run_cli("search", "collection:mix", "--json"))) == {
        ZAMCOMP_VST3, "lv2:urn:zamaudio:ZamVerb"}
    used = run_cli("saved", "delete", "verbs")
    assert used.exit_code == 2 and "Mix/Smart" in used.stderr
    ok(run_cli("saved", "create", "outer", "saved:verbs -format:vst3"))
    ok(run_cli("collection", "delete", "Mix/Smart"))
    used = run_cli("saved", "delete", "verbs")
    assert used.exit_code == 2 and "saved:outer" in used.stderr


def test_an_import_that_would_leave_something_broken_is_refused_whole(
        run_cli, real_catalogue, tmp_path):
    dangling = tmp_path / "dangling.json"
    dangling.write_text('{"schema": "pluginary-organisation", "version": 1, '
                        '"tags": [{"tag": "x", "target": "vst3:1"}], '
                        '"collections": [{"name": "Smarty", "saved": "gone"}]}')
    result = run_cli("organise", "import", str(dangling))
    assert result.exit_code == 2 and "'gone'" in result.stderr
    twice = tmp_path / "twice.json"
    twice.write_text('{"schema": "pluginary-organisation", "version": 1, "collections": '
                     '[{"name": "Mix", "members": ["a:1"]}, {"name": "mix", "members": []}]}')
    result = run_cli("organise", "import", str(twice))
    assert result.exit_code == 2 and "differ only in case" in result.stderr
    assert ok(run_cli("tag", "list", "--json")).json() == {}, "nothing of a refused file lands"
