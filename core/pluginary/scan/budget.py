"""How long a candidate may take before the watchdog kills it: budgets learned from the catalogue.

A budget has two limits. ``idle`` bounds the time without any CPU progress in the worker's
process group: a plugin waiting on a dialog, a lock or a sleep is stuck, whatever the clock says.
``wall`` bounds the total time, so a plugin spinning forever is stopped too, but a plugin that is
busy doing real work (ZamVerb building its tables for minutes) gets far longer than one that
hangs.

The base budgets are short because every default tier is cheap: metadata, a factory, or a class
read through the format's C interfaces (ZamVerb 0.39 s, a 5000-parameter plugin 42 ms; nothing
loads a host such as pedalboard). A plugin that hangs is then recorded ``timeout`` within about
12.5 s (a stall: 5 s, retried alone with 7.5 s) or 25 s (a spin: 10 s, retried with 15 s) instead
of holding the scan for minutes; one that really needs longer gets it from what it took last
time, its vendor's typical time, its binary's size, a ``timeout`` rule, or ``--base-timeout``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import CandidateState, Fingerprint, Status

#: The base idle limit per tier, in seconds: no tier should stall this long without CPU work.
BASE_IDLE = {0: 5.0, 1: 5.0, 2: 5.0}
#: The wall limit is this many times the idle limit (also for ``--base-timeout``).
WALL_FACTOR = 2.0
#: The base wall limit per tier, in seconds.
BASE_WALL = {tier: WALL_FACTOR * idle for tier, idle in BASE_IDLE.items()}
#: How much more a timed-out candidate gets when it is retried alone. 1.5, not 2: the retry
#: runs alone on a quieter machine, and a spin's two attempts (10 s + 15 s) then stay well
#: inside the 30 s one hanging plugin may add to a scan (bench/timeouts.py).
RETRY_FACTOR = 1.5
#: A budget never grows past this many seconds of wall time (30 minutes).
CEILING = 1800.0
#: Seconds of allowance per MiB of binary: big binaries take longer to map and relocate.
PER_MIB = 0.05


@dataclass(frozen=True)
class Budget:
    idle: float
    wall: float
    #: False when the user fixed the budget with --timeout: no larger retry.
    adaptive: bool = True

    def retried(self) -> Budget:
        """The budget for the one retry after a timeout."""
        if not self.adaptive:
            return self
        return Budget(min(self.idle * RETRY_FACTOR, CEILING),
                      min(self.wall * RETRY_FACTOR, CEILING))


class BudgetPlanner:
    """Budgets from what the catalogue learned: this candidate's last time, its vendor's typical
    time, and the size of its binary. ``fixed`` (from --timeout) overrides all of it.

    Only ``ok`` loads teach anything: a timed-out load's time is the budget it was killed at, and
    a crash's is arbitrary, so learning from them would only ratchet budgets upward."""

    def __init__(self, states: Mapping[str, CandidateState], *, fixed: float | None = None,
                 base: float | None = None,
                 rule_seconds: dict[str, float] | None = None) -> None:
        self.states = states
        self.fixed = fixed
        #: Replaces the per-tier base idle limit (the wall limit is WALL_FACTOR times it).
        self.base = base
        #: Budgets that compatibility rules give to candidates, by path.
        self.rule_seconds = rule_seconds if rule_seconds is not None else {}
        self.vendor_typical = _vendor_typical(states.values())

    def budget(self, path: str, tier: int, fingerprint: Fingerprint | None = None) -> Budget:
        if self.fixed is not None:
            return Budget(self.fixed, self.fixed, adaptive=False)
        if self.base is not None:
            idle, wall = self.base, WALL_FACTOR * self.base
        else:
            idle = BASE_IDLE.get(tier, BASE_IDLE[2])
            wall = BASE_WALL.get(tier, BASE_WALL[2])
        state = self.states.get(path)
        learned = 0.0
        if state is not None and learns(state) and state.tier == tier:
            learned = state.seconds or 0.0
        if state is not None and state.vendor:
            learned = max(learned, self.vendor_typical.get((state.vendor, tier), 0.0))
        learned = max(learned, self.rule_seconds.get(path, 0.0))
        size = fingerprint.size if fingerprint else (
            state.fingerprint.size if state and state.fingerprint else 0)
        allowance = size / (1024 * 1024) * PER_MIB
        idle = max(idle, 2 * learned) + allowance
        wall = max(wall, 3 * learned) + allowance
        return Budget(min(idle, CEILING), min(wall, CEILING))

    def expected(self, path: str) -> float:
        """The best guess of how long a candidate takes, for ordering (slow ones go last)."""
        state = self.states.get(path)
        if state is None or state.seconds is None:
            return 0.0
        return state.seconds


def learns(state: CandidateState) -> bool:
    """Whether a candidate's last load time says how long it needs: only an ``ok`` load does."""
    return state.status is Status.OK and state.seconds is not None


def _vendor_typical(states: Iterable[CandidateState]) -> dict[tuple[str, int], float]:
    """The median load time per (vendor, tier), from at least three candidates."""
    samples: dict[tuple[str, int], list[float]] = {}
    for s in states:
        if s.vendor and s.seconds is not None and learns(s):  # (narrows the type)
            samples.setdefault((s.vendor, s.tier), []).append(s.seconds)
    return {key: statistics.median(values) for key, values in samples.items()
            if len(values) >= 3}
