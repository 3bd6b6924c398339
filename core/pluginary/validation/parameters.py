"""Level 2: parameters. Every parameter (up to :data:`MOST`, evenly sampled) is enumerated and
set at its minimum, maximum, default and three seeded random points; what the plugin reports
back must be the value set (``round-trip``), inside its range (``in-range``), and agree with the
format's other representation of it (``conversion``). A declared range must make sense
(``range``: finite, minimum under maximum, default inside)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from .host import AudioInstance, ParamInfo
from .signals import Problem

#: Parameters checked per plugin; a plugin with more is sampled evenly (first and last kept).
MOST = 256
#: How far a value read back may be from the one set, as a fraction of the range: a plugin may
#: keep values in 32-bit floats or quantise a normalised value (VST3) on the way.
TOLERANCE = 1e-3
#: Random points per parameter, from a seed per parameter: a failure reproduces.
RANDOM_POINTS = 3


def sample(params: Sequence[ParamInfo], most: int = MOST) -> list[ParamInfo]:
    """At most ``most`` parameters, evenly spread over the list."""
    if len(params) <= most:
        return list(params)
    step = (len(params) - 1) / (most - 1)
    return [params[round(i * step)] for i in range(most)]


def points(p: ParamInfo, seed: int) -> list[float]:
    """Where a parameter is set: its ends, its default and seeded random points (whole steps
    for a stepped parameter)."""
    rng = random.Random(seed)
    found = [p.minimum, p.maximum, p.default] + [
        rng.uniform(p.minimum, p.maximum) for _ in range(RANDOM_POINTS)]
    return [float(round(v)) if p.stepped else v for v in found]


def range_problem(p: ParamInfo) -> Problem | None:
    bounds = (p.minimum, p.maximum, p.default)
    if not all(math.isfinite(v) for v in bounds):
        return Problem(check="range", message=f"parameter {p.name!r} declares a range or "
                                              f"default that is not finite: {bounds}")
    if p.minimum > p.maximum:
        return Problem(check="range", message=f"parameter {p.name!r}: minimum {p.minimum:g} "
                                              f"over maximum {p.maximum:g}")
    slack = TOLERANCE * (p.maximum - p.minimum)
    if not p.minimum - slack <= p.default <= p.maximum + slack:
        return Problem(check="range", message=f"parameter {p.name!r}: default {p.default:g} "
                                              f"outside [{p.minimum:g}, {p.maximum:g}]")
    return None


def level2(instance: AudioInstance) -> list[Problem]:
    """The first problem of each parameter (``range``, ``in-range``, ``round-trip`` or
    ``conversion``), in parameter order."""
    found: list[Problem] = []
    for index, p in enumerate(sample(instance.parameters())):
        if p.read_only:  # an output (a meter, a latency) need not declare a range or default
            declared = math.isfinite(p.minimum) and math.isfinite(p.maximum)
            problem = _read_only(instance, p) if declared else None
        else:
            problem = range_problem(p) or _round_trips(instance, p, seed=index)
        if problem is not None:
            found.append(problem)
    return found


def _read_only(instance: AudioInstance, p: ParamInfo) -> Problem | None:
    return _in_range(instance.get(p.key), p, "as read")


def _in_range(value: float, p: ParamInfo, when: str) -> Problem | None:
    slack = TOLERANCE * (p.maximum - p.minimum)
    if math.isfinite(value) and p.minimum - slack <= value <= p.maximum + slack:
        return None
    return Problem(check="in-range", message=f"parameter {p.name!r} reports {value:g} {when}, "
                                             f"outside [{p.minimum:g}, {p.maximum:g}]")


def _round_trips(instance: AudioInstance, p: ParamInfo, seed: int) -> Problem | None:
    slack = TOLERANCE * (p.maximum - p.minimum)
    for value in points(p, seed):
        instance.set(p.key, value)
        got = instance.get(p.key)
        problem = _in_range(got, p, f"after set({value:g})")
        if problem is not None:
            return problem
        if not abs(got - value) <= slack + (0.5 if p.stepped else 0.0):
            return Problem(check="round-trip", message=f"parameter {p.name!r} set to {value:g} "
                                                       f"reports {got:g}")
        back = instance.convert(p.key, value)
        if back is not None and not abs(back - value) <= slack + (0.5 if p.stepped else 0.0):
            return Problem(check="conversion", message=f"parameter {p.name!r}: {value:g} "
                                                       f"converts back to {back:g}")
    instance.set(p.key, p.default)
    return None
