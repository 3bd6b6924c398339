"""The Logic exporter on Audio Units scanned from recorded Info.plist files, into a tag database
Logic users published (tests/data, sources in SOURCES.md), read back with plistlib."""

from __future__ import annotations

import plistlib
from pathlib import Path

DATA = Path(__file__).parent / "data"
PRO_Q = "au:aufx:FQ3p:FbFl"
SURGE_FX = "au:aufx:SFXT:VmbA"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def tagset(type_code: str, subtype: str, manufacturer: str) -> str:
    """Logic's file name, computed here independently of the exporter."""
    return "-".join(f"{int.from_bytes(c.encode('mac_roman'), 'big'):08x}"
                    for c in (type_code, subtype, manufacturer)) + ".tagset"


def load(path: Path) -> dict:
    with path.open("rb") as fh:
        return plistlib.load(fh)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tagsets_merge_into_a_real_tag_database_and_keep_every_user_entry(
        run_cli, audio_units, tags_folder):
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so"))
    ok(run_cli("collection", "create", "Mixing/Bus"))
    ok(run_cli("collection", "add", "Mixing/Bus", PRO_Q, SURGE_FX, "ladspa:1514360144"))
    before = snapshot(tags_folder)
    result = ok(run_cli("export", "logic", str(tags_folder)))
    assert "skipped 1 ladspa" in result.stderr and "only au" in result.stderr

    pro_q = load(tags_folder / tagset("aufx", "FQ3p", "FbFl"))
    assert pro_q["tags"]["Utility"] == "tag"  # what was there stays as it was
    assert pro_q["tags"]["Mixing:Bus"] == "user"
    surge_fx = load(tags_folder / tagset("aufx", "SFXT", "VmbA"))
    assert surge_fx["crashes"] == 1 and surge_fx["tags"]["Mixing:Bus"] == "user"
    # new files: the instrument, and codes with a space (Nlz )
    assert (tags_folder / tagset("aumu", "StXT", "VmbA")).is_file()
    assert (tags_folder / "61756d66-4e6c7a20-4e6c7a20.tagset").is_file()
    for name in ("45784932-00000000-434c454d.tagset", "61756d66-42694632-506f7347.tagset",
                 "61756678-62706173-6170706c.tagset"):
        assert (tags_folder / name).read_bytes() == before[name], name

    # consistent with each other: every category in a tagset is in the pool and the order
    pool = load(tags_folder / "MusicApps.tagpool")
    old_pool = plistlib.loads(before["MusicApps.tagpool"])
    assert {k: pool[k] for k in old_pool} == old_pool
    properties = load(tags_folder / "MusicApps.properties")
    old_properties = plistlib.loads(before["MusicApps.properties"])
    assert properties["sorting"][:len(old_properties["sorting"])] == old_properties["sorting"]
    assert {k: v for k, v in properties.items() if k != "sorting"} == {
        k: v for k, v in old_properties.items() if k != "sorting"}
    for path in tags_folder.glob("*.tagset"):
        for category in load(path).get("tags", {}):
            if category:
                assert category in pool and category in properties["sorting"], category


def test_a_category_removed_in_logic_stays_removed_and_a_dropped_one_goes(
        run_cli, audio_units, tags_folder):
    ok(run_cli("collection", "create", "Live"))
    ok(run_cli("collection", "add", "Live", PRO_Q, SURGE_FX))
    ok(run_cli("export", "logic", str(tags_folder)))
    pro_q_path = tags_folder / tagset("aufx", "FQ3p", "FbFl")
    pro_q = load(pro_q_path)
    del pro_q["tags"]["Live"]  # the user takes it off in Logic's Plug-in Manager
    pro_q_path.write_bytes(plistlib.dumps(pro_q))
    again = ok(run_cli("export", "logic", str(tags_folder)))
    assert "Live" not in load(pro_q_path)["tags"] and "left alone" in again.stderr
    # the catalogue drops Surge XT Effects from the collection: Pluginary's category goes
    ok(run_cli("collection", "rm", "Live", SURGE_FX))
    ok(run_cli("export", "logic", str(tags_folder)))
    assert "Live" not in load(tags_folder / tagset("aufx", "SFXT", "VmbA"))["tags"]
    assert "Live" in load(tags_folder / "MusicApps.tagpool")  # a category is never removed


def test_an_older_database_without_a_display_order_keeps_its_shape(run_cli, audio_units,
                                                                   tmp_path):
    folder = tmp_path / "Tags"
    folder.mkdir()
    for name in ("MusicApps.tagpool", "MusicApps.properties"):
        (folder / name).write_bytes((DATA / "old-tags" / name).read_bytes())
    ok(run_cli("collection", "create", "Mixing"))
    ok(run_cli("collection", "add", "Mixing", PRO_Q))
    ok(run_cli("export", "logic", str(folder)))
    assert (folder / "MusicApps.properties").read_bytes() == \
        (DATA / "old-tags" / "MusicApps.properties").read_bytes()
    assert load(folder / "MusicApps.tagpool")["Mixing"] == 0


def test_a_malformed_file_writes_nothing(run_cli, audio_units, tags_folder):
    pool = tags_folder / "MusicApps.tagpool"
    pool.write_bytes(pool.read_bytes()[:200])  # cut off, as a full disk leaves it
    before = snapshot(tags_folder)
    result = run_cli("export", "logic", str(tags_folder))
    assert result.exit_code == 2 and "is not a property list" in result.stderr
    assert snapshot(tags_folder) == before


def test_dry_run_options_and_bad_selections(run_cli, audio_units, tags_folder, tmp_path):
    before = snapshot(tags_folder)
    dry = ok(run_cli("export", "logic", str(tags_folder), "--dry-run"))
    assert "+\t\t<key>" in dry.stdout and snapshot(tags_folder) == before
    ok(run_cli("export", "logic", str(tags_folder), "-O", "categories=false",
               "-O", "collections=false"))
    # no category to give: no file for a plugin Logic has none for
    assert not (tags_folder / "61756d66-4e6c7a20-4e6c7a20.tagset").exists()
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so"))
    none = run_cli("export", "logic", str(tags_folder), "--query", "format:ladspa")
    assert none.exit_code == 3 and "writes only au" in none.stderr
    no_default = run_cli("export", "logic")  # Logic's folder exists only on macOS
    assert no_default.exit_code == 2 and "--out" in no_default.stderr
    help_text = ok(run_cli("export", "logic", "--help")).stdout
    assert "systems: macos" in help_text and "formats: au" in help_text


def test_names_and_category_paths():
    from pluginary_logic.tagsets import category_path, tagset_name

    # the names real files carry (tests/data/tags), and a code with a space
    assert tagset_name("aufx:bpas:appl") == "61756678-62706173-6170706c.tagset"
    assert tagset_name("aumu:dls :appl") == "61756d75-646c7320-6170706c.tagset"
    assert tagset_name("aufx:toolong:appl") is None and tagset_name("x") is None
    assert category_path("Effect/Dynamics/Compressor") == "Dynamics:Compressor"
    assert category_path("Instrument/Synth") == "Synthesizer"
    assert category_path("Analyzer") == "Metering"
    assert category_path("Effect") == "" and category_path("") == ""


GOLDEN = DATA / "golden"


def test_a_fresh_database_matches_the_golden_files(run_cli, audio_units, tmp_path):
    """Into an empty Tags folder: every file as approved (tests/data/golden), and readable
    by plistlib. Regenerate with PLUGINARY_REGOLD=1 after a deliberate change."""
    import os

    ok(run_cli("collection", "create", "Mixing/Bus"))
    ok(run_cli("collection", "add", "Mixing/Bus", PRO_Q))
    folder = tmp_path / "Tags"
    folder.mkdir()
    ok(run_cli("export", "logic", str(folder)))
    made = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix != ".json"}
    if os.environ.get("PLUGINARY_REGOLD"):
        GOLDEN.mkdir(exist_ok=True)
        for name, data in made.items():
            (GOLDEN / name).write_bytes(data)
    assert made == {p.name: p.read_bytes() for p in GOLDEN.iterdir()}
    for data in made.values():
        assert isinstance(plistlib.loads(data), dict)


def test_a_binary_tagset_stays_binary_and_keeps_its_entries(run_cli, audio_units, tags_folder):
    """Every published database is XML; one a tool rewrote as a binary property list is
    merged all the same (plistlib reads and writes both, as Logic does)."""
    path = tags_folder / tagset("aufx", "FQ3p", "FbFl")
    path.write_bytes(plistlib.dumps(load(path), fmt=plistlib.FMT_BINARY))
    ok(run_cli("collection", "create", "Live"))
    ok(run_cli("collection", "add", "Live", PRO_Q))
    ok(run_cli("export", "logic", str(tags_folder)))
    assert path.read_bytes().startswith(b"bplist")
    assert load(path)["tags"] == {**load(path)["tags"], "Utility": "tag", "Live": "user"}
