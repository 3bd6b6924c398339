"""JUCE's own base64 (``juce::MemoryBlock::toBase64Encoding``), which JUCE hosts use for the
state texts inside their XML.

Not RFC 4648: the text is ``"<byte count>.<chars>"``, the alphabet is
``.ABC..XYZabc..xyz0123456789+`` and each character takes the next 6 bits of the data read
least-significant bit first (``getBitRange``), with no padding: ``ceil(8 * n / 6)`` chars.

Reversing the bits of every byte turns that bit order into the standard one, and reversing the 6
bits of every character value maps the standard alphabet onto JUCE's, so both directions run
through the C implementation in :mod:`base64` (a state of several MB takes milliseconds).
"""

from __future__ import annotations

import base64

from pluginary.presets.container import PresetFormatError

JUCE_ALPHABET = b".ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+"
_STANDARD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _reverse_bits(value: int, width: int) -> int:
    return int(format(value, f"0{width}b")[::-1], 2)


_BYTE_BITS_REVERSED = bytes(_reverse_bits(b, 8) for b in range(256))
#: Standard char of value v -> JUCE char of value reverse6(v), and back.
_MAPPED = bytes(JUCE_ALPHABET[_reverse_bits(v, 6)] for v in range(64))
_TO_JUCE = bytes.maketrans(_STANDARD, _MAPPED)
_FROM_JUCE = bytes.maketrans(_MAPPED, _STANDARD)


def encode(data: bytes) -> str:
    """``MemoryBlock(data).toBase64Encoding()``."""
    chars = base64.b64encode(data.translate(_BYTE_BITS_REVERSED)).rstrip(b"=")
    return f"{len(data)}.{chars.translate(_TO_JUCE).decode('ascii')}"


def decode(text: str, field: str) -> bytes:
    """The bytes of a ``toBase64Encoding`` text; :class:`PresetFormatError` naming ``field``
    when the text is not one (JUCE would load a zero-filled or cut state instead)."""
    count, dot, chars = text.strip().partition(".")
    if not dot or not count.isdigit():
        raise PresetFormatError(f"{field} is not JUCE base64 (\"<byte count>.<chars>\"): it "
                                f"starts with {text[:20]!r}")
    size = int(count)
    raw = chars.encode("ascii", "replace")
    if raw.translate(None, JUCE_ALPHABET):
        bad = next(c for c in chars if c.encode("ascii", "replace") not in JUCE_ALPHABET)
        raise PresetFormatError(f"{field} holds {bad!r}, which is not in JUCE's base64 "
                                f"alphabet")
    if len(raw) != (8 * size + 5) // 6:
        raise PresetFormatError(
            f"{field} says {size} bytes, which take {(8 * size + 5) // 6} characters, but it "
            f"has {len(raw)}", hint="the state text was cut or edited; capture it again")
    standard = raw.translate(_FROM_JUCE)
    standard += b"=" * (-len(standard) % 4)
    return base64.b64decode(standard)[:size].translate(_BYTE_BITS_REVERSED)
