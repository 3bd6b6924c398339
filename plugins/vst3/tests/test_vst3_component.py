"""The tier-2 component reader (``pluginary_vst3.component``) against real VST3 binaries.

The project's DPF test plugins (``pip install -e tests/support/testplugins``; built on first use,
cached) and Debian's zam-plugins (``apt-get install zam-plugins``). Every instantiation runs in a
subprocess: a plugin that crashes must not take pytest with it. Nothing here skips: a missing
part fails with what to install.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pluginary_vst3.component import BusInfo, hex_to_cid, read_components
from pluginary_vst3.factory import cid_to_hex
from pluginary_vst3.parameters import ParameterInfo, _tidy

HERE = Path(__file__).resolve().parent
PLUGIN_ROOT = HERE.parent
ZAM_ROOT = Path("/usr/lib/vst3")

needs_zam = pytest.mark.usefixtures("require_zam")

# What pedalboard 0.9 (JUCE's VST3 host) lists in ``plugin._parameters`` for Debian's
# zam-plugins 4.1: every parameter, DPF's hidden "Buffer Size", "Sample Rate" and
# "Current Program" included. The reader, hiding kIsHidden ones, gives the list minus those.
DPF_HIDDEN = ("Buffer Size", "Sample Rate", "Current Program")
PEDALBOARD_ZAMCOMP = (
    *DPF_HIDDEN, "Attack", "Release", "Knee", "Ratio", "Threshold", "Makeup", "Slew",
    "Sidechain", "Gain Reduction", "Output Level",
)
PEDALBOARD_ZAMEQ2 = (
    *DPF_HIDDEN, "Boost/Cut 1", "Bandwidth 1", "Frequency 1", "Boost/Cut 2", "Bandwidth 2",
    "Frequency 2", "Boost/Cut L", "Frequency L", "Boost/Cut H", "Frequency H", "Master Gain",
    "Peaks ON",
)

# Runs in the child: read the classes of one binary, print the result as JSON.
_CHILD = """
import json, sys
import msgspec
from pathlib import Path
from pluginary_vst3.component import read_components
args = json.loads(sys.argv[1])
out = []
for _ in range(args.get("repeat", 1)):
    res = read_components(Path(args["binary"]), args["ids"], **args.get("options", {}))
    out.append(msgspec.to_builtins(res))
print(json.dumps(out))
"""


def read_in_subprocess(binary: Path, ids: list[str], *, repeat: int = 1,
                       **options: Any) -> list[dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_ROOT), *sys.path])}
    arg = json.dumps({"binary": str(binary), "ids": ids, "repeat": repeat, "options": options})
    proc = subprocess.run([sys.executable, "-c", _CHILD, arg], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert proc.returncode == 0, f"child failed ({proc.returncode}): {proc.stderr[-2000:]}"
    results: list[dict[str, Any]] = json.loads(proc.stdout)
    return results


def read_one(binary: Path, uid: str, **options: Any) -> dict[str, Any]:
    result = read_in_subprocess(binary, [uid], **options)[0]
    assert result["cause"] == "" and result["causes"] == {}, result
    info: dict[str, Any] = result["components"][uid]
    return info


@pytest.fixture(scope="module")
def testplugins() -> Any:
    try:
        from pluginary_testplugins import build_all
    except ImportError as exc:  # fail, never skip
        pytest.fail(f"pluginary_testplugins is missing ({exc}): "
                    "pip install -e tests/support/testplugins")
    return build_all()


def zam_binary(name: str) -> Path:
    return ZAM_ROOT / f"{name}.vst3" / "Contents" / "x86_64-linux" / f"{name}.so"


def zam_uid(name: str) -> str:
    """The class id tier 1 reads (in a child: the factory read runs plugin code too)."""
    code = ("import sys; from pathlib import Path; from pluginary_vst3.factory import "
            "read_factory; r = read_factory(Path(sys.argv[1]), Path(sys.argv[2])); "
            "print(r.records[0].uid)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_ROOT), *sys.path])}
    proc = subprocess.run([sys.executable, "-c", code, str(zam_binary(name)),
                           str(ZAM_ROOT / f"{name}.vst3")],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


# -- pure parts -------------------------------------------------------------------------------


@pytest.mark.parametrize("com_compatible", [False, True])
def test_hex_to_cid_inverts_cid_to_hex(com_compatible: bool) -> None:
    raw = bytes(range(1, 17))
    text = cid_to_hex(raw, com_compatible=com_compatible)
    assert hex_to_cid(text, com_compatible=com_compatible) == raw
    assert hex_to_cid("2046504473616C636E61475000000000", com_compatible=False) == (
        b" FPDsalcnaGP\0\0\0\0")


def test_hex_to_cid_rejects_a_short_id() -> None:
    with pytest.raises(ValueError, match="32 hex digits"):
        hex_to_cid("ABCD")


def test_struct_layouts_match_the_sdk() -> None:
    # BusInfo: 3 x int32, String128 (char16[128]), int32, uint32 -- no padding.
    assert ctypes.sizeof(BusInfo) == 12 + 256 + 8
    assert BusInfo.busType.offset == 268
    # ParameterInfo: uint32, 3 x String128, int32 (ends at 772), double at 776, 2 x int32.
    assert ParameterInfo.stepCount.offset == 772
    assert ParameterInfo.defaultNormalizedValue.offset == 776
    assert ParameterInfo.flags.offset == 788
    assert ctypes.sizeof(ParameterInfo) == 792


def test_tidy_removes_float32_noise_only() -> None:
    assert _tidy(9.999999046325684, 99.9) == 10.0
    assert _tidy(0.10000000149011612, 99.9) == 0.1
    assert _tidy(1.1920928955078125e-06, 70.0) == 0.0
    assert _tidy(1048576.0, 1048576.0) == 1048576.0  # a genuine value keeps its digits
    assert _tidy(0.123456789, 1.0) == 0.123456789
    assert _tidy(None, 1.0) is None


def test_a_missing_binary_gives_a_cause_for_every_class(tmp_path: Path) -> None:
    uid = "00" * 16
    result = read_components(tmp_path / "nothing.so", [uid])
    assert result.cause and result.causes == {uid: result.cause}
    assert not result.ok and result.components == {}


# -- DPF test plugins -------------------------------------------------------------------------


def test_plgain_is_stereo_with_real_param_ids(testplugins: Any) -> None:
    plugin = testplugins["PlGain"]
    info = read_one(plugin.binary("vst3"), plugin.vst3_class_id)
    assert (info["audio_inputs"], info["audio_outputs"]) == (2, 2)
    assert (plugin.audio_inputs, plugin.audio_outputs) == (2, 2)
    assert (info["midi_inputs"], info["midi_outputs"]) == (0, 0)
    assert info["controller"] == "component"  # DPF without a UI: single component
    assert info["parameter_cause"] == ""
    params = {p["name"]: p for p in info["parameters"]}
    assert len(params) == plugin.num_parameters == 2
    gain = params["Gain"]
    assert (gain["min"], gain["max"], gain["unit"], gain["default"]) == (-60.0, 12.0, "dB", 0.0)
    assert gain["id"].isdigit()
    assert params["Pan"]["min"] == -1.0 and params["Pan"]["max"] == 1.0
    assert [b["name"] for b in info["buses"]] == ["Audio Input", "Audio Output"]


def test_plsynth_has_an_event_input_and_hides_dpf_midi_cc_parameters(testplugins: Any) -> None:
    plugin = testplugins["PlSynth"]
    info = read_one(plugin.binary("vst3"), plugin.vst3_class_id)
    assert (info["audio_inputs"], info["audio_outputs"]) == (0, 2)
    assert (info["midi_inputs"], info["midi_outputs"]) == (1, 0)
    assert plugin.midi_input
    names = [p["name"] for p in info["parameters"]]
    assert names == ["Volume", "Detune", "Attack", "Release"]
    assert len(names) == plugin.num_parameters
    # DPF puts its 16 x 130 MIDI CC parameters (flagged kIsHidden) first: ParamIDs 0..2079.
    assert info["parameter_count"] == 4 + 16 * 130
    assert info["skipped_parameters"] == 16 * 130
    assert [p["id"] for p in info["parameters"]] == ["2080", "2081", "2082", "2083"]
    volume = info["parameters"][0]
    assert (volume["min"], volume["max"], volume["unit"]) == (-60.0, 0.0, "dB")

    everything = read_one(plugin.binary("vst3"), plugin.vst3_class_id,
                          include_hidden=True)
    all_names = [p["name"] for p in everything["parameters"]]
    assert len(all_names) == 2084
    assert all_names[0] == "MIDI Ch. 1 CC 0" and all_names[2079] == "MIDI Ch. 16 CC 129"


def test_plmanyparams_has_5000_parameters_with_distinct_ids(testplugins: Any) -> None:
    plugin = testplugins["PlManyParams"]
    info = read_one(plugin.binary("vst3"), plugin.vst3_class_id)
    params = info["parameters"]
    assert len(params) == plugin.num_parameters == 5000
    assert info["parameter_count"] == 5000 and info["skipped_parameters"] == 0
    assert len({p["id"] for p in params}) == 5000
    assert (info["audio_inputs"], info["audio_outputs"]) == (2, 2)
    assert info["seconds"] < 10  # ~40 ms measured; pedalboard needs ~36 s for this plugin


def test_each_good_dpf_plugin_matches_its_spec(testplugins: Any) -> None:
    for name in ("PlGain", "PlDelay", "PlFilter", "PlSynth", "PlManyParams"):
        plugin = testplugins[name]
        info = read_one(plugin.binary("vst3"), plugin.vst3_class_id)
        assert len(info["parameters"]) == plugin.num_parameters, name
        assert (info["audio_inputs"], info["audio_outputs"]) == (
            plugin.audio_inputs, plugin.audio_outputs), name
        assert info["midi_inputs"] == int(plugin.midi_input), name


def test_repeated_reads_in_one_process_agree(testplugins: Any) -> None:
    plugin = testplugins["PlGain"]
    first, second = read_in_subprocess(plugin.binary("vst3"), [plugin.vst3_class_id], repeat=2)
    for result in (first, second):
        for info in result["components"].values():
            info.pop("seconds")
    assert first == second


def test_an_unknown_class_id_fails_alone(testplugins: Any) -> None:
    plugin = testplugins["PlGain"]
    bogus = "00" * 16
    result = read_in_subprocess(plugin.binary("vst3"), [bogus, plugin.vst3_class_id])[0]
    assert result["cause"] == ""
    assert result["causes"][bogus].startswith("createInstance(IComponent) returned")
    assert list(result["components"]) == [plugin.vst3_class_id]


def test_a_factory_that_cannot_create_gives_causes(testplugins: Any) -> None:
    multi = testplugins["PlMultiVst3"]  # hand-written factory: createInstance → kNotImplemented
    ids = list(multi.vst3_class_ids)
    assert len(ids) == 2
    result = read_in_subprocess(multi.binary("vst3"), ids)[0]
    assert result["components"] == {}
    assert result["causes"] == dict.fromkeys(ids, "createInstance(IComponent) returned 3")


# -- zam-plugins ------------------------------------------------------------------------------


@needs_zam
def test_zamcomp_has_a_sidechain_and_a_separate_controller() -> None:
    uid = zam_uid("ZamComp")
    info = read_one(zam_binary("ZamComp"), uid)
    # Main mono input + mono sidechain (aux, not active by default); pedalboard, which only
    # uses the main bus, reports "1 input channels and 1 output channels".
    assert (info["audio_inputs"], info["audio_outputs"]) == (2, 1)
    mains = [(b["direction"], b["channels"]) for b in info["buses"] if b["main"]]
    assert mains == [("input", 1), ("output", 1)]
    aux = [b for b in info["buses"] if not b["main"]]
    assert [(b["name"], b["default_active"]) for b in aux] == [("Sidechain Input", False)]
    assert (info["midi_inputs"], info["midi_outputs"]) == (0, 0)
    # Debian builds zam-plugins with UIs: DPF then uses a separate controller class.
    assert info["controller"] == "separate" and len(info["controller_class_id"]) == 32
    names = tuple(p["name"] for p in info["parameters"])
    assert names == tuple(n for n in PEDALBOARD_ZAMCOMP if n not in DPF_HIDDEN)
    threshold = next(p for p in info["parameters"] if p["name"] == "Threshold")
    assert (threshold["min"], threshold["max"], threshold["unit"]) == (-80.0, 0.0, "dB")
    # Read-only meters are kept (pedalboard lists them too).
    assert "Gain Reduction" in names
    everything = read_one(zam_binary("ZamComp"), uid, include_hidden=True)
    assert tuple(p["name"] for p in everything["parameters"]) == PEDALBOARD_ZAMCOMP
    assert [p["id"] for p in everything["parameters"]] == [str(i) for i in range(13)]
    writable = read_one(zam_binary("ZamComp"), uid, include_read_only=False)
    assert [p["name"] for p in writable["parameters"]] == list(names[:-2])  # meters last


@needs_zam
def test_zameq2_is_mono_with_pedalboards_parameter_names() -> None:
    uid = zam_uid("ZamEQ2")
    info = read_one(zam_binary("ZamEQ2"), uid)
    assert (info["audio_inputs"], info["audio_outputs"]) == (1, 1)
    assert (info["midi_inputs"], info["midi_outputs"]) == (0, 0)
    names = tuple(p["name"] for p in info["parameters"])
    assert names == tuple(n for n in PEDALBOARD_ZAMEQ2 if n not in DPF_HIDDEN)
    freq = next(p for p in info["parameters"] if p["name"] == "Frequency 1")
    assert (freq["min"], freq["max"], freq["default"], freq["unit"]) == (20.0, 14000.0, 500.0,
                                                                         "Hz")
    everything = read_one(zam_binary("ZamEQ2"), uid, include_hidden=True)
    assert tuple(p["name"] for p in everything["parameters"]) == PEDALBOARD_ZAMEQ2
