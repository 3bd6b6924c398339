"""moduleinfo.json parsing: real sample files in tests/data, JSON and JSON5."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pluginary.models import Role
from pluginary_vst3.bundle import moduleinfo_path
from pluginary_vst3.categories import role_from_subcategories
from pluginary_vst3.moduleinfo import loads, read_moduleinfo, strip_json5

DATA = Path(__file__).parent / "data"


def test_json5_sample_is_not_plain_json() -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads((DATA / "moduleinfo_json5.json").read_text())


def test_json5_sample_gives_the_audio_module_class_only() -> None:
    result = read_moduleinfo(DATA / "moduleinfo_json5.json")
    assert result.ok, result.cause
    assert len(result.records) == 1
    rec = result.records[0]
    assert rec.uid == "B9F9ADE1CD9C4B6DA57E61E3123535FD"
    assert rec.name == "AGainSimple VST3"
    assert rec.vendor == "Steinberg Media Technologies"
    assert rec.version == "1.3.0.1"
    assert rec.categories == ("Fx",)
    assert rec.role is Role.EFFECT
    assert rec.tier == 0
    assert rec.format == "vst3"
    assert rec.extra == {
        "sdk_version": "VST 3.7.4",
        "factory_vendor": "Steinberg Media Technologies",
        "url": "http://www.steinberg.net",
        "email": "mailto:info@steinberg.de",
    }
    assert result.compatibility == {
        "B9F9ADE1CD9C4B6DA57E61E3123535FD": ("AB1DC4A5CF5C4B5E9E5E4A3C5F2B1A0D",)
    }
    assert result.factory["name"] == "AGain Sample"


def test_plain_json_sample_with_unknown_keys_and_factory_vendor_fallback() -> None:
    result = read_moduleinfo(DATA / "moduleinfo_plain.json")
    assert result.ok, result.cause
    synth, scope = result.records
    assert synth.uid == "0123456789ABCDEF0123456789ABCDEF"  # upper-cased
    assert synth.vendor == "Example Audio"  # no class vendor: the factory's
    assert synth.role is Role.INSTRUMENT
    assert synth.categories == ("Instrument", "Synth")
    assert synth.extra == {"sdk_version": "VST 3.7.9", "factory_vendor": "Example Audio"}
    assert scope.vendor == "Example Audio Labs"
    assert scope.role is Role.ANALYZER


def test_malformed_file_gives_a_cause() -> None:
    result = read_moduleinfo(DATA / "moduleinfo_malformed.json")
    assert not result.ok
    assert result.records == ()
    assert result.cause.startswith("moduleinfo.json is malformed:")


def test_missing_and_non_object_files(tmp_path: Path) -> None:
    assert "cannot read" in read_moduleinfo(tmp_path / "nope.json").cause
    (tmp_path / "list.json").write_text("[1, 2]")
    assert read_moduleinfo(tmp_path / "list.json").cause == "moduleinfo.json is not a JSON object"
    (tmp_path / "noclasses.json").write_text('{"Name": "x"}')
    assert "Classes" in read_moduleinfo(tmp_path / "noclasses.json").cause
    (tmp_path / "badcid.json").write_text(
        '{"Classes": [{"CID": "xyz", "Category": "Audio Module Class", "Name": "n"}]}'
    )
    assert "not 32 hex digits" in read_moduleinfo(tmp_path / "badcid.json").cause


def test_strip_json5_keeps_strings_intact() -> None:
    text = '{"a": "// not a comment", "b": "/* nor this */", "c": "x,]", /* gone */ "d": [1,],}'
    assert loads(text) == {"a": "// not a comment", "b": "/* nor this */", "c": "x,]", "d": [1]}
    assert strip_json5('{"e": "quote \\" // still string"} // end') == (
        '{"e": "quote \\" // still string"} '
    )


def test_plain_json_takes_the_stdlib_path() -> None:
    assert loads('{"a": [1, 2]}') == {"a": [1, 2]}


def test_records_carry_bundle_and_binary(tmp_path: Path) -> None:
    bundle = tmp_path / "AGain.vst3"
    (bundle / "Contents" / "Resources").mkdir(parents=True)
    info = bundle / "Contents" / "Resources" / "moduleinfo.json"
    shutil.copy(DATA / "moduleinfo_json5.json", info)
    assert moduleinfo_path(bundle) == info
    binary = bundle / "Contents" / "x86_64-linux" / "AGain.so"
    (rec,) = read_moduleinfo(info, bundle=bundle, binary=binary).records
    assert rec.bundle_path == str(bundle)
    assert rec.file_path == str(binary)


def test_moduleinfo_old_location(tmp_path: Path) -> None:
    bundle = tmp_path / "Old.vst3"
    (bundle / "Contents").mkdir(parents=True)
    assert moduleinfo_path(bundle) is None
    (bundle / "Contents" / "moduleinfo.json").write_text("{}")
    assert moduleinfo_path(bundle) == bundle / "Contents" / "moduleinfo.json"


@pytest.mark.parametrize(
    ("subcategories", "role"),
    [
        (("Instrument",), Role.INSTRUMENT),
        (("Instrument|Synth",), Role.INSTRUMENT),
        (("Fx", "Instrument"), Role.INSTRUMENT),
        (("Fx", "Analyzer"), Role.ANALYZER),
        (("Analyzer",), Role.ANALYZER),
        (("Fx", "Dynamics", "Mono"), Role.EFFECT),
        (("Reverb",), Role.EFFECT),
        (("Spatial",), Role.EFFECT),
        (("Stereo",), Role.UNKNOWN),
        ((), Role.UNKNOWN),
    ],
)
def test_role_mapping(subcategories: tuple[str, ...], role: Role) -> None:
    assert role_from_subcategories(subcategories) is role
