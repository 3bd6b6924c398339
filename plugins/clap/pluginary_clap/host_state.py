"""A validation instance's state and latency: the plugin's ``clap.state`` (``ext/state.h``)
through ``clap_ostream_t``/``clap_istream_t`` (``stream.h``), and its ``clap.latency``
(``ext/latency.h``).

The streams are made for one ``save``/``load`` call and own their bytes, so instances on
different threads never share one. A plugin may write or read in pieces of any size (DPF reads
511 bytes at a time); ``read`` returns 0 at the end, as stream.h asks.
"""

from __future__ import annotations

import ctypes
from typing import Any

from pluginary.validation.host import NotSupported

from .host_link import CLAP_EXT_STATE
from .instance import _PLUGIN_P, CLAP_EXT_LATENCY, _extension

_vp = ctypes.c_void_p


class OStream(ctypes.Structure):
    """``clap_ostream_t``."""


class IStream(ctypes.Structure):
    """``clap_istream_t``."""


_WRITE = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.POINTER(OStream), _vp, ctypes.c_uint64)
_READ = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.POINTER(IStream), _vp, ctypes.c_uint64)
OStream._fields_ = [("ctx", _vp), ("write", _WRITE)]
IStream._fields_ = [("ctx", _vp), ("read", _READ)]


class PluginState(ctypes.Structure):
    """``clap_plugin_state_t``."""

    _fields_ = [("save", ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.POINTER(OStream))),
                ("load", ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.POINTER(IStream)))]


class PluginLatency(ctypes.Structure):
    """``clap_plugin_latency_t``."""

    _fields_ = [("get", ctypes.CFUNCTYPE(ctypes.c_uint32, _PLUGIN_P))]


def latency(plugin: Any, pointer: Any) -> int:
    """What ``clap.latency`` ``get()`` says; 0 for a plugin without the extension (it has
    none to report)."""
    ext = _extension(plugin, pointer, CLAP_EXT_LATENCY, PluginLatency, ("get",))
    return int(ext.get(pointer)) if ext is not None else 0


def _state(plugin: Any, pointer: Any) -> Any:
    ext = _extension(plugin, pointer, CLAP_EXT_STATE, PluginState, ("save", "load"))
    if ext is None:
        raise NotSupported("the plugin has no clap.state extension")
    return ext


def save(plugin: Any, pointer: Any) -> bytes:
    """The bytes the plugin writes into a ``clap_ostream_t``."""
    ext = _state(plugin, pointer)
    written = bytearray()

    def write(stream: Any, buffer: int | None, size: int) -> int:
        if not size:
            return 0
        if not buffer:
            return -1
        written.extend(ctypes.string_at(buffer, size))
        return size

    callback = _WRITE(write)  # referenced here until save() returns
    if not ext.save(pointer, ctypes.byref(OStream(None, callback))):
        raise RuntimeError("clap.state save() returned false")
    return bytes(written)


def load(plugin: Any, pointer: Any, state: bytes) -> None:
    """Hand ``state`` to the plugin through a ``clap_istream_t``."""
    ext = _state(plugin, pointer)
    position = 0

    def read(stream: Any, buffer: int | None, size: int) -> int:
        nonlocal position
        count = min(size, len(state) - position)
        if count <= 0:
            return 0
        if not buffer:
            return -1
        ctypes.memmove(buffer, state[position:position + count], count)
        position += count
        return count

    callback = _READ(read)  # referenced here until load() returns
    if not ext.load(pointer, ctypes.byref(IStream(None, callback))):
        raise RuntimeError("clap.state load() returned false")
