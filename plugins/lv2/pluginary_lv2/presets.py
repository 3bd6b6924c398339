"""The ``lv2-preset`` container: LV2 presets (``pset:Preset``) read from bundles through lilv.

A source is a bundle folder. :meth:`Lv2PresetContainer.read` makes one lilv world per call and
loads only the bundles it is given (never lilv's whole path: an incremental pass reads only the
bundles that changed). Each preset found in a bundle's manifest is loaded
(``lilv_world_load_resource``), read as a state (``lilv_state_new_from_world``), and kept as
the standalone Turtle ``lilv_state_to_string`` writes for it: the same bytes each time, and
loadable on their own. Presets of a bundle that holds no plugin (ZynAddSubFX.lv2presets, a
user's ``~/.lv2/*.preset.lv2``) are read like any other; their parameters are named by port
symbol unless the plugin's bundle is in the same batch.

Turtle that lilv cannot parse makes the bundle's :class:`SourceRead` an error naming the file
and what serd said (:mod:`.stderr_tap`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import msgspec

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError, Unwrapped
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.scan.roots import roots_for
from pluginary.validation.host import NotSupported

from . import LV2, find_bundles
from .preset_alone import AlonePreset
from .preset_lilv import RDFS_LABEL, RDFS_SEE_ALSO, PresetWorld, State
from .preset_ttl import preset_ttl, preset_uri
from .stderr_tap import StderrTap, log_warnings, summarise

log = logging.getLogger(__name__)

NAME = "lv2-preset"


class Lv2PresetContainer:
    """LV2 presets: ``pset:Preset`` subjects of LV2 bundles, each kept as its own Turtle."""

    name = NAME
    plugin_format = "lv2"
    suffix = ".ttl"
    description = "LV2 presets (pset:Preset) in LV2 bundles, read through liblilv"

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """``LV2_PATH`` when it is set (as lilv does, it then replaces the defaults), else the
        LV2 format's default roots, ``~/.lv2`` (where user preset bundles live) among them."""
        os_name = "windows" if system.startswith("win") else system
        env = {**env, "HOME": str(home), "USERPROFILE": str(home)}
        info = LV2
        if env.get(LV2.path_env or ""):
            info = msgspec.structs.replace(LV2, default_roots={})
        return [Path(str(p)) for p in roots_for(info, os_name=os_name, env=env)]

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        """Every bundle under ``roots``: the folders the LV2 scan finds (:func:`find_bundles`)."""
        return list(find_bundles(roots))

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """Every preset of each bundle in ``paths`` (a ``.ttl`` file is read as one preset)."""
        return read_sources([Path(p) for p in paths])

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """A ``pset:Preset`` for ``plugin.uid`` labelled ``name``, with one ``lv2:port [
        lv2:symbol ; pset:value ]`` per parameter (its key is the port symbol).

        Opaque ``state`` is not written: the LV2 host has no state extension, so it could not
        load it back (it never makes any: its ``save`` raises NotSupported). A non-empty one is
        dropped with a warning; the port values are kept."""
        if plugin.format != self.plugin_format:
            raise NotSupported(f"{NAME} holds LV2 presets, not {plugin.format} ones")
        if state:
            log.warning("%s: the plugin's opaque state (%d bytes) is not written: the LV2 "
                        "host cannot load it; the port values are", plugin.uid, len(state))
        values = []
        for p in parameters:
            if p.normalised:
                raise NotSupported(f"port {p.key}: an LV2 preset holds plain port values, "
                                   "not normalised ones")
            values.append((p.key, p.value))
        try:
            return preset_ttl(preset_uri(plugin.uid, name), plugin.uid, name, values)
        except ValueError as exc:
            raise NotSupported(f"{plugin.uid}: {exc}") from exc

    def unwrap(self, data: bytes) -> Unwrapped:
        """The port values of the preset in ``data`` (Turtle holding one ``a pset:Preset``)."""
        with AlonePreset(data) as alone:
            return Unwrapped(parameters=tuple(
                ParamValue(key=symbol, name=symbol, value=value)
                for symbol, value in alone.state.port_values()))

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """None: LV2 presets have no second container."""
        return None


def read_sources(paths: list[Path]) -> list[SourceRead]:
    """One :class:`SourceRead` per path, in order, from one world holding these bundles only.

    The bundles are loaded one by one, and the presets that appear with each are that bundle's
    (a preset URI that two bundles of one batch declare counts for the first)."""
    results: dict[int, SourceRead] = {}
    owned: list[tuple[int, list[str]]] = []
    with StderrTap() as tap, PresetWorld() as world:
        seen: set[str] = set()
        count = 0
        for index, path in enumerate(paths):
            if path.is_file():
                results[index] = read_file(path)
                continue
            if not (path / "manifest.ttl").is_file():
                results[index] = SourceRead(path=str(path), error=f"{path}: not an LV2 bundle "
                                            "(it has no manifest.ttl)")
                continue
            start = tap.mark()
            world.load_bundle(path)
            messages = tap.since(start)
            if messages.errors:
                results[index] = SourceRead(path=str(path),
                                            error=summarise(messages, path, "manifest.ttl"))
            log_warnings(messages, str(path))
            total = world.preset_count()
            new: list[str] = []
            if total != count:  # most bundles declare no preset: no need to list them
                count = total
                new = sorted(u for u in world.presets() if u not in seen)
                seen.update(new)
            if index not in results:
                owned.append((index, new))
        for index, uris in owned:
            results[index] = read_bundle(world, tap, paths[index], uris)
    return [results[i] for i in range(len(paths))]


def read_bundle(world: PresetWorld, tap: StderrTap, bundle: Path,
                uris: list[str]) -> SourceRead:
    """The presets ``uris`` of ``bundle``; the first file lilv cannot parse makes it an error."""
    presets = []
    for uri in uris:
        start = tap.mark()
        world.load_resource(uri)
        messages = tap.since(start)
        if messages.errors:
            named = world.value(uri, RDFS_SEE_ALSO)  # the file lilv was reading
            where = unquote(urlsplit(named).path) if named.startswith("file:") else ""
            return SourceRead(path=str(bundle), error=summarise(
                messages, bundle, os.path.basename(where) or "manifest.ttl"))
        log_warnings(messages, uri)
        start = tap.mark()
        preset = read_preset(world, uri, bundle)
        messages = tap.since(start)
        log_warnings(messages, uri)
        for line in messages.errors:  # the plugin's data (port names), a port without symbol
            log.warning("%s: %s", uri, line)
        if preset is not None:
            presets.append(preset)
    return SourceRead(path=str(bundle), presets=tuple(presets))


def read_preset(world: PresetWorld, uri: str, bundle: Path) -> Preset | None:
    """One preset from what the world has loaded; None (logged) when lilv makes no state of
    it or it names no plugin."""
    state = world.state(uri)
    if state is None:
        log.warning("%s: lilv finds nothing about preset %s (skipped)", bundle, uri)
        return None
    with state:
        if not state.plugin_uri:
            log.warning("%s: preset %s has no lv2:appliesTo (skipped)", bundle, uri)
            return None
        label = world.value(uri, RDFS_LABEL) or state.label
        try:
            return make_preset(world, state, uri, label, world.bank_label(uri), bundle)
        except ValueError as exc:  # lilv_state_to_string gave nothing
            log.warning("%s: %s (skipped)", bundle, exc)
            return None


def make_preset(world: PresetWorld, state: State, uri: str, label: str, bank: str,
                source: Path) -> Preset:
    """The :class:`Preset` of a state whose plugin is known."""
    plugin = state.plugin_uri
    values = state.port_values()
    names = world.port_names(plugin, [s for s, _ in values]) if values else {}
    parameters = tuple(ParamValue(key=symbol, name=names.get(symbol) or symbol, value=value)
                       for symbol, value in values)
    return Preset(identity=uri, plugin=f"lv2:{plugin}",
                  name=label or uri.rpartition("#")[2] or uri, container=NAME,
                  data=state.to_string(uri), bank=bank, tags=(bank,) if bank else (),
                  source=str(source), parameters=parameters or None)


def read_file(path: Path) -> SourceRead:
    """A lone ``.ttl`` holding one preset (as :meth:`Lv2PresetContainer.wrap` or jalv write
    one); a subject written ``<>`` is the file's own URI."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SourceRead(path=str(path), error=f"{path}: {exc.strerror}")
    try:
        with AlonePreset(data) as alone:
            uri = path.resolve().as_uri() if alone.relative else alone.state.uri
            preset = make_preset(alone.world, alone.state, uri, alone.label, alone.bank, path)
    except (PresetFormatError, ValueError) as exc:
        return SourceRead(path=str(path), error=f"{path.name}: {exc}")
    return SourceRead(path=str(path), presets=(preset,))
