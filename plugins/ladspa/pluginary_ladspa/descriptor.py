"""Reading LADSPA descriptors through ctypes: ``ladspa_descriptor(i)`` until it returns NULL.

This dlopens the library and runs its initialisers, so it runs in a scan worker. No plugin is
instantiated: the descriptor is plain data. Layouts follow ``ladspa.h`` (LADSPA 1.1).
"""

from __future__ import annotations

import ctypes
import math
import os
from dataclasses import dataclass
from pathlib import Path

from pluginary.models import Parameter, PluginRecord, Role

PORT_INPUT, PORT_OUTPUT, PORT_CONTROL, PORT_AUDIO = 0x1, 0x2, 0x4, 0x8
HINT_BOUNDED_BELOW, HINT_BOUNDED_ABOVE, HINT_TOGGLED = 0x1, 0x2, 0x4
HINT_SAMPLE_RATE, HINT_LOGARITHMIC, HINT_INTEGER = 0x8, 0x10, 0x20
HINT_DEFAULT_MASK = 0x3C0
#: Bounds flagged SAMPLE_RATE are multiples of the sample rate; the catalogue uses this one.
SAMPLE_RATE = 44100.0


class PortRangeHint(ctypes.Structure):
    _fields_ = [("HintDescriptor", ctypes.c_int), ("LowerBound", ctypes.c_float),
                ("UpperBound", ctypes.c_float)]


class Descriptor(ctypes.Structure):
    _fields_ = [
        ("UniqueID", ctypes.c_ulong),
        ("Label", ctypes.c_char_p),
        ("Properties", ctypes.c_int),
        ("Name", ctypes.c_char_p),
        ("Maker", ctypes.c_char_p),
        ("Copyright", ctypes.c_char_p),
        ("PortCount", ctypes.c_ulong),
        ("PortDescriptors", ctypes.POINTER(ctypes.c_int)),
        ("PortNames", ctypes.POINTER(ctypes.c_char_p)),
        ("PortRangeHints", ctypes.POINTER(PortRangeHint)),
        ("ImplementationData", ctypes.c_void_p),
        # The function pointers that follow are never called: nothing is instantiated.
    ]


@dataclass(frozen=True)
class LibraryResult:
    records: tuple[PluginRecord, ...] = ()
    cause: str = ""


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "replace").strip() if value else ""


def default_value(hint: int, low: float | None, high: float | None) -> float | None:
    """The default a LADSPA range hint asks for (``ladspa.h``'s LADSPA_HINT_DEFAULT_*)."""
    kind = hint & HINT_DEFAULT_MASK
    fixed = {0x200: 0.0, 0x240: 1.0, 0x280: 100.0, 0x2C0: 440.0}
    if kind in fixed:
        return fixed[kind]
    if kind == 0x40:
        return low
    if kind == 0x140:
        return high
    weights = {0x80: 0.75, 0xC0: 0.5, 0x100: 0.25}  # LOW, MIDDLE, HIGH: weight of the lower bound
    if kind not in weights or low is None or high is None:
        return None
    w = weights[kind]
    if hint & HINT_LOGARITHMIC and low > 0 and high > 0:
        value = math.exp(math.log(low) * w + math.log(high) * (1 - w))
    else:
        value = low * w + high * (1 - w)
    return float(round(value)) if hint & HINT_INTEGER else value


def _single(value: float | None) -> float | None:
    """Drop the noise of float32 bounds (0.0001 x 44100 is 4.4099998886, not 4.41)."""
    return None if value is None else float(f"{value:.7g}")


def parameter(index: int, name: str, hint: PortRangeHint) -> Parameter:
    scale = SAMPLE_RATE if hint.HintDescriptor & HINT_SAMPLE_RATE else 1.0
    low = float(hint.LowerBound) * scale if hint.HintDescriptor & HINT_BOUNDED_BELOW else None
    high = float(hint.UpperBound) * scale if hint.HintDescriptor & HINT_BOUNDED_ABOVE else None
    if hint.HintDescriptor & HINT_TOGGLED:
        low, high = 0.0, 1.0
    low, high = _single(low), _single(high)
    return Parameter(name=name, id=str(index), min=low, max=high,
                     default=_single(default_value(hint.HintDescriptor, low, high)))


def read_library(path: Path) -> LibraryResult:
    """Every plugin in one LADSPA library, as tier-1 records."""
    try:
        lib = ctypes.CDLL(str(path), mode=os.RTLD_LOCAL)
    except OSError as exc:
        return LibraryResult(cause=f"cannot load it: {str(exc).splitlines()[0]}")
    try:
        entry = lib.ladspa_descriptor
    except AttributeError:
        return LibraryResult(cause="not a LADSPA library: it exports no ladspa_descriptor")
    entry.argtypes = [ctypes.c_ulong]
    entry.restype = ctypes.POINTER(Descriptor)
    records = []
    index = 0
    while True:
        pointer = entry(index)
        if not pointer:
            break
        records.append(to_record(pointer.contents, path))
        index += 1
    if not records:
        return LibraryResult(cause="ladspa_descriptor(0) returned no plugin")
    return LibraryResult(records=tuple(records))


def to_record(d: Descriptor, path: Path) -> PluginRecord:
    audio_in = audio_out = 0
    parameters = []
    for i in range(d.PortCount):
        kind = d.PortDescriptors[i]
        name = _text(d.PortNames[i])
        if kind & PORT_AUDIO:
            if kind & PORT_INPUT:
                audio_in += 1
            else:
                audio_out += 1
        elif kind & PORT_CONTROL and kind & PORT_INPUT:
            parameters.append(parameter(i, name, d.PortRangeHints[i]))
    extra = {k: v for k, v in (("label", _text(d.Label)), ("copyright", _text(d.Copyright)))
             if v}
    return PluginRecord(
        format="ladspa", uid=str(d.UniqueID), name=_text(d.Name) or _text(d.Label),
        vendor=_text(d.Maker), role=Role.EFFECT if audio_in else Role.UNKNOWN,
        audio_inputs=audio_in, audio_outputs=audio_out, midi_inputs=0, midi_outputs=0,
        parameters=tuple(parameters), file_path=str(path), tier=1, extra=extra)
