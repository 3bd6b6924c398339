"""CLAP against real libraries built from dpf-source (Debian ships no CLAP plugin), two
hand-written two-plugin libraries (PlMulti: no extensions; PlParams: params, audio and note
ports, and a plugin whose init() fails), the torture plugins, and a library that is not CLAP,
through the CLI.

Expected values come from the test plugins' sources and specs (``pluginary_testplugins``), never
from what a scan printed: parameter tables from ``src/<Name>/Plugin.cpp`` and
``src/special/PlParamsClap.c``, port counts from ``PLUGIN_SPECS`` and ``PlParamsClap.c``.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath, PureWindowsPath

from pluginary.scan.roots import roots_for
from pluginary_clap import CLAP
from pluginary_clap import instance as clap_instance
from pluginary_clap.entry import PluginDescriptor, PluginEntry, PluginFactory, Version
from pluginary_testplugins.build import SRC_DIR

GOOD = ("PlDelay", "PlFilter", "PlGain", "PlManyParams", "PlSynth")


def by_uid(run_cli) -> dict[str, dict]:
    return {r["uid"]: r for r in run_cli("list", "--format", "clap", "--json").json()}


def by_name(run_cli) -> dict[str, dict]:
    return {r["name"]: r for r in run_cli("list", "--format", "clap", "--json").json()}


# A row of a PlParamSpec table: { "Gain", "gain", "dB", -60.0f, 12.0f, 0.0f },
_SPEC_ROW = re.compile(r'\{\s*"([^"]*)",\s*"[^"]*",\s*"[^"]*",\s*([-+\d.eE]+)f,\s*([-+\d.eE]+)f,'
                       r'\s*([-+\d.eE]+)f\s*\}')
_INCLUDE = re.compile(r'#include\s+"(\.\./common/[^"]+\.cpp)"')


def expected_parameters(name: str, count: int) -> list[dict]:
    """What the plugin's source declares, as the catalogue should list it: DPF's CLAP wrapper
    gives parameter ``index`` the clap_id ``index`` (``info->id = index`` in
    DistrhoPluginCLAP.cpp), and its ranges are the spec table's floats."""
    source = SRC_DIR / name / "Plugin.cpp"
    text = source.read_text()
    for include in _INCLUDE.findall(text):  # the torture plugins share PlPassThrough.cpp
        text += (source.parent / include).read_text()
    rows = _SPEC_ROW.findall(text)
    if not rows:
        # PlBase's generator (common/PlCommon.hpp) for a null table: "Param <i+1>", 0..1, 0.5.
        assert "PlBase(5000, nullptr)" in text, f"no parameter table in {source}"
        rows = [(f"Param {i + 1}", "0", "1", "0.5") for i in range(count)]
    assert len(rows) == count, (name, len(rows), count)
    return [{"id": str(i), "name": n, "min": float(lo), "max": float(hi), "default": float(d)}
            for i, (n, lo, hi, d) in enumerate(rows)]


def parameters_of(record: dict) -> list[dict]:
    return [{k: p.get(k) for k in ("id", "name", "min", "max", "default")}
            for p in record["parameters"]]


def test_quick_scan_reads_descriptors_only(run_cli, test_plugins):
    result = run_cli("scan", str(test_plugins.dir("good", "clap")), "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": len(GOOD)}
    listed = by_uid(run_cli)
    assert set(test_plugins.names("good", "clap")) == set(GOOD)
    for name in GOOD:
        (clap_id,) = test_plugins[name].clap_ids
        record = listed[clap_id]
        assert (record["name"], record["vendor"]) == (name, "Pluginary Test")
        assert record["tier"] == 1, "--quick never instantiates"
        assert not record.get("parameters") and record.get("audio_outputs") is None
    synth = listed["org.pluginary.test.PlSynth"]
    assert synth["role"] == "instrument" and "synthesizer" in synth["categories"]
    assert listed["org.pluginary.test.PlGain"]["role"] == "effect"


def test_full_scan_reads_real_parameter_ids_ranges_and_ports(run_cli, test_plugins):
    result = run_cli("scan", str(test_plugins.dir("good", "clap")), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": len(GOOD)}
    listed = by_uid(run_cli)
    assert len(listed) == len(GOOD)
    for name in GOOD:
        spec = test_plugins[name]
        (clap_id,) = spec.clap_ids
        record = listed[clap_id]
        assert (record["tier"], record.get("status", "ok")) == (2, "ok"), name
        assert parameters_of(record) == expected_parameters(name, spec.num_parameters), name
        assert (record["audio_inputs"], record["audio_outputs"]) == (
            spec.audio_inputs, spec.audio_outputs), name
        assert (record["midi_inputs"], record["midi_outputs"]) == (
            1 if spec.midi_input else 0, 0), name
    assert listed["org.pluginary.test.PlSynth"]["role"] == "instrument"
    shown = run_cli("show", "clap:org.pluginary.test.PlGain")
    assert shown.exit_code == 0 and "2 in / 2 out" in shown.stdout


def test_a_full_scan_after_a_quick_one_enriches_the_same_rows(run_cli, test_plugins):
    gain = str(test_plugins["PlGain"].path("clap"))
    assert run_cli("scan", gain, "--quick").exit_code == 0
    (quick,) = run_cli("list", "--format", "clap", "--json").json()
    assert quick["tier"] == 1
    result = run_cli("scan", gain, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["unchanged"] == 0, "an unchanged tier-1 candidate still goes deep"
    (deep,) = run_cli("list", "--format", "clap", "--json").json()
    assert (deep["uid"], deep["tier"]) == (quick["uid"], 2)
    assert len(deep["parameters"]) == test_plugins["PlGain"].num_parameters
    again = run_cli("scan", gain, "--json").json()
    assert (again["loaded"], again["unchanged"]) == (0, 1), "tier 2 done: nothing to redo"


def test_one_library_with_two_plugins(run_cli, test_plugins):
    multi = test_plugins["PlMulti"]
    assert run_cli("scan", str(multi.path("clap"))).exit_code == 0
    listed = by_uid(run_cli)
    assert set(listed) == set(multi.clap_ids)
    assert {r["file_path"] for r in listed.values()} == {str(multi.path("clap"))}
    assert run_cli("status", "--json").json()["formats"]["clap"] == {"ok": 2}
    for record in listed.values():
        # Both are created; they offer no extension (PlMultiClap.c's get_extension answers
        # NULL), and CLAP says a plugin without audio-ports/note-ports has no such ports.
        assert record["tier"] == 2
        assert len(record.get("parameters", [])) == multi.num_parameters == 0
        assert (record["audio_inputs"], record["audio_outputs"]) == (0, 0)
        assert (record["midi_inputs"], record["midi_outputs"]) == (0, 0)


# -- PlParams.clap: clap.params, audio-ports, note-ports and an init() that fails ------------

PL_PARAMS_SOURCE = SRC_DIR / "special" / "PlParamsClap.c"
PL_PARAMS, PL_INIT_FAILS = "org.pluginary.test.PlParams", "org.pluginary.test.PlInitFails"

# A row of its tables: { 100, CLAP_PARAM_IS_AUTOMATABLE, "Gain", "main", -60.0, 12.0, 0.0 },
_PARAM_ROW = re.compile(r'\{\s*(\d+),\s*([A-Z_|\s0-9]+),\s*"([^"]*)",\s*"[^"]*",\s*'
                        r'([-+\d.eE]+),\s*([-+\d.eE]+),\s*([-+\d.eE]+)\s*\}')
# { 10, "Main In", CLAP_AUDIO_PORT_IS_MAIN, 2, CLAP_PORT_STEREO, 20 },
_PORT_ROW = re.compile(r'\{\s*\d+,\s*"[^"]*",\s*[A-Z_0-9|\s]+,\s*(\d+),')


def _table(text: str, marker: str) -> str:
    """The ``{...};`` initialiser that follows the comment ``/* <marker>: ...``."""
    start = text.index(f"/* {marker}:")
    return text[start:text.index("};", start)]


def pl_params_declared() -> dict:
    """What PlParamsClap.c declares for org.pluginary.test.PlParams."""
    text = PL_PARAMS_SOURCE.read_text()
    rows = _PARAM_ROW.findall(_table(text, "PARAMS"))
    assert len(rows) == 3, rows
    inputs = [int(c) for c in _PORT_ROW.findall(_table(text, "AUDIO INPUTS"))]
    outputs = [int(c) for c in _PORT_ROW.findall(_table(text, "AUDIO OUTPUTS"))]
    assert (len(inputs), len(outputs)) == (2, 1), (inputs, outputs)
    defines = dict(re.findall(r"#define (PL_NUM_NOTE_\w+) (\d+)", text))
    return {
        "all_ids": [row[0] for row in rows],
        "hidden_ids": [row[0] for row in rows if "CLAP_PARAM_IS_HIDDEN" in row[1]],
        "readonly_ids": [row[0] for row in rows if "CLAP_PARAM_IS_READONLY" in row[1]],
        "parameters": [{"id": i, "name": n, "min": float(lo), "max": float(hi),
                        "default": float(d)}
                       for i, flags, n, lo, hi, d in rows if "CLAP_PARAM_IS_HIDDEN" not in flags],
        "audio_inputs": sum(inputs), "audio_outputs": sum(outputs),
        "midi_inputs": int(defines["PL_NUM_NOTE_INPUTS"]),
        "midi_outputs": int(defines["PL_NUM_NOTE_OUTPUTS"]),
    }


def test_the_pl_params_source_is_what_the_tests_expect(test_plugins):
    """The brief of the test plugin, checked against its source and the build's record."""
    declared = pl_params_declared()
    assert declared["all_ids"] == ["100", "200", "300"]
    assert (declared["hidden_ids"], declared["readonly_ids"]) == (["200"], ["300"])
    assert [p["id"] for p in declared["parameters"]] == ["100", "300"]
    assert declared["parameters"][0] == {"id": "100", "name": "Gain", "min": -60.0, "max": 12.0,
                                         "default": 0.0}
    built = test_plugins["PlParams"]
    assert built.clap_ids == (PL_PARAMS, PL_INIT_FAILS)
    assert (built.num_parameters, built.audio_inputs, built.audio_outputs, built.midi_input) == (
        len(declared["all_ids"]), declared["audio_inputs"], declared["audio_outputs"],
        declared["midi_inputs"] > 0)


def test_full_scan_reads_params_ports_note_ports_and_a_failed_init(run_cli, test_plugins):
    library = test_plugins["PlParams"]
    declared = pl_params_declared()
    result = run_cli("scan", str(library.path("clap")), "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_uid(run_cli)
    assert set(listed) == set(library.clap_ids)
    assert {r["file_path"] for r in listed.values()} == {str(library.path("clap"))}

    # One plugin of the library cannot be initialised: the library (one candidate, one
    # status) is failed at tier 2, with a cause naming that plugin.
    cause = f"cannot instantiate {PL_INIT_FAILS}: init() returned false"
    for uid, record in listed.items():
        assert (record["status"], record["cause"]) == ("failed", cause), uid
    shown = run_cli("show", f"clap:{PL_INIT_FAILS}", "--json").json()
    assert (shown["status"], shown["cause"]) == ("failed", cause)

    # PlParams itself was created: its tier-2 data is kept.
    params = listed[PL_PARAMS]
    assert params["tier"] == 2
    assert parameters_of(params) == declared["parameters"]
    ids = [p["id"] for p in params["parameters"]]
    assert ids == ["100", "300"], "real clap_ids, the hidden one left out, the read-only kept"
    assert not set(declared["hidden_ids"]) & set(ids)
    # Channel totals over every port of a direction: main stereo + mono sidechain in.
    assert (params["audio_inputs"], params["audio_outputs"]) == (
        declared["audio_inputs"], declared["audio_outputs"]) == (3, 2)
    assert (params["midi_inputs"], params["midi_outputs"]) == (
        declared["midi_inputs"], declared["midi_outputs"]) == (1, 0)
    assert (params["name"], params["vendor"]) == ("PlParams", "Pluginary Test")

    # PlInitFails keeps what tier 1 read from its descriptor, and nothing more.
    fails = listed[PL_INIT_FAILS]
    assert (fails["name"], fails["vendor"]) == ("PlInitFails", "Pluginary Test")
    assert not fails.get("parameters")
    assert fails.get("audio_inputs") is None and fails.get("midi_inputs") is None

    text = run_cli("show", f"clap:{PL_PARAMS}")
    assert text.exit_code == 0 and "3 in / 2 out" in text.stdout


def test_quick_scan_of_pl_params_stays_at_tier_1(run_cli, test_plugins):
    library = test_plugins["PlParams"]
    result = run_cli("scan", str(library.path("clap")), "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_uid(run_cli)
    assert set(listed) == set(library.clap_ids)
    for uid, record in listed.items():
        assert record["tier"] == 1, "--quick never creates a plugin, so init() is not called"
        assert record.get("status", "ok") == "ok" and not record.get("cause"), uid
        assert not record.get("parameters"), uid
        assert record.get("audio_inputs") is None and record.get("midi_inputs") is None, uid


def test_quick_scan_of_torture_plugins_crashes_only_at_load(run_cli, test_plugins):
    """DPF builds a quiet "dummy" instance in clap_entry.init and the torture plugins misbehave
    only when really created, so at tier 1 only the static initialiser crash shows."""
    torture = test_plugins.dir("torture", "clap")
    special = test_plugins.dir("special", "clap")
    assert run_cli("scan", str(torture), str(special), "--quick").exit_code == 0
    crashed = run_cli("list", "--status", "crashed", "--json").json()
    assert [r["name"] for r in crashed] == ["PlStaticInitCrash.clap"]
    assert crashed[0]["tier"] == 1 and "SIGSEGV" in crashed[0]["cause"]
    failed = run_cli("show", "NotAPlugin.clap", "--json").json()
    assert failed["cause"] == "not a CLAP library: it exports no clap_entry"
    listed = by_name(run_cli)
    for name in test_plugins.names("torture", "clap"):
        if name != "PlStaticInitCrash":
            assert (listed[name].get("status", "ok"), listed[name]["tier"]) == ("ok", 1), name


def test_torture_plugins_are_recorded_with_status_and_cause(run_cli, test_plugins):
    torture = str(test_plugins.dir("torture", "clap"))
    special = str(test_plugins.dir("special", "clap"))
    gain = str(test_plugins["PlGain"].path("clap"))
    result = run_cli("scan", torture, special, gain, "--timeout", "4", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(result.stderr) < 10_000, "50 MB of plugin stderr never reaches the terminal"

    expected = {
        "PlCrashSegv": ("crashed", 2, "SIGSEGV"), "PlCrashAbort": ("crashed", 2, "SIGABRT"),
        "PlExit0": ("crashed", 2, "exit code 0"), "PlSpin": ("timeout", 2, "4 s"),
        "PlSleep20": ("timeout", 2, "4 s"),
    }
    listed = by_name(run_cli)
    for name, (status, tier, words) in expected.items():
        record = listed[name]  # still findable, with what tier 1 found
        assert record["uid"] == test_plugins[name].clap_ids[0]
        assert record["vendor"] == "Pluginary Test"
        assert (record["status"], record["tier"]) == (status, tier), name
        assert words in record["cause"] and "tier 2" in record["cause"], (name, record["cause"])
        assert not record.get("parameters"), "nothing from the failed instantiation"
    flood = listed["PlStderrFlood"]
    assert (flood.get("status", "ok"), flood["tier"]) == ("ok", 2)
    assert parameters_of(flood) == expected_parameters("PlStderrFlood", 1)
    assert (listed["PlGain"].get("status", "ok"), listed["PlGain"]["tier"]) == ("ok", 2)

    static = run_cli("show", "PlStaticInitCrash.clap", "--json").json()
    assert (static["status"], static["tier"]) == ("crashed", 1)
    assert "SIGSEGV" in static["cause"]
    not_clap = run_cli("show", "NotAPlugin.clap", "--json").json()
    assert (not_clap["status"], not_clap["tier"]) == ("failed", 1)
    counts = run_cli("status", "--json").json()["formats"]["clap"]
    # ok: PlGain, PlStderrFlood, PlMulti's two plugins; failed: NotAPlugin.clap and both
    # plugins of PlParams.clap (PlInitFails's init() returns false).
    assert counts == {"ok": 4, "crashed": 4, "timeout": 2, "failed": 3}
    assert {listed[n]["status"] for n in ("PlParams", "PlInitFails")} == {"failed"}
    assert listed["PlParams"]["tier"] == 2 and listed["PlParams"]["parameters"]
    hits = run_cli("search", "PlCrashSegv", "--json").json()
    assert [h["record"]["name"] for h in hits] == ["PlCrashSegv"]


def test_a_crashed_plugin_is_blocked_until_its_file_changes(run_cli, test_plugins, tmp_path):
    folder = tmp_path / "clap"
    folder.mkdir()
    copy = folder / "PlCrashSegv.clap"
    shutil.copyfile(test_plugins["PlCrashSegv"].path("clap"), copy)  # a copy: dlopen dedupes
    first = run_cli("scan", str(folder), "--json").json()
    assert first["counts"] == {"crashed": 1}
    second = run_cli("scan", str(folder), "--json").json()
    assert (second["loaded"], second["blocked_skipped"]) == (0, 1)
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
    changed = run_cli("scan", str(folder), "--json").json()
    assert changed["loaded"] == 1 and changed["counts"] == {"crashed": 1}


def test_a_timeout_is_retried_alone_with_a_larger_budget(run_cli, test_plugins):
    sleeper = str(test_plugins["PlSleep20"].path("clap"))
    # Killed after 14 s without progress at tier 2, then retried with 21 s: the 20 s sleep passes.
    result = run_cli("scan", sleeper, "--base-timeout", "14", "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = run_cli("list", "--json").json()
    assert (record.get("status", "ok"), record["tier"]) == ("ok", 2)
    assert parameters_of(record) == expected_parameters("PlSleep20", 1)


# -- struct layouts against the CLAP headers ---------------------------------------------------

_LAYOUT_PROGRAM = r"""
#include <stddef.h>
#include <stdio.h>
#include "clap/entry.h"
#include "clap/plugin-factory.h"
#include "clap/ext/params.h"
#include "clap/ext/audio-ports.h"
#include "clap/ext/note-ports.h"
#define S(t) printf("%s\"%s\": [%zu", first ? "" : ", ", #t, sizeof(t)); first = 0;
#define F(t, f) printf(", [\"%s\", %zu]", #f, offsetof(t, f));
#define E printf("]");
int main(void) {
    int first = 1;
    printf("{");
    S(clap_version_t) F(clap_version_t, major) F(clap_version_t, minor)
        F(clap_version_t, revision) E
    S(clap_plugin_entry_t) F(clap_plugin_entry_t, clap_version) F(clap_plugin_entry_t, init)
        F(clap_plugin_entry_t, deinit) F(clap_plugin_entry_t, get_factory) E
    S(clap_plugin_descriptor_t) F(clap_plugin_descriptor_t, id)
        F(clap_plugin_descriptor_t, description) F(clap_plugin_descriptor_t, features) E
    S(clap_plugin_factory_t) F(clap_plugin_factory_t, get_plugin_count)
        F(clap_plugin_factory_t, get_plugin_descriptor) F(clap_plugin_factory_t, create_plugin) E
    S(clap_host_t) F(clap_host_t, clap_version) F(clap_host_t, host_data) F(clap_host_t, name)
        F(clap_host_t, vendor) F(clap_host_t, url) F(clap_host_t, version)
        F(clap_host_t, get_extension) F(clap_host_t, request_restart)
        F(clap_host_t, request_process) F(clap_host_t, request_callback) E
    S(clap_plugin_t) F(clap_plugin_t, desc) F(clap_plugin_t, plugin_data) F(clap_plugin_t, init)
        F(clap_plugin_t, destroy) F(clap_plugin_t, process) F(clap_plugin_t, get_extension)
        F(clap_plugin_t, on_main_thread) E
    S(clap_param_info_t) F(clap_param_info_t, id) F(clap_param_info_t, flags)
        F(clap_param_info_t, cookie) F(clap_param_info_t, name) F(clap_param_info_t, module)
        F(clap_param_info_t, min_value) F(clap_param_info_t, max_value)
        F(clap_param_info_t, default_value) E
    S(clap_plugin_params_t) F(clap_plugin_params_t, count) F(clap_plugin_params_t, get_info)
        F(clap_plugin_params_t, flush) E
    S(clap_audio_port_info_t) F(clap_audio_port_info_t, id) F(clap_audio_port_info_t, name)
        F(clap_audio_port_info_t, flags) F(clap_audio_port_info_t, channel_count)
        F(clap_audio_port_info_t, port_type) F(clap_audio_port_info_t, in_place_pair) E
    S(clap_plugin_audio_ports_t) F(clap_plugin_audio_ports_t, count)
        F(clap_plugin_audio_ports_t, get) E
    S(clap_note_port_info_t) F(clap_note_port_info_t, id)
        F(clap_note_port_info_t, supported_dialects) F(clap_note_port_info_t, preferred_dialect)
        F(clap_note_port_info_t, name) E
    S(clap_plugin_note_ports_t) F(clap_plugin_note_ports_t, count)
        F(clap_plugin_note_ports_t, get) E
    printf(", \"flags\": [%d, %d, %d, %d]}\n", CLAP_PARAM_IS_HIDDEN, CLAP_PARAM_IS_READONLY,
           CLAP_AUDIO_PORT_IS_MAIN, CLAP_NAME_SIZE + CLAP_PATH_SIZE);
    return 0;
}
"""

_CTYPES_OF = {
    "clap_version_t": Version, "clap_plugin_entry_t": PluginEntry,
    "clap_plugin_descriptor_t": PluginDescriptor, "clap_plugin_factory_t": PluginFactory,
    "clap_host_t": clap_instance.Host, "clap_plugin_t": clap_instance.Plugin,
    "clap_param_info_t": clap_instance.ParamInfo,
    "clap_plugin_params_t": clap_instance.PluginParams,
    "clap_audio_port_info_t": clap_instance.AudioPortInfo,
    "clap_plugin_audio_ports_t": clap_instance.PluginAudioPorts,
    "clap_note_port_info_t": clap_instance.NotePortInfo,
    "clap_plugin_note_ports_t": clap_instance.PluginNotePorts,
}


def compiled_layout(tmp_path: Path, program_text: str) -> dict:
    """Compile ``program_text`` (C printing JSON) against DPF's copy of the CLAP headers, run
    it and return what it printed: sizes, offsets and constants as the compiler sees them."""
    headers = Path(os.environ.get("PLUGINARY_DPF_PATH", "/usr/share/dpf")) / "distrho" / "src"
    assert (headers / "clap" / "ext" / "params.h").is_file(), (
        f"no CLAP headers under {headers}: apt-get install dpf-source")
    compiler = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("g++")
    assert compiler, "no C compiler: apt-get install g++"
    source, program = tmp_path / "layout.c", tmp_path / "layout"
    source.write_text(program_text)
    subprocess.run([compiler, "-x", "c", "-std=c11", f"-I{headers}", str(source), "-o",
                    str(program)], check=True, capture_output=True)
    return json.loads(subprocess.run([str(program)], check=True, capture_output=True,
                                     text=True).stdout)


def test_structs_match_the_clap_headers(tmp_path):
    """sizeof/offsetof from DPF's copy of the CLAP headers, compiled here, against ctypes."""
    layout = compiled_layout(tmp_path, _LAYOUT_PROGRAM)
    assert layout.pop("flags") == [clap_instance.CLAP_PARAM_IS_HIDDEN,
                                   clap_instance.CLAP_PARAM_IS_READONLY,
                                   clap_instance.CLAP_AUDIO_PORT_IS_MAIN,
                                   clap_instance.CLAP_NAME_SIZE + clap_instance.CLAP_PATH_SIZE]
    assert set(layout) == set(_CTYPES_OF)
    for c_name, (size, *fields) in layout.items():
        struct = _CTYPES_OF[c_name]
        assert ctypes.sizeof(struct) == size, c_name
        for field, offset in fields:
            assert getattr(struct, field).offset == offset, (c_name, field)


def test_default_roots_per_os():
    assert roots_for(CLAP, os_name="linux", env={"HOME": "/home/ana", "CLAP_PATH": "/opt/c"}) == [
        PurePosixPath(p) for p in ("/home/ana/.clap", "/usr/lib/clap", "/usr/local/lib/clap",
                                   "/opt/c")]
    assert roots_for(CLAP, os_name="windows", env={
        "COMMONPROGRAMFILES": "C:\\Common", "LOCALAPPDATA": "C:\\L",
        "CLAP_PATH": "D:\\clap;\\\\nas\\clap"}) == [
        PureWindowsPath("C:/Common/CLAP"), PureWindowsPath("C:/L/Programs/Common/CLAP"),
        PureWindowsPath("D:/clap"), PureWindowsPath("//nas/clap")]
    assert CLAP.tiers == (1, 2)


def test_this_environment_scans_without_a_plugin_host():
    """tox installs only core, sqlite and this extension here: no pedalboard is pulled in."""
    import importlib.util

    assert importlib.util.find_spec("pedalboard") is None


ZAM_CLAP = Path("/usr/lib/clap")


def lv2_controls(uri: str) -> list[dict[str, str]]:
    """The control ports (inputs, then outputs, in port order) lv2info reports for ``uri``:
    DPF builds a plugin's LV2 ports and its CLAP parameters from one parameter list."""
    assert shutil.which("lv2info"), "lv2info is missing: apt-get install lilv-utils"
    text = subprocess.run(["lv2info", uri], check=True, capture_output=True, text=True).stdout
    ports: list[dict[str, str]] = []
    for block in text.split("\n\tPort ")[1:]:
        fields = dict(re.findall(r"^\t\t(Symbol|Name|Minimum|Maximum|Default):\s*(.*)$", block,
                                 re.M))
        # DPF adds LV2-only ports named lv2_* (lv2_latency reports latency): no CLAP parameter.
        if "lv2core#ControlPort" in block and not fields.get("Symbol", "").startswith("lv2_"):
            fields["output"] = "yes" if "lv2core#OutputPort" in block else ""
            ports.append(fields)
    return ports


def test_debians_zam_clap_builds_at_tier_2_match_their_lv2_builds(run_cli):
    """Real third-party CLAPs: zam-plugins ships CLAP builds of its 17 plugins. Each one's
    parameters (read by creating the plugin) must be the control ports of its LV2 build, which
    lilv reads from Turtle: the same names, ranges and defaults from two independent readers."""
    libraries = sorted(ZAM_CLAP.glob("Za[mM]*.clap"))
    assert len(libraries) == 17, "apt-get install zam-plugins"
    result = run_cli("scan", str(ZAM_CLAP), "--format", "clap", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ok": 17}
    listed = by_uid(run_cli)
    assert len(listed) == 17
    compared = 0
    for record in listed.values():
        assert record["tier"] == 2 and record["vendor"] == "Damien Zammit", record["uid"]
        name = record["name"]
        controls = lv2_controls(f"urn:zamaudio:{name}")
        params = record.get("parameters", [])
        assert [p["name"] for p in params] == [c["Name"] for c in controls], name
        for ours, theirs in zip(params, controls, strict=True):
            for key, field in (("min", "Minimum"), ("max", "Maximum"), ("default", "Default")):
                if field not in theirs:  # LV2 output ports may declare no default; CLAP has one
                    assert key == "default" and theirs["output"], (name, theirs)
                    continue
                assert abs(ours[key] - float(theirs[field])) <= 1e-4 * max(
                    1.0, abs(float(theirs[field]))), (name, ours, theirs)
            compared += 1
    assert compared > 100
