"""LV2 against Debian's real LV2 packages, checked against lilv's own tools (lv2ls, lv2info).

``.ci/run`` installs the packages and lilv-utils; a missing one fails here, it never skips.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from pluginary.scan.roots import roots_for
from pluginary_lv2 import LV2, bundle_fingerprint, find_bundles

#: The packages the issue names, each with a bundle it installs.
PACKAGES = {
    "lsp-plugins-lv2": "lsp-plugins.lv2", "calf-plugins": "calf.lv2",
    "x42-plugins": "fil4.lv2", "zam-plugins": "ZamComp.lv2", "swh-lv2": "amp-swh.lv2",
    "mda-lv2": "mda.lv2", "guitarix-lv2": "gx_amp.lv2", "dpf-plugins-lv2": "3BandEQ.lv2",
    "drumkv1-lv2": "drumkv1.lv2", "setbfree": "b_synth", "ir.lv2": "ir.lv2",
    "avldrums.lv2": "avldrums.lv2",
}
SYSTEM = Path("/usr/lib/lv2")
#: midifilter.lv2's manifest.ttl re-declares lv2:MIDIPlugin with the label "MIDI"; lv2info loads
#: every bundle, so which label wins depends on load order. Pluginary reads each bundle alone
#: against the LV2 core specification and gets the specification's label.
CLASS_OVERRIDES = {"MIDI": "MIDI Plugin"}


def lv2ls() -> list[str]:
    assert shutil.which("lv2ls"), "lv2ls is missing: apt-get install lilv-utils"
    return subprocess.run(["lv2ls"], check=True, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"}).stdout.split()


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One scan of every LV2 plugin on the machine through the real CLI, shared by the tests
    that only read it (the scan takes a few seconds)."""
    db = tmp_path_factory.mktemp("lv2") / "catalogue.db"
    home = db.parent / "home"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PLUGINARY_DB": str(db),
           "XDG_CONFIG_HOME": str(home / "config")}
    pluginary = Path(sys.executable).parent / "pluginary"  # this venv's, not one on PATH
    scan = subprocess.run([str(pluginary), "scan", "--format", "lv2", "--json"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert scan.returncode == 0, scan.stderr
    listed = subprocess.run([str(pluginary), "list", "--format", "lv2", "--json"], env=env,
                            capture_output=True, text=True, check=True)
    return {r["uid"]: r for r in json.loads(listed.stdout)}


def test_the_packages_the_issue_names_are_installed():
    for package, bundle in PACKAGES.items():
        found = subprocess.run(["dpkg-query", "-W", "-f", "${Status}", package],
                               capture_output=True, text=True)
        assert found.stdout.endswith("installed"), f"{package} is missing: run .ci/run"
        assert (SYSTEM / bundle / "manifest.ttl").is_file(), bundle


def test_every_plugin_lv2ls_lists_is_recorded_and_nothing_else(catalogue):
    listed = lv2ls()
    assert len(listed) >= 550  # the named packages alone give 557 plugins
    assert sorted(catalogue) == sorted(listed)


def lv2info(uri: str) -> dict:
    """lv2info's report of one plugin, parsed: the fields the catalogue records.

    Top-level fields are ``\tKey: value`` with continuation lines indented by a tab and spaces;
    ports are ``\tPort N:`` blocks of ``\t\tKey: value`` lines, continued the same way.
    """
    text = subprocess.run(["lv2info", uri], check=True, capture_output=True,
                          text=True).stdout
    info: dict = {"ports": []}
    section = key = ""
    for line in text.splitlines():
        if re.match(r"^\tPort \d+:$", line):
            info["ports"].append({"Type": [], "Properties": []})
            section = "port"
        elif m := re.match(r"^\t([A-Z][A-Za-z ]+):\s*(.*)$", line):
            section, value = m.group(1), m.group(2).strip()
            info[section] = [value] if value else []
        elif section == "port" and (m := re.match(r"^\t\t([A-Z][A-Za-z]+):\s*(.*)$", line)):
            key, value = m.group(1), m.group(2).strip()
            port = info["ports"][-1]
            if key in ("Type", "Properties"):
                port[key].append(value)
            else:
                port[key] = value
        elif section == "port" and line.startswith("\t\t ") and key in ("Type", "Properties"):
            info["ports"][-1][key].append(line.strip())
        elif section != "port" and line.startswith("\t ") and line.strip():
            info[section].append(line.strip())
    return info


def sample(catalogue: dict[str, dict]) -> list[str]:
    """Every 20th plugin lv2ls lists, and ZamComp: ~35 plugins from most packages."""
    listed = sorted(catalogue)
    return sorted(set(listed[::20]) | {"urn:zamaudio:ZamComp"})


def close(expected: str, actual: float | None) -> bool:
    return actual is not None and math.isclose(float(expected), actual, rel_tol=1e-5,
                                               abs_tol=1e-5)


def test_a_sample_agrees_with_lv2info_field_by_field(catalogue):
    lv2 = "http://lv2plug.in/ns/lv2core#"
    checked_params = 0
    for uri in sample(catalogue):
        record, info = catalogue[uri], lv2info(uri)
        assert record["name"] == info["Name"][0], uri
        assert record.get("vendor", "") == (info.get("Author") or [""])[0], uri
        assert record["bundle_path"] + "/" == info["Bundle"][0].removeprefix("file://"), uri
        if info.get("Binary"):
            assert "file://" + record["file_path"] == info["Binary"][0], uri
        label = info["Class"][0]
        assert record.get("categories", ["Plugin"])[0] == CLASS_OVERRIDES.get(label, label), uri
        extra = record.get("extra", {})
        assert sorted(extra.get("required_features", "").split()) == sorted(
            info.get("Required Features", [])), uri
        assert int(extra.get("presets", 0)) == len(info.get("Presets", [])), uri
        controls = [p for p in info["ports"] if lv2 + "ControlPort" in p["Type"]
                    and lv2 + "InputPort" in p["Type"]]
        assert [p["id"] for p in record.get("parameters", [])] == [
            p["Symbol"] for p in controls], uri
        for ours, theirs in zip(record.get("parameters", []), controls, strict=True):
            assert ours["name"] == theirs["Name"], uri
            for key, field in (("min", "Minimum"), ("max", "Maximum"), ("default", "Default")):
                if field in theirs:
                    assert close(theirs[field], ours.get(key)), (uri, ours, theirs)
                else:
                    assert key not in ours, (uri, ours)
            checked_params += 1

        def count(direction: str, kind: str, info: dict = info) -> int:
            return sum(1 for p in info["ports"] if lv2 + direction in p["Type"]
                       and lv2 + kind in p["Type"])

        sidechains = sum(1 for p in info["ports"] if lv2 + "InputPort" in p["Type"]
                         and lv2 + "isSideChain" in p["Properties"])
        assert int(extra.get("sidechain_inputs", 0)) == sidechains, uri

        assert record["audio_inputs"] == count("InputPort", "AudioPort"), uri
        assert record["audio_outputs"] == count("OutputPort", "AudioPort"), uri
        assert int(extra.get("cv_inputs", 0)) == count("InputPort", "CVPort"), uri
    assert checked_params > 200  # the sample really compared parameters


def test_zamcomp_in_detail(catalogue):
    zam = catalogue["urn:zamaudio:ZamComp"]
    assert (zam["name"], zam["vendor"], zam["version"]) == ("ZamComp", "Damien Zammit", "3.0")
    assert zam["categories"] == ["Compressor Plugin", "Dynamics Plugin"]
    assert zam["role"] == "effect" and "tier" not in zam  # tier 0: omitted as the default
    # A mono compressor with a sidechain input: two inputs in all (as its VST3, CLAP and LADSPA
    # builds report), one of them a sidechain.
    assert (zam["audio_inputs"], zam["audio_outputs"]) == (2, 1)
    assert zam["extra"]["sidechain_inputs"] == "1"
    attack = zam["parameters"][0]
    assert attack == {"name": "Attack", "id": "att", "default": 10.0, "min": 0.1, "max": 100.0,
                      "unit": "ms"}
    assert zam["file_path"] == "/usr/lib/lv2/ZamComp.lv2/ZamComp_dsp.so"


def test_instruments_midi_and_units(catalogue):
    synth = catalogue["http://calf.sourceforge.net/plugins/Monosynth"]
    assert synth["role"] == "instrument" and synth["midi_inputs"] == 1
    assert synth["categories"][:2] == ["Instrument Plugin", "Generator Plugin"]
    units = {p["unit"] for r in catalogue.values() for p in r.get("parameters", [])
             if p.get("unit")}
    assert {"dB", "Hz", "ms", "%"} <= units


def test_discovery_is_one_level_deep_and_needs_no_lv2_suffix(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "manifest.ttl").write_text("")
    (tmp_path / "x.lv2").mkdir()  # no manifest: not a bundle
    nested = tmp_path / "folder" / "deep.lv2"
    nested.mkdir(parents=True)
    (nested / "manifest.ttl").write_text("")
    assert list(find_bundles([tmp_path])) == [tmp_path / "plain"]
    assert list(find_bundles([nested])) == [nested]  # a root that is itself a bundle
    assert SYSTEM / "b_synth" in list(find_bundles([SYSTEM]))  # setbfree's, no .lv2 suffix


def test_a_changed_data_file_changes_the_fingerprint(tmp_path):
    bundle = tmp_path / "copy.lv2"
    shutil.copytree(SYSTEM / "ZamComp.lv2", bundle)
    before = bundle_fingerprint(bundle)
    data = bundle / "ZamComp_dsp.ttl"
    data.write_text(data.read_text() + "\n")
    assert bundle_fingerprint(bundle) != before


def test_default_roots_per_os():
    assert roots_for(LV2, os_name="linux", env={"HOME": "/home/ana", "LV2_PATH": "/opt/lv2"})[
        :3] == [PurePosixPath("/home/ana/.lv2"), PurePosixPath("/usr/local/lib/lv2"),
                PurePosixPath("/usr/lib/lv2")]
    assert roots_for(LV2, os_name="linux", env={"HOME": "/h", "LV2_PATH": "/opt/lv2:/x"})[
        -2:] == [PurePosixPath("/opt/lv2"), PurePosixPath("/x")]
    assert roots_for(LV2, os_name="darwin", env={"HOME": "/Users/ana"})[0] == PurePosixPath(
        "/Users/ana/Library/Audio/Plug-Ins/LV2")
    assert roots_for(LV2, os_name="windows", env={
        "APPDATA": "C:\\Users\\Ana\\AppData\\Roaming", "COMMONPROGRAMFILES": "C:\\Common",
        "LV2_PATH": "D:\\lv2;\\\\nas\\lv2"}) == [
        PureWindowsPath("C:/Users/Ana/AppData/Roaming/LV2"), PureWindowsPath("C:/Common/LV2"),
        PureWindowsPath("D:/lv2"), PureWindowsPath("//nas/lv2")]


def test_this_environment_has_no_plugin_host():
    """tox installs only core, sqlite and this extension here: the complete LV2 catalogue above
    came without pedalboard."""
    assert importlib.util.find_spec("pedalboard") is None
    installed = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert {n for n in installed if n.startswith("pluginary")} == {
        "pluginary", "pluginary-sqlite", "pluginary-lv2"}
