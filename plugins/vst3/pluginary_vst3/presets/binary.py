"""Bounds-checked reads of binary preset files.

Preset files come from anywhere (downloads, old backups, half-copied folders), so no size or
offset field is trusted: every read goes through :func:`unpack` or :func:`take`, which raise
:class:`PresetFormatError` naming the field, its offset and the file's real length instead of
Python's ``struct.error`` or a silently short slice.
"""

from __future__ import annotations

import struct
from typing import Any

from pluginary.presets.container import PresetFormatError

#: How a file cut short is described to the user, with what to do about it.
TRUNCATED_HINT = "the file looks cut short: copy it again from where it came from"


def unpack(layout: struct.Struct, data: bytes, offset: int, field: str) -> tuple[Any, ...]:
    """``layout.unpack_from(data, offset)``, or an error naming ``field`` when the bytes it
    needs run past the end of ``data``."""
    end = offset + layout.size
    if offset < 0 or end > len(data):
        raise PresetFormatError(
            f"{field} needs bytes {offset}..{end}, but the data ends at byte {len(data)}",
            hint=TRUNCATED_HINT)
    return layout.unpack_from(data, offset)


def take(data: bytes, offset: int, size: int, field: str) -> bytes:
    """``size`` bytes of ``data`` from ``offset``, or an error naming ``field`` when a declared
    size or offset points outside the data."""
    if size < 0:
        raise PresetFormatError(f"{field} at offset {offset} declares a negative size ({size})")
    end = offset + size
    if offset < 0 or end > len(data):
        raise PresetFormatError(
            f"{field} claims bytes {offset}..{end}, past the end of the data "
            f"({len(data)} bytes)", hint=TRUNCATED_HINT)
    return data[offset:end]


def shown(raw: bytes) -> str:
    """Bytes as a user can read them in a message: ``'VST3'`` or ``b'\\x00\\x01..'``."""
    if raw and all(0x20 <= b < 0x7F for b in raw):
        return repr(raw.decode("ascii"))
    return repr(raw)
