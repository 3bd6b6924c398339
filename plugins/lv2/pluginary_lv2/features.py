"""The LV2 host features the validation glue offers a plugin, as the C structures it reads.

``urid:map`` and ``urid:unmap`` over one URI table per plugin (so every instance of a plugin
sees the same numbers), ``options:options`` with the sample rate and the block lengths, and the
block length guarantees of ``buf-size``; plus the lv2core features a host honours by what it
does rather than by data (``inPlaceBroken``: every port has its own buffer). The structures
follow ``lv2/core/lv2.h``, ``lv2/urid/urid.h``, ``lv2/options/options.h`` and
``lv2/atom/atom.h``.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

LV2 = "http://lv2plug.in/ns/lv2core#"
URID = "http://lv2plug.in/ns/ext/urid#"
OPTIONS = "http://lv2plug.in/ns/ext/options#options"
BUF_SIZE = "http://lv2plug.in/ns/ext/buf-size#"
ATOM = "http://lv2plug.in/ns/ext/atom#"
SAMPLE_RATE = "http://lv2plug.in/ns/ext/parameters#sampleRate"

BOUNDED = BUF_SIZE + "boundedBlockLength"
FIXED = BUF_SIZE + "fixedBlockLength"
POWER_OF_2 = BUF_SIZE + "powerOf2BlockLength"
#: Features a host provides by how it behaves, with no data: every port gets its own buffer
#: (inPlaceBroken), the plugin runs on the calling thread in real time as it asks (isLive,
#: hardRTCapable), and the blocks keep their promised length (the buf-size ones).
BEHAVIOURS = frozenset({LV2 + "inPlaceBroken", LV2 + "isLive", LV2 + "hardRTCapable",
                        BOUNDED, FIXED})
#: Everything this host offers; POWER_OF_2 only for instances whose block is a power of two.
OFFERED = BEHAVIOURS | {URID + "map", URID + "unmap", OPTIONS, POWER_OF_2}
#: Bytes of an atom port's buffer, header included, when the port asks for no minimum size.
ATOM_CAPACITY = 8192


class Feature(ctypes.Structure):
    """``LV2_Feature``."""

    _fields_ = [("URI", ctypes.c_char_p), ("data", ctypes.c_void_p)]


_MAP = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.c_void_p, ctypes.c_char_p)
# A char* result, not c_char_p: ctypes would hand the plugin a pointer to a temporary copy.
_UNMAP = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint32)


class UridMap(ctypes.Structure):
    """``LV2_URID_Map``."""

    _fields_ = [("handle", ctypes.c_void_p), ("map", _MAP)]


class UridUnmap(ctypes.Structure):
    """``LV2_URID_Unmap``."""

    _fields_ = [("handle", ctypes.c_void_p), ("unmap", _UNMAP)]


class Option(ctypes.Structure):
    """``LV2_Options_Option``; context 0 is ``LV2_OPTIONS_INSTANCE``."""

    _fields_ = [("context", ctypes.c_int), ("subject", ctypes.c_uint32),
                ("key", ctypes.c_uint32), ("size", ctypes.c_uint32),
                ("type", ctypes.c_uint32), ("value", ctypes.c_void_p)]


class AtomSequence(ctypes.Structure):
    """``LV2_Atom_Sequence``'s header: the atom (size, type) and the body's (unit, pad)."""

    _fields_ = [("size", ctypes.c_uint32), ("type", ctypes.c_uint32),
                ("unit", ctypes.c_uint32), ("pad", ctypes.c_uint32)]


#: ``sizeof(LV2_Atom_Sequence_Body)``: an empty sequence's atom size.
SEQUENCE_BODY = 8


class UridTable:
    """One plugin's URI <-> URID table, and the C callbacks over it.

    The callbacks are kept here, with the table, so they live as long as the plugin object:
    an instance keeps its plugin alive, and a plugin may call map at any time while it runs.
    Plugins may map from several threads at once (level 5 runs two instances at a time)."""

    def __init__(self) -> None:
        self._ids: dict[bytes, int] = {}
        # Each URI's C string, kept so the pointer unmap returns stays valid.
        self._uris: list[Any] = [None]  # URID 0 means "no URID"
        self._lock = threading.Lock()
        self._map_fn = _MAP(lambda handle, uri: self.map_bytes(uri) if uri else 0)
        self._unmap_fn = _UNMAP(self._unmap)
        self.map_struct = UridMap(None, self._map_fn)
        self.unmap_struct = UridUnmap(None, self._unmap_fn)

    def map_bytes(self, uri: bytes) -> int:
        with self._lock:
            urid = self._ids.get(uri)
            if urid is None:
                urid = self._ids[uri] = len(self._uris)
                self._uris.append(ctypes.create_string_buffer(uri))
            return urid

    def map(self, uri: str) -> int:
        """The URID of ``uri``, made on first use."""
        return self.map_bytes(uri.encode())

    def _unmap(self, handle: int | None, urid: int) -> int | None:
        with self._lock:
            if 0 < urid < len(self._uris):
                return ctypes.addressof(self._uris[urid])
        return None


class InstanceFeatures:
    """The feature array and option values one instance is given; the plugin may keep
    pointers into them, so the instance holds this until it is freed."""

    def __init__(self, table: UridTable, sample_rate: int, block: int,
                 sequence_size: int) -> None:
        self._rate = ctypes.c_float(sample_rate)
        self._block = ctypes.c_int32(block)
        self._zero = ctypes.c_int32(0)  # a host may run fewer frames, down to none
        self._sequence = ctypes.c_int32(sequence_size)
        float_t, int_t = table.map(ATOM + "Float"), table.map(ATOM + "Int")
        values: list[tuple[str, int, Any]] = [
            (SAMPLE_RATE, float_t, self._rate),
            (BUF_SIZE + "minBlockLength", int_t, self._zero),
            (BUF_SIZE + "maxBlockLength", int_t, self._block),
            (BUF_SIZE + "nominalBlockLength", int_t, self._block),
            (BUF_SIZE + "sequenceSize", int_t, self._sequence),
        ]
        self._options = (Option * (len(values) + 1))(*(
            Option(0, 0, table.map(key), 4, kind, ctypes.addressof(value))
            for key, kind, value in values))  # the last one stays zeroed: the terminator
        data: dict[str, int | None] = {
            URID + "map": ctypes.addressof(table.map_struct),
            URID + "unmap": ctypes.addressof(table.unmap_struct),
            OPTIONS: ctypes.addressof(self._options),
        }
        data.update(dict.fromkeys(BEHAVIOURS))
        if block & (block - 1) == 0:
            data[POWER_OF_2] = None
        self.uris = frozenset(data)
        self._table = table  # the callbacks the pointers above lead to
        self._features = [Feature(uri.encode(), pointer) for uri, pointer in data.items()]
        self.array = (ctypes.POINTER(Feature) * (len(self._features) + 1))(
            *(ctypes.pointer(f) for f in self._features))  # NULL-terminated
