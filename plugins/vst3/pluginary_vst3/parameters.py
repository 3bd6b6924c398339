"""A VST3 edit controller's parameters, read through ctypes, in the units a host shows.

For each parameter ``getParameterInfo`` gives the ParamID, title, units, step count and
normalised default; ``normalizedParamToPlain`` at 0, 1 and the default gives the plain range.
Plugins built on Steinberg's SDK without a declared range, and every JUCE plugin, answer
``normalizedParamToPlain`` with the normalised value itself: their real range is only in the
text a host shows (``getParamStringByValue``: "87.8 Hz" .. "1020.3 Hz"). For such a parameter
(plain equal to normalised at 0, 1 and the default) the texts at both ends and the default are
read, and when all three are a number with an optional unit, those numbers become the range and
the text's unit the unit, as a host's display would show them; otherwise ("Low"/"High",
"-inf dB") the 0-1 range stays. The step count and the normalised default are kept either way.

Parameters flagged ``kIsHidden`` are left out (see :mod:`pluginary_vst3.component`); so are
JUCE's "MIDI CC n|m" parameters, which are not flagged.
"""

from __future__ import annotations

import ctypes
import math
import re
from typing import Any

from pluginary.models import Parameter
from pluginary.scan.juce_parameters import parse_value_text

from .factory import _FUNCTYPE, _method
from .host import _K_RESULT_OK

_vp = ctypes.c_void_p
_String128 = ctypes.c_uint16 * 128

# ParameterInfo::ParameterFlags (ivsteditcontroller.h)
_K_IS_READ_ONLY = 1 << 1
_K_IS_HIDDEN = 1 << 4

#: JUCE adds 2048 "MIDI CC n|m" parameters (not flagged hidden) to map MIDI controllers.
JUCE_MIDI_CC = re.compile(r"^MIDI CC \d+\|\d+$")


class ParameterInfo(ctypes.Structure):
    """``Steinberg::Vst::ParameterInfo``."""

    _fields_ = (
        ("id", ctypes.c_uint32),
        ("title", _String128),
        ("shortTitle", _String128),
        ("units", _String128),
        ("stepCount", ctypes.c_int32),
        ("defaultNormalizedValue", ctypes.c_double),
        ("unitId", ctypes.c_int32),
        ("flags", ctypes.c_int32),
    )


_GET_PARAMETER_COUNT = _FUNCTYPE(ctypes.c_int32, _vp)
_GET_PARAMETER_INFO = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32,
                                ctypes.POINTER(ParameterInfo))
_NORMALIZED_TO_PLAIN = _FUNCTYPE(ctypes.c_double, _vp, ctypes.c_uint32, ctypes.c_double)
_STRING_BY_VALUE = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_uint32, ctypes.c_double,
                             ctypes.POINTER(_String128))

_SLOT_GET_PARAMETER_COUNT = 8
_SLOT_GET_PARAMETER_INFO = 9
_SLOT_NORMALIZED_TO_PLAIN = 12
_SLOT_STRING_BY_VALUE = 10

#: How close plain and normalised values must be to count as "plain is normalised".
_SAME = 1e-9


def _string128(raw: Any) -> str:
    data = bytes(raw)  # little-endian char16 units on every platform VST3 runs on
    text = data.decode("utf-16-le", errors="replace")
    return text.split("\0", 1)[0].strip()


#: Relative size of float32 rounding noise (a few ulps of a 24-bit mantissa).
_FLOAT32_NOISE = 2.0**-21


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _tidy(value: float | None, span: float) -> float | None:
    """``value`` without float32 rounding noise: ``9.999999046`` → ``10.0``, ``0.1000000015`` →
    ``0.1``, and a default of ``1.19e-06`` on a -50..20 dB range → ``0.0``.

    Most plugins keep their ranges in float and convert through the normalized value; what
    comes back is the float32 value plus noise. A value is replaced by its 6-significant-digit
    form (``FLT_DIG``) only when the two differ by noise, so genuine doubles stay as they are.
    """
    if value is None:
        return None
    if abs(value) <= span * _FLOAT32_NOISE:
        return 0.0
    short = float(f"{value:.6g}")
    return short if abs(short - value) <= abs(value) * _FLOAT32_NOISE else value


def _shown(controller: int, pid: int, value: float) -> tuple[float, str] | None:
    """The number and unit a host shows for normalised ``value``, or None if it is no number."""
    text = _String128()
    to_string = _method(controller, _SLOT_STRING_BY_VALUE, _STRING_BY_VALUE)
    if to_string(controller, pid, value, ctypes.byref(text)) != _K_RESULT_OK:
        return None
    number, unit = parse_value_text(_string128(text))
    return (number, unit) if number is not None and math.isfinite(number) else None


def _displayed_range(controller: int, pid: int, default: float
                     ) -> tuple[float, float, float, str] | None:
    """(min, max, default, unit) as displayed, when all three texts are numbers."""
    ends = [_shown(controller, pid, v) for v in (0.0, 1.0, default)]
    if any(e is None for e in ends):
        return None
    (low, unit), (high, _), (shown_default, _) = ends  # type: ignore[misc]
    if low > high:
        low, high = high, low
    return low, high, shown_default, unit


def _read_parameters(controller: int, *, include_hidden: bool,
                     include_read_only: bool) -> tuple[int, tuple[Parameter, ...]]:
    count = int(_method(controller, _SLOT_GET_PARAMETER_COUNT, _GET_PARAMETER_COUNT)(controller))
    get_info = _method(controller, _SLOT_GET_PARAMETER_INFO, _GET_PARAMETER_INFO)
    to_plain = _method(controller, _SLOT_NORMALIZED_TO_PLAIN, _NORMALIZED_TO_PLAIN)
    found = []
    for index in range(max(count, 0)):
        info = ParameterInfo()
        if get_info(controller, index, ctypes.byref(info)) != _K_RESULT_OK:
            continue
        name = _string128(info.title) or _string128(info.shortTitle)
        if not include_hidden and (info.flags & _K_IS_HIDDEN or JUCE_MIDI_CC.match(name)):
            continue
        if not include_read_only and info.flags & _K_IS_READ_ONLY:
            continue
        pid = int(info.id)
        normalized_default = float(info.defaultNormalizedValue)
        low = _finite(to_plain(controller, pid, 0.0))
        high = _finite(to_plain(controller, pid, 1.0))
        default = _finite(to_plain(controller, pid, normalized_default))
        unit = _string128(info.units)
        if (low is not None and high is not None and default is not None
                and abs(low) < _SAME and abs(high - 1.0) < _SAME
                and abs(default - normalized_default) < _SAME):
            shown = _displayed_range(controller, pid, normalized_default)
            if shown is not None:
                low, high, default, shown_unit = shown
                unit = unit or shown_unit
        if low is not None and high is not None and low > high:
            low, high = high, low
        span = abs(high - low) if low is not None and high is not None else 0.0
        low, high, default = _tidy(low, span), _tidy(high, span), _tidy(default, span)
        steps = int(info.stepCount)
        found.append(Parameter(name=name, id=str(pid), default=default, min=low, max=high,
                               unit=unit, steps=steps if steps > 0 else None,
                               default_normalized=_tidy(normalized_default, 1.0)))
    return max(count, 0), tuple(found)
