"""The validation torture plugins (``validation_specs.py``): built where the specs say, described
as their ``DistrhoPluginInfo.h`` says, seen by Debian's LV2 and LADSPA tools, and the level-3
ones misbehaving as declared when run through LADSPA's C interface in a child process (the
parameter and state ones are exercised by the format extensions' validation tests, through
their hosts). Nothing here is skipped: a missing tool fails."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pluginary_testplugins import (
    PLUGIN_SPECS,
    VALIDATION_CATEGORY,
    VALIDATION_SPECS,
    TestPluginSet,
    ValidationSpec,
    validation_spec,
)
from pluginary_testplugins.build import SRC_DIR

LADSPA_RUN = Path(__file__).with_name("ladspa_run.py")
#: The checks of ``pluginary validate`` a plugin may be declared to fail (``crash``: it dies).
CHECKS = {1: set(), 2: {"round-trip", "in-range"}, 3: {"finite", "denormals", "crash"},
          4: {"state-params", "state-output"}, 5: {"crash"}}
LEVEL3 = sorted(s.name for s in VALIDATION_SPECS if s.fails_level == 3)


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: apt-get install -y {package}")
    return path


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **env})


def test_specs_are_consistent() -> None:
    names = [s.name for s in VALIDATION_SPECS]
    assert len(names) == len(set(names)) == 9
    for spec in VALIDATION_SPECS:
        assert spec.fails_check in CHECKS[spec.fails_level], spec
        assert set(spec.formats) <= {"vst3", "clap", "lv2", "ladspa"} and "clap" in spec.formats
        assert validation_spec(spec.name) is spec
    with pytest.raises(KeyError):
        validation_spec("PlGain")
    # one plugin per check of the list
    assert sorted((s.fails_level, s.fails_check) for s in VALIDATION_SPECS) == [
        (2, "in-range"), (2, "round-trip"), (3, "crash"), (3, "denormals"), (3, "finite"),
        (3, "finite"), (4, "state-output"), (4, "state-params"), (5, "crash")]
    # build.py's records of them
    built = {s.name: s for s in PLUGIN_SPECS if s.category == VALIDATION_CATEGORY}
    assert sorted(built) == sorted(names)
    for spec in VALIDATION_SPECS:
        record = built[spec.name]
        assert (record.behaviour, record.unique_id, record.formats, record.description) == (
            spec.behaviour, spec.unique_id, spec.formats, spec.description)


@pytest.mark.parametrize("spec", VALIDATION_SPECS, ids=lambda s: s.name)
def test_info_header_matches_spec(spec: ValidationSpec) -> None:
    text = (SRC_DIR / spec.name / "DistrhoPluginInfo.h").read_text()

    def define(name: str) -> str:
        found = re.search(rf"^#define {name}\s+(.+)$", text, re.MULTILINE)
        assert found is not None, name
        return found.group(1).strip()

    assert define("DISTRHO_PLUGIN_NAME") == f'"{spec.name}"'
    assert define("DISTRHO_PLUGIN_URI") == f'"urn:pluginary-test:{spec.name}"'
    assert define("DISTRHO_PLUGIN_CLAP_ID") == f'"org.pluginary.test.{spec.name}"'
    assert define("PL_UNIQUE_ID") == ",".join(f"'{c}'" for c in spec.unique_id)
    assert define("PL_DESCRIPTION") == f'"{spec.description}"'
    assert define("PL_VALIDATION") == f"PL_VALIDATION_{spec.switch}"
    assert f"#define PL_VALIDATION_{spec.switch} " in (
        SRC_DIR / "common" / "PlValidationInfo.h").read_text()


def test_validation_folders(test_plugins: TestPluginSet) -> None:
    assert sorted(test_plugins.names(VALIDATION_CATEGORY)) == sorted(
        s.name for s in VALIDATION_SPECS)
    for fmt in ("vst3", "clap", "lv2", "ladspa"):
        folder = test_plugins.dir(VALIDATION_CATEGORY, fmt)
        expected = sorted(s.name for s in VALIDATION_SPECS if fmt in s.formats)
        assert sorted(test_plugins.names(VALIDATION_CATEGORY, fmt)) == expected
        assert sorted(p.name.split(".")[0] for p in folder.iterdir()) == expected
        for name in expected:
            assert test_plugins[name].path(fmt).parent == folder
    # none of them is where a scan of the other folders would meet it
    for category in ("good", "torture", "special"):
        assert not set(test_plugins.names(VALIDATION_CATEGORY)) & set(
            test_plugins.names(category))


def test_lv2ls_and_listplugins_see_the_level3_plugins(test_plugins: TestPluginSet) -> None:
    lv2ls = _tool("lv2ls", "lilv-utils")
    out = _run([lv2ls], env={"LV2_PATH": str(test_plugins.dir(VALIDATION_CATEGORY, "lv2"))})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [f"urn:pluginary-test:{n}" for n in LEVEL3]
    listplugins = _tool("listplugins", "ladspa-sdk")
    out = _run([listplugins],
               env={"LADSPA_PATH": str(test_plugins.dir(VALIDATION_CATEGORY, "ladspa"))})
    assert out.returncode == 0, out.stderr
    for name in LEVEL3:
        uid = int.from_bytes(validation_spec(name).unique_id.encode(), "big")
        assert f"({uid}/{name})" in out.stdout


def _ladspa(test_plugins: TestPluginSet, name: str, rate: int) -> subprocess.CompletedProcess[str]:
    library = str(test_plugins[name].binary("ladspa"))
    return subprocess.run([sys.executable, str(LADSPA_RUN), library, str(rate)],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("name,seen", [
    ("PlNanOut", {"nan": True, "inf": False, "denormal_after_silence": False}),
    ("PlInfOut", {"nan": False, "inf": True, "denormal_after_silence": False}),
    ("PlDenormals", {"nan": False, "inf": False, "denormal_after_silence": True}),
    ("PlCrash96k", {"nan": False, "inf": False, "denormal_after_silence": False}),
])
def test_level3_misbehaviour_through_ladspa(
    test_plugins: TestPluginSet, name: str, seen: dict[str, bool]
) -> None:
    for rate in (44100, 48000):
        done = _ladspa(test_plugins, name, rate)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout.splitlines()[-1])
        assert {k: result[k] for k in seen} == seen, (rate, result)
        assert 0.0 < result["peak"] < 64.0  # the noise block comes through, no blow-up
    crashed = _ladspa(test_plugins, name, 96000)
    if name == "PlCrash96k":
        assert crashed.returncode == -signal.SIGSEGV, crashed.stderr
    else:
        assert crashed.returncode == 0, crashed.stderr
