"""Four-char codes (OSType) and what an Audio Unit's type code says about it.

An Audio Unit is identified by three four-char codes, ``type:subtype:manufacturer``; that triple
is what hosts store in their sessions, so it is the catalogue identity. Codes may contain spaces
(``"Nlz "``), which are significant and kept.
"""

from __future__ import annotations

from pluginary.models import Role

#: The type codes of ``AUComponent.h``, with a readable name and the role a host files them under.
TYPES: dict[str, tuple[str, Role]] = {
    "aumu": ("instrument", Role.INSTRUMENT),
    "aufx": ("effect", Role.EFFECT),
    # A music effect is an effect that also takes MIDI (a vocoder, a gated pad).
    "aumf": ("music effect", Role.EFFECT),
    "aumi": ("MIDI processor", Role.MIDI_EFFECT),
    "aufc": ("format converter", Role.EFFECT),
    "auol": ("offline effect", Role.EFFECT),
    "aumx": ("mixer", Role.EFFECT),
    "aupn": ("panner", Role.EFFECT),
    # Generators (a file player) make sound without MIDI, output units drive a device, and
    # speech synthesisers are not in a signal chain: none is an instrument or an effect.
    "augn": ("generator", Role.UNKNOWN),
    "auou": ("output", Role.UNKNOWN),
    "ausp": ("speech synthesizer", Role.UNKNOWN),
}

#: Types that receive MIDI (``kAudioUnitType_MusicDevice``, ``MusicEffect``, ``MIDIProcessor``).
MIDI_IN_TYPES = frozenset({"aumu", "aumf", "aumi"})


def four_char(value: object) -> str | None:
    """A four-char code as text, or None when ``value`` cannot be one.

    Info.plist files hold codes as strings; a few hand-made ones hold the 32-bit integer, which
    is decoded big-endian as the Component Manager does. A shorter string is padded with spaces,
    as ``'abc '`` is what a three-letter code means.
    """
    if isinstance(value, bool):  # a bool is an int to Python, never a code
        return None
    if isinstance(value, int):
        if not 0 < value <= 0xFFFFFFFF:
            return None
        value = value.to_bytes(4, "big").decode("mac_roman")
    if not isinstance(value, str) or not value.strip() or len(value) > 4:
        return None
    try:
        value.encode("mac_roman")  # OSType is four MacRoman bytes
    except UnicodeEncodeError:
        return None
    return value.ljust(4)


def uid(type_code: str, subtype: str, manufacturer: str) -> str:
    return f"{type_code}:{subtype}:{manufacturer}"


def role_of(type_code: str) -> Role:
    return TYPES.get(type_code, ("", Role.UNKNOWN))[1]


def type_name(type_code: str) -> str:
    return TYPES.get(type_code, (type_code, Role.UNKNOWN))[0]


def split_name(full: str) -> tuple[str, str]:
    """``"FabFilter: Pro-Q 3"`` -> ``("FabFilter", "Pro-Q 3")``: AU names are "Vendor: Name" by
    convention; a name without the prefix has no vendor."""
    vendor, sep, name = full.partition(":")
    if not sep or not vendor.strip() or not name.strip():
        return "", full.strip()
    return vendor.strip(), name.strip()


def decode_version(value: object) -> str:
    """The ``version`` integer as ``major.minor.bugfix`` (``0x00010203`` is 1.2.3); "" when it
    is absent or not a number."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        try:
            value = int(value, 0)  # "65536" or "0x10000"
        except ValueError:
            return ""
    if not isinstance(value, int) or value < 0:
        return ""
    return f"{value >> 16}.{value >> 8 & 0xFF}.{value & 0xFF}"
