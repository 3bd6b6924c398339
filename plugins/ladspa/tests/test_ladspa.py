"""LADSPA against real libraries: Debian's swh, tap, cmt, caps and zam packages, and the DPF-built
test plugins. The count must equal ladspa-sdk's own listplugins."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from pluginary.scan.roots import roots_for
from pluginary_ladspa import LADSPA
from pluginary_ladspa.descriptor import default_value

SYSTEM = Path("/usr/lib/ladspa")
LISTED = re.compile(r"^\s+(?P<name>.*) \((?P<uid>\d+)/(?P<label>[^)]*)\)$")


def listplugins(folder: Path) -> dict[str, tuple[str, str]]:
    """uid -> (name, label) as ladspa-sdk's listplugins prints them."""
    out = subprocess.run(["listplugins"], env={**os.environ, "LADSPA_PATH": str(folder)},
                         capture_output=True, text=True, check=True).stdout
    return {m["uid"]: (m["name"], m["label"]) for m in map(LISTED.match, out.splitlines()) if m}


@pytest.fixture(scope="module")
def reference() -> dict[str, tuple[str, str]]:
    found = listplugins(SYSTEM)
    assert len(found) > 200, "apt-get install swh-plugins tap-plugins cmt caps zam-plugins"
    return found


def test_every_system_plugin_matches_listplugins(run_cli, reference):
    result = run_cli("scan", str(SYSTEM), "--format", "ladspa", "--json")
    assert result.exit_code == 0, result.stderr
    listed = {r["uid"]: r for r in run_cli("list", "--format", "ladspa", "--json").json()}
    assert set(listed) == set(reference)
    for uid, (name, label) in reference.items():
        assert (listed[uid]["name"], listed[uid]["extra"]["label"]) == (name, label), uid


def test_ports_and_ranges_of_a_known_plugin(run_cli):
    assert run_cli("scan", str(SYSTEM / "bandpass_iir_1892.so")).exit_code == 0
    record = run_cli("show", "ladspa:1892", "--json").json()
    assert (record["name"], record["vendor"]) == ("Glame Bandpass Filter",
                                                  "Alexander Ehlert <mag@glame.de>")
    assert (record["audio_inputs"], record["audio_outputs"]) == (1, 1)
    params = {p["name"]: p for p in record["parameters"]}
    stages = params["Stages(2 poles per stage)"]
    assert (stages["min"], stages["max"]) == (1.0, 10.0)
    # SAMPLE_RATE bounds are fractions of the sample rate; the catalogue scales them by 44.1 kHz.
    assert params["Center Frequency (Hz)"]["min"] == 4.41


def test_dpf_plugins_and_a_library_that_crashes_when_loaded(run_cli, test_plugins):
    good = test_plugins.dir("good", "ladspa")
    torture = test_plugins.dir("torture", "ladspa")
    assert run_cli("scan", str(good), str(torture), "--json").exit_code == 0
    listed = {r["name"]: r for r in run_cli("list", "--format", "ladspa", "--json").json()}
    for name in test_plugins.names("good", "ladspa"):
        assert listed[name]["uid"] == str(test_plugins[name].unique_id)
        assert listed[name]["vendor"] == "Pluginary Test"
    crashed = run_cli("list", "--status", "crashed", "--json").json()
    assert [Path(r["file_path"]).name for r in crashed] == ["PlStaticInitCrash.so"]
    assert "SIGSEGV" in crashed[0]["cause"]


def test_not_a_ladspa_library(run_cli, tmp_path):
    library = tmp_path / "libnothing.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-x", "c", "-o", str(library), "-"],
                   input="int nothing(void) { return 0; }\n", text=True, check=True)
    assert run_cli("scan", str(library)).exit_code == 0
    (record,) = run_cli("list", "--status", "failed", "--json").json()
    assert record["cause"] == "not a LADSPA library: it exports no ladspa_descriptor"


def test_default_values_follow_ladspa_h():
    assert default_value(0x40, 1.0, 10.0) == 1.0  # minimum
    assert default_value(0x140, 1.0, 10.0) == 10.0  # maximum
    assert default_value(0xC0, 0.0, 10.0) == 5.0  # middle
    assert default_value(0xC0 | 0x10, 1.0, 100.0) == pytest.approx(10.0)  # logarithmic middle
    assert default_value(0x80 | 0x20, 0.0, 10.0) == 2.0  # low, integer
    assert default_value(0x2C0, None, None) == 440.0
    assert default_value(0, 0.0, 1.0) is None


def test_default_roots_per_os():
    env = {"HOME": "/home/ana", "LADSPA_PATH": "/opt/ladspa"}
    assert roots_for(LADSPA, os_name="linux", env=env) == [
        PurePosixPath(p) for p in ("/home/ana/.ladspa", "/usr/lib/ladspa",
                                   "/usr/local/lib/ladspa", "/opt/ladspa")]
    assert roots_for(LADSPA, os_name="darwin", env={"HOME": "/Users/ana"})[0] == PurePosixPath(
        "/Users/ana/Library/Audio/Plug-Ins/LADSPA")


def test_this_environment_scans_without_a_plugin_host():
    """tox installs only core, sqlite and this extension here: no pedalboard is pulled in."""
    import importlib.util

    assert importlib.util.find_spec("pedalboard") is None
