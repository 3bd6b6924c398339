"""``raw_state`` <-> ``.vstpreset`` against pedalboard itself, on real zam-plugins VST3s (not
ZamVerb: its load takes minutes): the ``vstpreset`` and ``juce-state`` containers must give
exactly the bytes pedalboard gives, and what they give must load into a fresh instance.

Each plugin is loaded three times per module (the source, a fresh one for our state, a fresh one
for pedalboard's own preset loading); plugins other test modules read through ctypes after
loading them (ZamComp, ZaMaximX2, ZamEQ2) are left out, because a ctypes read ends with the
module's exit, which must not happen after JUCE loaded it in the same process.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pedalboard
import pytest

import pluginary_vst3
from pluginary.models import Candidate, PluginRecord
from pluginary.presets.container import PresetFormatError
from pluginary.validation.host import NotSupported
from pluginary_vst3.presets import JuceStateContainer, VstPresetContainer, juce_base64
from pluginary_vst3.presets.juce_state import build_juce_state, parse_juce_state
from pluginary_vst3.presets.vstpreset_file import parse_vstpreset

ZAM = Path("/usr/lib/vst3")
#: Plugin -> its main bus's channel count (pedalboard processes in place).
PLUGINS = {"ZamDelay": 1, "ZamCompX2": 2, "ZamTube": 1}
#: JUCE's "continuous" step count.
CONTINUOUS = 0x7FFFFFFF
VSTPRESET, JUCE = VstPresetContainer(), JuceStateContainer()


@dataclass
class Captured:
    record: PluginRecord
    source: Any
    #: What pedalboard gives for the source after the settings: raw_state and preset_data.
    state: bytes
    preset: bytes
    #: Parameter name -> raw (normalised) value set on the source.
    values: dict[str, float]


def _load(name: str) -> Any:
    # What load_plugin gives for a .vst3; no timeout, as the project loads them (.validation).
    return pedalboard.VST3Plugin(str(ZAM / f"{name}.vst3"), initialization_timeout=0)


def _settable(plugin: Any) -> list[Any]:
    """The parameters a preset carries: not read-only (DPF's buffer size, meters), not the
    program list."""
    return [p for p in plugin._parameters if p.is_automatable and p.name != "Current Program"]


@pytest.fixture(scope="module")
def captured() -> dict[str, Captured]:
    for name in PLUGINS:
        assert (ZAM / f"{name}.vst3").is_dir(), (
            "zam-plugins is missing: apt-get install zam-plugins")
    # The class ids as the scan's tier 1 reads them, before pedalboard loads any bundle.
    records = {}
    for name in PLUGINS:
        result = pluginary_vst3.load_candidate(
            Candidate(format="vst3", path=str(ZAM / f"{name}.vst3")), 1)
        assert result is not None and len(result.records) == 1, result
        records[name] = result.records[0]
    out = {}
    for name, channels in PLUGINS.items():
        plugin = _load(name)
        values = {}
        for index, param in enumerate(_settable(plugin)):
            steps = int(param.num_steps)
            if 2 <= steps < CONTINUOUS:  # a stepped value: one of its steps, not the default
                value = 1.0 - float(param.default_raw_value) if steps == 2 else 1 / (steps - 1)
            else:
                value = 0.1 + 0.8 * ((index * 37) % 100) / 100
            param.raw_value = value
            values[param.name] = value
        # JUCE hands parameter changes to the processor in its next block.
        plugin.process(np.zeros((channels, 256), np.float32), 48000.0, buffer_size=256,
                       reset=False)
        out[name] = Captured(record=records[name], source=plugin, state=bytes(plugin.raw_state),
                             preset=bytes(plugin.preset_data), values=values)
    return out


def _raw_values(plugin: Any) -> dict[str, float]:
    return {p.name: float(p.raw_value) for p in _settable(plugin)}


@pytest.mark.parametrize("name", PLUGINS)
def test_wrap_of_raw_state_is_pedalboards_preset_data(captured: dict[str, Captured],
                                                      name: str) -> None:
    got = captured[name]
    wrapped = VSTPRESET.wrap(got.record, "My Setting", got.state, [])
    assert wrapped == got.preset  # the whole file, byte for byte
    parsed = parse_vstpreset(wrapped)
    assert parsed.class_id == got.record.uid
    assert [(c.id, len(c.data)) for c in parsed.chunks][1] == (b"Cont", 0)
    component = parsed.chunk(b"Comp")
    assert component is not None and b"__dpf_parameters_begin__" in component.data
    assert JUCE.rewrap(got.state, "vstpreset", got.record) == got.preset


@pytest.mark.parametrize("name", PLUGINS)
def test_unwrap_of_preset_data_is_pedalboards_raw_state(captured: dict[str, Captured],
                                                        name: str) -> None:
    got = captured[name]
    assert VSTPRESET.unwrap(got.preset).state == got.state
    assert VSTPRESET.rewrap(got.preset, "juce-state", got.record) == got.state
    assert JUCE.unwrap(got.state).state == got.state
    assert JUCE.wrap(got.record, "x", got.state, []) == got.state
    # The IComponent text is JUCE's base64 of exactly the Comp chunk.
    streams = parse_juce_state(got.state)
    component = parse_vstpreset(got.preset).chunk(b"Comp")
    assert component is not None and streams.component == component.data
    assert juce_base64.encode(component.data).encode() in got.state


@pytest.mark.parametrize("name", PLUGINS)
def test_the_unwrapped_state_loads_into_a_fresh_instance(captured: dict[str, Captured],
                                                         name: str, tmp_path: Path) -> None:
    got = captured[name]
    ours, theirs = _load(name), _load(name)
    defaults = _raw_values(ours)
    ours.raw_state = VSTPRESET.unwrap(got.preset).state
    # pedalboard's own loading of the .vstpreset we wrap (a file, as a user would keep it).
    path = tmp_path / f"{name}.vstpreset"
    path.write_bytes(VSTPRESET.wrap(got.record, name, got.state, []))
    theirs.load_preset(str(path))
    loaded = _raw_values(ours)
    assert loaded == _raw_values(theirs)
    # The preset's values, through the plugin's own text form of each (float32 precision).
    assert loaded == pytest.approx(got.values, abs=1e-5)
    assert sum(loaded[k] != pytest.approx(defaults[k], abs=1e-4) for k in loaded) >= 4


def test_juce_state_reads_a_captured_file(captured: dict[str, Captured], tmp_path: Path) -> None:
    got = captured["ZamTube"]
    path = tmp_path / "Warm Tube.juce-state"
    path.write_bytes(JUCE.wrap(got.record, "Warm Tube", got.state, []))
    (read,) = JUCE.read([path])
    (preset,) = read.presets
    assert (preset.name, preset.container, preset.plugin, preset.data) == (
        "Warm Tube", "juce-state", "", got.state)
    component = parse_vstpreset(got.preset).chunk(b"Comp")
    assert component is not None
    assert preset.meta == {"component_bytes": str(len(component.data)),
                           "controller_bytes": "0"}


def test_juce_state_errors(captured: dict[str, Captured], tmp_path: Path) -> None:
    got = captured["ZamDelay"]
    with pytest.raises(NotSupported, match="has none"):
        JUCE.wrap(got.record, "x", None, [])
    with pytest.raises(PresetFormatError, match="found 'VST3' at offset 0 where 'VC2!'"):
        JUCE.unwrap(got.preset)
    cut = got.state[:100]
    with pytest.raises(PresetFormatError, match=r"says \d+ bytes of XML follow, but 92 do"):
        JUCE.unwrap(cut)
    other = build_juce_state(b"x", None).replace(b"VST3PluginState", b"AudioUnitState_")
    with pytest.raises(PresetFormatError, match="not the <VST3PluginState>"):
        JUCE.unwrap(other)
    xml = got.state[8:-1].replace(b"<IComponent>", b"<IComponent>9", 1)
    edited = b"VC2!" + struct.pack("<I", len(xml)) + xml + b"\x00"
    with pytest.raises(PresetFormatError, match="<IComponent> text says 9"):
        JUCE.unwrap(edited)
    path = tmp_path / "bad.juce-state"
    path.write_bytes(cut)
    (read,) = JUCE.read([path])
    assert read.presets == () and "bytes of XML follow" in read.error
    assert JUCE.rewrap(got.state, "fxp", got.record) is None


def test_a_controller_state_goes_to_the_cont_chunk_and_back() -> None:
    # zam's controllers keep no state of their own; JUCE plugins' do (JUCE's VST3 host writes
    # it under <IEditController>).
    record = PluginRecord(format="vst3", uid="ABCDEF019182FAEB43686F774A646F78", name="x")
    state = build_juce_state(b"component \x00\xff state", b"controller state")
    assert state.endswith(b"</IEditController></VST3PluginState>\x00")
    wrapped = VSTPRESET.wrap(record, "x", state, [])
    parsed = parse_vstpreset(wrapped)
    assert [(c.id, c.data) for c in parsed.chunks] == [
        (b"Comp", b"component \x00\xff state"), (b"Cont", b"controller state")]
    assert VSTPRESET.unwrap(wrapped).state == state
    assert build_juce_state(None, None)[8:-1] == (
        b'<?xml version="1.0" encoding="UTF-8"?> <VST3PluginState/>')


def _juce_reference_encode(data: bytes) -> str:
    """``MemoryBlock::toBase64Encoding`` written the way JUCE does it: 6 bits at a time with
    ``getBitRange``, least-significant bit first, byte by byte."""
    table = ".ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+"
    chars = []
    for i in range((len(data) * 8 + 5) // 6):
        result, start, bits_so_far, bits = 0, i * 6, 0, 6
        byte, offset = start >> 3, start & 7
        while bits > 0 and byte < len(data):
            now = min(bits, 8 - offset)
            mask = (0xFF >> (8 - now)) << offset
            result |= ((data[byte] & mask) >> offset) << bits_so_far
            bits_so_far, bits, byte, offset = bits_so_far + now, bits - now, byte + 1, 0
        chars.append(table[result])
    return f"{len(data)}.{''.join(chars)}"


def test_juce_base64_matches_jucess_bit_order() -> None:
    for data in (b"", b"\x00", b"\xff", b"ab", b"abc", bytes(range(256)), b"\x01\x80" * 33):
        text = juce_base64.encode(data)
        assert text == _juce_reference_encode(data)
        assert juce_base64.decode(text, "test") == data
    with pytest.raises(PresetFormatError, match="not in JUCE's base64 alphabet"):
        juce_base64.decode("3.ab/d", "the text")
    with pytest.raises(PresetFormatError, match="take 4 characters, but it has 3"):
        juce_base64.decode("3.abc", "the text")
