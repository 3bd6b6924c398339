"""Level 5: stress. Many instances one after another (``instantiate``), random parameter
changes between blocks while noise plays (``automation``: the level-3 output checks hold), and
two instances processing at once on two threads (``concurrent``: each must give what one
instance alone gives, within :data:`~.state.OUTPUT_TOLERANCE`, so no instance reads or writes
another's memory)."""

from __future__ import annotations

import random
import threading
from array import array

from . import signals
from .host import AudioInstance, AudioPlugin
from .parameters import sample
from .signals import Problem
from .state import OUTPUT_TOLERANCE

RATE = 48000
FRAMES = 512
#: Instances created, run for a block and destroyed one after another.
INSTANCES = 64
#: Noise blocks played while parameters change (about 2 s at 48 kHz).
AUTOMATION_BLOCKS = 200
#: Parameters changed before each automated block.
CHANGES_PER_BLOCK = 4
#: Blocks each of the two concurrent instances processes.
CONCURRENT_BLOCKS = 100


def level5(plugin: AudioPlugin, seed: int = 5) -> list[Problem]:
    return (_instances(plugin) or _automation(plugin, random.Random(seed))
            or _concurrent(plugin))


def _instances(plugin: AudioPlugin) -> list[Problem]:
    block = signals.noise(FRAMES)
    for number in range(1, INSTANCES + 1):
        try:
            instance = plugin.instantiate(RATE, FRAMES)
        except Exception as exc:  # the glue's way of saying instantiation failed
            return [Problem(check="instantiate",
                            message=f"instance {number} of {INSTANCES} failed: {exc}")]
        try:
            instance.run([block] * instance.inputs, FRAMES)
        finally:
            instance.close()
    return []


def _automation(plugin: AudioPlugin, rng: random.Random) -> list[Problem]:
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        params = [p for p in sample(instance.parameters()) if not p.read_only]
        for number in range(AUTOMATION_BLOCKS):
            for p in rng.sample(params, min(CHANGES_PER_BLOCK, len(params))):
                value = rng.uniform(p.minimum, p.maximum)
                instance.set(p.key, float(round(value)) if p.stepped else value)
            block = signals.noise(FRAMES, seed=number + 1)
            for channel, out in enumerate(instance.run([block] * instance.inputs, FRAMES)):
                # A peak after random settings is the plugin's business (a resonant filter at
                # its extreme may ring over +36 dBFS); NaN and infinity never are.
                problems = [p for p in signals.check_block(
                    out, after_silence=False,
                    where=f"in channel {channel}, automated block {number + 1}")
                    if p.check == "finite"]
                if problems:
                    return [Problem(check="automation", message=problems[0].message)]
        return []
    finally:
        instance.close()


def _play(instance: AudioInstance, into: list[list[array[float]]],
          failed: list[BaseException]) -> None:
    try:
        for number in range(CONCURRENT_BLOCKS):
            block = signals.noise(FRAMES, seed=number + 1)
            into.append(instance.run([block] * instance.inputs, FRAMES))
    except BaseException as exc:  # re-raised on the calling thread
        failed.append(exc)


def _concurrent(plugin: AudioPlugin) -> list[Problem]:
    """Instances are created on the calling thread and processed on two others, as a DAW
    creates plugins on its main thread and runs them on audio threads (JUCE, and so pedalboard,
    creates instances only on its main thread)."""
    alone: list[list[array[float]]] = []
    failed: list[BaseException] = []
    instances: list[AudioInstance] = []
    try:
        for _ in range(3):  # inside the try: those made are closed if one fails
            instances.append(plugin.instantiate(RATE, FRAMES))
        # The reference runs on a thread of its own too: a host may treat its main thread
        # specially (JUCE delivers parameter updates there), so all three run alike.
        first = threading.Thread(target=_play, args=(instances[0], alone, failed))
        first.start()
        first.join()
        together: tuple[list[list[array[float]]], ...] = ([], [])
        threads = [threading.Thread(target=_play, args=(instance, out, failed))
                   for instance, out in zip(instances[1:], together, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for instance in instances:
            instance.close()
    if failed:
        raise failed[0]
    for which, outputs in enumerate(together):
        for number, (mine, reference) in enumerate(zip(outputs, alone, strict=True)):
            for channel, (x, y) in enumerate(zip(mine, reference, strict=True)):
                worst = max((abs(p - q) for p, q in zip(x, y, strict=True)), default=0.0)
                if not worst <= OUTPUT_TOLERANCE:  # NaN compares false: a difference too
                    return [Problem(check="concurrent",
                                    message=f"instance {which + 1} of 2 running at once gave "
                                            f"other output than one alone (by {worst:.3g} in "
                                            f"channel {channel}, block {number + 1})")]
    return []
