"""What a format extension provides so that the shared checks can run its plugins."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Protocol


class AudioInstance(Protocol):
    """One instance of a plugin at one sample rate, ready to process."""

    #: Audio channels in and out.
    inputs: int
    outputs: int

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        """Process ``frames`` samples of each input channel; the output channels."""
        ...

    def close(self) -> None:
        """Deactivate and free the instance."""
        ...


class AudioPlugin(Protocol):
    """A plugin the shared checks can instantiate."""

    key: str

    def instantiate(self, sample_rate: int, max_block: int) -> AudioInstance:
        ...
