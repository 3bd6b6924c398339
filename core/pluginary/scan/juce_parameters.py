"""Parameters of a plugin loaded through a JUCE-based host (pedalboard), for the extensions that
instantiate plugins that way (VST3 and AU). Duck-typed: it never imports the host.

pedalboard's public ``parameters`` property probes every parameter a thousand times to find its
range; this asks each one for three display texts instead (the values at 0, 1 and the default).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..models import Parameter

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_value_text(text: str) -> tuple[float | None, str]:
    """``"-60.0 dB"`` → ``(-60.0, "dB")``; text that is not a number gives ``(None, "")``."""
    match = _NUMBER.match(text)
    if match is None:
        return None, ""
    return float(match.group(1)), match.group(2)


def read_parameters(plugin: Any, *,
                    skip: Callable[[str], object] | None = None) -> tuple[Parameter, ...]:
    """Every parameter of a loaded plugin (ids are the host's indexes), except those whose name
    ``skip`` accepts."""
    found = []
    for p in plugin._parameters:
        if skip is not None and skip(p.name):
            continue
        low, unit_low = parse_value_text(p.get_text_for_raw_value(0.0))
        high, unit_high = parse_value_text(p.get_text_for_raw_value(1.0))
        default, _ = parse_value_text(p.get_text_for_raw_value(p.default_raw_value))
        if low is not None and high is not None and low > high:  # an inverted display
            low, high = high, low
        found.append(Parameter(name=p.name, id=str(p.index), default=default, min=low,
                               max=high, unit=p.label or unit_high or unit_low))
    return tuple(found)
