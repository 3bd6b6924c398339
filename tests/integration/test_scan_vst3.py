"""Scanning real VST3 plugins built from dpf-source, torture plugins included, through the CLI."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import ScanFinished, ScanProgress, ScanStarted

GOOD = ("PlDelay", "PlFilter", "PlGain", "PlManyParams", "PlSynth")


def by_name(listed: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in listed}


def copy_bundle(source: Path, folder: Path, stem: str | None = None) -> Path:
    """A real copy (not a link: dlopen dedupes by inode), the inner .so renamed to the stem."""
    stem = stem or source.name.removesuffix(".vst3")
    target = folder / f"{stem}.vst3"
    shutil.copytree(source, target)
    inner = target / "Contents" / "x86_64-linux"
    (so,) = inner.glob("*.so")
    so.rename(inner / f"{stem}.so")
    return target


@pytest.fixture
def good_copies(test_plugins, tmp_path) -> Path:
    folder = tmp_path / "vst3"
    folder.mkdir()
    for name in ("PlGain", "PlDelay", "PlFilter"):
        copy_bundle(test_plugins[name].path("vst3"), folder)
    return folder


def test_quick_scan_records_every_good_plugin_with_its_class_id(run_cli, test_plugins):
    result = run_cli("scan", str(test_plugins.dir("good", "vst3")), "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["counts"] == {"ok": len(GOOD)}
    listed = by_name(run_cli("list", "--json").json())
    assert set(listed) == set(GOOD)
    for name in GOOD:
        record = listed[name]
        assert record["uid"] == test_plugins[name].vst3_class_id
        assert record["vendor"] == "Pluginary Test"
        assert record.get("tier") == 1 and record.get("status", "ok") == "ok"
        assert record["architecture"] == "x86_64"
    assert listed["PlSynth"]["role"] == "instrument"
    assert listed["PlGain"]["role"] == "effect"


def test_full_scan_reads_parameters_on_the_same_rows(run_cli, test_plugins):
    folder = str(test_plugins.dir("good", "vst3"))
    assert run_cli("scan", folder, "--quick").exit_code == 0
    result = run_cli("scan", folder, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": len(GOOD)}
    listed = by_name(run_cli("list", "--json").json())
    assert len(listed) == len(GOOD), "tier 2 enriches the tier-1 rows, it never adds rows"
    for name in GOOD:
        record = listed[name]
        assert record["tier"] == 2
        # DPF's VST3 wrapper also exposes 16 x 130 MIDI-controller parameters for a plugin with
        # MIDI input, flagged hidden: DAWs do not show them, neither does the catalogue.
        assert len(record["parameters"]) == test_plugins[name].num_parameters, name
        assert record["audio_outputs"] == test_plugins[name].audio_outputs, name
        assert "parameter_ids" not in record["extra"], "real VST3 ParamIDs, not indexes"
    gain = {p["name"]: p for p in listed["PlGain"]["parameters"]}
    assert (gain["Gain"]["min"], gain["Gain"]["max"], gain["Gain"]["unit"]) == (-60.0, 12.0, "dB")
    assert gain["Gain"]["id"] == "0"
    assert (listed["PlGain"]["audio_inputs"], listed["PlGain"]["midi_inputs"]) == (2, 0)
    assert (listed["PlSynth"]["audio_inputs"], listed["PlSynth"]["midi_inputs"]) == (0, 1)
    assert listed["PlSynth"]["role"] == "instrument"
    # Read through the VST3 interfaces: pedalboard, the fallback, was not needed.
    assert not {"parameters_from", "juce_identifier"} & set(listed["PlGain"]["extra"])


def test_torture_plugins_are_recorded_with_status_and_cause(run_cli, test_plugins):
    torture = str(test_plugins.dir("torture", "vst3"))
    special = str(test_plugins.dir("special", "vst3"))
    gain = str(test_plugins["PlGain"].path("vst3"))
    result = run_cli("scan", torture, special, gain, "--timeout", "4", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(result.stderr) < 10_000, "50 MB of plugin stderr never reaches the terminal"

    def state(name: str) -> dict:
        shown = run_cli("show", name, "--json")
        assert shown.exit_code == 0, (name, shown.stderr)
        return shown.json()

    expected = {
        "PlCrashSegv": ("crashed", 2, "SIGSEGV"), "PlCrashAbort": ("crashed", 2, "SIGABRT"),
        "PlExit0": ("crashed", 2, "exit code 0"), "PlSpin": ("timeout", 2, "4 s"),
        "PlSleep20": ("timeout", 2, "4 s"),
    }
    listed = by_name(run_cli("list", "--json").json())
    for name, (status, tier, words) in expected.items():
        record = listed[name]  # still findable, with what tier 1 found
        assert record["uid"] == test_plugins[name].vst3_class_id
        assert (record["status"], record["tier"]) == (status, tier), name
        assert words in record["cause"], (name, record["cause"])
    assert listed["PlStderrFlood"].get("status", "ok") == "ok"
    assert listed["PlGain"].get("status", "ok") == "ok"

    static = state("PlStaticInitCrash.vst3")
    assert (static["status"], static["tier"]) == ("crashed", 1)
    assert "SIGSEGV" in static["cause"]
    assert "Other.so" in state("PlWrongSoName.vst3")["cause"]
    assert "GetPluginFactory" in state("NotAPluginBundle.vst3")["cause"]
    assert state("NotAPlugin.vst3")["status"] == "failed"

    hits = run_cli("search", "PlCrashSegv", "--json").json()
    assert [h["record"]["name"] for h in hits] == ["PlCrashSegv"]
    counts = run_cli("status", "--json").json()
    # failed: the 3 special files, and PlMultiVst3's two classes at tier 2 (it cannot be
    # instantiated; its records from tier 1 stay). ok: PlGain, PlStderrFlood, PlNormalized.
    assert counts["formats"]["vst3"] == {"ok": 3, "crashed": 4, "timeout": 2, "failed": 5}


def test_a_timeout_is_retried_alone_with_a_larger_budget(run_cli, test_plugins):
    sleeper = str(test_plugins["PlSleep20"].path("vst3"))
    # Killed after 14 s without progress, then retried with 21 s: the 20 s sleep then passes.
    result = run_cli("scan", sleeper, "--base-timeout", "14", "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = run_cli("list", "--json").json()
    assert (record.get("status", "ok"), record["tier"]) == ("ok", 2)


def test_crashed_plugins_are_blocked_until_their_file_changes(run_cli, test_plugins, tmp_path):
    folder = tmp_path / "vst3"
    folder.mkdir()
    bundle = copy_bundle(test_plugins["PlStaticInitCrash"].path("vst3"), folder)
    first = run_cli("scan", str(folder), "--json").json()
    assert first["counts"] == {"crashed": 1}
    second = run_cli("scan", str(folder), "--json").json()
    assert (second["loaded"], second["blocked_skipped"]) == (0, 1)
    retried = run_cli("scan", str(folder), "--retry", "crashed", "--json").json()
    assert retried["counts"] == {"crashed": 1}
    binary = next((bundle / "Contents" / "x86_64-linux").glob("*.so"))
    os.utime(binary, ns=(binary.stat().st_atime_ns, binary.stat().st_mtime_ns + 10**9))
    changed = run_cli("scan", str(folder), "--json").json()
    assert changed["loaded"] == 1, "a changed file lifts the block"


def test_unchanged_skipped_changed_rescanned_removed_marked_missing(run_cli, good_copies):
    first = run_cli("scan", str(good_copies), "--quick", "--json").json()
    assert first["counts"] == {"ok": 3}
    again = run_cli("scan", str(good_copies), "--quick", "--json").json()
    assert (again["loaded"], again["unchanged"]) == (0, 3)

    # An update that rewrites the inner binary in place: the bundle folder's mtime is unchanged.
    bundle = good_copies / "PlDelay.vst3"
    folder_mtime = bundle.stat().st_mtime_ns
    binary = bundle / "Contents" / "x86_64-linux" / "PlDelay.so"
    data = binary.read_bytes()
    binary.write_bytes(data)
    os.utime(binary, ns=(binary.stat().st_atime_ns, binary.stat().st_mtime_ns + 10**9))
    os.utime(bundle, ns=(folder_mtime, folder_mtime))
    updated = run_cli("scan", str(good_copies), "--quick", "--json").json()
    assert (updated["loaded"], updated["unchanged"]) == (1, 2)

    shutil.rmtree(good_copies / "PlFilter.vst3")
    removed = run_cli("scan", str(good_copies), "--quick", "--json").json()
    assert removed["missing"] == 1
    listed = by_name(run_cli("list", "--json").json())
    assert listed["PlFilter"]["status"] == "missing", "kept, never silently deleted"


def test_one_plugin_at_two_paths_is_one_plugin_with_two_installations(run_cli, test_plugins,
                                                                       tmp_path):
    for where in ("user", "system"):
        (tmp_path / where).mkdir()
        copy_bundle(test_plugins["PlGain"].path("vst3"), tmp_path / where)
    result = run_cli("scan", str(tmp_path / "user"), str(tmp_path / "system"), "--quick")
    assert result.exit_code == 0, result.stderr
    assert len(run_cli("list", "--json").json()) == 1
    duplicates = run_cli("list", "--duplicates", "--json").json()
    assert [d["plugin"]["name"] for d in duplicates] == ["PlGain"]
    assert len(duplicates[0]["installations"]) == 2
    assert "2 installations" in run_cli("list").stdout
    assert run_cli("status", "--json").json()["totals"] == {"ok": 2}


def test_events_reach_the_scan_event_hook(run_cli, good_copies):
    events = []

    class Recorder:
        from pluginary import hookimpl

        @staticmethod
        @hookimpl
        def scan_event(event):
            events.append(event)

    pm = make_plugin_manager()
    pm.register(Recorder(), name="recorder")
    assert run_cli("scan", str(good_copies), "--quick", pm=pm).exit_code == 0
    assert isinstance(events[0], ScanStarted) and isinstance(events[-1], ScanFinished)
    progress = [e for e in events if isinstance(e, ScanProgress)]
    assert [e.done for e in progress] == [1, 2, 3]
    assert events[-1].counts == {"ok": 3} and not events[-1].interrupted


def test_bad_scan_input_is_one_line(run_cli, tmp_path):
    missing = run_cli("scan", str(tmp_path / "nope"))
    assert missing.exit_code == 3 and "does not exist" in missing.stderr
    fmt = run_cli("scan", str(tmp_path), "--format", "vst2")
    assert fmt.exit_code == 2 and "installed formats" in fmt.stderr
    both = run_cli("scan", "--quick", "--deep")
    assert both.exit_code == 2
    bad_retry = run_cli("scan", str(tmp_path), "--retry", "exploded")
    assert bad_retry.exit_code == 2 and "unknown status" in bad_retry.stderr


def test_a_bundle_with_several_classes_gives_one_record_per_class(run_cli, test_plugins):
    multi = test_plugins["PlMultiVst3"]
    result = run_cli("scan", str(multi.path("vst3")), "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_name(run_cli("list", "--json").json())
    assert set(listed) == {"PlMulti A", "PlMulti B"}
    assert sorted(r["uid"] for r in listed.values()) == sorted(multi.vst3_class_ids)
    assert listed["PlMulti B"]["role"] == "instrument"
    assert listed["PlMulti A"]["categories"] == ["Fx", "Delay"]
    for record in listed.values():  # it has no real processor: tier 2 fails, tier 1 stays
        assert (record["status"], record["tier"]) == ("failed", 2)
        assert "pedalboard could not load it" in record["cause"]


def test_the_seventeen_zam_plugins_list_in_seconds(run_cli):
    """Debian's zam-plugins at tiers 0-1: ZamVerb, which needs minutes to instantiate, lists
    like the others because nothing is instantiated."""
    result = run_cli("scan", "/usr/lib/vst3", "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": 17}
    listed = by_name(run_cli("list", "--json").json())
    assert len(listed) == 17 and "ZamVerb" in listed
    assert {r["vendor"] for r in listed.values()} == {"Damien Zammit"}


def trap_pedalboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a module named pedalboard first on the workers' path: it records that it was
    imported (the file returned) and fails the import, as a machine without pedalboard."""
    trap = tmp_path / "trap"
    trap.mkdir()
    imported = tmp_path / "pedalboard-was-imported"
    (trap / "pedalboard.py").write_text(
        f"open({str(imported)!r}, 'w').close()\nraise ImportError('pedalboard is trapped')\n")
    monkeypatch.setenv("PYTHONPATH", str(trap))
    return imported


def test_a_full_scan_of_the_zam_set_never_imports_pedalboard(run_cli, tmp_path, monkeypatch):
    """Tier 2 of all 17 zam plugins, ZamVerb included (100+ s through pedalboard), through the
    VST3 interfaces alone."""
    imported = trap_pedalboard(tmp_path, monkeypatch)
    began = time.monotonic()
    result = run_cli("scan", "/usr/lib/vst3", "--json")
    took = time.monotonic() - began
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": 17}
    assert not imported.exists(), "a worker imported pedalboard"
    listed = by_name(run_cli("list", "--json").json())
    assert {r["tier"] for r in listed.values()} == {2}
    verb = listed["ZamVerb"]
    assert verb["parameters"] and verb["audio_outputs"] == 2
    assert "parameters_from" not in verb["extra"]
    assert took < 30, f"{took:.1f} s for 17 plugins"


def test_a_class_the_interfaces_cannot_read_needs_the_fallback_and_says_so(
        run_cli, test_plugins, tmp_path, monkeypatch):
    """PlMultiVst3 refuses createInstance: only pedalboard could try it, and it is missing."""
    imported = trap_pedalboard(tmp_path, monkeypatch)
    result = run_cli("scan", str(test_plugins["PlMultiVst3"].path("vst3")), "--json")
    assert result.exit_code == 0, result.stderr
    assert imported.exists(), "the fallback was tried"
    for record in run_cli("list", "--json").json():
        assert (record["status"], record["tier"]) == ("failed", 2)
        assert "createInstance(IComponent) returned 3" in record["cause"], record["cause"]
        assert "pip install 'pluginary-vst3[pedalboard]'" in record["cause"]


def test_the_torture_set_with_default_budgets_takes_under_a_minute(run_cli, test_plugins):
    """No --timeout: a spinning and a sleeping plugin are recorded timeout promptly (each killed,
    retried alone with twice the budget, killed again), and the cause says how to give more."""
    began = time.monotonic()
    result = run_cli("scan", str(test_plugins.dir("torture", "vst3")), "--json")
    took = time.monotonic() - began
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"crashed": 4, "timeout": 2, "ok": 1}
    assert took < 60, f"{took:.0f} s"
    listed = by_name(run_cli("list", "--json").json())
    for name in ("PlSpin", "PlSleep20"):
        assert "pluginary scan --retry timeout --base-timeout" in listed[name]["cause"]


def test_parameters_whose_plain_value_is_normalised_get_the_range_a_host_shows(
        run_cli, test_plugins):
    """PlNormalized answers normalizedParamToPlain with the normalised value, as plugins built
    on Steinberg's SDK without a declared range (and JUCE plugins) do; its display texts say
    87.8 Hz .. 1020.3 Hz. A labelled parameter keeps 0-1 and its steps; a declared range is
    read as before."""
    result = run_cli("scan", str(test_plugins["PlNormalized"].path("vst3")), "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = run_cli("list", "--json").json()
    assert (record.get("status", "ok"), record["tier"]) == ("ok", 2)
    params = {p["name"]: p for p in record["parameters"]}
    crossover, mode, gain = params["Crossover"], params["Mode"], params["Gain"]
    assert (crossover["min"], crossover["max"], crossover["default"], crossover["unit"]) == (
        87.8, 1020.3, 320.9, "Hz")
    assert crossover["default_normalized"] == 0.25 and "steps" not in crossover
    assert (mode["min"], mode["max"], mode["default"], mode["steps"]) == (0.0, 1.0, 0.0, 2)
    assert (gain["min"], gain["max"], gain["default"], gain["unit"]) == (-24.0, 24.0, 0.0, "dB")
