"""The ``.vstpreset`` container (Steinberg ``PresetFile``, ``source/vst/vstpresetfile.cpp``).

Layout, little-endian::

    0   'VST3'
    4   int32 format version (the SDK writes 1)
    8   32 ASCII hex digits: the processor's class id
    40  int64 offset of the chunk list
    48  chunk data, back to back
    ..  'List', int32 count, then per entry: 4-byte id, int64 offset, int64 size

Chunks: ``Comp`` (IComponent::getState), ``Cont`` (IEditController::getState), ``Prog``
(program-list data) and ``Info`` (the MetaInfo XML, last so that it can be rewritten in place).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from pluginary.presets.container import PresetFormatError

from .binary import TRUNCATED_HINT, shown, take, unpack

MAGIC = b"VST3"
LIST = b"List"
#: ``kFormatVersion``: what the SDK writes and every host reads.
FORMAT_VERSION = 1
COMPONENT = b"Comp"
CONTROLLER = b"Cont"
PROGRAM = b"Prog"
META_INFO = b"Info"

HEADER = struct.Struct("<4si32sq")
HEADER_SIZE = HEADER.size  # 48 = kHeaderSize
LIST_HEADER = struct.Struct("<4si")
ENTRY = struct.Struct("<4sqq")
#: The list offset's position in the header (``kListOffsetPos``).
LIST_OFFSET_POS = 40

_CLASS_ID = re.compile(rb"[0-9A-Fa-f]{32}")


@dataclass(frozen=True)
class Chunk:
    """One entry of the chunk list and the bytes it names."""

    id: bytes
    offset: int
    data: bytes


@dataclass(frozen=True)
class VstPresetFile:
    """A parsed ``.vstpreset``: the class id (32 uppercase hex digits) and its chunks in list
    order."""

    class_id: str
    version: int
    list_offset: int
    chunks: tuple[Chunk, ...]

    def chunk(self, chunk_id: bytes) -> Chunk | None:
        """The first chunk with that id (the SDK reads the first), or None."""
        return next((c for c in self.chunks if c.id == chunk_id), None)


def parse_vstpreset(data: bytes) -> VstPresetFile:
    """Parse a ``.vstpreset``; :class:`PresetFormatError` says what was found where when the
    bytes are not one."""
    if len(data) < HEADER_SIZE:
        raise PresetFormatError(
            f"a .vstpreset starts with a {HEADER_SIZE}-byte header; this one has only "
            f"{len(data)} bytes", hint=TRUNCATED_HINT)
    magic, version, raw_id, list_offset = unpack(HEADER, data, 0, "the header")
    if magic != MAGIC:
        raise PresetFormatError(
            f"not a .vstpreset: found {shown(magic)} at offset 0 where 'VST3' should be")
    if not _CLASS_ID.fullmatch(raw_id):
        raise PresetFormatError(
            f"the class id at offset 8 is not 32 hex digits: found {shown(raw_id)}")
    if list_offset < HEADER_SIZE or list_offset + LIST_HEADER.size > len(data):
        raise PresetFormatError(
            f"the header (byte {LIST_OFFSET_POS}) puts the chunk list at offset {list_offset}, "
            f"outside this {len(data)}-byte file", hint=TRUNCATED_HINT)
    tag, count = unpack(LIST_HEADER, data, list_offset, "the chunk list header")
    if tag != LIST:
        raise PresetFormatError(
            f"expected 'List' at offset {list_offset} (where the header puts the chunk "
            f"list), found {shown(tag)}")
    room = len(data) - list_offset - LIST_HEADER.size
    if count < 0 or count * ENTRY.size > room:
        raise PresetFormatError(
            f"the chunk list at offset {list_offset} declares {count} entries "
            f"({count * ENTRY.size} bytes) but only {room} bytes follow", hint=TRUNCATED_HINT)
    chunks = []
    for index in range(count):
        at = list_offset + LIST_HEADER.size + index * ENTRY.size
        chunk_id, offset, size = unpack(ENTRY, data, at, f"chunk list entry {index}")
        body = take(data, offset, size, f"chunk {shown(chunk_id)} (list entry {index} at "
                                        f"offset {at})")
        chunks.append(Chunk(id=chunk_id, offset=offset, data=body))
    return VstPresetFile(class_id=raw_id.decode("ascii").upper(), version=version,
                         list_offset=list_offset, chunks=tuple(chunks))


def build_vstpreset(class_id: str, chunks: Sequence[tuple[bytes, bytes]]) -> bytes:
    """A ``.vstpreset`` as the SDK's ``PresetFile::savePreset`` writes it: the header, the
    chunks back to back in the order given (``Info`` last, if any), then the chunk list."""
    raw_id = class_id.encode("ascii", "replace")
    if not _CLASS_ID.fullmatch(raw_id):
        raise PresetFormatError(f"a VST3 class id has 32 hex digits, not {class_id!r}")
    body = bytearray()
    entries = bytearray()
    for chunk_id, payload in chunks:
        if len(chunk_id) != 4:
            raise PresetFormatError(f"a chunk id has 4 bytes, not {shown(chunk_id)}")
        entries += ENTRY.pack(chunk_id, HEADER_SIZE + len(body), len(payload))
        body += payload
    list_offset = HEADER_SIZE + len(body)
    header = HEADER.pack(MAGIC, FORMAT_VERSION, raw_id.upper(), list_offset)
    return (header + bytes(body) + LIST_HEADER.pack(LIST, len(chunks)) + bytes(entries))
