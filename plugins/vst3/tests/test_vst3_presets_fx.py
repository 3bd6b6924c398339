"""The ``fxp``/``fxb`` containers on real VST2 files (all four kinds, from ardour2fxp's test
data: see tests/data/presets/README.md) and the VST2-in-VST3 re-wrap, both ways."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError
from pluginary.presets.model import ParamValue
from pluginary.validation.host import NotSupported
from pluginary_vst3.presets import FxContainer, VstPresetContainer
from pluginary_vst3.presets.fx_file import FxBank, FxProgram, parse_fx
from pluginary_vst3.presets.vstpreset_file import parse_vstpreset

DATA = Path(__file__).parent / "data" / "presets" / "ardour2fxp"
HARP = DATA / "MDAx_Harp_FxCk.fxp"  # FxCk: 16 float parameters
PIANO = DATA / "OXFM_GlassyEPiano_FPCh.fxp"  # FPCh: an opaque chunk
MDAX_BANK = DATA / "MDAx.fxb"  # FxBk: 64 FxCk programs
OXFM_BANK = DATA / "OXFM.fxb"  # FBCh: one opaque chunk

FXP, FXB, VSTPRESET = FxContainer("fxp"), FxContainer("fxb"), VstPresetContainer()
#: A VST3 plugin, for the directions that read the class id from the .vstpreset itself.
VST3 = PluginRecord(format="vst3", uid="565354584D4441786D646120646D6141", name="mda DX10")


def vst3_of(data: bytes, name: str = "mda dx10") -> PluginRecord:
    """The VST3 version of the VST2 plugin that wrote ``data``: 'VST', the VST2 id, then the
    first nine characters of the name in lower case, as VST2-compatible VST3 ids are made."""
    fx_id = parse_fx(data).fx_id
    tail = name.lower().encode()[:9].ljust(9, b"\0").hex().upper()
    return PluginRecord(format="vst3", uid=f"565354{fx_id:08X}{tail}", name=name)
VSTW_HEADER = b"VstW" + struct.pack(">IIi", 8, 1, 0)


def test_fxck_program() -> None:
    data = HARP.read_bytes()
    program = parse_fx(data)
    assert isinstance(program, FxProgram)
    assert (program.kind, program.fx_id, program.version, program.fx_version) == (
        b"FxCk", int.from_bytes(b"MDAx", "big"), 1, 1)
    assert program.name == "Harp" and len(program.parameters) == 16
    assert program.parameters[:5] == pytest.approx((0.0, 0.5, 0.7, 0.16, 0.0))
    assert len(data) == 120 and (program.offset, program.end) == (0, 120)

    (read,) = FXP.read([HARP])
    (preset,) = read.presets
    assert (preset.plugin, preset.name, preset.container, preset.bank) == (
        "vst2:MDAx", "Harp", "fxp", "")
    assert preset.identity == f"file:{HARP}" and preset.data == data
    assert preset.meta == {"kind": "FxCk", "fx_version": "1", "format_version": "1"}
    assert preset.parameters is not None and len(preset.parameters) == 16
    assert preset.parameters[1] == ParamValue(key="1", value=0.5, normalised=True)
    assert FXP.unwrap(data).parameters == preset.parameters


def test_fpch_program() -> None:
    data = PIANO.read_bytes()
    program = parse_fx(data)
    assert isinstance(program, FxProgram) and program.kind == b"FPCh"
    assert program.name == "GlassyEPiano" and program.parameters == ()
    assert program.chunk is not None and len(program.chunk) == 708
    assert program.chunk.startswith(b"GlassyEPiano\x00")
    (preset,) = next(iter(FXP.read([PIANO]))).presets
    assert (preset.plugin, preset.name, preset.parameters) == ("vst2:OXFM", "GlassyEPiano", None)
    with pytest.raises(NotSupported, match="opaque VST2 chunk"):
        FXP.unwrap(data)


def test_fxbk_bank_is_one_preset_with_its_current_program() -> None:
    data = MDAX_BANK.read_bytes()
    bank = parse_fx(data)
    assert isinstance(bank, FxBank) and bank.kind == b"FxBk"
    # The bank's id differs from the program file's: MDAj is the bank's plugin.
    assert bank.fx_id == int.from_bytes(b"MDAj", "big") and len(bank.programs) == 64
    assert [p.name for p in bank.programs[:3]] == ["5th Sweep Pad", "Echo Pad [SA]",
                                                   "Space Chimes [SA]"]
    assert bank.current_program == 0 and bank.end == len(data) == 9884
    (preset,) = next(iter(FXB.read([MDAX_BANK]))).presets
    assert (preset.plugin, preset.name, preset.bank, preset.container) == (
        "vst2:MDAj", "MDAx", "MDAx", "fxb")
    assert preset.meta["programs"] == "64" and preset.meta["current_program"] == "0"
    assert preset.meta["program_names"].split("\n")[-1] == "Squelchy Frog"
    assert preset.parameters is not None and len(preset.parameters) == 24
    assert [p.value for p in preset.parameters[:3]] == pytest.approx([1.0, 0.37, 0.25])
    assert FXB.unwrap(data).parameters == preset.parameters


def test_fbch_bank() -> None:
    data = OXFM_BANK.read_bytes()
    bank = parse_fx(data)
    assert isinstance(bank, FxBank) and bank.kind == b"FBCh" and bank.programs == ()
    assert bank.chunk is not None and len(bank.chunk) == 90848 - 160
    (preset,) = next(iter(FXB.read([OXFM_BANK]))).presets
    assert (preset.plugin, preset.name, preset.parameters) == ("vst2:OXFM", "OXFM", None)
    with pytest.raises(NotSupported, match="cannot host VST2"):
        FXB.unwrap(data)


def test_wrap_is_not_supported() -> None:
    with pytest.raises(NotSupported, match="cannot host VST2"):
        FXP.wrap(VST3, "x", b"state", [])


@pytest.mark.parametrize("path", [HARP, PIANO])
def test_fxp_to_vstpreset_and_back_is_byte_exact(path: Path) -> None:
    data = path.read_bytes()
    wrapped = FXP.rewrap(data, "vstpreset", vst3_of(data))
    assert wrapped is not None
    parsed = parse_vstpreset(wrapped)
    assert parsed.class_id == vst3_of(data).uid and [c.id for c in parsed.chunks] == [b"Comp"]
    comp = parsed.chunks[0].data
    # vst2persistence.cpp writeVst2State: the 'VstW' header, then a version-2 FxBk bank of
    # one program (current 0, 124 zero bytes) holding the program's own bytes.
    assert comp[:16] == VSTW_HEADER
    assert comp[16:44] == (b"CcnK" + struct.pack(">i", len(comp) - 24) + b"FxBk"
                           + struct.pack(">i", 2) + data[16:24] + struct.pack(">i", 1))
    assert comp[44:172] == bytes(128) and comp[172:] == data
    assert VSTPRESET.rewrap(wrapped, "fxp", VST3) == data
    assert VSTPRESET.rewrap(wrapped, "fxb", VST3) == comp[16:]
    # The same state as a bank file, and back.
    bank = FXP.rewrap(data, "fxb", VST3)
    assert bank == comp[16:]
    assert FXB.rewrap(bank, "fxp", VST3) == data


@pytest.mark.parametrize("path", [MDAX_BANK, OXFM_BANK])
def test_fxb_to_vstpreset_and_back_is_byte_exact(path: Path) -> None:
    data = path.read_bytes()
    wrapped = FXB.rewrap(data, "vstpreset", vst3_of(data))
    assert wrapped is not None
    comp = parse_vstpreset(wrapped).chunk(b"Comp")
    assert comp is not None and comp.data == VSTW_HEADER + data
    assert VSTPRESET.rewrap(wrapped, "fxb", VST3) == data
    # A bank file given to the vstpreset container is refused with what was found.
    with pytest.raises(PresetFormatError, match="found 'CcnK' at offset 0"):
        VSTPRESET.rewrap(data, "fxb", VST3)


def test_vstpreset_of_a_bank_gives_its_current_program() -> None:
    data = MDAX_BANK.read_bytes()
    wrapped = FXB.rewrap(data, "vstpreset", vst3_of(data))
    assert wrapped is not None
    program = VSTPRESET.rewrap(wrapped, "fxp", VST3)
    first = parse_fx(data).programs[0]  # type: ignore[union-attr]
    assert program == data[first.offset:first.end] and program[28:41] == b"5th Sweep Pad"
    # A chunk bank is the plugin's whole-bank chunk: no exact program can be made of it.
    assert VSTPRESET.rewrap(FXB.rewrap(OXFM_BANK.read_bytes(), "vstpreset",
                                       vst3_of(OXFM_BANK.read_bytes())) or b"",
                            "fxp", VST3) is None


def test_a_comp_without_the_private_header_is_read_too() -> None:
    from pluginary_vst3.presets.vstpreset_file import build_vstpreset

    data = MDAX_BANK.read_bytes()
    bare = build_vstpreset(VST3.uid, [(b"Comp", data), (b"Cont", b"")])
    assert VSTPRESET.rewrap(bare, "fxb", VST3) == data


def test_rewrap_to_vstpreset_needs_a_vst3_plugin() -> None:
    with pytest.raises(NotSupported, match="vst2 plugin"):
        FXP.rewrap(HARP.read_bytes(), "vstpreset", PluginRecord(format="vst2", uid="MDAx",
                                                                name="x"))
    assert FXP.rewrap(HARP.read_bytes(), "aupreset", VST3) is None


# --- bad files

def _error(tmp_path: Path, data: bytes, suffix: str = ".fxp") -> str:
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(data)
    (read,) = (FXP if suffix == ".fxp" else FXB).read([path])
    assert read.presets == () and read.error
    with pytest.raises(PresetFormatError):
        parse_fx(data)
    return read.error


def test_truncated_parameters(tmp_path: Path) -> None:
    error = _error(tmp_path, HARP.read_bytes()[:100])
    assert "the 16 parameter values of 'Harp'" in error and "bytes 56..120" in error
    assert "past the end of the data (100 bytes)" in error and "cut short" in error


def test_wrong_magic_and_kind(tmp_path: Path) -> None:
    data = HARP.read_bytes()
    assert _error(tmp_path, b"RIFF" + data[4:]).startswith(
        "not a VST2 preset: found 'RIFF' at offset 0")
    assert "unknown VST2 preset kind 'FxXx' at offset 8" in _error(
        tmp_path, data[:8] + b"FxXx" + data[12:])
    assert "'CcnK' header needs bytes 0..28" in _error(tmp_path, data[:10])


def test_chunk_size_past_the_end(tmp_path: Path) -> None:
    data = bytearray(PIANO.read_bytes())
    data[56:60] = struct.pack(">I", 0xFFFFFF00)
    error = _error(tmp_path, bytes(data))
    assert "program chunk of 'GlassyEPiano'" in error and "768 bytes" in error


def test_bank_with_more_programs_than_fit(tmp_path: Path) -> None:
    data = bytearray(MDAX_BANK.read_bytes())
    data[24:28] = struct.pack(">i", 10_000)
    error = _error(tmp_path, bytes(data), ".fxb")
    assert "declares 10000 programs" in error


def test_bank_program_cut_short(tmp_path: Path) -> None:
    error = _error(tmp_path, MDAX_BANK.read_bytes()[:5000], ".fxb")
    assert "parameter values of" in error and "5000 bytes" in error


def test_negative_parameter_count(tmp_path: Path) -> None:
    data = bytearray(HARP.read_bytes())
    data[24:28] = struct.pack(">i", -3)
    assert "negative parameter count (-3)" in _error(tmp_path, bytes(data))


def test_a_broken_wrapped_bank_is_an_error() -> None:
    wrapped = FXB.rewrap(MDAX_BANK.read_bytes(), "vstpreset", vst3_of(MDAX_BANK.read_bytes()))
    assert wrapped is not None
    parsed = parse_vstpreset(wrapped)
    from pluginary_vst3.presets.vstpreset_file import build_vstpreset

    cut = build_vstpreset(VST3.uid, [(b"Comp", parsed.chunks[0].data[:3000])])
    with pytest.raises(PresetFormatError, match="Comp chunk holds VST2 state that cannot be"):
        VSTPRESET.rewrap(cut, "fxb", VST3)


def test_a_vst3_that_is_not_the_vst2_plugins_own_is_refused() -> None:
    # ZamComp's VST3 cannot read mda DX10's bank: calling that wrap exact would be a lie.
    zamcomp = PluginRecord(format="vst3", uid="2046504473616C63504D435A00000000",
                           name="ZamComp")
    with pytest.raises(NotSupported, match="not the VST3 version of the VST2 plugin 'MDAx'"):
        FXP.rewrap(HARP.read_bytes(), "vstpreset", zamcomp)
