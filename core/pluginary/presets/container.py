"""What a format extension registers to read and write its preset files: a preset container.

A container (``vstpreset``, ``fxp``, ``lv2-preset``, ``aupreset``, ``clap-state``...) is an
object registered through the ``register_preset_containers`` hook. It finds its sources under
the default folders, reads them in batches (pure parsing, in the calling process: no plugin code
runs), and moves a plugin's state in and out of its bytes for captures and conversions (the
plugin code runs only in the isolated preset workers, through the validation hosts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import msgspec

from ..errors import PluginaryError
from ..models import PluginRecord
from .model import ParamValue, SourceRead


class PresetFormatError(PluginaryError):
    """A preset file or payload is not what its container expects (the message says what was
    found where); nothing is stored from it."""

    exit_code = 13
    default_hint = "check that the file is a complete preset of that format"


class Unwrapped(msgspec.Struct, frozen=True, kw_only=True):
    """What a container's bytes give a host: the plugin's own state (what
    :meth:`pluginary.validation.host.AudioInstance.load` takes), parameter values to set, or
    both (state first, then the values)."""

    state: bytes | None = None
    parameters: tuple[ParamValue, ...] = ()


@runtime_checkable
class PresetContainer(Protocol):
    """One preset container. Methods a container cannot do raise
    :class:`pluginary.validation.host.NotSupported` with the reason."""

    #: The container's name, unique across extensions: ``vstpreset``.
    name: str
    #: The plugin format its presets apply to: ``vst3``.
    plugin_format: str
    #: The file suffix of one preset written on its own: ``.vstpreset``.
    suffix: str
    #: One line for ``preset containers`` and the docs.
    description: str

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """The standard preset folders on ``system`` (``linux``, ``darwin``, ``win32``), the
        ones that exist or not; [] for a container that is only captured."""
        ...

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        """The sources under ``roots``: files, or folders read as one (an LV2 bundle). Never
        raise for an unreadable folder: log it and go on."""
        ...

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """Read each source; one :class:`SourceRead` per path, in any order. A source that
        cannot be parsed is a SourceRead with ``error``, never an exception."""
        ...

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """The container's bytes for a plugin's ``state`` (what the host's ``save`` returned,
        None when it has none) and parameter values."""
        ...

    def unwrap(self, data: bytes) -> Unwrapped:
        """What a host loads from ``data``; :class:`PresetFormatError` when it is malformed."""
        ...

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """Tier 1 conversion: the same state in container ``target`` for the same plugin,
        exactly; None when this container cannot do that pair."""
        ...
