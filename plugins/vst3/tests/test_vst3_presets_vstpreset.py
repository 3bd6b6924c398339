"""The ``vstpreset`` container on real .vstpreset files (tests/data/presets, sources in its
README): the header, the chunk list, the Info XML in both spellings, and bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.presets.container import PresetContainer, PresetFormatError
from pluginary.presets.model import SourceRead
from pluginary.registry import collect_preset_containers
from pluginary.validation.host import NotSupported
from pluginary_vst3.presets import VstPresetContainer
from pluginary_vst3.presets.juce_state import parse_juce_state
from pluginary_vst3.presets.metainfo import parse_metainfo, tags_of
from pluginary_vst3.presets.vstpreset_file import build_vstpreset, parse_vstpreset

DATA = Path(__file__).parent / "data" / "presets"
CHOW = DATA / "pedalboard" / "CHOWTapeModel.vst3.vstpreset"
LIMITER = DATA / "uhhyou" / "BasicLimiter" / "Default.vstpreset"
AQUATIC = DATA / "uhhyou" / "EnvelopedSine" / "Multi" / "Aquatic.vstpreset"
BRUSHES = DATA / "krate" / "Jazz Brushes.vstpreset"

CONTAINER = VstPresetContainer()


def _read_one(path: Path) -> SourceRead:
    reads = list(CONTAINER.read([path]))
    assert len(reads) == 1
    return reads[0]


def test_the_extension_registers_its_four_containers() -> None:
    found = collect_preset_containers(make_plugin_manager())
    for name, suffix, plugin_format in (("vstpreset", ".vstpreset", "vst3"),
                                        ("juce-state", ".juce-state", "vst3"),
                                        ("fxp", ".fxp", "vst2"), ("fxb", ".fxb", "vst2")):
        entry = found[name]
        assert entry.extension == "vst3"
        assert isinstance(entry.item, PresetContainer)
        assert (entry.item.suffix, entry.item.plugin_format) == (suffix, plugin_format)


def test_chow_from_pedalboard_has_one_comp_chunk() -> None:
    data = CHOW.read_bytes()
    parsed = parse_vstpreset(data)
    assert len(data) == 1700
    assert parsed.class_id == "ABCDEF019182FAEB43686F774A646F78"
    assert parsed.version == 1 and parsed.list_offset == 1672
    assert [(c.id, c.offset, len(c.data)) for c in parsed.chunks] == [(b"Comp", 48, 1624)]
    # A JUCE plugin's own state: a ValueTree of its parameters.
    assert parsed.chunks[0].data.startswith(b"Parameters\x00")

    (preset,) = _read_one(CHOW).presets
    assert preset.plugin == "vst3:ABCDEF019182FAEB43686F774A646F78"
    assert preset.name == "CHOWTapeModel.vst3"  # no Info chunk: the file's stem
    assert preset.identity == f"file:{CHOW}" and preset.source == str(CHOW)
    assert preset.container == "vstpreset" and preset.data == data
    assert (preset.bank, preset.author, preset.tags, preset.meta) == ("", "", (), {})
    assert preset.parameters is None


def test_uhhyou_limiter_reads_attribute_elements() -> None:
    parsed = parse_vstpreset(LIMITER.read_bytes())
    assert parsed.class_id == "95E38C055A274CE993E19AAA5AFF95F5"
    assert [(c.id, c.offset, len(c.data)) for c in parsed.chunks] == [
        (b"Comp", 48, 64), (b"Cont", 112, 0), (b"Info", 112, 654)]
    (preset,) = _read_one(LIMITER).presets
    assert preset.plugin == "vst3:95E38C055A274CE993E19AAA5AFF95F5"
    assert preset.meta == {
        "MediaType": "VstPreset", "PlugInCategory": "Fx|Dynamics", "PlugInName": "BasicLimiter",
        "PlugInVendor": "Uhhyou", "VST3UniqueID": "95E38C055A274CE993E19AAA5AFF95F5",
        "plugname": "BasicLimiter", "plugtype": "Fx|Dynamics"}
    assert preset.name == "Default" and preset.tags == ()


def test_krate_membrum_reads_attr_elements_name_and_tags() -> None:
    parsed = parse_vstpreset(BRUSHES.read_bytes())
    assert parsed.class_id == "4D656D6272756D50726F633100000136"
    assert [(c.id, c.offset, len(c.data)) for c in parsed.chunks] == [
        (b"Comp", 48, 17020), (b"Info", 17068, 425)]
    (preset,) = _read_one(BRUSHES).presets
    assert preset.name == "Jazz Brushes"  # the Info Name, not the stem
    assert preset.tags == ("Acoustic",)  # MusicalCategory and MusicalInstrument, once
    assert preset.meta["PlugInName"] == "Membrum/Kits"
    assert preset.meta["MusicalInstrument"] == "Acoustic"


def test_metainfo_tags_author_and_both_spellings(tmp_path: Path) -> None:
    xml = (b'<?xml version="1.0" encoding="utf-8"?>\r\n<MetaInfo>\r\n'
           b'\t<Attribute id="MusicalInstrument" value="Piano|A. Piano" type="string"/>\r\n'
           b'\t<Attr id="MusicalStyle" value="Jazz" type="string"/>\r\n'
           b'\t<Attr id="MusicalCharacter" value="Soft" type="string"/>\r\n'
           b'\t<Attr id="com.vendor.Tags" value="warm, dark;Jazz" type="string"/>\r\n'
           b'\t<Attr id="Author" value=" Ann " type="string"/>\r\n'
           b"</MetaInfo>\x00")
    attributes = parse_metainfo(xml, 1000)
    assert tags_of(attributes) == ("Piano|A. Piano", "Jazz", "Soft", "warm", "dark")
    path = tmp_path / "Some Preset.vstpreset"
    path.write_bytes(build_vstpreset("0" * 32, [(b"Comp", b"state"), (b"Info", xml)]))
    (preset,) = _read_one(path).presets
    assert (preset.name, preset.author) == ("Some Preset", "Ann")
    assert preset.tags == ("Piano|A. Piano", "Jazz", "Soft", "warm", "dark")
    assert preset.plugin == "vst3:" + "0" * 32 and preset.meta["MusicalStyle"] == "Jazz"


def test_build_then_parse_gives_the_same_chunks() -> None:
    xml = b'<MetaInfo><Attr id="Name" value="Warm Pad"/></MetaInfo>'
    data = build_vstpreset("abcdef019182faeb43686f774a646f78",
                           [(b"Comp", b"component"), (b"Cont", b""), (b"Info", xml)])
    parsed = parse_vstpreset(data)
    assert data[:48] == (b"VST3" + struct.pack("<i", 1) + b"ABCDEF019182FAEB43686F774A646F78"
                         + struct.pack("<q", 48 + 9 + len(xml)))
    assert [(c.id, c.offset, c.data) for c in parsed.chunks] == [
        (b"Comp", 48, b"component"), (b"Cont", 57, b""), (b"Info", 57, xml)]
    assert data.endswith(b"List" + struct.pack("<i", 3) + b"Comp" + struct.pack("<qq", 48, 9)
                         + b"Cont" + struct.pack("<qq", 57, 0)
                         + b"Info" + struct.pack("<qq", 57, len(xml)))


def test_rebuilding_a_real_file_from_its_chunks_is_byte_exact() -> None:
    for path in (CHOW, LIMITER, AQUATIC, BRUSHES):
        data = path.read_bytes()
        parsed = parse_vstpreset(data)
        assert build_vstpreset(parsed.class_id, [(c.id, c.data) for c in parsed.chunks]) == data


def test_unwrap_gives_a_juce_state_with_the_comp_chunk() -> None:
    for path in (CHOW, LIMITER, BRUSHES):
        parsed = parse_vstpreset(path.read_bytes())
        state = CONTAINER.unwrap(path.read_bytes()).state
        assert state is not None and state.startswith(b"VC2!") and state.endswith(b"\x00")
        streams = parse_juce_state(state)
        assert streams.component == parsed.chunk(b"Comp").data  # type: ignore[union-attr]
        # An empty or missing Cont is no <IEditController>, as JUCE writes it.
        assert streams.controller is None
        assert CONTAINER.rewrap(path.read_bytes(), "juce-state", _record(parsed.class_id)) == state


def test_a_non_vst2_comp_does_not_rewrap_to_fxp() -> None:
    record = _record("ABCDEF019182FAEB43686F774A646F78")
    assert CONTAINER.rewrap(CHOW.read_bytes(), "fxp", record) is None
    assert CONTAINER.rewrap(CHOW.read_bytes(), "fxb", record) is None
    assert CONTAINER.rewrap(CHOW.read_bytes(), "lv2-preset", record) is None


def test_wrap_needs_a_state_and_a_vst3_plugin() -> None:
    state = CONTAINER.unwrap(LIMITER.read_bytes()).state
    assert state is not None
    with pytest.raises(NotSupported, match="has none"):
        CONTAINER.wrap(_record("95E38C055A274CE993E19AAA5AFF95F5"), "x", None, [])
    with pytest.raises(NotSupported, match="lv2 plugin"):
        CONTAINER.wrap(PluginRecord(format="lv2", uid="urn:x", name="x"), "x", state, [])
    with pytest.raises(NotSupported, match="32 hex digits"):
        CONTAINER.wrap(PluginRecord(format="vst3", uid="XYZ", name="x"), "x", state, [])


def _record(class_id: str) -> PluginRecord:
    return PluginRecord(format="vst3", uid=class_id, name="test")


# --- bad files: each one a SourceRead error (and a PresetFormatError from unwrap) naming
# what was found where.

def _bad(tmp_path: Path, data: bytes) -> tuple[str, PresetFormatError]:
    path = tmp_path / "bad.vstpreset"
    path.write_bytes(data)
    read = _read_one(path)
    assert read.presets == () and read.error
    with pytest.raises(PresetFormatError) as caught:
        CONTAINER.unwrap(data)
    return read.error, caught.value


def test_truncated_header(tmp_path: Path) -> None:
    error, exc = _bad(tmp_path, CHOW.read_bytes()[:20])
    assert "48-byte header" in error and "only 20 bytes" in error and "cut short" in error
    assert "only 20 bytes" in exc.message


def test_wrong_magic(tmp_path: Path) -> None:
    error, _ = _bad(tmp_path, b"RIFF" + CHOW.read_bytes()[4:])
    assert error.startswith("not a .vstpreset: found 'RIFF' at offset 0")


def test_class_id_that_is_not_hex(tmp_path: Path) -> None:
    data = bytearray(CHOW.read_bytes())
    data[8:12] = b"WXYZ"
    error, _ = _bad(tmp_path, bytes(data))
    assert "class id at offset 8 is not 32 hex digits" in error and "WXYZ" in error


def test_chunk_list_pointing_past_the_end(tmp_path: Path) -> None:
    data = bytearray(CHOW.read_bytes())
    data[40:48] = struct.pack("<q", 5000)
    error, _ = _bad(tmp_path, bytes(data))
    assert "chunk list at offset 5000" in error and "1700-byte file" in error


def test_chunk_list_offset_at_something_else(tmp_path: Path) -> None:
    data = bytearray(CHOW.read_bytes())
    data[40:48] = struct.pack("<q", 48)
    error, _ = _bad(tmp_path, bytes(data))
    assert "expected 'List' at offset 48" in error and "found 'Para'" in error


def test_chunk_pointing_past_the_end(tmp_path: Path) -> None:
    data = bytearray(CHOW.read_bytes())
    # The one entry: id at 1680, offset at 1684, size at 1692.
    data[1692:1700] = struct.pack("<q", 99_999)
    error, _ = _bad(tmp_path, bytes(data))
    assert "chunk 'Comp'" in error and "bytes 48..100047" in error and "1700 bytes" in error


def test_list_with_more_entries_than_bytes(tmp_path: Path) -> None:
    data = bytearray(CHOW.read_bytes())
    data[1676:1680] = struct.pack("<i", 1000)
    error, _ = _bad(tmp_path, bytes(data))
    assert "declares 1000 entries" in error and "only 20 bytes follow" in error


def test_bad_info_xml(tmp_path: Path) -> None:
    data = LIMITER.read_bytes()
    assert data.count(b"</MetaInfo>") == 1
    broken = data.replace(b"</MetaInfo>", b"</MetaInf0>")
    path = tmp_path / "bad.vstpreset"
    path.write_bytes(broken)
    read = _read_one(path)
    assert read.presets == ()
    assert "Info chunk at offset 112 is not well-formed XML" in read.error
    assert "mismatched tag" in read.error and "re-save it" in read.error


def test_info_with_a_dtd_is_refused(tmp_path: Path) -> None:
    xml = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>'
           b'<MetaInfo><Attr id="Name" value="&a;"/></MetaInfo>')
    path = tmp_path / "dtd.vstpreset"
    path.write_bytes(build_vstpreset("0" * 32, [(b"Comp", b"x"), (b"Info", xml)]))
    assert "declares a DTD" in _read_one(path).error


def test_a_file_without_comp_cannot_be_unwrapped() -> None:
    data = build_vstpreset("0" * 32, [(b"Info", b"<MetaInfo/>")])
    with pytest.raises(PresetFormatError, match=r"no 'Comp' chunk \(chunks: 'Info'\)"):
        CONTAINER.unwrap(data)


def test_an_unreadable_path_is_an_error_line(tmp_path: Path) -> None:
    read = _read_one(tmp_path / "missing.vstpreset")
    assert read.presets == () and read.error.startswith("cannot read it:")
