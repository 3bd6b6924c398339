"""Run one LADSPA plugin for a few blocks and print what its output held, as JSON.

``python ladspa_run.py LIBRARY SAMPLE_RATE``: instantiates the library's first plugin through
``ladspa.h``'s C interface (ctypes), sets every control input to the value in ``CONTROLS``
(by port order), activates it, runs eight blocks of silence then one of noise, and prints
``{"nan": ..., "inf": ..., "denormal_after_silence": ..., "peak": ...}``. Run in a child
process by ``test_validation_plugins.py``: a plugin that crashes takes only this process.
"""

from __future__ import annotations

import ctypes
import json
import math
import random
import sys

FLT_MIN = 1.1754943508222875e-38
FRAMES = 512
# The validation plugins' controls, in port order: Gain 0 dB, Level 1.
CONTROLS = (0.0, 1.0)
PORT_INPUT, PORT_OUTPUT, PORT_CONTROL, PORT_AUDIO = 1, 2, 4, 8

_Handle = ctypes.c_void_p


class Descriptor(ctypes.Structure):
    pass


Descriptor._fields_ = [
    ("UniqueID", ctypes.c_ulong),
    ("Label", ctypes.c_char_p),
    ("Properties", ctypes.c_int),
    ("Name", ctypes.c_char_p),
    ("Maker", ctypes.c_char_p),
    ("Copyright", ctypes.c_char_p),
    ("PortCount", ctypes.c_ulong),
    ("PortDescriptors", ctypes.POINTER(ctypes.c_int)),
    ("PortNames", ctypes.POINTER(ctypes.c_char_p)),
    ("PortRangeHints", ctypes.c_void_p),
    ("ImplementationData", ctypes.c_void_p),
    ("instantiate", ctypes.CFUNCTYPE(_Handle, ctypes.POINTER(Descriptor), ctypes.c_ulong)),
    ("connect_port", ctypes.CFUNCTYPE(None, _Handle, ctypes.c_ulong,
                                      ctypes.POINTER(ctypes.c_float))),
    ("activate", ctypes.CFUNCTYPE(None, _Handle)),
    ("run", ctypes.CFUNCTYPE(None, _Handle, ctypes.c_ulong)),
    ("run_adding", ctypes.c_void_p),
    ("set_run_adding_gain", ctypes.c_void_p),
    ("deactivate", ctypes.CFUNCTYPE(None, _Handle)),
    ("cleanup", ctypes.CFUNCTYPE(None, _Handle)),
]


def main(library: str, rate: int) -> dict[str, object]:
    lib = ctypes.CDLL(library)
    lib.ladspa_descriptor.restype = ctypes.POINTER(Descriptor)
    lib.ladspa_descriptor.argtypes = [ctypes.c_ulong]
    pointer = lib.ladspa_descriptor(0)
    d = pointer.contents
    handle = d.instantiate(pointer, rate)
    if not handle:
        raise SystemExit(f"{library}: instantiate() returned NULL")
    keep: list[ctypes.Array[ctypes.c_float]] = []
    ins: list[ctypes.Array[ctypes.c_float]] = []
    outs: list[ctypes.Array[ctypes.c_float]] = []
    controls = iter(CONTROLS)
    for port in range(d.PortCount):
        kind = d.PortDescriptors[port]
        if kind & PORT_AUDIO:
            buffer = (ctypes.c_float * FRAMES)()
            (ins if kind & PORT_INPUT else outs).append(buffer)
        else:
            buffer = (ctypes.c_float * 1)(next(controls, 0.0) if kind & PORT_INPUT else 0.0)
        keep.append(buffer)
        d.connect_port(handle, port, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_float)))
    if d.activate:
        d.activate(handle)
    nan = inf = denormal = False
    peak = 0.0
    rng = random.Random(1)
    for block in range(9):
        silent = block < 8
        for buffer in ins:
            for i in range(FRAMES):
                buffer[i] = 0.0 if silent else rng.uniform(-1.0, 1.0)
        d.run(handle, FRAMES)
        for buffer in outs:
            for x in buffer:
                nan = nan or math.isnan(x)
                inf = inf or math.isinf(x)
                denormal = denormal or (silent and x != 0.0 and abs(x) < FLT_MIN)
                if math.isfinite(x):
                    peak = max(peak, abs(x))
    if d.deactivate:
        d.deactivate(handle)
    d.cleanup(handle)
    return {"nan": nan, "inf": inf, "denormal_after_silence": denormal, "peak": peak}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
