"""What a format extension provides so that the shared checks can run its plugins.

A format's ``open_for_validation`` hook returns an :class:`AudioPlugin`; the levels of
:mod:`pluginary.validation.levels` call only what is declared here, so a format adds its
instantiate/run/parameter/state glue and nothing else. A plugin the glue cannot host (an LV2
plugin that requires a feature the host does not offer) raises :class:`NotSupported` from the
hook or from :meth:`AudioPlugin.instantiate`: its result is ``unsupported``, with that cause.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Protocol

import msgspec


class NotSupported(Exception):
    """The glue cannot host this plugin (the message says why: "requires feature X")."""


class ParamInfo(msgspec.Struct, frozen=True, kw_only=True):
    """One parameter as the loaded plugin reports it, in plain (not normalised) values."""

    #: The glue's own handle: a CLAP param id, a LADSPA port index, an LV2 symbol, a name.
    key: str
    name: str
    minimum: float
    maximum: float
    default: float
    #: Whole steps only (integer, boolean or list parameters).
    stepped: bool = False
    #: A value the host reads but does not set (an output or read-only parameter).
    read_only: bool = False


class AudioInstance(Protocol):
    """One instance of a plugin at one sample rate, ready to process."""

    #: Audio channels in and out.
    inputs: int
    outputs: int

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        """Process ``frames`` samples of each input channel; the output channels."""
        ...

    def latency(self) -> int:
        """The latency the plugin reports, in samples (0 when the format has none)."""
        ...

    def parameters(self) -> Sequence[ParamInfo]:
        """Every parameter, as the plugin reports it now."""
        ...

    def get(self, key: str) -> float:
        """A parameter's plain value, read back from the plugin where the format allows it."""
        ...

    def set(self, key: str, value: float) -> None:
        """Set a parameter's plain value; it takes effect before the next :meth:`run` (the glue
        flushes it the way its format requires)."""
        ...

    def convert(self, key: str, value: float) -> float | None:
        """``value`` through the format's other representation and back (plain, normalised,
        plain; or value, text, value); ``None`` when the format has no such pair."""
        ...

    def save(self) -> bytes:
        """The plugin's state; :class:`NotSupported` when the format or plugin has none."""
        ...

    def load(self, state: bytes) -> None:
        """Restore a state :meth:`save` returned (from another instance of the same plugin)."""
        ...

    def close(self) -> None:
        """Deactivate and free the instance."""
        ...


class AudioPlugin(Protocol):
    """A plugin the shared checks can instantiate."""

    key: str
    #: The levels this glue supports (1 load, 2 parameters, 3 audio, 4 state, 5 stress).
    levels: tuple[int, ...]

    def describe(self) -> dict[str, str]:
        """What the host read while loading (name, vendor, version...), for level 1's report."""
        ...

    def instantiate(self, sample_rate: int, max_block: int) -> AudioInstance:
        """A new instance with fresh state (never a reused one: levels 4 and 5 rely on it)."""
        ...

    def close(self) -> None:
        """Release the library (after every instance is closed)."""
        ...
