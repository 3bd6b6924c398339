"""VST2 state inside a VST3 ``Comp`` chunk: how a plugin's VST3 version reads the presets of
its VST2 version (``vst2persistence.cpp``: ``tryVst2StateLoad``, ``writeVst2State``).

The component state is an optional private header, big-endian::

    'VstW'  uint32 size (8)  uint32 version (1)  int32 bypass

followed by a VST2 bank (``FxBk`` or ``FBCh``). The SDK's state model is a bank of programs
whose programs may be ``FxCk`` or ``FPCh``; a single ``.fxp`` becomes a bank of one program,
written as ``writeVst2State`` writes banks (version 2, current program 0, 124 zero bytes) with
the program's own bytes inside unchanged, so it comes back out byte for byte.
"""

from __future__ import annotations

import struct

from pluginary.presets.container import PresetFormatError

from .fx_file import (
    BANK_RESERVED,
    CHUNK_MAGIC,
    COMMON,
    PARAM_BANK,
    FxBank,
    FxProgram,
    parse_bank,
)

PRIVATE_ID = b"VstW"
#: 'VstW', size of what follows (version + bypass), version 1, bypass.
PRIVATE_HEADER = struct.Struct(">4sIIi")
PRIVATE_VERSION = 1
#: The bank version ``writeVst2State`` writes (with ``currentProgram``).
BANK_VERSION = 2


def wrap_bank(bank: bytes, *, bypassed: bool = False) -> bytes:
    """A ``Comp`` chunk holding ``bank`` behind the ``'VstW'`` header, as ``writeVst2State``
    writes it with ``writeBypassState``."""
    header = PRIVATE_HEADER.pack(PRIVATE_ID, PRIVATE_HEADER.size - 8, PRIVATE_VERSION,
                                 1 if bypassed else 0)
    return header + bank


def bank_of_program(data: bytes, program: FxProgram) -> bytes:
    """A ``FxBk`` bank of the one program ``data[program.offset:program.end]``."""
    body = data[program.offset:program.end]
    reserved = struct.pack(">i", 0) + bytes(BANK_RESERVED - 4)  # current program 0
    rest = struct.pack(">4siIii", PARAM_BANK, BANK_VERSION, program.fx_id, program.fx_version,
                       1) + reserved + body
    return CHUNK_MAGIC + struct.pack(">i", len(rest)) + rest


def find_wrapped_bank(component: bytes) -> FxBank | None:
    """The VST2 bank inside a ``Comp`` chunk, or None when the chunk is not VST2 state (no
    ``'VstW'`` header and no ``'CcnK'`` bank); a chunk that starts like one but is broken is
    a :class:`PresetFormatError`."""
    at = 0
    if component[:4] == PRIVATE_ID:
        if len(component) < PRIVATE_HEADER.size + COMMON.size:
            raise PresetFormatError(
                f"the Comp chunk starts with the 'VstW' header of VST2 state but has only "
                f"{len(component)} bytes")
        at = PRIVATE_HEADER.size
    elif component[:4] != CHUNK_MAGIC:
        return None
    try:
        return parse_bank(component, at)
    except PresetFormatError as exc:
        raise PresetFormatError(f"the Comp chunk holds VST2 state that cannot be read: "
                                f"{exc.message}", hint=exc.hint) from None
