"""The preset sharing bundle (pluginary.presets.bundle) on real SQLite catalogues, with real
preset bytes (presetbundle_data.py): writing, importing into a fresh catalogue, never
overwriting, and the JSON Schema. The refusals of bad bundles: test_preset_bundle_refusals.py.

Needs pluginary-sqlite, pedalboard, and the zam-plugins and calf packages installed; a test
fails (never skips) when one is missing.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from pluginary.catalogue import Catalogue, open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.presets.bundle import (
    BundleError,
    import_bundle,
    read_bundle,
    safe_name,
    write_bundle,
)
from pluginary.presets.bundle_schema import SCHEMA_NAME, render_schema
from pluginary.presets.model import ParamValue, Preset, preset_key, sha256
from pluginary.schema import published

from .presetbundle_data import (
    CALF_REVERB,
    DOCS,
    SUFFIXES,
    ZAM_CLAP,
    ZAM_LV2,
    ZAM_PRESETS,
    ZAM_VST3,
    export,
    infos_of,
    make_vstpreset,
    open_sender,
    scan_zam,
    schema_errors,
    vst3_preset,
)

VstPresets = dict[float, tuple[bytes, tuple[ParamValue, ...]]]


@pytest.fixture(scope="module")
def zam_catalogue_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ZamComp catalogue, scanned once; tests copy it."""
    return scan_zam(tmp_path_factory.mktemp("scan-home"))


@pytest.fixture(scope="module")
def vstpresets() -> VstPresets:
    """Two .vstpreset files of ZamComp made by pedalboard (attack 25 ms and 50 ms)."""
    return {attack: make_vstpreset(attack) for attack in (25.0, 50.0)}


@pytest.fixture
def open_db(pluginary_env: Path) -> Iterator[Callable[[str], Catalogue]]:
    """Open a fresh catalogue file in the test's folder."""
    opened: list[Catalogue] = []

    def opener(name: str) -> Catalogue:
        catalogue = open_catalogue(make_plugin_manager(), str(pluginary_env.parent / name))
        opened.append(catalogue)
        return catalogue

    yield opener
    for catalogue in opened:
        catalogue.close()


@pytest.fixture
def sender(pluginary_env: Path, zam_catalogue_file: Path,
           vstpresets: VstPresets) -> Iterator[Catalogue]:
    """The real ZamComp catalogue holding three presets (presetbundle_data.open_sender)."""
    catalogue = open_sender(pluginary_env.parent / "sender.db", zam_catalogue_file,
                            vstpresets[25.0])
    yield catalogue
    catalogue.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the bundles (the catalogues are beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# -- round trip --------------------------------------------------------------------------------

SHARED_FIELDS = ("key", "identity", "plugin", "name", "container", "sha256", "size", "bank",
                 "author", "tags", "meta")


def test_export_then_import_into_a_fresh_catalogue_round_trips_exactly(
        sender: Catalogue, open_db: Callable[..., Catalogue], out: Path) -> None:
    infos = infos_of(sender)
    report = write_bundle(sender, infos, out / "zam.zip", suffixes=SUFFIXES)
    assert (report.presets, report.plugins, report.snapshots) == (3, 3, 1)
    assert report.payload_bytes == sum(i.size for i in infos)
    assert report.size == (out / "zam.zip").stat().st_size
    assert sorted(p.name for p in out.iterdir()) == ["zam.zip"]  # no temporary file left
    umask = os.umask(0o022)
    os.umask(umask)
    assert (out / "zam.zip").stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file

    receiver = open_db("receiver.db")
    store = receiver.preset_store()
    changes = import_bundle(store, read_bundle(out / "zam.zip"))
    assert (changes.added, changes.updated, changes.unchanged, changes.conflicts) == (3, 0, 0, [])
    assert sorted(changes.keys) == sorted(i.key for i in infos)

    sent = sender.preset_store()
    for info in infos:
        got = store.get(info.key)
        assert got is not None, info.identity
        assert {f: getattr(got, f) for f in SHARED_FIELDS} == {
            f: getattr(info, f) for f in SHARED_FIELDS}
        assert store.payload(got.sha256) == sent.payload(info.sha256)
        assert store.snapshot(got.sha256) == sent.snapshot(info.sha256)
        assert [v.note for v in store.history(got.key)] == ["import zam.zip"]
    vst3 = store.find(plugin=ZAM_VST3)
    assert len(vst3) == 1 and store.snapshot(vst3[0].sha256) is not None


def test_the_zip_holds_the_payloads_in_their_native_containers(
        sender: Catalogue, out: Path, vstpresets: VstPresets) -> None:
    bundle = export(sender, out / "zam.zip")
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert names[:2] == ["manifest.json", SCHEMA_NAME]
        assert sorted(names[2:]) == ["presets/ZamComp/Slow attack.vstpreset",
                                     "presets/ZamComp/Zero.ttl",
                                     "presets/lv2_http___calf.sourceforge.net_plugins_Reverb/"
                                     "Large Empty Hall.ttl"]
        vstpreset = archive.read("presets/ZamComp/Slow attack.vstpreset")
        manifest = json.loads(archive.read("manifest.json"))
    # Byte for byte what pedalboard made: a host can load it as it is.
    assert vstpreset == vstpresets[25.0][0] and vstpreset[:4] == b"VST3"
    assert manifest["schema"] == "pluginary-presets" and manifest["version"] == 1
    assert re.fullmatch(r"pluginary \d+\.\d+\.\d+.*", manifest["generator"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created"])
    plugins = {p["key"]: p for p in manifest["plugins"]}
    assert plugins[ZAM_VST3]["name"] == "ZamComp"
    assert plugins[ZAM_VST3]["vendor"] == "Damien Zammit"
    assert plugins[ZAM_VST3]["product"] == plugins[ZAM_LV2]["product"] != ""
    # Every format of the product, so a receiver with only the CLAP can match the preset.
    assert [f["key"] for f in plugins[ZAM_VST3]["formats"]] == [ZAM_CLAP, ZAM_LV2, ZAM_VST3]
    assert plugins[ZAM_LV2]["formats"] == plugins[ZAM_VST3]["formats"]
    assert plugins[CALF_REVERB] == {
        "key": CALF_REVERB, "format": "lv2", "uid": "http://calf.sourceforge.net/plugins/Reverb",
        "name": "", "vendor": "", "version": "", "product": "",
        "formats": [{"format": "lv2", "uid": "http://calf.sourceforge.net/plugins/Reverb",
                     "key": CALF_REVERB}]}
    vst3 = next(p for p in manifest["presets"] if p["plugin"] == ZAM_VST3)
    assert vst3["file"] == "presets/ZamComp/Slow attack.vstpreset"
    assert vst3["sha256"] == sha256(vstpreset) and vst3["size"] == len(vstpreset)
    assert {p["key"]: p["value"] for p in vst3["parameters"]}["attack_ms"] == pytest.approx(
        next(p.value for p in vstpresets[25.0][1] if p.key == "attack_ms"))


def test_without_suffixes_a_payload_takes_its_source_files_suffix(
        sender: Catalogue, out: Path) -> None:
    write_bundle(sender, infos_of(sender), out / "zam.zip")
    with zipfile.ZipFile(out / "zam.zip") as archive:
        names = sorted(archive.namelist())
    # The LV2 presets were read from .ttl files; the capture has no source file.
    assert "presets/ZamComp/Zero.ttl" in names
    assert "presets/ZamComp/Slow attack.preset" in names


def test_names_are_sanitised_and_paths_unique(sender: Catalogue, out: Path) -> None:
    store = sender.preset_store()
    data = ZAM_PRESETS.read_bytes()
    store.put([Preset(identity=f"urn:test:{i}", plugin=ZAM_LV2, name=name,
                      container="lv2-preset", data=data)
               for i, name in enumerate(["Kick: punch/tight?", "kick_ punch_tight_", "..",
                                         "CON", "Zero"])], note="test")
    export(sender, out / "zam.zip")
    with zipfile.ZipFile(out / "zam.zip") as archive:
        zam = sorted(n for n in archive.namelist() if n.startswith("presets/ZamComp/"))
    assert zam == ["presets/ZamComp/Kick_ punch_tight_.ttl",
                   "presets/ZamComp/Slow attack.vstpreset",
                   "presets/ZamComp/Zero (2).ttl", "presets/ZamComp/Zero.ttl",
                   "presets/ZamComp/_.ttl", "presets/ZamComp/_CON.ttl",
                   "presets/ZamComp/kick_ punch_tight_ (2).ttl"]
    # One payload stored once, five files in the bundle: each still reads back.
    bundle = read_bundle(out / "zam.zip")
    assert len(bundle.manifest.presets) == 8
    assert all(bundle.payload(p) == store.payload(p.sha256) for p in bundle.manifest.presets)


def test_safe_name_limits_length_and_keeps_words() -> None:
    assert safe_name("Warm Pad") == "Warm Pad"
    assert safe_name("a\\b/c:d*e?f\"g<h>i|j\x01k") == "a_b_c_d_e_f_g_h_i_j_k"
    assert safe_name(" .hidden. ") == "hidden"
    assert safe_name("nul.txt") == "_nul.txt"
    long = safe_name("é" * 200)
    assert len(long.encode()) <= 120 and set(long) == {"é"}


# -- importing never overwrites ----------------------------------------------------------------

def test_importing_twice_changes_nothing(sender: Catalogue, open_db: Callable[..., Catalogue],
                                         out: Path) -> None:
    bundle = read_bundle(export(sender, out / "zam.zip"))
    store = open_db("receiver.db").preset_store()
    assert import_bundle(store, bundle).added == 3
    before = (store.dump(), store.payload_hashes())
    again = import_bundle(store, bundle)
    assert (again.added, again.updated, again.unchanged, again.keys, again.conflicts) == (
        0, 0, 3, [], [])
    assert (again.blobs_added, again.bytes_added) == (0, 0)
    assert (store.dump(), store.payload_hashes()) == before


def test_a_conflicting_preset_is_kept_as_both(
        sender: Catalogue, open_db: Callable[..., Catalogue], out: Path,
        vstpresets: VstPresets) -> None:
    bundle = read_bundle(export(sender, out / "zam.zip"))
    receiver = open_db("receiver.db").preset_store()
    # The receiver has the same preset (same identity) with other bytes: attack 50 ms.
    mine = vst3_preset(*vstpresets[50.0])
    receiver.put([mine], note="capture")
    key = preset_key(mine.identity)
    theirs = next(p for p in bundle.manifest.presets if p.identity == mine.identity)
    assert theirs.sha256 != sha256(mine.data)

    changes = import_bundle(receiver, bundle)
    assert (changes.added, changes.updated, changes.unchanged) == (3, 0, 0)
    [conflict] = changes.conflicts
    assert b"\x00att\x0024.99" in bundle.payload(theirs) and b"\x00att\x0050\x00" in mine.data
    copy_identity = f"{mine.identity}#import-{theirs.sha256[:8]}"
    assert (conflict.identity, conflict.key, conflict.copy_identity, conflict.copy_key,
            conflict.sha256) == (mine.identity, key, copy_identity, preset_key(copy_identity),
                                 theirs.sha256)
    # Mine is untouched: same bytes, one version.
    stored = receiver.get(key)
    assert stored is not None and stored.sha256 == sha256(mine.data)
    assert [v.note for v in receiver.history(key)] == ["capture"]
    # Theirs is beside it, with its bytes and snapshot.
    copy = receiver.get(conflict.copy_key)
    assert copy is not None and copy.identity == copy_identity
    assert receiver.payload(copy.sha256) == bundle.payload(theirs)
    assert receiver.snapshot(copy.sha256) == theirs.parameters
    assert [v.note for v in receiver.history(copy.key)] == ["import zam.zip"]

    again = import_bundle(receiver, bundle)
    assert (again.added, again.updated, again.unchanged, again.conflicts) == (0, 0, 3, [])


def test_a_bundle_holding_an_older_version_changes_nothing(
        sender: Catalogue, out: Path,
        vstpresets: VstPresets) -> None:
    bundle = read_bundle(export(sender, out / "zam.zip"))
    store = sender.preset_store()
    store.put([vst3_preset(*vstpresets[50.0])], note="edited")  # a newer version
    changes = import_bundle(store, bundle)
    assert (changes.added, changes.updated, changes.unchanged, changes.conflicts) == (
        0, 0, 3, [])
    info = store.get(preset_key(f"capture:{ZAM_VST3}/Slow attack"))
    assert info is not None and info.sha256 == sha256(vstpresets[50.0][0])


def test_snapshots_the_store_lacked_are_kept(sender: Catalogue,
                                            open_db: Callable[..., Catalogue],
                                            out: Path,
                                            vstpresets: VstPresets) -> None:
    bundle = read_bundle(export(sender, out / "zam.zip"))
    receiver = open_db("receiver.db").preset_store()
    data, params = vstpresets[25.0]
    receiver.put([msgspec.structs.replace(vst3_preset(data, params), parameters=None)],
                 note="capture")
    assert receiver.snapshot(sha256(data)) is None
    assert import_bundle(receiver, bundle).unchanged == 1
    assert receiver.snapshot(sha256(data)) == params


# -- writing refuses ---------------------------------------------------------------------------

def test_an_existing_destination_is_never_overwritten(sender: Catalogue, out: Path) -> None:
    destination = out / "zam.zip"
    destination.write_bytes(b"my own file")
    with pytest.raises(BundleError) as caught:
        write_bundle(sender, infos_of(sender), destination)
    assert str(caught.value) == f"{destination} already exists; a bundle is never overwritten"
    assert caught.value.hint == "choose another file name, or move the old file away first"
    assert caught.value.exit_code == 14
    assert destination.read_bytes() == b"my own file"
    assert sorted(p.name for p in out.iterdir()) == ["zam.zip"]


def test_writing_refuses_an_empty_selection_and_a_missing_folder(sender: Catalogue,
                                                                 out: Path) -> None:
    with pytest.raises(BundleError, match="no presets were selected"):
        write_bundle(sender, [], out / "zam.zip")
    with pytest.raises(BundleError, match="is not a folder; nothing was written"):
        write_bundle(sender, infos_of(sender), out / "nowhere" / "zam.zip")
    assert list(out.iterdir()) == []


# -- the JSON Schema ---------------------------------------------------------------------------

def test_the_bundled_schema_validates_the_manifest(sender: Catalogue, out: Path) -> None:
    with zipfile.ZipFile(export(sender, out / "zam.zip")) as archive:
        schema = json.loads(archive.read(SCHEMA_NAME))
        manifest = json.loads(archive.read("manifest.json"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema_errors(manifest, schema, schema) == []
    # The schema can fail: a manifest missing a field, or breaking a pattern, does.
    broken = json.loads(json.dumps(manifest))
    del broken["presets"][0]["sha256"]
    broken["presets"][1]["key"] = "nothex"
    broken["schema"] = "other"
    assert schema_errors(broken, schema, schema) == [
        "$.schema: not pluginary-presets", "$.presets[0].sha256: required",
        "$.presets[1].key: does not match ^[0-9a-f]{12}$"]
    required = schema["$defs"]["BundlePreset"]["required"]
    assert sorted(required) == sorted(["key", "identity", "name", "plugin", "container", "file",
                                       "sha256", "size"])
    assert sorted(schema["$defs"]["BundleManifest"]["required"]) == [
        "created", "generator", "schema", "version"]


def test_the_bundled_schema_is_the_published_one(sender: Catalogue, out: Path) -> None:
    with zipfile.ZipFile(export(sender, out / "zam.zip")) as archive:
        bundled = archive.read(SCHEMA_NAME).decode()
    assert bundled == render_schema()
    published_text = (DOCS / "schema" / "pluginary-presets.schema.json").read_text()
    assert published_text == published()["pluginary-presets.schema.json"] == bundled, (
        "run: python -m pluginary.schema docs/schema")
