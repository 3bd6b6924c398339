"""The checks of level 3 on output blocks: each finds what it is for, and only that."""

from __future__ import annotations

import math
from array import array

from pluginary.validation import signals
from pluginary.validation.signals import FLT_MIN, PEAK_BOUND, check_block


def kinds(block, after_silence=False):
    return [p.check for p in check_block(array("f", block), after_silence=after_silence)]


def test_a_clean_block_has_no_problem():
    assert kinds([0.0, 0.5, -1.0, 63.9], after_silence=True) == []


def test_nan_and_infinity_are_found_where_they_are():
    problems = check_block(array("f", [0.0, 0.0, math.nan]), after_silence=False)
    assert [p.check for p in problems] == ["finite"] and "NaN at sample 2" in problems[0].message
    assert kinds([math.inf]) == ["finite"] and kinds([-math.inf]) == ["finite"]


def test_denormals_count_only_after_silence():
    tiny = FLT_MIN / 4  # a subnormal 32-bit float
    assert array("f", [tiny])[0] != 0.0
    assert kinds([0.0, tiny], after_silence=True) == ["denormals"]
    assert kinds([0.0, tiny], after_silence=False) == []
    assert kinds([FLT_MIN], after_silence=True) == []  # the smallest normal is fine


def test_a_peak_over_the_bound_is_a_blow_up():
    assert kinds([PEAK_BOUND * 1.01]) == ["peak"] and kinds([-PEAK_BOUND * 2]) == ["peak"]
    assert kinds([PEAK_BOUND]) == []


def test_the_signals_are_what_their_names_say():
    assert set(signals.silence(64)) == {0.0}
    assert signals.impulse(4).tolist() == [1.0, 0.0, 0.0, 0.0]
    noise = signals.noise(4096)
    assert noise == signals.noise(4096) and noise != signals.noise(4096, seed=2)
    assert 0.9 < max(abs(x) for x in noise) <= 1.0
