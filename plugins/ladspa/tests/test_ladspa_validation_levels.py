"""Levels 1 and 2 (pluginary.validation) through the LADSPA glue, on Debian's plugins: the
parameters the glue reports are what ladspa-sdk's ``analyseplugin`` prints, every zam plugin
passes, and CMT's delay lines fail level 2 for the default they declare outside their range."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pluginary.validation.parameters import level2
from pluginary_ladspa.host import LadspaPlugin

LADSPA = Path("/usr/lib/ladspa")
ZAM = sorted(LADSPA.glob("Zam*-ladspa.so"))
# analyseplugin: '"Attack" input, control, 0.1 to 100, default 25.075'
_CONTROL = re.compile(r'"([^"]+)" input, control, (-?[\d.e+-]+) to (-?[\d.e+-]+),'
                      r'(?: [^,\n]*,)* default (-?[\d.e+-]+)')


def analysed(library: Path, label: str) -> dict[str, tuple[float, float, float]]:
    text = subprocess.run(["analyseplugin", str(library), label], capture_output=True,
                          text=True, check=True).stdout
    return {m[1]: (float(m[2]), float(m[3]), float(m[4])) for m in _CONTROL.finditer(text)}


@pytest.mark.parametrize("library", ZAM, ids=lambda p: p.name)
def test_the_parameters_are_what_analyseplugin_prints(library):
    plugin = LadspaPlugin(library, 0)
    instance = plugin.instantiate(48000, 512)
    try:
        ours = {p.name: (p.minimum, p.maximum, p.default) for p in instance.parameters()}
    finally:
        instance.close()
    reference = analysed(library, plugin.describe()["label"])
    assert ours.keys() == reference.keys()
    for name, values in reference.items():
        assert ours[name] == pytest.approx(values, rel=1e-4, abs=1e-4), name


@pytest.mark.parametrize("library", ZAM, ids=lambda p: p.name)
def test_every_zam_plugin_passes_level_2(library):
    instance = LadspaPlugin(library, 0).instantiate(48000, 512)
    try:
        assert level2(instance) == []
    finally:
        instance.close()


def test_a_default_declared_outside_its_range_fails_level_2():
    """CMT's 'Echo Delay Line (Maximum Delay 0.01s)' (1053): delay 0 to 0.01 s, default 1."""
    instance = LadspaPlugin.by_id(LADSPA / "cmt.so", 1053).instantiate(48000, 512)
    try:
        (problem,) = level2(instance)
    finally:
        instance.close()
    assert problem.check == "range"
    assert problem.message == "parameter 'Delay (Seconds)': default 1 outside [0, 0.01]"


def test_level_4_is_not_supported():
    plugin = LadspaPlugin(ZAM[0], 0)
    assert plugin.levels == (1, 2, 3)
