"""The five levels, run in order in one process: each level runs only when the ones below it
passed, so a result says how far a plugin got and where it stopped.

1. ``load``: the glue opens the plugin (a real host: its own C interface, or pedalboard for
   VST3), reads what it describes, instantiates it at 48 kHz and enumerates its parameters.
2. ``parameters``: :mod:`.parameters`.
3. ``audio``: :mod:`.audio`, and the latency it reports.
4. ``state``: :mod:`.state`.
5. ``stress``: :mod:`.stress`.

An exception in a level (the glue's "activate returned false") fails that level, with the
level's name as the check; :class:`~.host.NotSupported` stops the run there instead, the levels
below it passed.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from .audio import level3
from .host import AudioPlugin, NotSupported
from .parameters import level2
from .signals import Problem
from .state import level4
from .stress import level5

NAMES = {1: "load", 2: "parameters", 3: "audio", 4: "state", 5: "stress"}
LEVELS = tuple(NAMES)
#: The longest latency a plugin may report at level 1: 10 s of audio (at 48 kHz).
MOST_LATENCY = 480000


class Event(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What the worker reports as it goes; a crash or a hang leaves the last ``start``."""

    #: start, end (problems, if any: the level failed), unsupported, info; from a fork
    #: server also forked (``pid``) and exited (``code``: negative for a signal).
    kind: str
    level: int = 0
    problems: tuple[Problem, ...] = ()
    cause: str = ""
    #: ``info``: what level 1 read (name, vendor, parameters, latency...).
    info: dict[str, str] = {}
    pid: int = 0
    code: int = 0


def _load(plugin: AudioPlugin, tell: Callable[[Event], None]) -> list[Problem]:
    info = dict(plugin.describe())
    instance = plugin.instantiate(48000, 512)
    try:
        latency = instance.latency()
        info.update(parameters=str(len(instance.parameters())), inputs=str(instance.inputs),
                    outputs=str(instance.outputs), latency=str(latency))
    finally:
        instance.close()
    tell(Event(kind="info", info=info))
    if not 0 <= latency <= MOST_LATENCY:
        return [Problem(check="latency", message=f"reports a latency of {latency} samples")]
    return []


def _parameters(plugin: AudioPlugin) -> list[Problem]:
    instance = plugin.instantiate(48000, 512)
    try:
        return level2(instance)
    finally:
        instance.close()


def run_levels(plugin: AudioPlugin, up_to: int, tell: Callable[[Event], None],
               format: str = "") -> None:
    """Levels 1 to ``up_to`` (those the glue supports), each reported through ``tell``."""
    steps: dict[int, Callable[[], list[Problem]]] = {
        1: lambda: _load(plugin, tell), 2: lambda: _parameters(plugin),
        3: lambda: level3(plugin), 4: lambda: level4(plugin), 5: lambda: level5(plugin)}
    for level in LEVELS[:up_to]:
        if level not in plugin.levels:
            tell(Event(kind="unsupported", level=level,
                       cause=f"level {level} ({NAMES[level]}) is not supported for "
                             f"{format or 'these'} plugins"))
            return
        tell(Event(kind="start", level=level))
        try:
            problems = steps[level]()
        except NotSupported as exc:
            tell(Event(kind="unsupported", level=level, cause=str(exc)))
            return
        except Exception as exc:  # the plugin's fault as its glue saw it: this level fails
            problems = [Problem(check=NAMES[level], message=f"{type(exc).__name__}: {exc}")]
        tell(Event(kind="end", level=level, problems=tuple(problems)))
        if problems:
            return
