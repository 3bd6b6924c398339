"""Preset conversion on real plugins, through the CLI (docs/presets.md, "Convert"): zam-plugins
ships ZamComp as LV2 and VST3 (one product), and Calf ships the compressor that the example
mapping table (contrib/preset-map-example) targets. A preset saved in one format is converted,
loaded into the other, and compared by its parameter values and by the audio it makes."""

from __future__ import annotations

import math
from array import array
from pathlib import Path

import numpy as np
import pedalboard

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.presets.model import sha256

ZAMCOMP_LV2 = "lv2:urn:zamaudio:ZamComp"
ZAMCOMP_VST3 = Path("/usr/lib/vst3/ZamComp.vst3")
CALF = "lv2:http://calf.sourceforge.net/plugins/Compressor"
#: A setting far from ZamComp's defaults (threshold 0 dB, ratio 4, attack 10 ms, makeup 0 dB).
SETTINGS = {"Threshold": -24.0, "Ratio": 6.0, "Attack": 5.0, "Release": 120.0, "Makeup": 3.0,
            "Knee": 2.0}
PEDALBOARD_NAMES = {"Threshold": "threshold_db", "Ratio": "ratio", "Attack": "attack_ms",
                    "Release": "release_ms", "Makeup": "makeup_db", "Knee": "knee_db"}
RATE, BLOCK, BLOCKS = 48000, 512, 16
#: Both builds run the same DSP code: their outputs may differ only by float rounding.
AUDIO_TOLERANCE = 1e-5


def capture(run_cli, plugin: str, name: str, settings: dict[str, float]) -> str:
    args = [a for k, v in settings.items() for a in ("--set", f"{k}={v}")]
    done = run_cli("preset", "capture", plugin, "--name", name, *args, "--json")
    assert done.exit_code == 0, done.stderr
    return str(done.json()["preset"])


def noise() -> np.ndarray:
    return (np.random.default_rng(7).standard_normal(BLOCK * BLOCKS) * 0.3).astype(np.float32)


def lv2_output(db: Path, values: dict[str, float]) -> np.ndarray:
    """ZamComp's LV2 through Pluginary's LV2 host, with ``values`` by parameter name."""
    pm = make_plugin_manager()
    catalogue = open_catalogue(pm, str(db), create=False)
    try:
        record = catalogue.get(ZAMCOMP_LV2)
    finally:
        catalogue.close()
    assert record is not None
    host = pm.hook.open_for_validation(record=record)
    instance = host.instantiate(RATE, BLOCK)
    try:
        by_name = {p.name: p.key for p in instance.parameters()}
        for name, value in values.items():
            instance.set(by_name[name], value)
        x, blocks = noise(), []
        for b in range(BLOCKS):
            block = array("f", x[b * BLOCK:(b + 1) * BLOCK].tolist())
            # ZamComp's second input is its sidechain: silent, as in the VST3 (no bus given).
            silent = array("f", [0.0] * BLOCK)
            inputs = [block] + [silent] * (instance.inputs - 1)
            blocks.append(np.array(instance.run(inputs, BLOCK)[0], dtype=np.float32))
        return np.concatenate(blocks)
    finally:
        instance.close()
        host.close()


def vst3_output(plugin: object) -> np.ndarray:
    out = plugin.process(noise().reshape(1, -1), RATE, buffer_size=BLOCK,  # type: ignore[attr-defined]
                         reset=False)
    return np.asarray(out[0], dtype=np.float32)


def test_lv2_preset_replays_into_the_vst3_with_the_same_values_and_audio(
        run_cli, real_catalogue, tmp_path):
    key = capture(run_cli, ZAMCOMP_LV2, "Squash", SETTINGS)
    out = tmp_path / "squash.vstpreset"
    done = run_cli("preset", "convert", key, "--to", "vst3", "--out", str(out), "--json")
    assert done.exit_code == 0, done.stderr
    report = done.json()["report"]
    assert (report["tier"], report["container"], report["exact"]) == (2, "vstpreset", False)
    assert report.get("unmatched", []) == [] and report.get("clamped", []) == []
    # The converted .vstpreset, loaded by a host that is not Pluginary (pedalboard/JUCE).
    plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3), initialization_timeout=0)
    plugin.load_preset(str(out))
    for name, value in SETTINGS.items():
        assert math.isclose(getattr(plugin, PEDALBOARD_NAMES[name]), value, abs_tol=1e-3), name
    # And the audio: the same noise through both formats.
    heard = vst3_output(plugin)
    reference = lv2_output(real_catalogue, SETTINGS)
    assert np.abs(heard - reference).max() <= AUDIO_TOLERANCE
    # Not a vacuous match: at ZamComp's defaults the VST3 sounds clearly different.
    untouched = pedalboard.load_plugin(str(ZAMCOMP_VST3), initialization_timeout=0)
    assert np.abs(vst3_output(untouched) - reference).max() > 0.1


def test_vst3_preset_made_with_pedalboard_replays_into_the_lv2(run_cli, real_catalogue, tmp_path,
                                                              monkeypatch):
    plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3), initialization_timeout=0)
    for name, value in SETTINGS.items():
        setattr(plugin, PEDALBOARD_NAMES[name], value)
    plugin.process(np.zeros((1, BLOCK), dtype=np.float32), RATE, buffer_size=BLOCK, reset=False)
    home = tmp_path / "home"
    folder = home / ".vst3" / "presets" / "Damien Zammit" / "ZamComp"
    folder.mkdir(parents=True)
    (folder / "Squash.vstpreset").write_bytes(plugin.preset_data)
    monkeypatch.setenv("HOME", str(home))
    done = run_cli("preset", "extract", "--container", "vstpreset", "--json")
    assert done.exit_code == 0, done.stderr
    listed = run_cli("preset", "list", "Squash", "--json").json()
    assert [p["container"] for p in listed] == ["vstpreset"]
    out = tmp_path / "squash.ttl"
    done = run_cli("preset", "convert", listed[0]["key"], "--to", ZAMCOMP_LV2, "--out", str(out),
                   "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["report"]["tier"] == 2
    # The LV2 preset, read back through the LV2 container, holds the values set in pedalboard.
    read = run_cli("preset", "extract", str(out), "--json")
    assert read.exit_code == 0, read.stderr
    shown = run_cli("preset", "show", done.json()["preset"], "--json").json()
    values = {p["name"]: p["value"] for p in shown["parameters"]}
    for name, value in SETTINGS.items():
        assert math.isclose(values[name], value, abs_tol=1e-3), name


def test_vstpreset_rewraps_to_raw_state_and_back_exactly(run_cli, real_catalogue, tmp_path,
                                                        monkeypatch):
    key = capture(run_cli, "vst3:" + _vst3_uid(real_catalogue), "Tight", SETTINGS)
    shown = run_cli("preset", "show", key, "--json").json()["preset"]
    assert shown["container"] == "vstpreset"
    state = tmp_path / "tight.juce-state"
    done = run_cli("preset", "convert", key, "--to", "juce-state", "--out", str(state), "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["report"] == {"tier": 1, "source": key, "target": shown["plugin"],
                                     "container": "juce-state", "exact": True}
    # pedalboard takes the re-wrapped bytes as its raw_state and reports the same values.
    plugin = pedalboard.load_plugin(str(ZAMCOMP_VST3), initialization_timeout=0)
    plugin.raw_state = state.read_bytes()
    assert math.isclose(plugin.threshold_db, SETTINGS["Threshold"], abs_tol=1e-3)
    back = tmp_path / "back.vstpreset"
    wrapped = run_cli("preset", "convert", done.json()["preset"], "--to", "vstpreset",
                      "--out", str(back), "--json")
    assert wrapped.exit_code == 0, wrapped.stderr
    original = run_cli("preset", "history", key, "--json").json()[-1]["sha256"]
    assert sha256(back.read_bytes()) == original


def test_tier_three_maps_zamcomp_to_calf_and_says_it_is_lossy(run_cli, real_catalogue, tmp_path):
    key = capture(run_cli, ZAMCOMP_LV2, "Glue", {"Threshold": -20.0, "Ratio": 4.0,
                                                  "Attack": 12.5, "Makeup": 6.0})
    done = run_cli("preset", "convert", key, "--to", CALF, "--json")
    assert done.exit_code == 0, done.stderr
    report = done.json()["report"]
    assert (report["tier"], report["map"], report["exact"]) == (
        3, "zamcomp-to-calf-compressor", False)
    assert any("lossy" in line for line in report["losses"])
    assert any("Slew" in line for line in report["losses"])
    values = {p["name"]: p["value"] for p in run_cli(
        "preset", "show", done.json()["preset"], "--json").json()["parameters"]}
    # Read back from Calf itself in the worker: decibels became Calf's linear gains.
    assert math.isclose(values["Threshold"], 10 ** (-20 / 20), rel_tol=1e-4)
    assert math.isclose(values["Makeup Gain"], 10 ** (6 / 20), rel_tol=1e-4)
    assert (values["Ratio"], values["Attack"], values["Mix"]) == (4.0, 12.5, 1.0)


def test_conversion_between_unrelated_plugins_without_a_map_is_refused(run_cli, real_catalogue):
    key = capture(run_cli, ZAMCOMP_LV2, "Plain", {"Ratio": 3.0})
    done = run_cli("preset", "convert", key, "--to", "lv2:urn:zamaudio:ZamDelay")
    assert done.exit_code == 2
    assert "not formats of one product and no mapping table" in done.stderr


def _vst3_uid(db: Path) -> str:
    catalogue = open_catalogue(make_plugin_manager(), str(db), create=False)
    try:
        (record,) = [r for r in catalogue.list(format="vst3") if r.name == "ZamComp"]
    finally:
        catalogue.close()
    return record.uid


def test_a_user_preset_bundle_read_alone_converts_by_parameter_name(run_cli, real_catalogue,
                                                                    tmp_path, monkeypatch):
    from pluginary_lv2.preset_alone import write_bundle

    key = capture(run_cli, ZAMCOMP_LV2, "Mine", SETTINGS)
    shown = run_cli("preset", "show", key, "--json").json()
    payload = tmp_path / "mine.ttl"
    assert run_cli("preset", "restore", key, shown["preset"]["sha256"][:12], "--to",
                   str(payload)).exit_code == 0
    home = tmp_path / "home"
    (home / ".lv2").mkdir(parents=True)
    write_bundle(payload.read_bytes(), home / ".lv2")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("LV2_PATH", raising=False)
    # Only the user's bundle is read (ZamComp's own bundle is not): ports named by symbol.
    done = run_cli("preset", "extract", str(home / ".lv2"), "--json")
    assert done.exit_code == 0, done.stderr
    (mine,) = [p for p in run_cli("preset", "list", "--json").json()
               if p.get("source", "").startswith(str(home))]
    converted = run_cli("preset", "convert", mine["key"], "--to", "vst3", "--json")
    assert converted.exit_code == 0, converted.stderr
    report = converted.json()["report"]
    assert report.get("unmatched", []) == []
    assert not set(report.get("untouched", [])) & set(SETTINGS)
