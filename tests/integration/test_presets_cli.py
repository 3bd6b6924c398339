"""The preset commands end to end on real preset files (docs/presets.md): Debian's LV2 presets
extracted incrementally, VST3 presets made with pedalboard versioned, diffed and restored, bad
files refused, presets tagged and collected, backed up and shared between catalogues."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pedalboard
import pytest

from pluginary.presets.model import sha256

ZAMCOMP_VST3 = Path("/usr/lib/vst3/ZamComp.vst3")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home (no ~/.lv2, no ~/.vst3) and LV2_PATH on Debian's bundles only."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    monkeypatch.setenv("LV2_PATH", "/usr/lib/lv2")
    return path


def vstpreset(threshold: float, ratio: float) -> bytes:
    """A real .vstpreset of ZamComp, made by pedalboard (JUCE) with these settings."""
    plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3), initialization_timeout=0)
    plugin.threshold_db, plugin.ratio = threshold, ratio
    plugin.process(np.zeros((1, 512), dtype=np.float32), 48000, buffer_size=512, reset=False)
    return bytes(plugin.preset_data)


def extract(run_cli, *args: str) -> dict[str, dict]:
    done = run_cli("preset", "extract", *args, "--json")
    assert done.exit_code == 0, done.stderr
    return {part["container"]: part for part in done.json()["containers"]}


def test_debian_lv2_presets_are_extracted_then_skipped_unread(run_cli, pluginary_env, home):
    first = extract(run_cli, "--container", "lv2-preset")["lv2-preset"]
    assert first["changes"]["added"] >= 1400 and first["errors"] == []
    size = pluginary_env.stat().st_size
    info = run_cli("db", "info", "--json").json()
    second = extract(run_cli, "--container", "lv2-preset")["lv2-preset"]
    # Nothing changed on disk: no source is read, nothing is stored, the file does not grow.
    assert (second["sources"], second["read"]) == (first["sources"], 0)
    assert second["changes"].get("added", 0) == second["changes"].get("updated", 0) == 0
    assert pluginary_env.stat().st_size == size
    assert run_cli("db", "info", "--json").json() == info
    # A real preset with its real values: zam-plugins' "PoppySnare" for ZamComp.
    (snare,) = [p for p in run_cli("preset", "list", "PoppySnare", "--json").json()
                if p["plugin"] == "lv2:urn:zamaudio:ZamComp"]
    shown = run_cli("preset", "show", snare["key"], "--json").json()
    values = {p["key"]: p["value"] for p in shown["parameters"]}
    assert (values["thr"], values["rat"]) == (-18.0, 5.0)


def test_vst3_preset_versions_diff_and_restore(run_cli, real_catalogue, home):
    folder = home / ".vst3" / "presets" / "Damien Zammit" / "ZamComp" / "Drums"
    folder.mkdir(parents=True)
    path = folder / "Snare.vstpreset"
    first_bytes = vstpreset(-12.0, 3.0)
    path.write_bytes(first_bytes)
    assert extract(run_cli, "--container", "vstpreset")["vstpreset"]["changes"]["added"] == 1
    (preset,) = run_cli("preset", "list", "--container", "vstpreset", "--json").json()
    assert (preset["name"], preset["bank"], preset["plugin"].startswith("vst3:")) == (
        "Snare", "Drums", True)
    path.write_bytes(vstpreset(-30.0, 3.0))
    assert extract(run_cli, "--container", "vstpreset")["vstpreset"]["changes"]["updated"] == 1
    history = run_cli("preset", "history", preset["key"], "--json").json()
    assert [v["note"] for v in history] == ["extract", "extract"]
    # The diff loads each version in a worker: only the threshold moved.
    diff = run_cli("preset", "diff", preset["key"], "--json")
    assert diff.exit_code == 0, diff.stderr
    (change,) = diff.json()["changes"]
    assert change["name"] == "Threshold"
    assert math.isclose(change["before"], -12.0, abs_tol=1e-3)
    assert math.isclose(change["after"], -30.0, abs_tol=1e-3)
    # Restore: the first version is current again, and back in the file, byte for byte.
    done = run_cli("preset", "restore", preset["key"], "--json")
    assert done.exit_code == 0, done.stderr
    assert path.read_bytes() == first_bytes
    history = run_cli("preset", "history", preset["key"], "--json").json()
    assert [v["sha256"] for v in history] == [sha256(first_bytes), history[1]["sha256"],
                                              sha256(first_bytes)]
    assert extract(run_cli, "--container", "vstpreset")["vstpreset"]["changes"]["unchanged"] == 1


def test_restore_never_replaces_bytes_it_does_not_keep(run_cli, real_catalogue, home):
    folder = home / ".vst3" / "presets" / "Damien Zammit" / "ZamComp"
    folder.mkdir(parents=True)
    path = folder / "Kick.vstpreset"
    path.write_bytes(vstpreset(-10.0, 2.0))
    extract(run_cli, "--container", "vstpreset")
    path.write_bytes(vstpreset(-20.0, 2.0))
    extract(run_cli, "--container", "vstpreset")
    (preset,) = run_cli("preset", "list", "Kick", "--json").json()
    unsaved = vstpreset(-40.0, 8.0)
    path.write_bytes(unsaved)  # edited in a DAW, not extracted yet
    done = run_cli("preset", "restore", preset["key"])
    assert done.exit_code == 2
    assert "not a stored version" in done.stderr and "preset extract" in done.stderr
    assert path.read_bytes() == unsaved


def test_bad_preset_files_are_refused_with_the_file_named(run_cli, pluginary_env, tmp_path, home):
    good = vstpreset(-6.0, 2.0)
    truncated = tmp_path / "cut.vstpreset"
    truncated.write_bytes(good[:40])
    done = run_cli("preset", "extract", str(truncated))
    assert done.exit_code == 13
    assert "cut.vstpreset" in done.stderr and done.stderr.count("\n") == 1
    wrong = tmp_path / "riff.vstpreset"
    wrong.write_bytes(b"RIFF" + good[4:])
    done = run_cli("preset", "extract", str(wrong))
    assert done.exit_code == 13 and "VST3" in done.stderr
    broken_ttl = tmp_path / "broken.lv2"
    broken_ttl.mkdir()
    (broken_ttl / "manifest.ttl").write_text("@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
                                             "<urn:x> a pset:Preset ;\n")
    done = run_cli("preset", "extract", str(broken_ttl))
    assert done.exit_code == 13 and "manifest.ttl" in done.stderr
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    done = run_cli("preset", "extract", str(other))
    assert done.exit_code == 2 and "no preset container reads" in done.stderr
    # Nothing was stored from any of them.
    assert run_cli("preset", "list", "--json").json() == []


def test_presets_are_tagged_collected_backed_up_and_shared(run_cli, pluginary_env, tmp_path,
                                                          home):
    bundle = Path("/usr/lib/lv2/ZamComp.lv2")
    extract(run_cli, str(bundle))
    presets = run_cli("preset", "list", "--json").json()
    assert len(presets) >= 2
    first = presets[0]["key"]
    assert run_cli("tag", "add", "drums", f"preset:{first[:6]}").exit_code == 0
    assert [p["key"] for p in run_cli("preset", "list", "--tag", "drums", "--json").json()] == [
        first]
    assert run_cli("collection", "create", "Kit").exit_code == 0
    assert run_cli("collection", "add", "Kit", f"preset:{first}").exit_code == 0
    shown = run_cli("collection", "show", "Kit", "--json").json()
    assert [p["key"] for p in shown["presets"]] == [first]
    assert [p["key"] for p in run_cli("preset", "list", "--collection", "Kit",
                                      "--json").json()] == [first]

    # Backup: a fresh catalogue restored from it holds every payload byte for byte.
    backup = tmp_path / "backup"
    made = run_cli("preset", "backup", str(backup), "--json").json()
    assert made["written"] == len({p["sha256"] for p in presets})
    assert run_cli("preset", "backup", str(backup), "--json").json()["written"] == 0
    assert run_cli("preset", "backup", str(backup), "--verify").exit_code == 0
    other = tmp_path / "other.db"
    done = run_cli("--db", str(other), "preset", "restore", "--backup", str(backup), "--json")
    assert done.exit_code == 0, done.stderr
    restored = run_cli("--db", str(other), "preset", "list", "--json").json()
    assert [(p["key"], p["sha256"]) for p in restored] == [
        (p["key"], p["sha256"]) for p in presets]

    # Sharing: a bundle of the plugin's presets into a third catalogue; twice changes nothing.
    shared = tmp_path / "zamcomp.zip"
    done = run_cli("preset", "export", "--plugin", "lv2:urn:zamaudio:ZamComp", "--to",
                   str(shared))
    assert done.exit_code == 0, done.stderr
    third = tmp_path / "third.db"
    imported = run_cli("--db", str(third), "preset", "import", str(shared), "--json").json()
    assert imported["added"] == len(presets)
    again = run_cli("--db", str(third), "preset", "import", str(shared), "--json").json()
    assert (again["added"], again["unchanged"]) == (0, len(presets))
    # A damaged bundle is refused whole.
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(shared.read_bytes()[:-200])
    done = run_cli("--db", str(third), "preset", "import", str(damaged))
    assert done.exit_code == 14 and "damaged.zip" in done.stderr


def test_extracting_a_folder_above_the_bundles_marks_nothing_missing(run_cli, pluginary_env,
                                                                    tmp_path, home):
    import shutil

    root = tmp_path / "mine" / "lv2"
    root.mkdir(parents=True)
    shutil.copytree("/usr/lib/lv2/ZamComp.lv2", root / "ZamComp.lv2")
    added = extract(run_cli, str(root))["lv2-preset"]["changes"]["added"]
    assert added >= 2
    # The parent holds the bundles one level deeper than discovery looks: nothing is gone.
    done = run_cli("preset", "extract", str(tmp_path / "mine"), "--json")
    assert done.exit_code == 0, done.stderr
    assert run_cli("preset", "list", "--missing", "--json").json() == run_cli(
        "preset", "list", "--json").json()
    assert not any(p.get("missing") for p in run_cli("preset", "list", "--missing",
                                                     "--json").json())
    # Removing the bundle is what makes its presets missing (kept, not deleted).
    shutil.rmtree(root / "ZamComp.lv2")
    gone = extract(run_cli, str(root))["lv2-preset"]
    assert gone["gone"] == 1 and gone["changes"]["missing"] == added
    assert len(run_cli("preset", "list", "--missing", "--json").json()) == added


def test_two_catalogues_backed_up_into_one_folder_both_stay_restorable(run_cli, tmp_path,
                                                                       home):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert run_cli("--db", str(first), "preset", "extract",
                   "/usr/lib/lv2/ZamComp.lv2").exit_code == 0
    assert run_cli("--db", str(second), "preset", "extract",
                   "/usr/lib/lv2/ZamGate.lv2").exit_code == 0
    folder = tmp_path / "backup"
    for db in (first, second):
        done = run_cli("--db", str(db), "preset", "backup", str(folder))
        assert done.exit_code == 0, done.stderr
    fresh = tmp_path / "fresh.db"
    done = run_cli("--db", str(fresh), "preset", "restore", "--backup", str(folder), "--json")
    assert done.exit_code == 0, done.stderr
    restored = {p["key"] for p in run_cli("--db", str(fresh), "preset", "list",
                                          "--json").json()}
    both = {p["key"] for db in (first, second)
            for p in run_cli("--db", str(db), "preset", "list", "--json").json()}
    assert restored == both and len(both) > 2
    # A same-size object with a flipped bit is rewritten by the next backup, not trusted.
    victim = next(p for p in (folder / "objects").rglob("*") if p.is_file())
    data = bytearray(victim.read_bytes())
    data[0] ^= 1
    victim.write_bytes(bytes(data))
    assert run_cli("preset", "backup", str(folder), "--verify").exit_code == 1
    assert run_cli("--db", str(first), "preset", "backup", str(folder)).exit_code in (0, 1)
    repaired = run_cli("--db", str(second), "preset", "backup", str(folder))
    assert repaired.exit_code == 0, repaired.stderr
    assert run_cli("preset", "backup", str(folder), "--verify").exit_code == 0
