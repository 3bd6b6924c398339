"""The display texts a JUCE host gives for parameter values, turned into numbers and units."""

from __future__ import annotations

import pytest

from pluginary.scan.juce_parameters import parse_value_text


@pytest.mark.parametrize(("text", "expected"), [
    ("-60.0 dB", (-60.0, "dB")),
    ("  440 Hz ", (440.0, "Hz")),
    ("+3.5dB", (3.5, "dB")),
    (".5", (0.5, "")),
    ("1e3 ms", (1000.0, "ms")),
    ("100 %", (100.0, "%")),
    ("Off", (None, "")),
    ("", (None, "")),
    ("-inf dB", (None, "")),
])
def test_parse_value_text(text, expected):
    assert parse_value_text(text) == expected
