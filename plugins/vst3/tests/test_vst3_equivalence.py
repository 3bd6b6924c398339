"""The ctypes deep tier against a real host: for every zam VST3 (ZamVerb included) and the
DPF-built test plugins, the parameters read through IComponent/IEditController have the names,
ranges, defaults and units that pedalboard (JUCE's VST3 host) shows for the same plugin, within
the rounding of the displayed text.

Both sides run in a child process (plugin code runs there); pedalboard is this extension's
optional extra, installed in this test environment."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PLUGIN_ROOT = Path(__file__).resolve().parent.parent
ZAM_ROOT = Path("/usr/lib/vst3")

# One child reads every bundle (importing pedalboard once): ours, what ours hides, the host's.
_CHILD = """
import json, sys
from pathlib import Path
import pedalboard
from pluginary.scan.juce_parameters import read_parameters
from pluginary_vst3.component import read_components
from pluginary_vst3.factory import read_factory
out = {}
for arg in sys.argv[1:]:
    bundle = Path(arg)
    binary = next((bundle / "Contents" / "x86_64-linux").glob("*.so"))
    uid = read_factory(binary, bundle).records[0].uid
    ours = read_components(binary, [uid]).components[uid].parameters
    every = read_components(binary, [uid], include_hidden=True).components[uid].parameters
    host = read_parameters(pedalboard.load_plugin(str(bundle), initialization_timeout=0))
    out[bundle.name] = {
        "hidden": sorted({p.name for p in every} - {p.name for p in ours}),
        "ours": [[p.name, p.min, p.max, p.default, p.unit] for p in ours],
        "host": [[p.name, p.min, p.max, p.default, p.unit] for p in host]}
print(json.dumps(out))
"""

ZAM = sorted(ZAM_ROOT.glob("*.vst3"))
DPF = ("PlGain", "PlDelay", "PlFilter", "PlSynth")


@pytest.fixture(scope="module")
def sides(test_plugins: Any) -> dict[str, Any]:
    """Both readings of every zam bundle and the DPF test plugins (ZamVerb's pedalboard load
    alone takes minutes of CPU)."""
    bundles = [*ZAM, *(test_plugins[name].path("vst3") for name in DPF)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_ROOT), *sys.path])}
    proc = subprocess.run([sys.executable, "-c", _CHILD, *map(str, bundles)],
                          capture_output=True, text=True, env=env, timeout=1800, check=False)
    assert proc.returncode == 0, f"child failed ({proc.returncode}): {proc.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return result


def same_shown(ours: float | None, host: float | None) -> bool:
    """Equal as a display shows them: the host's text has one or two decimals."""
    if ours is None or host is None:
        return ours is host
    return math.isclose(ours, host, rel_tol=1e-3, abs_tol=0.051)


def assert_equivalent(bundle: str, side: dict[str, Any]) -> None:
    # What the plugin flags kIsHidden (DPF's "Buffer Size", "Sample Rate", "Latency"...) JUCE
    # still lists; the reader leaves it out, as DAWs do.
    host = {name: rest for name, *rest in side["host"] if name not in side["hidden"]}
    ours = {name: rest for name, *rest in side["ours"]}
    assert list(ours) == list(host), bundle
    for name, (low, high, default, unit) in ours.items():
        h_low, h_high, h_default, h_unit = host[name]
        where = f"{bundle} {name}: ours {ours[name]}, pedalboard {host[name]}"
        assert unit.strip() == h_unit.strip(), where  # DPF declares " " for a ratio
        if h_low is None or h_high is None:
            # The host shows a label at an end ("1959 Bassman", "Off"): no number to compare;
            # the catalogue keeps the plain range the plugin declares.
            continue
        assert same_shown(low, h_low) and same_shown(high, h_high), where
        assert same_shown(default, h_default), where


def test_every_zam_plugin_is_there() -> None:
    assert len(ZAM) == 17, "apt-get install zam-plugins (17 VST3 bundles in /usr/lib/vst3)"


@pytest.mark.parametrize("bundle", [p.name for p in ZAM])
def test_zam_parameters_equal_what_pedalboard_shows(bundle: str, sides: dict[str, Any]) -> None:
    assert_equivalent(bundle, sides[bundle])


@pytest.mark.parametrize("name", DPF)
def test_dpf_test_plugins_equal_what_pedalboard_shows(name: str, sides: dict[str, Any]) -> None:
    assert_equivalent(f"{name}.vst3", sides[f"{name}.vst3"])
