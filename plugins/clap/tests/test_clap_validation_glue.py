"""The CLAP validation glue (``pluginary_clap.host``) on real plugins: the DPF test plugins
built as CLAP, the same plugins built with DPF's ``clap.state`` (``DISTRHO_PLUGIN_WANT_STATE``),
the hand-written PlParams, and Debian's 17 zam CLAPs.

Expected values come from the plugins' sources (parameter tables, ZaMaximX2's ``MAX_DELAY``
lookahead) or from what the plugin itself reports back (``get_value``, its output), never from
what the glue stored: a value is read back from the plugin after it went through CLAP events,
``flush()`` or a state stream.

Neither Debian's zam CLAPs nor the stock test plugins implement ``clap.state`` (the string is in
none of their binaries): DPF offers it only when a plugin defines ``DISTRHO_PLUGIN_WANT_STATE``.
State is therefore checked on test plugins rebuilt here with that define, through the test
plugins' own build recipe.
"""

from __future__ import annotations

import ctypes
import math
import random
import threading
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_clap import expected_parameters

from pluginary.validation import signals
from pluginary.validation.host import NotSupported
from pluginary.validation.levels import Event, run_levels
from pluginary.validation.parameters import level2
from pluginary.validation.state import level4
from pluginary.validation.stress import level5
from pluginary_clap import host_link, open_for_validation
from pluginary_clap.entry import descriptors, open_factory, read_entry
from pluginary_clap.host import ClapPlugin
from pluginary_testplugins import build as testplugins

DPF = ("PlGain", "PlDelay", "PlFilter")
ZAM = sorted(Path("/usr/lib/clap").glob("Za[mM]*.clap"))
RATE, FRAMES = 48000, 512


def clap_id_of(binary: Path) -> str:
    """The id of the one plugin in ``binary``."""
    with open_factory(binary, None) as factory:
        (clap_id,) = [d.id.decode() for d in descriptors(factory)]
    return clap_id


def plugin_for(binary: Path) -> ClapPlugin:
    return ClapPlugin(binary, clap_id_of(binary))


@pytest.fixture(scope="session")
def stateful(tmp_path_factory) -> dict[str, Path]:
    """PlGain, PlDelay, PlFilter and PlManyParams built as CLAP with DPF's clap.state, by the
    test plugins' recipe plus ``-DDISTRHO_PLUGIN_WANT_STATE=1`` (their DistrhoPluginInfo.h
    leaves it undefined, and DPF then defines it 0). Fails without g++ or dpf-source."""
    tc = testplugins._toolchain()
    specs = {spec.name: spec for spec in testplugins.PLUGIN_SPECS}
    base = tmp_path_factory.mktemp("clap-state")
    jobs = {name: testplugins._Job(
        f"{name} [clap, state]",
        testplugins._dpf_argv(tc, specs[name], "clap", base / f"{name}.clap",
                              ("-DDISTRHO_PLUGIN_WANT_STATE=1",)), base / f"{name}.clap")
        for name in (*DPF, "PlManyParams")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(testplugins._run, jobs.values()))
    return {name: job.output for name, job in jobs.items()}


def open_dpf(test_plugins, name: str) -> ClapPlugin:
    (clap_id,) = test_plugins[name].clap_ids
    return ClapPlugin(test_plugins[name].binary("clap"), clap_id)


def silence_block(instance) -> list[array]:
    block = signals.silence(FRAMES)
    return instance.run([block] * instance.inputs, FRAMES)


def ones(instance) -> list[array]:
    block = array("f", [1.0] * FRAMES)
    return instance.run([block] * instance.inputs, FRAMES)


# -- level 1 -----------------------------------------------------------------------------------

def test_describe_is_the_factory_descriptor(test_plugins):
    plugin = open_dpf(test_plugins, "PlGain")
    try:
        assert plugin.levels == (1, 2, 3, 4, 5)
        described = plugin.describe()
        assert described.pop("clap_version").startswith("1.")  # DPF's CLAP_VERSION
        # src/PlGain/DistrhoPluginInfo.h and PlCommon.hpp's getMaker(); DPF's CLAP descriptor
        # has an empty version ("TODO version string" in DistrhoPluginCLAP.cpp)
        assert described == {
            "id": "org.pluginary.test.PlGain", "name": "PlGain", "vendor": "Pluginary Test",
            "version": "", "features": "audio-effect, stereo"}
    finally:
        plugin.close()


def test_open_for_validation_from_a_scanned_record(test_plugins):
    binary = test_plugins["PlDelay"].binary("clap")
    (record,) = read_entry(binary).records
    plugin = open_for_validation(record)
    try:
        assert plugin.key == "clap:org.pluginary.test.PlDelay"
        instance = plugin.instantiate(RATE, FRAMES)
        assert (instance.inputs, instance.outputs) == (2, 2)
        assert [p.name for p in instance.parameters()] == ["Time", "Feedback", "Mix", "Output"]
        instance.close()
    finally:
        plugin.close()


@pytest.mark.parametrize("rate", [44100, 48000, 96000])
def test_latency_is_what_clap_latency_reports(test_plugins, rate):
    """ZaMaximX2 sets its lookahead, MAX_DELAY = 480 samples (ZaMaximX2Plugin.hpp), as its
    latency at every rate; the DPF test plugins declare no latency and offer no clap.latency."""
    plugin = ClapPlugin(Path("/usr/lib/clap/ZaMaximX2.clap"), "com.zamaudio.ZaMaximX2")
    try:
        instance = plugin.instantiate(rate, FRAMES)
        silence_block(instance)
        assert instance.latency() == 480
        instance.close()
    finally:
        plugin.close()
    for name in DPF:
        plugin = open_dpf(test_plugins, name)
        instance = plugin.instantiate(rate, FRAMES)
        assert instance.latency() == 0
        instance.close()
        plugin.close()


# -- level 2 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DPF)
def test_dpf_parameters_are_their_source_tables(test_plugins, name):
    plugin = open_dpf(test_plugins, name)
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        got = instance.parameters()
        want = expected_parameters(name, len(got))
        assert [(p.key, p.name) for p in got] == [(w["id"], w["name"]) for w in want]
        for p, w in zip(got, want, strict=True):
            # DPF keeps ranges in float: compare at float precision
            assert math.isclose(p.minimum, w["min"], rel_tol=1e-6, abs_tol=1e-6)
            assert math.isclose(p.maximum, w["max"], rel_tol=1e-6, abs_tol=1e-6)
            assert math.isclose(p.default, w["default"], rel_tol=1e-6, abs_tol=1e-6)
            assert not p.stepped and not p.read_only
            assert instance.get(p.key) == pytest.approx(p.default, abs=1e-6)
    finally:
        instance.close()
        plugin.close()


@pytest.mark.parametrize("name", DPF)
def test_set_then_get_reads_back_through_flush_at_min_max_and_default(test_plugins, name):
    """No block runs between set and get: the value reaches the plugin through
    params.flush(), and get_value reports it."""
    plugin = open_dpf(test_plugins, name)
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        for p in instance.parameters():
            for value in (p.minimum, p.maximum, (p.minimum + p.maximum) / 3, p.default):
                instance.set(p.key, value)
                assert instance.get(p.key) == pytest.approx(value, abs=1e-4 * (
                    p.maximum - p.minimum)), (p.name, value)
        assert level2(instance) == []
    finally:
        instance.close()
        plugin.close()


def test_a_set_value_reaches_the_audio_through_process_and_through_flush(test_plugins):
    """PlGain: out = in * 10^(gain/20). A set before a block arrives in that block's in_events;
    one flushed by a get (no block in between) is already in force for the next block."""
    plugin = open_dpf(test_plugins, "PlGain")
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        assert ones(instance)[0][0] == pytest.approx(1.0)
        instance.set("0", -60.0)
        left, right = ones(instance)
        assert left[0] == pytest.approx(1e-3, rel=1e-4) and left[-1] == left[0] == right[0]
        assert instance.get("0") == pytest.approx(-60.0)
        instance.set("0", 12.0)
        assert instance.get("0") == pytest.approx(12.0)
        assert ones(instance)[0][0] == pytest.approx(10 ** (12 / 20), rel=1e-4)
        instance.set("1", 1.0)  # pan right: the left channel goes silent
        left, right = ones(instance)
        assert left[0] == 0.0 and right[0] == pytest.approx(10 ** (12 / 20), rel=1e-4)
    finally:
        instance.close()
        plugin.close()


@pytest.mark.parametrize("name", DPF)
def test_convert_goes_through_the_display_text_and_back(test_plugins, name):
    plugin = open_dpf(test_plugins, name)
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        for p in instance.parameters():
            for value in (p.minimum, p.maximum, p.default, p.minimum + (p.maximum - p.minimum) / 7):
                back = instance.convert(p.key, value)
                assert back is not None
                # DPF writes the text with 6 decimals at most: not the exact double
                assert back == pytest.approx(value, abs=1e-3 * (p.maximum - p.minimum))
    finally:
        instance.close()
        plugin.close()


def test_pl_params_ignores_set_and_the_glue_reports_what_the_plugin_says(test_plugins):
    """PlParams (src/special/PlParamsClap.c): get_value always gives the default, flush takes
    nothing, value_to_text returns false, one parameter is hidden and one read-only."""
    params = test_plugins["PlParams"]
    plugin = ClapPlugin(params.binary("clap"), "org.pluginary.test.PlParams")
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        got = instance.parameters()
        assert [(p.key, p.name, p.read_only) for p in got] == [
            ("100", "Gain", False), ("300", "Output Level", True)]  # 200 is hidden
        instance.set("100", 12.0)
        assert instance.get("100") == 0.0  # the default: the plugin ignored it, and we say so
        assert instance.convert("100", 3.0) is None
        (problem,) = level2(instance)
        assert problem.check == "round-trip" and "'Gain' set to -60 reports 0" in problem.message
        with pytest.raises(KeyError):
            instance.get("200000")  # never sent to the plugin: DPF indexes arrays with it
        with pytest.raises(KeyError):
            instance.set("gain", 1.0)
    finally:
        instance.close()
        plugin.close()


@pytest.mark.parametrize("binary", ZAM, ids=lambda p: p.name)
def test_zam_parameters_are_sane_and_round_trip(binary):
    """Every zam CLAP: finite ranges with the default inside, level 2 passes (min, max, default
    and random points read back, in range, through the display text and back), and no
    clap.state (NotSupported, as the binary has no such extension)."""
    assert len(ZAM) == 17, "apt-get install zam-plugins"
    plugin = ClapPlugin(binary, clap_id_of(binary))
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        params = instance.parameters()
        for p in params:
            assert math.isfinite(p.minimum) and math.isfinite(p.maximum), p
            assert p.minimum < p.maximum and p.minimum <= p.default <= p.maximum, p
            if p.read_only:
                continue
            other = p.maximum if abs(p.default - p.maximum) > abs(p.default - p.minimum) \
                else p.minimum
            instance.set(p.key, other)
            assert instance.get(p.key) == pytest.approx(other, abs=1e-3 * (
                p.maximum - p.minimum) + (0.5 if p.stepped else 0)), p
        assert level2(instance) == []
        assert b"clap.state" not in binary.read_bytes()
        with pytest.raises(NotSupported, match=r"no clap\.state"):
            instance.save()
        with pytest.raises(NotSupported, match=r"no clap\.state"):
            instance.load(b"")
    finally:
        instance.close()
        plugin.close()


# -- level 4 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", DPF)
def test_state_saved_by_one_instance_restores_into_a_fresh_one(stateful, name):
    plugin = plugin_for(stateful[name])
    a, b = plugin.instantiate(RATE, FRAMES), plugin.instantiate(RATE, FRAMES)
    try:
        rng = random.Random(name)
        chosen = {}
        for p in a.parameters():
            # away from the default, so that a restore that does nothing shows
            chosen[p.key] = p.minimum + (p.maximum - p.minimum) * rng.uniform(0.6, 0.95) \
                if p.default - p.minimum < (p.maximum - p.minimum) / 2 \
                else p.minimum + (p.maximum - p.minimum) * rng.uniform(0.05, 0.4)
            a.set(p.key, chosen[p.key])
        state = a.save()  # no block ran: save() flushed the values first
        assert state.startswith(b"__dpf_parameters_begin__\0")
        for p in b.parameters():
            assert b.get(p.key) == pytest.approx(p.default, abs=1e-6)
            assert abs(b.get(p.key) - chosen[p.key]) > 0.05 * (p.maximum - p.minimum)
        b.load(state)
        for p in b.parameters():
            assert b.get(p.key) == pytest.approx(chosen[p.key], abs=1e-3 * (
                p.maximum - p.minimum)), p.name
            assert b.get(p.key) == pytest.approx(a.get(p.key), abs=1e-3 * (
                p.maximum - p.minimum)), p.name
        noise = signals.noise(FRAMES)
        assert a.run([noise] * a.inputs, FRAMES) == b.run([noise] * b.inputs, FRAMES)
        assert level4(plugin) == []
    finally:
        a.close()
        b.close()
        plugin.close()


def test_a_large_state_streams_in_pieces(stateful):
    """PlManyParams: 5000 parameters make a state of tens of kilobytes that DPF reads back 511
    bytes at a time."""
    plugin = plugin_for(stateful["PlManyParams"])
    a, b = plugin.instantiate(RATE, FRAMES), plugin.instantiate(RATE, FRAMES)
    try:
        params = a.parameters()
        assert len(params) == 5000
        for index, p in enumerate(params):
            a.set(p.key, (index % 1000) / 1000)
        state = a.save()
        assert len(state) > 40000
        b.load(state)
        for index in (0, 1, 511, 999, 1000, 2500, 4998, 4999):
            assert b.get(params[index].key) == pytest.approx((index % 1000) / 1000, abs=1e-6)
    finally:
        a.close()
        b.close()
        plugin.close()


def test_a_load_wins_over_values_set_before_it(stateful):
    """A value still queued when a state is loaded is handed over first, so the state wins;
    delivered at the next block instead, it would undo the load."""
    plugin = plugin_for(stateful["PlGain"])
    a, b = plugin.instantiate(RATE, FRAMES), plugin.instantiate(RATE, FRAMES)
    try:
        a.set("0", -12.5)
        state = a.save()
        b.set("0", -6.0)
        b.load(state)
        assert b.get("0") == pytest.approx(-12.5)
        assert ones(b)[0][0] == pytest.approx(10 ** (-12.5 / 20), rel=1e-4)
        assert b.get("0") == pytest.approx(-12.5)
    finally:
        a.close()
        b.close()
        plugin.close()


# -- levels 1 to 5 -----------------------------------------------------------------------------

def levels_of(plugin: ClapPlugin) -> list[tuple[int, str, tuple[str, ...], str]]:
    events: list[Event] = []
    run_levels(plugin, 5, events.append)
    return [(e.level, e.kind, tuple(f"{p.check}: {p.message}" for p in e.problems), e.cause)
            for e in events if e.kind in ("end", "unsupported")]


@pytest.mark.parametrize("name", DPF)
def test_stateful_test_plugins_pass_every_level(stateful, name):
    plugin = plugin_for(stateful[name])
    try:
        assert levels_of(plugin) == [(level, "end", (), "") for level in (1, 2, 3, 4, 5)]
    finally:
        plugin.close()


@pytest.mark.parametrize("name", DPF)
def test_stock_test_plugins_pass_every_level_with_their_parameters_as_state(test_plugins, name):
    """Without clap.state, level 4 restores the parameter values a host would have saved."""
    plugin = open_dpf(test_plugins, name)
    try:
        instance = plugin.instantiate(48000, 512)
        with pytest.raises(NotSupported, match=r"no clap\.state"):
            instance.save()
        instance.close()
        assert levels_of(plugin) == [(level, "end", (), "") for level in (1, 2, 3, 4, 5)]
    finally:
        plugin.close()


@pytest.mark.parametrize("binary", [p for p in ZAM if p.name in (
    "ZaMaximX2.clap", "ZamComp.clap", "ZamDelay.clap", "ZamGEQ31.clap")], ids=lambda p: p.name)
def test_zam_stress(binary):
    """Level 5 (64 instances, automation, two threads at once) on zam CLAPs with latency, many
    parameters, a delay line; the whole set passes too (see the README's numbers)."""
    plugin = ClapPlugin(binary, clap_id_of(binary))
    try:
        assert level5(plugin) == []
    finally:
        plugin.close()


def test_two_instances_on_two_threads_keep_their_own_events(test_plugins):
    """PlGain at -60 dB and at +12 dB, processing at the same time on two threads with a new
    set() before every block: each output is its own gain, never the other's (the events, the
    host requests and the buffers are per instance)."""
    plugin = open_dpf(test_plugins, "PlGain")
    outputs: dict[float, list[float]] = {-60.0: [], 12.0: []}
    failed: list[BaseException] = []
    start = threading.Barrier(2)

    def play(gain: float) -> None:
        try:
            instance = plugin.instantiate(RATE, FRAMES)
            start.wait()
            for _ in range(200):
                instance.set("0", gain)
                outputs[gain].append(ones(instance)[0][0])
            instance.close()
        except BaseException as exc:  # re-raised below, on the test's thread
            failed.append(exc)

    threads = [threading.Thread(target=play, args=(gain,)) for gain in outputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    plugin.close()
    assert not failed, failed
    for gain, peaks in outputs.items():
        assert len(peaks) == 200
        assert all(peak == pytest.approx(10 ** (gain / 20), rel=1e-4) for peak in peaks), gain


# -- the host side -----------------------------------------------------------------------------

def test_each_instance_has_its_own_host_and_records_its_plugins_requests():
    host_a, requests_a = host_link.make_host()
    _host_b, requests_b = host_link.make_host()
    get = host_a.get_extension
    for extension in (b"clap.params", b"clap.state", b"clap.latency"):
        assert get(ctypes.byref(host_a), extension), extension
    assert not get(ctypes.byref(host_a), b"clap.gui")
    params = ctypes.cast(get(ctypes.byref(host_a), b"clap.params"),
                         ctypes.POINTER(host_link.HostParams)).contents
    params.rescan(ctypes.byref(host_a), 1)
    params.request_flush(ctypes.byref(host_a))
    host_a.request_callback(ctypes.byref(host_a))
    assert (requests_a.flush, requests_a.callback) == (True, True)
    assert (requests_b.flush, requests_b.callback) == (False, False)
