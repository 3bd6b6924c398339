"""Level 4: state. Instance A gets seeded random parameter values and saves its state; a fresh
instance B restores it. B must report A's parameters (``state-params``, within the level-2
tolerance), then both get the same noise and must give the same output (``state-output``,
within :data:`OUTPUT_TOLERANCE`): a plugin whose output depends on anything but its state and
its input (a stale buffer, an uninitialised one, another instance's) fails.

A plugin without a state of its own (a CLAP plugin without ``clap.state``: its glue's ``save``
raises :class:`~.host.NotSupported`) is restored the way a host restores it, by setting on B the
parameter values read from A."""

from __future__ import annotations

import random
from collections.abc import Sequence

from . import signals
from .host import AudioInstance, AudioPlugin, NotSupported, ParamInfo
from .parameters import TOLERANCE, sample
from .signals import Problem

RATE = 48000
FRAMES = 512
#: Silent blocks after setting the values, before saving (and after restoring, before
#: comparing): a plugin that smooths parameter changes settles in both instances alike.
SETTLE_BLOCKS = 4
#: Noise blocks compared.
COMPARED_BLOCKS = 8
#: The largest difference allowed between the two outputs, sample by sample (-80 dBFS): the
#: same code on the same input gives bit-identical output, so any real difference is a bug.
OUTPUT_TOLERANCE = 1e-4


def level4(plugin: AudioPlugin, seed: int = 4) -> list[Problem]:
    a = plugin.instantiate(RATE, FRAMES)
    try:
        params = [p for p in sample(a.parameters()) if not p.read_only]
        rng = random.Random(seed)
        chosen = {p.key: _random_value(p, rng) for p in params}
        for key, value in chosen.items():
            a.set(key, value)
        _silence(a)
        saved = {p.key: a.get(p.key) for p in params}
        try:
            state: bytes | None = a.save()
        except NotSupported:
            state = None  # no state of its own: a host restores the parameters it saved
        b = plugin.instantiate(RATE, FRAMES)
        try:
            if state is not None:
                b.load(state)
            else:
                for key, value in saved.items():
                    b.set(key, value)
            _silence(b)
            problems = _compare_params(b, params, saved)
            return problems or _compare_output(a, b)
        finally:
            b.close()
    finally:
        a.close()


def _random_value(p: ParamInfo, rng: random.Random) -> float:
    value = rng.uniform(p.minimum, p.maximum)
    return float(round(value)) if p.stepped else value


def _silence(instance: AudioInstance) -> None:
    block = signals.silence(FRAMES)
    for _ in range(SETTLE_BLOCKS):
        instance.run([block] * instance.inputs, FRAMES)


def _compare_params(b: AudioInstance, params: Sequence[ParamInfo],
                    saved: dict[str, float]) -> list[Problem]:
    for p in params:
        got = b.get(p.key)
        if abs(got - saved[p.key]) > TOLERANCE * (p.maximum - p.minimum) + (
                0.5 if p.stepped else 0.0):
            return [Problem(check="state-params",
                            message=f"parameter {p.name!r} is {got:g} after restoring a state "
                                    f"saved with {saved[p.key]:g}")]
    return []


def _compare_output(a: AudioInstance, b: AudioInstance) -> list[Problem]:
    for block_number in range(COMPARED_BLOCKS):
        block = signals.noise(FRAMES, seed=block_number + 1)
        out_a = a.run([block] * a.inputs, FRAMES)
        out_b = b.run([block] * b.inputs, FRAMES)
        for channel, (x, y) in enumerate(zip(out_a, out_b, strict=True)):
            worst = max((abs(p - q) for p, q in zip(x, y, strict=True)), default=0.0)
            if not worst <= OUTPUT_TOLERANCE:  # NaN compares false: a difference too
                return [Problem(check="state-output",
                                message=f"the restored instance's output differs by {worst:.3g} "
                                        f"in channel {channel}, noise block {block_number + 1}")]
    return []
