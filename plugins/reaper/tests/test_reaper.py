"""The REAPER exporter on the real zam-plugins set (VST3, CLAP, LADSPA), into REAPER files that
a REAPER user published (tests/data, sources in SOURCES.md), read back with configparser."""

from __future__ import annotations

import configparser
from pathlib import Path

DATA = Path(__file__).parent / "data"
ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def independent(path: Path) -> configparser.RawConfigParser:
    """An independent reading: configparser as a REAPER file needs it."""
    ini = configparser.RawConfigParser(delimiters=("=",), strict=True, interpolation=None)
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read_string(path.read_text(encoding="utf-8"))
    return ini


def folders(ini: configparser.RawConfigParser) -> dict[str, list[tuple[str, str]]]:
    """Name -> [(Type, Item)], checking REAPER's invariants on the way."""
    index = ini["Folders"]
    count = int(index["NbFolders"])
    assert len([k for k in index if k.startswith("Name")]) == count
    out = {}
    for pos in range(count):
        body = ini[f"Folder{index[f'Id{pos}']}"]
        n = int(body["Nb"])
        assert len([k for k in body if k.startswith("Item")]) == n
        out[index[f"Name{pos}"]] = [(body[f"Type{i}"], body[f"Item{i}"]) for i in range(n)]
    return out


def test_folders_and_tags_merge_into_real_reaper_files_and_keep_every_user_entry(
        run_cli, zam, reaper_folder):
    before_folders = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    before_tags = independent(reaper_folder / "reaper-fxtags.ini")
    ok(run_cli("export", "reaper", str(reaper_folder)))
    after = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    for name, items in before_folders.items():
        assert after[name] == items, name
    assert after["Mixing"] == [("3", "/usr/lib/vst3/ZamComp.vst3"),
                               ("7", "com.zamaudio.ZamEQ2")]  # REAPER hosts no LADSPA
    tags = independent(reaper_folder / "reaper-fxtags.ini")
    for section in ("category", "developer"):
        for key, value in before_tags[section].items():
            assert tags[section][key] == value, key
    assert tags["category"]["ZamComp.vst3"] == "Dynamics"
    assert tags["developer"]["ZamComp.vst3"] == "Damien Zammit"
    assert tags["developer"]["Waves: C1 comp (m)"] == "Waves"
    assert list(reaper_folder.glob("reaper-fxfolders.ini.*.bak"))


def test_a_folder_edited_in_reaper_is_left_alone_and_said(run_cli, zam, reaper_folder):
    ok(run_cli("export", "reaper", str(reaper_folder)))
    path = reaper_folder / "reaper-fxfolders.ini"
    ini = independent(path)
    mixing = next(s for s in ini.sections() if s.startswith("Folder") and s != "Folders"
                  and ini[s].get("Item0") == "/usr/lib/vst3/ZamComp.vst3")
    ini[mixing]["Item0"] = "/usr/lib/vst3/ZamGate.vst3"  # the user's change, in REAPER
    with path.open("w") as handle:
        ini.write(handle, space_around_delimiters=False)
    ok(run_cli("collection", "add", "Mixing", "name:ZamVerb format:vst3"))
    ok(run_cli("collection", "create", "FAV"))  # the sample already has a folder FAV
    ok(run_cli("collection", "add", "FAV", ZAMCOMP_VST3))
    again = ok(run_cli("export", "reaper", str(reaper_folder)))
    assert "folder 'Mixing'" in again.stderr and "folder 'FAV'" in again.stderr
    after = folders(independent(path))
    assert after["Mixing"][0] == ("3", "/usr/lib/vst3/ZamGate.vst3")
    assert after["FAV"] == folders(independent(DATA / "reaper-fxfolders.ini"))["FAV"]


def test_an_unchanged_folder_follows_its_collection_and_goes_with_it(
        run_cli, zam, reaper_folder):
    ok(run_cli("export", "reaper", str(reaper_folder)))
    ok(run_cli("collection", "add", "Mixing", "name:ZamVerb format:vst3"))
    ok(run_cli("export", "reaper", str(reaper_folder)))
    after = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    assert ("3", "/usr/lib/vst3/ZamVerb.vst3") in after["Mixing"]
    ok(run_cli("collection", "delete", "Mixing"))
    ok(run_cli("collection", "create", "Other"))
    ok(run_cli("collection", "add", "Other", ZAMCOMP_VST3))
    ok(run_cli("export", "reaper", str(reaper_folder)))
    after = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    assert "Mixing" not in after and "Other" in after
    assert len(after) == 16 + 1


def test_smart_collections_become_smart_folders_when_reaper_can_search(
        run_cli, zam, reaper_folder):
    ok(run_cli("saved", "create", "comps", "comp -side"))
    ok(run_cli("collection", "create", "Comps", "--saved", "comps"))
    ok(run_cli("saved", "create", "zam-clap", "vendor:zam format:clap name:ZamEQ2"))
    ok(run_cli("collection", "create", "Zam CLAP", "--saved", "zam-clap"))
    ok(run_cli("export", "reaper", str(reaper_folder)))
    after = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    assert after["Comps"] == [("1048576", "comp NOT side")]
    assert after["Zam CLAP"] == [("7", "com.zamaudio.ZamEQ2")]


def test_dry_run_and_a_malformed_file_write_nothing(run_cli, zam, reaper_folder):
    before = {p.name: p.read_bytes() for p in reaper_folder.iterdir()}
    dry = ok(run_cli("export", "reaper", str(reaper_folder), "--dry-run"))
    assert "+Name16=Mixing" in dry.stdout
    assert {p.name: p.read_bytes() for p in reaper_folder.iterdir()} == before
    (reaper_folder / "reaper-fxtags.ini").write_text("category]\nbroken\n")
    bad = run_cli("export", "reaper", str(reaper_folder))
    assert bad.exit_code == 2 and "nothing was written" in bad.stderr
    assert (reaper_folder / "reaper-fxfolders.ini").read_bytes() == before[
        "reaper-fxfolders.ini"]
    assert not list(reaper_folder.glob("*.bak"))


def test_golden_files_from_an_empty_reaper_folder(run_cli, zam, tmp_path):
    # The plugins' own categories: without a vendor rule pack that overrides one (a dev
    # machine may have contrib/vendor-rules-example installed; its rules apply at scan end).
    ok(run_cli("scan", "/usr/lib/vst3", env={"PLUGINARY_DISABLE": "vendor-rules-example"}))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    ok(run_cli("export", "reaper", str(fresh), "--query", "vendor:zam format:vst3"))
    for name in ("reaper-fxfolders.ini", "reaper-fxtags.ini"):
        assert (fresh / name).read_text() == (DATA / f"golden-{name}").read_text(), name


def test_the_default_destination_is_reapers_resource_path(run_cli, zam, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    missing = run_cli("export", "reaper")
    assert missing.exit_code == 3 and str(tmp_path / "config" / "REAPER") in missing.stderr
    (tmp_path / "config" / "REAPER").mkdir(parents=True)
    ok(run_cli("export", "reaper"))
    assert (tmp_path / "config" / "REAPER" / "reaper-fxfolders.ini").is_file()


def test_a_partial_export_leaves_pluginarys_other_entries(run_cli, zam, reaper_folder):
    ok(run_cli("collection", "create", "Other"))
    ok(run_cli("collection", "add", "Other", "name:ZamVerb format:vst3"))
    ok(run_cli("export", "reaper", str(reaper_folder)))
    full = independent(reaper_folder / "reaper-fxtags.ini")
    ok(run_cli("export", "reaper", str(reaper_folder), "--collection", "Mixing"))
    after = folders(independent(reaper_folder / "reaper-fxfolders.ini"))
    assert after["Other"] == [("3", "/usr/lib/vst3/ZamVerb.vst3")]
    tags = independent(reaper_folder / "reaper-fxtags.ini")
    assert dict(tags["category"]) == dict(full["category"])


def test_sections_and_keys_it_does_not_know_are_kept(run_cli, zam, reaper_folder):
    path = reaper_folder / "reaper-fxfolders.ini"
    path.write_text(path.read_text().replace("[Folders]\n", "[Folders]\nSortMode=2\n")
                    + "\n[Folder99]\nItem0=orphan\nNb=1\nType0=3\n")
    ok(run_cli("export", "reaper", str(reaper_folder)))
    ini = independent(path)
    assert ini["Folders"]["SortMode"] == "2"
    assert dict(ini["Folder99"]) == {"Item0": "orphan", "Nb": "1", "Type0": "3"}
    mixing = next(ini[f"Folder{ini['Folders'][k.replace('Name', 'Id')]}"]
                  for k, v in ini["Folders"].items() if k.startswith("Name") and v == "Mixing")
    assert mixing.name == "Folder100", "a new folder's id is above every Folder section"


def test_a_malformed_index_is_exit_2_with_nothing_written(run_cli, zam, reaper_folder):
    path = reaper_folder / "reaper-fxfolders.ini"
    path.write_text(path.read_text().replace("Id1=1\n", "Id1=0\n"))
    before = path.read_bytes()
    bad = run_cli("export", "reaper", str(reaper_folder))
    assert bad.exit_code == 2 and "share one Id" in bad.stderr
    assert path.read_bytes() == before and not list(reaper_folder.glob("*.bak"))


def test_clap_tags_are_keyed_as_reaper_keys_them_on_linux(run_cli, zam, tmp_path):
    """REAPER's own fxtags file from a Linux machine with Debian's zam-plugins (tests/data):
    every CLAP key and developer Pluginary writes for the same plugins is REAPER's."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    ok(run_cli("export", "reaper", str(fresh), "--query", "format:clap"))
    ours = independent(fresh / "reaper-fxtags.ini")
    reapers = independent(DATA / "linux-reaper-fxtags.ini")
    zam_keys = {k for k in reapers["developer"] if k.startswith("com.zamaudio.")}
    assert zam_keys and set(ours["developer"]) <= zam_keys, set(ours["developer"]) - zam_keys
    assert len(ours["developer"]) == 17
    for key, vendor in ours["developer"].items():
        if key in reapers["developer"]:
            assert vendor == reapers["developer"][key], key
    # merged into that very file, REAPER's own entries stay as they are
    folder = tmp_path / "REAPER"
    folder.mkdir()
    (folder / "reaper-fxtags.ini").write_bytes((DATA / "linux-reaper-fxtags.ini").read_bytes())
    ok(run_cli("export", "reaper", str(folder)))
    after = independent(folder / "reaper-fxtags.ini")
    for section in ("category", "developer"):
        for key, value in reapers[section].items():
            assert after[section][key] == value, (section, key)


def test_a_plugin_of_a_multi_plugin_bundle_is_named_as_reaper_names_it(run_cli, tmp_catalogue,
                                                                        reaper_folder):
    """REAPER's plugin cache (a real excerpt) gives each plugin of a WaveShell bundle an id;
    the folder item and tag key then are exactly those REAPER wrote in its own files."""
    from pluginary.models import PluginRecord

    bundle = "/Library/Audio/Plug-Ins/VST3/WaveShell1-VST3 13.0.vst3"
    tmp_catalogue.upsert([PluginRecord(
        format="vst3", uid="5653544741324D67747220616D702032", name="GTR Amp 2Cab Mono",
        vendor="Waves", bundle_path=bundle, file_path=bundle)])
    (reaper_folder / "reaper-vstplugins64.ini").write_bytes(
        (DATA / "reaper-vstplugins64.ini").read_bytes())
    ok(run_cli("collection", "create", "Amps"))
    ok(run_cli("collection", "add", "Amps", "vst3:5653544741324D67747220616D702032"))
    ok(run_cli("export", "reaper", str(reaper_folder)))
    item = f"{bundle}<2060298040"
    assert ("3", item) in [i for items in folders(independent(  # REAPER wrote this item
        DATA / "reaper-fxfolders.ini")).values() for i in items]
    assert folders(independent(reaper_folder / "reaper-fxfolders.ini"))["Amps"] == [("3", item)]
    tags = independent(reaper_folder / "reaper-fxtags.ini")
    assert tags["developer"]["WaveShell1_VST3_13.0.vst3<2060298040"] == "Waves"
