"""Four-char codes, version integers, "Vendor: Name" and the roles of the type codes."""

from __future__ import annotations

import pytest

from pluginary.models import Role
from pluginary_au import codes


@pytest.mark.parametrize("value, code", [
    ("aufx", "aufx"), ("dls", "dls "), ("Nlz ", "Nlz "), (0x61756678, "aufx"),
    ("", None), ("    ", None), ("toolong", None), (None, None), (True, None), (0, None),
    (2 ** 32, None), ("雪音", None), (["aufx"], None),
])
def test_four_char_codes(value, code):
    assert codes.four_char(value) == code


@pytest.mark.parametrize("value, version", [
    (0x00010203, "1.2.3"), (197121, "3.2.1"), (65536, "1.0.0"), (0, "0.0.0"),
    ("0x10000", "1.0.0"), ("65536", "1.0.0"), ("1.2", ""), (None, ""), (-1, ""), (True, ""),
])
def test_version_integers(value, version):
    assert codes.decode_version(value) == version


@pytest.mark.parametrize("full, split", [
    ("FabFilter: Pro-Q 3", ("FabFilter", "Pro-Q 3")),
    ("Moog Music Inc.: Model D", ("Moog Music Inc.", "Model D")),
    ("Valhalla DSP, LLC: ValhallaRoom", ("Valhalla DSP, LLC", "ValhallaRoom")),
    ("TAL-NoiseMaker", ("", "TAL-NoiseMaker")),
    (": Nameless", ("", ": Nameless")),
    ("Vendor:", ("", "Vendor:")),
])
def test_vendor_and_name(full, split):
    assert codes.split_name(full) == split


@pytest.mark.parametrize("type_code, role", [
    ("aumu", Role.INSTRUMENT), ("aufx", Role.EFFECT), ("aumf", Role.EFFECT),
    ("aumi", Role.MIDI_EFFECT), ("aufc", Role.EFFECT), ("aupn", Role.EFFECT),
    ("auol", Role.EFFECT), ("augn", Role.UNKNOWN), ("auou", Role.UNKNOWN),
    ("zzzz", Role.UNKNOWN),
])
def test_roles_of_type_codes(type_code, role):
    assert codes.role_of(type_code) is role
