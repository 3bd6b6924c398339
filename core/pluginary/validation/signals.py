"""Test signals and what a plugin's output must not contain.

Level 3 feeds every plugin silence, an impulse and noise, and checks each output block:

* finite: no NaN and no infinity, ever;
* no denormals after silence: a filter's tail decaying into subnormal floats costs up to 100x
  CPU on x86 (a classic plugin bug that pluginval checks too);
* no blow-up: the peak stays under :data:`PEAK_BOUND` (+36 dBFS) for inputs that peak at 1.0,
  far above any sane gain stage but a clear sign of a feedback path running away.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence

import msgspec

SAMPLE_RATES = (44100, 48000, 96000)
BLOCK_SIZES = (32, 512, 4096)
#: The largest peak an output may reach (+36 dBFS) when its input peaks at 1.0.
PEAK_BOUND = 64.0
#: The smallest normal 32-bit float: anything closer to zero but not zero is a denormal.
FLT_MIN = 1.1754943508222875e-38


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One failed check: which, and what was seen (for the report)."""

    check: str
    message: str


def silence(frames: int) -> array[float]:
    return array("f", bytes(4 * frames))


def impulse(frames: int) -> array[float]:
    signal = silence(frames)
    if frames:
        signal[0] = 1.0
    return signal


def noise(frames: int, seed: int = 1) -> array[float]:
    """White noise peaking under 1.0, the same for the same seed (results are comparable)."""
    rng = random.Random(seed)
    return array("f", (rng.uniform(-1.0, 1.0) for _ in range(frames)))


def check_block(block: Sequence[float], *, after_silence: bool,
                where: str = "") -> list[Problem]:
    """The problems in one output block (the first of each kind)."""
    found: list[Problem] = []
    at = f" {where}" if where else ""
    for i, x in enumerate(block):
        if not math.isfinite(x):
            kind = "NaN" if math.isnan(x) else "infinity"
            found.append(Problem(check="finite", message=f"{kind} at sample {i}{at}"))
            break
    if after_silence:
        for i, x in enumerate(block):
            if x != 0.0 and abs(x) < FLT_MIN:
                found.append(Problem(check="denormals",
                                     message=f"denormal {x:.3g} at sample {i} after silence{at}"))
                break
    peak = max((abs(x) for x in block if math.isfinite(x)), default=0.0)
    if peak > PEAK_BOUND:
        found.append(Problem(check="peak", message=f"peak {peak:.3g} over {PEAK_BOUND:g} "
                                                   f"(+36 dBFS){at}"))
    return found
