"""AU through the real CLI into a real SQLite catalogue: bundles built from recorded Info.plist
files (XML and binary), one with two Audio Units, a legacy Component Manager bundle, a damaged
plist, and (with auval's listing recorded) the Audio Units registered outside the folders."""

from __future__ import annotations

import json
import plistlib
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

import pluginary_au
from pluginary.models import Candidate, Status
from pluginary.scan.roots import roots_for
from pluginary_au import AU, auval, format_info, registry

FABFILTER = "aufx:FQ3p:FbFl"
SURGE, SURGE_FX = "aumu:StXT:VmbA", "aufx:SFXT:VmbA"
TAL = "aumu:Tnm2:TOGU"
PLUESCH = "aumf:Nlz :Nlz "
SCALER = "aumi:Sca2:PlBt"


def by_uid(run_cli) -> dict[str, dict[str, Any]]:
    return {r["uid"]: r for r in run_cli("list", "--format", "au", "--json").json()}


def test_every_declared_audio_unit_is_listed_with_its_codes(run_cli, components):
    result = run_cli("scan", str(components), "--format", "au", "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_uid(run_cli)
    assert set(listed) == {FABFILTER, SURGE, SURGE_FX, TAL, PLUESCH, SCALER}
    # JSON leaves out defaults: status "ok" and tier 0.
    assert all(r.get("status", "ok") == "ok" and r.get("tier", 0) == 0 for r in listed.values())
    assert all("cause" not in r for r in listed.values())

    proq = listed[FABFILTER]
    bundle = components / "FabFilter Pro-Q 3.component"
    assert (proq["name"], proq["vendor"], proq["version"]) == ("Pro-Q 3", "FabFilter", "3.2.1")
    assert (proq["role"], proq["categories"], proq["description"]) == (
        "effect", ["Effects", "EQ"], "FabFilter Pro-Q 3")
    assert proq["bundle_path"] == str(bundle)
    assert proq["file_path"] == str(bundle / "Contents" / "MacOS" / "FabFilter Pro-Q 3")
    assert proq["midi_inputs"] == 0
    extra = proq["extra"]
    assert (extra["type"], extra["subtype"], extra["manufacturer"]) == ("aufx", "FQ3p", "FbFl")
    assert (extra["sandbox_safe"], extra["bundle_identifier"], extra["bundle_version"]) == (
        "true", "com.fabfilter.Pro-Q.AU.3", "3.21")
    assert extra["factory_function"] == "FFProQ3AUFactory"
    assert json.loads(extra["resource_usage"]) == {
        "network.client": False, "temporary-exception.files.all.read-write": True}


def test_one_binary_plist_bundle_with_an_instrument_and_an_effect(run_cli, components,
                                                                   data_dir):
    assert (data_dir / "Surge XT.bplist").read_bytes().startswith(b"bplist00")
    assert run_cli("scan", str(components / "Surge XT.component")).exit_code == 0
    listed = by_uid(run_cli)
    assert set(listed) == {SURGE, SURGE_FX}
    synth, fx = listed[SURGE], listed[SURGE_FX]
    assert (synth["name"], synth["role"], synth["midi_inputs"]) == ("Surge XT", "instrument", 1)
    assert (fx["name"], fx["role"], fx["categories"]) == (
        "Surge XT Effects", "effect", ["Effects", "Reverb", "Delay"])
    assert {r["vendor"] for r in listed.values()} == {"Surge Synth Team"}
    assert {r["version"] for r in listed.values()} == {"1.3.1"}
    assert {r["bundle_path"] for r in listed.values()} == {
        str(components / "Surge XT.component")}
    assert "sandbox_safe" not in synth["extra"] and fx["extra"]["sandbox_safe"] == "true"
    assert run_cli("status", "--json").json()["formats"]["au"] == {"ok": 2}


def test_show_names_without_vendor_codes_with_spaces_and_midi_processors(run_cli, components):
    assert run_cli("scan", str(components)).exit_code == 0
    tal = run_cli("show", f"au:{TAL}", "--json").json()
    # No "Vendor: " prefix: the whole string is the name and the vendor stays unknown.
    assert (tal["name"], tal.get("vendor", ""), tal["version"], tal["role"]) == (
        "TAL-NoiseMaker", "", "5.0.6", "instrument")
    assert "sandbox_safe" not in tal["extra"]
    pluesch = run_cli("show", f"au:{PLUESCH}", "--json").json()
    assert (pluesch["name"], pluesch["vendor"]) == ("Plüsch", "Nölz Audio")
    assert pluesch["description"] == "Weiches Wavetable-Pad für Flächen und Chöre"
    assert (pluesch["role"], pluesch["midi_inputs"], pluesch["extra"]["type_name"]) == (
        "effect", 1, "music effect")
    assert (pluesch["extra"]["subtype"], pluesch["extra"]["sandbox_safe"]) == ("Nlz ", "false")
    scaler = run_cli("show", f"au:{SCALER}", "--json").json()
    assert (scaler["role"], scaler["vendor"], scaler["version"]) == (
        "midi-effect", "Plugin Boutique", "2.8.1")
    shown = run_cli("show", f"au:{PLUESCH}")
    assert shown.exit_code == 0 and "Nölz Audio" in shown.stdout


def test_legacy_damaged_and_plistless_bundles_fail_with_a_cause(run_cli, tmp_path, make_bundle):
    folder = tmp_path / "Components"
    make_bundle(folder, "Legacy Verb.component", "Legacy Verb.plist")
    make_bundle(folder, "Broken.component", "Broken.plist")
    make_bundle(folder, "Empty.component", None)
    assert run_cli("scan", str(folder), "--format", "au").exit_code == 0
    failed = {Path(r["file_path"]).name: r for r in
              run_cli("list", "--status", "failed", "--json").json()}
    assert set(failed) == {"Legacy Verb.component", "Broken.component", "Empty.component"}
    assert failed["Legacy Verb.component"]["cause"].startswith(
        "declares no AudioComponents (a legacy Component Manager plugin): "
        "com.oldschooldsp.audiounit.LegacyVerb ")
    assert failed["Broken.component"]["cause"].startswith(
        "Contents/Info.plist is not a valid property list: ")
    shown = run_cli("show", "Empty.component", "--json").json()
    assert (shown["status"], shown["cause"]) == ("failed", "the bundle has no Contents/Info.plist")
    assert by_uid(run_cli) == {}


def test_invalid_entries_are_skipped_and_an_all_invalid_bundle_fails(run_cli, tmp_path,
                                                                      make_bundle):
    good = {"type": "aufx", "subtype": "Zcmp", "manufacturer": "Zamm",
            "name": "Damien Zammit: ZamComp", "version": 0x00040100}
    folder = tmp_path / "Components"
    make_bundle(folder, "ZamComp.component", plistlib.dumps({
        "CFBundleExecutable": "ZamComp",
        "AudioComponents": [good, {**good, "subtype": "TooLong"}, "not a dict"]}))
    make_bundle(folder, "NoCodes.component", plistlib.dumps({
        "CFBundleExecutable": "NoCodes",
        "AudioComponents": [{**good, "manufacturer": ""}]}))
    assert run_cli("scan", str(folder)).exit_code == 0
    assert list(by_uid(run_cli)) == ["aufx:Zcmp:Zamm"]
    assert by_uid(run_cli)["aufx:Zcmp:Zamm"]["version"] == "4.1.0"
    (failed,) = run_cli("list", "--status", "failed", "--json").json()
    assert failed["cause"] == "an AudioComponents entry has no valid four-char 'manufacturer' ('')"


def test_a_changed_info_plist_is_read_again_and_an_unchanged_one_is_not(run_cli, tmp_path,
                                                                        make_bundle):
    folder = tmp_path / "Components"
    entry = {"type": "aufx", "subtype": "Zcmp", "manufacturer": "Zamm",
             "name": "Damien Zammit: ZamComp", "version": 0x00040100}
    # No executable: the Info.plist alone fingerprints the bundle.
    bundle = make_bundle(folder, "ZamComp.component",
                         plistlib.dumps({"AudioComponents": [entry]}), executable=False)
    assert run_cli("scan", str(folder)).exit_code == 0
    again = run_cli("scan", str(folder), "--json").json()
    assert again["unchanged"] == 1 and again["loaded"] == 0
    (bundle / "Contents" / "Info.plist").write_bytes(plistlib.dumps(
        {"AudioComponents": [{**entry, "version": 0x00040200}]}))
    assert run_cli("scan", str(folder), "--json").json()["loaded"] == 1
    assert by_uid(run_cli)["aufx:Zcmp:Zamm"]["version"] == "4.2.0"


def test_auval_registrations_outside_the_folders_become_records(run_cli, components,
                                                               make_bundle, data_dir,
                                                               monkeypatch):
    """The merge with auval -a, off macOS: auval's recorded output stands in for running it
    (that is tested on macOS); the scan, the workers and the catalogue are real."""
    make_bundle(components, "Legacy Verb.component", "Legacy Verb.plist")
    listing = auval.Listing(registrations=auval.parse(
        (data_dir / "auval-a.txt").read_text(encoding="utf-8")))
    monkeypatch.setattr(registry, "on_macos", lambda: True)
    monkeypatch.setattr(registry, "registered", lambda: listing)
    monkeypatch.setattr(registry, "default_roots", lambda: [components])
    result = run_cli("scan", str(components), "--format", "au", "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_uid(run_cli)
    assert len(listed) == len(listing.registrations)
    # Declared by a scanned bundle: one record, from the bundle.
    assert listed[FABFILTER]["bundle_path"] == str(components / "FabFilter Pro-Q 3.component")
    assert listed[SURGE_FX]["description"] == "Surge XT Effects"
    # Only registered: from auval, without a bundle.
    bandpass = listed["aufx:bpas:appl"]
    assert (bandpass["name"], bandpass["vendor"], bandpass["role"]) == (
        "AUBandpass", "Apple", "effect")
    assert (bandpass.get("bundle_path", ""), bandpass["file_path"]) == (
        "", "auval:aufx:bpas:appl")
    assert bandpass["extra"]["source"] == "auval -a"
    assert listed["aumu:dls :appl"]["role"] == "instrument"
    assert listed["auou:ahal:appl"].get("role", "unknown") == "unknown"
    assert listed["aumu:h 2 :u-he"]["name"] == "Hive 2"
    assert listed["aufx:Ykr :Yuki"]["vendor"] == "雪音オーディオ"
    # The legacy bundle fails at tier 0, but the registry still knows its Audio Unit.
    assert listed["aufx:LgVb:OsDp"]["name"] == "LegacyVerb"
    assert [Path(r["file_path"]).name for r in run_cli(
        "list", "--status", "failed", "--json").json()] == ["Legacy Verb.component"]


def test_a_registration_auval_stops_listing_goes_missing_but_not_when_auval_fails(
        run_cli, components, data_dir, monkeypatch):
    full = auval.parse((data_dir / "auval-a.txt").read_text(encoding="utf-8"))
    listing = auval.Listing(registrations=full)
    monkeypatch.setattr(registry, "on_macos", lambda: True)
    monkeypatch.setattr(registry, "registered", lambda: listing)
    monkeypatch.setattr(registry, "default_roots", lambda: [components])
    assert run_cli("scan", str(components), "--format", "au").exit_code == 0
    assert "aufx:bpas:appl" in by_uid(run_cli)

    # The Apple bandpass is uninstalled: auval lists everything else.
    listing = auval.Listing(registrations=tuple(
        r for r in full if (r.type, r.subtype, r.manufacturer) != ("aufx", "bpas", "appl")))
    assert len(listing.registrations) == len(full) - 1
    report = run_cli("scan", str(components), "--format", "au", "--json").json()
    assert report["missing"] == 1
    missing = run_cli("list", "--status", "missing", "--json").json()
    assert [r["uid"] for r in missing] == ["aufx:bpas:appl"]

    # auval fails: that proves nothing about the registrations, which keep their status.
    listing = auval.Listing(cause="auval -a did not finish within 60 s")
    assert run_cli("scan", str(components), "--format", "au", "--json").json()["missing"] == 0
    assert len(run_cli("list", "--status", "missing", "--json").json()) == 1


def test_a_folder_scan_does_not_ask_the_registry(run_cli, components, monkeypatch):
    monkeypatch.setattr(registry, "on_macos", lambda: True)

    def must_not_run() -> auval.Listing:
        raise AssertionError("auval -a ran for a scan of one folder")

    monkeypatch.setattr(registry, "registered", must_not_run)
    assert run_cli("scan", str(components), "--format", "au").exit_code == 0
    assert len(by_uid(run_cli)) == 6


def test_a_failing_auval_leaves_the_bundles(run_cli, components, monkeypatch, caplog):
    monkeypatch.setattr(registry, "on_macos", lambda: True)
    monkeypatch.setattr(registry, "registered",
                        lambda: auval.Listing(cause="auval -a did not finish within 60 s"))
    monkeypatch.setattr(registry, "default_roots", lambda: [components])
    assert run_cli("scan", str(components), "--format", "au").exit_code == 0
    assert len(by_uid(run_cli)) == 6
    assert "auval -a did not finish within 60 s" in caplog.text


def test_tier_2_off_macos_is_a_failure_with_a_cause(components, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    candidate = Candidate(format="au", path=str(components / "FabFilter Pro-Q 3.component"))
    result = pluginary_au.load_candidate(candidate=candidate, tier=2)
    assert result is not None
    assert result.status is Status.FAILED
    assert result.cause.startswith("Audio Units can be instantiated only on macOS, not on linux")


def test_tier_2_without_pedalboard_says_what_to_install(components, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setitem(sys.modules, "pedalboard", None)  # makes "import pedalboard" fail
    candidate = Candidate(format="au", path=str(components / "Surge XT.component"))
    result = pluginary_au.load_candidate(candidate=candidate, tier=2)
    assert result is not None
    assert result.status is Status.FAILED
    assert "pip install 'pluginary-au[load]'" in result.cause


def test_tier_2_of_a_registration_keeps_it_with_the_reason():
    (registration,) = auval.parse("aumu samp appl  -  Apple: AUSampler\n")
    result = pluginary_au.load_candidate(candidate=registry.candidate_for(registration), tier=2)
    assert result is not None
    assert result.status is Status.OK
    (record,) = result.records
    assert (record.uid, record.name, record.vendor) == ("aumu:samp:appl", "AUSampler", "Apple")
    assert record.extra["instantiated"].startswith("no: registered without a .component bundle")


def test_other_formats_candidates_are_not_ours(components):
    candidate = Candidate(format="vst3", path=str(components / "Surge XT.component"))
    assert pluginary_au.load_candidate(candidate=candidate, tier=0) is None
    assert pluginary_au.discover_candidates(format="vst3", roots=[components]) is None


def test_default_roots_and_tiers_per_os():
    assert roots_for(AU, os_name="darwin", env={"HOME": "/Users/ana"}) == [
        PurePosixPath("/Library/Audio/Plug-Ins/Components"),
        PurePosixPath("/Users/ana/Library/Audio/Plug-Ins/Components")]
    assert roots_for(AU, os_name="linux", env={"HOME": "/home/ana"}) == []
    assert roots_for(AU, os_name="windows", env={"USERPROFILE": "C:\\Users\\ana"}) == []
    mac, linux = format_info("darwin", can_load=True), format_info("linux", can_load=True)
    assert (mac.tiers, linux.tiers) == ((0, 2), (0,))
    # Without pedalboard a Mac still gets the complete Info.plist catalogue, and no tier 2.
    assert format_info("darwin", can_load=False).tiers == (0,)
    (pedalboard,) = mac.requirements
    assert (pedalboard.kind, pedalboard.name) == ("python", "pedalboard")
    assert "pluginary-au[load]" in pedalboard.advice
    assert linux.requirements == ()
    assert format_info("darwin" if sys.platform == "darwin" else "linux") == AU


def test_the_info_plist_catalogue_never_imports_pedalboard(run_cli, components):
    assert run_cli("scan", str(components), "--format", "au").exit_code == 0
    assert "pedalboard" not in sys.modules


@pytest.mark.parametrize("roots, covered", [([], True), (["/Library/Audio/Plug-Ins/Components"],
                                                          True), (["/tmp/x"], False)])
def test_only_a_scan_of_the_defaults_covers_the_registry(roots, covered):
    assert registry.covers_defaults([Path(r) for r in roots]) is covered
