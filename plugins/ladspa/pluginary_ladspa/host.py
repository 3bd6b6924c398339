"""Running a LADSPA plugin for the shared validation checks (:mod:`pluginary.validation`).

``instantiate``, ``connect_port``, ``activate``, ``run``, ``deactivate`` and ``cleanup`` from
the descriptor (``ladspa.h``, LADSPA 1.1), through ctypes: levels 1 to 3. Control inputs start
at their defaults (a bound marked SAMPLE_RATE scaled by the instance's rate); every port gets
its own buffer, so a plugin that does not support in-place processing is run correctly.

A LADSPA control value is host memory the plugin reads, so level 2 checks what a LADSPA plugin
declares (ranges, defaults) rather than what it reports back; only control inputs bounded on
both sides are parameters there (an unbounded one gives nothing to check a value against).
LADSPA has no state (level 4) and no latency call (0).
"""

from __future__ import annotations

import ctypes
from array import array
from collections.abc import Sequence
from pathlib import Path

from pluginary.validation.host import NotSupported, ParamInfo

from .descriptor import (
    HINT_BOUNDED_ABOVE,
    HINT_BOUNDED_BELOW,
    HINT_INTEGER,
    HINT_SAMPLE_RATE,
    HINT_TOGGLED,
    PORT_AUDIO,
    PORT_CONTROL,
    PORT_INPUT,
    Descriptor,
    _text,
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
        self.levels: tuple[int, ...] = (1, 2, 3)

    def describe(self) -> dict[str, str]:
        d = self.descriptor
        return {"name": _text(d.Name),
                "label": _text(d.Label),
                "maker": _text(d.Maker),
                "unique_id": str(d.UniqueID), "ports": str(d.PortCount)}

    def close(self) -> None:
        """Nothing to do: the library stays loaded for the life of the worker (a LADSPA
        library may not survive being unloaded and loaded again)."""

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
        self._rate = sample_rate
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

    def latency(self) -> int:
        return 0

    def parameters(self) -> list[ParamInfo]:
        d, found = self._d, []
        for port in range(d.PortCount):
            kind, hint = d.PortDescriptors[port], d.PortRangeHints[port].HintDescriptor
            bounded = hint & HINT_BOUNDED_BELOW and hint & HINT_BOUNDED_ABOVE
            if kind & PORT_CONTROL and kind & PORT_INPUT and (bounded or hint & HINT_TOGGLED):
                low, high = _bounds(d, port, self._rate)
                found.append(ParamInfo(
                    key=str(port), name=_text(d.PortNames[port]),
                    minimum=low, maximum=high,
                    default=_control_value(d, port, self._rate),
                    stepped=bool(hint & (HINT_INTEGER | HINT_TOGGLED))))
        return found

    def get(self, key: str) -> float:
        return float(self._buffers[int(key)][0])

    def set(self, key: str, value: float) -> None:
        self._buffers[int(key)][0] = value

    def convert(self, key: str, value: float) -> float | None:
        return None  # a LADSPA value has one representation

    def save(self) -> bytes:
        raise NotSupported("LADSPA plugins have no state")

    def load(self, state: bytes) -> None:
        raise NotSupported("LADSPA plugins have no state")

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


def _bounds(d: RunnableDescriptor, port: int, sample_rate: int
            ) -> tuple[float, float]:
    """A control input's bounds at ``sample_rate``; a toggle's are 0 and 1."""
    hint = d.PortRangeHints[port]
    if hint.HintDescriptor & HINT_TOGGLED:
        return 0.0, 1.0
    scale = sample_rate if hint.HintDescriptor & HINT_SAMPLE_RATE else 1.0
    return float(hint.LowerBound) * scale, float(hint.UpperBound) * scale


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
