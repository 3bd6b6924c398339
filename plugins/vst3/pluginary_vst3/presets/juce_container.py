"""The ``juce-state`` container: a VST3 plugin's state exactly as JUCE's host (pedalboard's
``raw_state``) gives it, for captures. No folder holds such files, so it has no roots; a
``.juce-state`` file (what an export writes) is still read when asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pluginary.models import PluginRecord
from pluginary.presets.container import Unwrapped
from pluginary.presets.files import file_identity, find_files, read_sources
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.validation.host import NotSupported

from .juce_state import parse_juce_state
from .vstpreset_container import NAME as VSTPRESET
from .vstpreset_container import class_id_of, vstpreset_from_state

NAME = "juce-state"


class JuceStateContainer:
    """Captured VST3 states, in JUCE's ``VC2!`` XML form."""

    name = NAME
    plugin_format = "vst3"
    suffix = ".juce-state"
    description = ("a VST3 plugin's state as pedalboard's raw_state gives it (JUCE 'VC2!' "
                   "XML); captured only, re-wraps exactly into a .vstpreset")

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """None: these states are captured from loaded plugins, never found in folders."""
        return []

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        """``*.juce-state`` files under folders given explicitly."""
        return find_files(roots, self.suffix)

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """One preset per file; the state does not name its plugin, so ``plugin`` is ""."""
        return read_sources(paths, _preset_of_file)

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """The captured state, unchanged (checked to be a JUCE VST3 host state)."""
        if state is None:
            raise NotSupported(f"a juce-state holds the plugin's state, and this capture of "
                               f"{plugin.key} has none (the host returned no state)")
        parse_juce_state(state)
        return state

    def unwrap(self, data: bytes) -> Unwrapped:
        """The state itself: what ``raw_state`` takes."""
        parse_juce_state(data)
        return Unwrapped(state=data)

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """``vstpreset``: the file pedalboard's ``preset_data`` gives for this state."""
        if target != VSTPRESET:
            return None
        return vstpreset_from_state(data, class_id_of(plugin))


def _preset_of_file(path: Path, data: bytes) -> tuple[Preset, ...]:
    streams = parse_juce_state(data)
    meta = {"component_bytes": str(len(streams.component or b"")),
            "controller_bytes": str(len(streams.controller or b""))}
    return (Preset(identity=file_identity(path), plugin="", name=path.stem, container=NAME,
                   data=data, source=str(path), meta=meta),)
