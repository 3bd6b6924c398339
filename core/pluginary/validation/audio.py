"""Level 3: silence, an impulse and noise at every sample rate and block size of
:mod:`.signals`, each output block checked (finite, no denormals after silence, no blow-up)."""

from __future__ import annotations

from array import array
from collections.abc import Callable

from . import signals
from .host import AudioPlugin
from .signals import Problem

#: Blocks of silence run first, so a filter's tail has time to decay into denormals.
SILENT_BLOCKS = 8


def level3(plugin: AudioPlugin, *, rates: tuple[int, ...] = signals.SAMPLE_RATES,
           blocks: tuple[int, ...] = signals.BLOCK_SIZES) -> list[Problem]:
    """Every problem found, the first of each check at each rate and block size."""
    found: list[Problem] = []
    for rate in rates:
        for frames in blocks:
            found += _run(plugin, rate, frames)
    return found


def _run(plugin: AudioPlugin, rate: int, frames: int) -> list[Problem]:
    instance = plugin.instantiate(rate, frames)
    try:
        where = f"({rate} Hz, blocks of {frames})"
        silent: tuple[str, Callable[[int], array[float]], bool] = (
            "silence", signals.silence, True)
        feeds = [silent] * SILENT_BLOCKS + [("impulse", signals.impulse, False),
                                            ("noise", signals.noise, False)]
        for name, make, after_silence in feeds:
            block = make(frames)
            outputs = instance.run([block] * instance.inputs, frames)
            for channel, out in enumerate(outputs):
                problems = signals.check_block(
                    out, after_silence=after_silence,
                    where=f"in channel {channel} for {name} {where}")
                if problems:
                    return problems
        return []
    finally:
        instance.close()
