"""Running a LADSPA plugin for the shared validation checks (:mod:`pluginary.validation`).

``instantiate``, ``connect_port``, ``activate``, ``run``, ``deactivate`` and ``cleanup`` from
the descriptor (``ladspa.h``, LADSPA 1.1), through ctypes. Control inputs sit at their
defaults (a bound marked SAMPLE_RATE scaled by the instance's rate); every port gets its own
buffer, so a plugin that does not support in-place processing is run correctly.
"""

from __future__ import annotations

import ctypes
from array import array
from collections.abc import Sequence
from pathlib import Path

from .descriptor import (
    HINT_BOUNDED_ABOVE,
    HINT_BOUNDED_BELOW,
    HINT_SAMPLE_RATE,
    PORT_AUDIO,
    PORT_CONTROL,
    PORT_INPUT,
    Descriptor,
    default_value,
)

_Handle = ctypes.c_void_p
_Instantiate = ctypes.CFUNCTYPE(_Handle, ctypes.c_void_p, ctypes.c_ulong)
_Connect = ctypes.CFUNCTYPE(None, _Handle, ctypes.c_ulong, ctypes.POINTER(ctypes.c_float))
_Call = ctypes.CFUNCTYPE(None, _Handle)
_Run = ctypes.CFUNCTYPE(None, _Handle, ctypes.c_ulong)
_Gain = ctypes.CFUNCTYPE(None, _Handle, ctypes.c_float)


class RunnableDescriptor(Descriptor):
    """The descriptor with its functions (:class:`Descriptor` reads only the data)."""

    _fields_ = [("instantiate", _Instantiate), ("connect_port", _Connect),  # noqa: RUF012
                ("activate", _Call), ("run", _Run), ("run_adding", _Run),
                ("set_run_adding_gain", _Gain), ("deactivate", _Call), ("cleanup", _Call)]


class LadspaPlugin:
    """One plugin of a LADSPA library, by its index in the library."""

    def __init__(self, library: Path, index: int) -> None:
        self._library = ctypes.CDLL(str(library))
        entry = self._library.ladspa_descriptor
        entry.restype = ctypes.POINTER(RunnableDescriptor)
        entry.argtypes = [ctypes.c_ulong]
        pointer = entry(index)
        if not pointer:
            raise LookupError(f"{library} has no plugin number {index}")
        self._pointer = pointer
        self.descriptor = pointer.contents
        self.key = f"ladspa:{self.descriptor.UniqueID}"

    @classmethod
    def by_id(cls, library: Path, unique_id: int) -> LadspaPlugin:
        """The plugin of ``library`` whose descriptor has ``unique_id``."""
        index = 0
        while True:
            plugin = cls(library, index)  # LookupError past the last one
            if plugin.descriptor.UniqueID == unique_id:
                return plugin
            index += 1

    def instantiate(self, sample_rate: int, max_block: int) -> LadspaInstance:
        return LadspaInstance(self, sample_rate, max_block)


class LadspaInstance:
    """An activated instance with a buffer on every port."""

    def __init__(self, plugin: LadspaPlugin, sample_rate: int, max_block: int) -> None:
        d = plugin.descriptor
        self._plugin = plugin  # keeps the library loaded while the instance lives
        self._d = d
        handle = d.instantiate(ctypes.cast(plugin._pointer, ctypes.c_void_p), sample_rate)
        if not handle:
            raise RuntimeError(f"{plugin.key}: instantiate returned NULL at {sample_rate} Hz")
        self._handle = handle
        self._buffers: list[ctypes.Array[ctypes.c_float]] = []
        self._in: list[ctypes.Array[ctypes.c_float]] = []
        self._out: list[ctypes.Array[ctypes.c_float]] = []
        for port in range(d.PortCount):
            kind = d.PortDescriptors[port]
            if kind & PORT_AUDIO:
                buffer = (ctypes.c_float * max_block)()
                (self._in if kind & PORT_INPUT else self._out).append(buffer)
            else:
                buffer = (ctypes.c_float * 1)(_control_value(d, port, sample_rate)
                                              if kind & PORT_CONTROL and kind & PORT_INPUT
                                              else 0.0)
            self._buffers.append(buffer)
            d.connect_port(handle, port, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_float)))
        self.inputs, self.outputs = len(self._in), len(self._out)
        self._active = bool(d.activate)
        if self._active:
            d.activate(handle)

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        for buffer, signal in zip(self._in, inputs, strict=True):
            ctypes.memmove(buffer, signal.buffer_info()[0], 4 * frames)
        self._d.run(self._handle, frames)
        return [array("f", bytes(memoryview(buffer).cast("B")[:4 * frames]))
                for buffer in self._out]

    def close(self) -> None:
        if self._handle:
            if self._active and self._d.deactivate:
                self._d.deactivate(self._handle)
            if self._d.cleanup:
                self._d.cleanup(self._handle)
            self._handle = None


def _control_value(d: RunnableDescriptor, port: int, sample_rate: int) -> float:
    """A control input's default, else its lower bound, else 0 (``ladspa.h``'s hints)."""
    hint = d.PortRangeHints[port]
    scale = sample_rate if hint.HintDescriptor & HINT_SAMPLE_RATE else 1.0
    low = hint.LowerBound * scale if hint.HintDescriptor & HINT_BOUNDED_BELOW else None
    high = hint.UpperBound * scale if hint.HintDescriptor & HINT_BOUNDED_ABOVE else None
    value = default_value(hint.HintDescriptor, low, high)
    if value is None:
        value = low if low is not None else 0.0
    return value
