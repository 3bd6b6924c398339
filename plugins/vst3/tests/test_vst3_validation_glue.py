"""The validation glue (pluginary_vst3.validation) on real VST3 bundles, through pedalboard:
the project's DPF test plugins and a few zam-plugins (not ZamVerb: its pedalboard load alone
takes minutes)."""

from __future__ import annotations

import functools
import math
import threading
from array import array
from pathlib import Path
from typing import Any

import pytest

import pluginary_vst3
from pluginary.models import Candidate, PluginRecord
from pluginary.validation.host import NotSupported
from pluginary.validation.levels import Event, run_levels
from pluginary_vst3.validation import PedalboardInstance, PedalboardPlugin

DPF = ("PlGain", "PlDelay", "PlFilter")
ZAM = ("ZamComp", "ZaMaximX2", "ZamEQ2")


@functools.cache
def _record(bundle: Path) -> PluginRecord:
    """The bundle's one class, as tier 1 (the factory) records it: once per bundle, before
    pedalboard loads it (a ctypes read ends with the module's exit, which must not happen
    under JUCE's feet; the glue caches its own reads for the same reason)."""
    result = pluginary_vst3.load_candidate(
        Candidate(format="vst3", path=str(bundle)), 1)
    assert result is not None and len(result.records) == 1, result
    return result.records[0]


def _open(bundle: Path) -> PedalboardPlugin:
    plugin = pluginary_vst3.open_for_validation(_record(bundle))
    assert isinstance(plugin, PedalboardPlugin)
    return plugin


@pytest.fixture(scope="module")
def dpf(test_plugins: Any) -> dict[str, PedalboardPlugin]:
    return {name: _open(test_plugins[name].path("vst3")) for name in DPF}


def _noise(frames: int, seed: int) -> array[float]:
    state = seed
    out = array("f")
    for _ in range(frames):  # a small LCG: deterministic, no numpy needed in the test
        state = (state * 1103515245 + 12345) % 2**31
        out.append(state / 2**31 - 0.5)
    return out


def test_other_formats_are_not_ours(test_plugins: Any) -> None:
    record = _record(test_plugins["PlGain"].path("vst3"))
    assert pluginary_vst3.open_for_validation(
        record=PluginRecord(format="clap", uid=record.uid, name=record.name)) is None


def test_describe_and_buses(dpf: dict[str, PedalboardPlugin]) -> None:
    plugin = dpf["PlGain"]
    info = plugin.describe()
    assert info["name"] == "PlGain" and info["manufacturer"] == "Pluginary Test"
    assert info["version"] == "1.0.0" and info["is_instrument"] == "false"
    assert info["identifier"].startswith("VST3-PlGain-") and "Fx" in info["category"]
    assert plugin.levels == (1, 2, 3, 4, 5)
    instance = plugin.instantiate(48000, 512)
    try:
        assert (instance.inputs, instance.outputs) == (2, 2)
        assert instance.latency() == 0
        assert [p.name for p in instance.parameters()] == ["Gain", "Pan"]
        assert [p.key for p in instance.parameters()] == ["gain_db", "pan"]
    finally:
        instance.close()
    plugin.close()


@pytest.mark.parametrize("name", DPF)
def test_set_get_round_trip_at_the_ends(dpf: dict[str, PedalboardPlugin], name: str) -> None:
    instance = dpf[name].instantiate(48000, 512)
    try:
        params = instance.parameters()
        assert params and not any(p.read_only for p in params)
        for p in params:
            assert (p.minimum, p.maximum) == (0.0, 1.0) and p.minimum <= p.default <= p.maximum
            for value in (p.minimum, p.maximum, 0.25):
                instance.set(p.key, value)
                assert instance.get(p.key) == pytest.approx(value, abs=1e-6)
                back = instance.convert(p.key, value)
                assert back is not None and back == pytest.approx(value, abs=1e-3)
    finally:
        instance.close()


@pytest.mark.parametrize("name", DPF)
def test_state_restores_into_a_fresh_instance(dpf: dict[str, PedalboardPlugin],
                                              name: str) -> None:
    plugin = dpf[name]
    a = plugin.instantiate(48000, 512)
    b = plugin.instantiate(48000, 512)
    try:
        params = a.parameters()
        wanted = {}
        for p in params:  # far from each default, so B's defaults cannot pass for A's values
            wanted[p.key] = 0.1 if p.default > 0.5 else 0.9
            a.set(p.key, wanted[p.key])
        silence = array("f", bytes(4 * 512))
        a.run([silence] * a.inputs, 512)
        state = a.save()
        assert state
        assert all(abs(b.get(p.key) - wanted[p.key]) > 0.3 for p in params)
        b.load(state)
        for p in params:
            assert b.get(p.key) == pytest.approx(wanted[p.key], abs=1e-3), p.name
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("name", DPF)
def test_run_gives_finite_blocks_of_the_right_shape(dpf: dict[str, PedalboardPlugin],
                                                    name: str) -> None:
    instance = dpf[name].instantiate(44100, 256)
    try:
        peaks = []
        for block in range(4):
            outputs = instance.run([_noise(256, block + 1)] * instance.inputs, 256)
            assert len(outputs) == instance.outputs == 2
            assert all(len(out) == 256 and all(math.isfinite(v) for v in out) for out in outputs)
            peaks.append(max(abs(v) for out in outputs for v in out))
        assert max(peaks) > 0.01  # noise in, something out (even the delay's dry path)
    finally:
        instance.close()


def test_run_continues_the_stream(test_plugins: Any) -> None:
    """reset=False: the delay's echo of an impulse comes out in a later run() call."""
    plugin = _open(test_plugins["PlDelay"].path("vst3"))
    instance = plugin.instantiate(48000, 512)
    try:
        impulse = array("f", bytes(4 * 512))
        impulse[0] = 1.0
        silence = array("f", bytes(4 * 512))
        first = instance.run([impulse] * 2, 512)
        later = [instance.run([silence] * 2, 512) for _ in range(40)]  # 250 ms default delay
        assert max(abs(v) for v in first[0]) > 0.1
        assert max(abs(v) for block in later for v in block[0]) > 0.05
    finally:
        instance.close()


def test_instances_are_made_on_the_main_thread_only(dpf: dict[str, PedalboardPlugin]) -> None:
    plugin = dpf["PlGain"]
    instance = plugin.instantiate(48000, 512)
    raised: list[BaseException] = []
    outputs: list[list[array[float]]] = []

    def elsewhere() -> None:
        try:
            outputs.append(instance.run([_noise(512, 3)] * 2, 512))
            plugin.instantiate(48000, 512)
        except BaseException as exc:
            raised.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    instance.close()
    assert len(outputs) == 1 and len(outputs[0]) == 2  # running elsewhere works
    assert len(raised) == 1 and isinstance(raised[0], NotSupported)
    assert "main thread" in str(raised[0])


@pytest.mark.usefixtures("require_zam")
@pytest.mark.parametrize("name", ZAM)
def test_zam_levels_1_to_4(name: str) -> None:
    """Real third-party VST3s pass the shared checks up to level 4 through the glue."""
    events: list[Event] = []
    plugin = _open(Path("/usr/lib/vst3") / f"{name}.vst3")
    run_levels(plugin, 4, events.append)
    ends = {e.level: e.problems for e in events if e.kind == "end"}
    assert ends == {1: (), 2: (), 3: (), 4: ()}, events


@pytest.mark.usefixtures("require_zam")
def test_zam_hidden_and_read_only_parameters() -> None:
    """JUCE shows ZamComp's hidden program list and calls its meters automatable or not; the
    glue takes both flags from the VST3 interfaces."""
    plugin = _open(Path("/usr/lib/vst3/ZamComp.vst3"))
    instance: PedalboardInstance = plugin.instantiate(48000, 512)
    try:
        params = {p.name: p for p in instance.parameters()}
        assert (instance.inputs, instance.outputs) == (1, 1)
        assert "Current Program" not in params
        assert params["Gain Reduction"].read_only and params["Output Level"].read_only
        assert not params["Threshold"].read_only
        assert params["Sidechain"].stepped and params["Sidechain"].maximum == 1.0
    finally:
        instance.close()
