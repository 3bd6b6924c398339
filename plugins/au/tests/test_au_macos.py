"""What only a Mac can show: the real ``auval -a`` and pedalboard instantiating a real Audio
Unit. They fail, never skip, on a Mac without pedalboard: install ``pluginary-au[load]``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pluginary_au import auval, infoplist

pytestmark = pytest.mark.skipif(sys.platform != "darwin",
                                reason="needs macOS: auval and Audio Units exist only there")

#: Where bundles with AudioComponents may be found on a stock Mac or a CI runner.
SEARCHED = (Path("/Library/Audio/Plug-Ins/Components"),
            Path("~/Library/Audio/Plug-Ins/Components").expanduser(),
            Path("/System/Library/Components"))


def test_auval_lists_apples_audio_units():
    listing = auval.run()
    assert listing.cause == ""
    found = {r.uid: r for r in listing.registrations}
    assert found["aufx:bpas:appl"].full_name == "Apple: AUBandpass"
    assert found["aumu:dls :appl"].full_name.startswith("Apple: ")


def an_effect_bundle() -> Path:
    for folder in SEARCHED:
        for bundle in sorted(folder.glob("*.component")):
            if any(r.uid.startswith("aufx:") for r in infoplist.read_bundle(bundle).records):
                return bundle
    raise AssertionError(f"no .component declaring an effect (aufx) under {SEARCHED}")


def test_pedalboard_instantiates_a_real_bundle(run_cli):
    bundle = an_effect_bundle()
    result = run_cli("scan", str(bundle), "--format", "au", "--deep", "--json")
    assert result.exit_code == 0, result.stderr
    listed = run_cli("list", "--format", "au", "--json").json()
    effects = [r for r in listed if r["uid"].startswith("aufx:")]
    assert effects, listed
    for record in effects:
        assert record.get("status", "ok") == "ok", record.get("cause")
        assert record["tier"] == 2
        assert record["extra"]["juce_identifier"]


def test_a_default_scan_includes_registered_audio_units(run_cli):
    assert run_cli("scan", "--format", "au", "--quick").exit_code == 0
    listed = {r["uid"]: r for r in run_cli("list", "--format", "au", "--json").json()}
    assert listed["aufx:bpas:appl"]["name"] == "AUBandpass"
