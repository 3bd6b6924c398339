"""The ``vstpreset`` container: ``.vstpreset`` files, linked to plugins by their class id.

Captures and conversions go through JUCE's host state (pedalboard's ``raw_state``, see
:mod:`.juce_state`): :meth:`VstPresetContainer.wrap` turns it into the ``.vstpreset`` that
pedalboard's own ``preset_data`` gives for the same state (the same bytes: header, ``Comp``,
``Cont``, list), and :meth:`~VstPresetContainer.unwrap` turns a ``.vstpreset`` back into the
``raw_state`` that loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError, Unwrapped
from pluginary.presets.files import file_identity, find_files, read_sources
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.validation.host import NotSupported

from . import vstpreset_file as vp
from .fx_file import CHUNK_BANK
from .juce_state import build_juce_state, parse_juce_state
from .locations import layout_bank, vst3_preset_roots
from .metainfo import author_of, parse_metainfo, tags_of
from .vst2_wrap import find_wrapped_bank

NAME = "vstpreset"
JUCE_STATE = "juce-state"
_CLASS_ID = re.compile(r"[0-9A-Fa-f]{32}")


def class_id_of(plugin: PluginRecord) -> str:
    """The class id a ``.vstpreset`` for ``plugin`` carries: its VST3 uid, 32 hex digits."""
    if plugin.format != "vst3":
        raise NotSupported(f"a .vstpreset holds the state of a VST3 plugin; {plugin.key} is "
                           f"a {plugin.format} plugin")
    if not _CLASS_ID.fullmatch(plugin.uid):
        raise NotSupported(f"{plugin.key}: a VST3 class id has 32 hex digits")
    return plugin.uid.upper()


def vstpreset_from_state(state: bytes, class_id: str) -> bytes:
    """The ``.vstpreset`` of a JUCE host state: ``Comp`` and ``Cont`` as pedalboard's
    ``preset_data`` writes them (JUCE's host always has an edit controller, so ``Cont`` is
    always there, empty when the controller keeps no state of its own)."""
    streams = parse_juce_state(state)
    return vp.build_vstpreset(class_id, [(vp.COMPONENT, streams.component or b""),
                                         (vp.CONTROLLER, streams.controller or b"")])


def state_from_vstpreset(data: bytes) -> bytes:
    """The JUCE host state (``raw_state``) that loads a ``.vstpreset``'s ``Comp`` and
    ``Cont``; an empty chunk is no element, as JUCE writes it."""
    preset = vp.parse_vstpreset(data)
    component = preset.chunk(vp.COMPONENT)
    if component is None:
        found = ", ".join(repr(c.id.decode("latin-1")) for c in preset.chunks) or "none"
        raise PresetFormatError(f"the .vstpreset has no 'Comp' chunk (chunks: {found}), so it "
                                f"holds no state a plugin can load")
    controller = preset.chunk(vp.CONTROLLER)
    return build_juce_state(component.data or None,
                            controller.data if controller and controller.data else None)


class VstPresetContainer:
    """``.vstpreset`` files in the standard VST3 preset folders."""

    name = NAME
    plugin_format = "vst3"
    suffix = ".vstpreset"
    description = ("VST3 presets (.vstpreset): header, class id, Comp/Cont/Info chunks; "
                   "exact to and from pedalboard's raw_state")

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """The standard VST3 preset folders (see :mod:`.locations`)."""
        return vst3_preset_roots(system, env, home)

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        """Every ``*.vstpreset`` under ``roots``."""
        return find_files(roots, self.suffix)

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """One preset per file, linked to ``vst3:<class id>``."""
        return read_sources(paths, _preset_of_file)

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """The ``.vstpreset`` of a captured JUCE host state (``name`` and ``parameters`` are
        kept by the catalogue: the file is what pedalboard itself would write)."""
        if state is None:
            raise NotSupported("a .vstpreset holds the plugin's state, and this capture has "
                               "none (the host returned no state)")
        return vstpreset_from_state(state, class_id_of(plugin))

    def unwrap(self, data: bytes) -> Unwrapped:
        """The JUCE host state that loads this preset (``plugin.raw_state = state``)."""
        return Unwrapped(state=state_from_vstpreset(data))

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """``juce-state``: the host state; ``fxb``/``fxp``: the VST2 bank (or its current
        program) when ``Comp`` is VST2 state wrapped for the plugin's VST3 version."""
        if target == JUCE_STATE:
            return state_from_vstpreset(data)
        if target not in ("fxb", "fxp"):
            return None
        component = vp.parse_vstpreset(data).chunk(vp.COMPONENT)
        bank = find_wrapped_bank(component.data) if component else None
        if component is None or bank is None:
            return None
        if target == "fxb":
            return component.data[bank.offset:bank.end]
        # A chunk bank holds the plugin's whole-bank chunk, which a VST2 plugin need not read
        # the way it reads a program chunk: not an exact program.
        program = None if bank.kind == CHUNK_BANK else bank.current()
        return component.data[program.offset:program.end] if program else None


def _preset_of_file(path: Path, data: bytes) -> tuple[Preset, ...]:
    preset = vp.parse_vstpreset(data)
    info = preset.chunk(vp.META_INFO)
    attributes = parse_metainfo(info.data, info.offset) if info else {}
    return (Preset(
        identity=file_identity(path),
        plugin=f"vst3:{preset.class_id}",
        name=attributes.get("Name", "").strip() or path.stem,
        container=NAME,
        data=data,
        bank=layout_bank(path),
        author=author_of(attributes),
        tags=tags_of(attributes),
        source=str(path),
        meta=attributes,
    ),)
