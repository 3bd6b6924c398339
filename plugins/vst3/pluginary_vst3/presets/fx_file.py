"""VST2 program (``.fxp``) and bank (``.fxb``) files, big-endian (``vstfxstore.h``; the VST3
SDK's ``source/vst/utility/vst2persistence.cpp`` reads the same structures).

Every file starts with ``'CcnK'``, a byte size (of the rest: writers often leave it 0, so it is
never used) and the kind:

- ``FxCk``: a program of ``numParams`` float parameters (0..1) after a 28-byte name;
- ``FPCh``: a program whose state is an opaque chunk (``chunkSize`` + bytes) after the name;
- ``FxBk``: a bank of programs (each a full ``CcnK`` program) after 128 header bytes
  (``currentProgram`` and 124 reserved in version 2);
- ``FBCh``: a bank whose state is one opaque chunk after those 128 bytes.

Lengths are computed from the structure (parameter count, chunk size), each checked against the
data, so a file cut short or with a wrong count is reported, never read past its end.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pluginary.presets.container import PresetFormatError

from .binary import TRUNCATED_HINT, shown, take, unpack

CHUNK_MAGIC = b"CcnK"
PARAM_PROGRAM = b"FxCk"
CHUNK_PROGRAM = b"FPCh"
PARAM_BANK = b"FxBk"
CHUNK_BANK = b"FBCh"
PROGRAMS = (PARAM_PROGRAM, CHUNK_PROGRAM)
BANKS = (PARAM_BANK, CHUNK_BANK)

#: chunkMagic, byteSize, fxMagic, version, fxID, fxVersion, numParams|numPrograms.
COMMON = struct.Struct(">4si4siIii")
NAME_SIZE = 28
PROGRAM_HEADER_SIZE = COMMON.size + NAME_SIZE  # 56
#: currentProgram (version >= 1, as vst2persistence reads it) and 124 reserved bytes.
BANK_RESERVED = 128
BANK_HEADER_SIZE = COMMON.size + BANK_RESERVED  # 156
INT = struct.Struct(">i")
UINT = struct.Struct(">I")


@dataclass(frozen=True)
class FxProgram:
    """One program: its parameter values (``FxCk``) or its chunk (``FPCh``), and where its
    bytes are in the data it was parsed from (``data[offset:end]`` is the whole program)."""

    kind: bytes
    version: int
    fx_id: int
    fx_version: int
    name: str
    parameters: tuple[float, ...]
    chunk: bytes | None
    offset: int
    end: int


@dataclass(frozen=True)
class FxBank:
    """A bank: its programs (``FxBk``) or its chunk (``FBCh``), and where it is."""

    kind: bytes
    version: int
    fx_id: int
    fx_version: int
    current_program: int
    programs: tuple[FxProgram, ...]
    chunk: bytes | None
    offset: int
    end: int

    def current(self) -> FxProgram | None:
        """The program the bank says is current (the first when that index is out of range);
        None for a chunk bank."""
        if not self.programs:
            return None
        index = self.current_program
        return self.programs[index if 0 <= index < len(self.programs) else 0]


def parse_fx(data: bytes, offset: int = 0) -> FxProgram | FxBank:
    """The program or bank at ``offset`` of ``data`` (a whole ``.fxp``/``.fxb`` at 0)."""
    magic, _, kind, *_ = unpack(COMMON, data, offset, "the VST2 'CcnK' header")
    if magic != CHUNK_MAGIC:
        raise PresetFormatError(
            f"not a VST2 preset: found {shown(magic)} at offset {offset} where 'CcnK' should be")
    if kind in PROGRAMS:
        return parse_program(data, offset)
    if kind in BANKS:
        return parse_bank(data, offset)
    raise PresetFormatError(
        f"unknown VST2 preset kind {shown(kind)} at offset {offset + 8}: expected 'FxCk', "
        f"'FPCh', 'FxBk' or 'FBCh'")


def parse_program(data: bytes, offset: int) -> FxProgram:
    """The ``FxCk``/``FPCh`` program at ``offset``."""
    magic, _, kind, version, fx_id, fx_version, count = unpack(
        COMMON, data, offset, "the VST2 program header")
    if magic != CHUNK_MAGIC or kind not in PROGRAMS:
        raise PresetFormatError(
            f"expected a VST2 program ('CcnK' then 'FxCk' or 'FPCh') at offset {offset}, "
            f"found {shown(magic)} {shown(kind)}")
    name = _name(take(data, offset + COMMON.size, NAME_SIZE, "the program name"))
    start = offset + PROGRAM_HEADER_SIZE
    if kind == CHUNK_PROGRAM:
        (size,) = unpack(UINT, data, start, "the program's chunk size")
        chunk = take(data, start + UINT.size, size, f"the program chunk of {name!r}")
        return FxProgram(kind=kind, version=version, fx_id=fx_id, fx_version=fx_version,
                         name=name, parameters=(), chunk=chunk, offset=offset,
                         end=start + UINT.size + size)
    if count < 0:
        raise PresetFormatError(f"the program {name!r} at offset {offset} declares a negative "
                                f"parameter count ({count})")
    raw = take(data, start, 4 * count, f"the {count} parameter values of {name!r}")
    values = struct.unpack(f">{count}f", raw)
    return FxProgram(kind=kind, version=version, fx_id=fx_id, fx_version=fx_version,
                     name=name, parameters=values, chunk=None, offset=offset,
                     end=start + 4 * count)


def parse_bank(data: bytes, offset: int) -> FxBank:
    """The ``FxBk``/``FBCh`` bank at ``offset``."""
    magic, _, kind, version, fx_id, fx_version, count = unpack(
        COMMON, data, offset, "the VST2 bank header")
    if magic != CHUNK_MAGIC or kind not in BANKS:
        raise PresetFormatError(
            f"expected a VST2 bank ('CcnK' then 'FxBk' or 'FBCh') at offset {offset}, found "
            f"{shown(magic)} {shown(kind)}")
    reserved = take(data, offset + COMMON.size, BANK_RESERVED, "the bank's reserved bytes")
    current = INT.unpack_from(reserved)[0] if version >= 1 else 0
    start = offset + BANK_HEADER_SIZE
    if kind == CHUNK_BANK:
        (size,) = unpack(UINT, data, start, "the bank's chunk size")
        chunk = take(data, start + UINT.size, size, "the bank chunk")
        return FxBank(kind=kind, version=version, fx_id=fx_id, fx_version=fx_version,
                      current_program=current, programs=(), chunk=chunk, offset=offset,
                      end=start + UINT.size + size)
    if count < 1 or count * PROGRAM_HEADER_SIZE > len(data) - start:
        raise PresetFormatError(
            f"the bank at offset {offset} declares {count} programs, which do not fit in the "
            f"{len(data) - start} bytes that follow its header", hint=TRUNCATED_HINT)
    programs = []
    at = start
    for _ in range(count):
        program = parse_program(data, at)
        programs.append(program)
        at = program.end
    return FxBank(kind=kind, version=version, fx_id=fx_id, fx_version=fx_version,
                  current_program=current, programs=tuple(programs), chunk=None,
                  offset=offset, end=at)


def fx_id_text(fx_id: int) -> str:
    """A plugin's VST2 unique id as Pluginary keys it: the 4 characters when printable
    (``MDAx``), else the decimal number."""
    raw = fx_id.to_bytes(4, "big")
    if all(0x20 <= b < 0x7F for b in raw):
        return raw.decode("ascii")
    return str(fx_id)


def _name(raw: bytes) -> str:
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode("utf-8").strip()
    except UnicodeDecodeError:  # VST2 predates UTF-8 in most hosts: Latin-1 never fails
        return text.decode("latin-1").strip()
