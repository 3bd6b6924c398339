"""Tier 2: instantiate each class of a bundle, as a host would, through the VST3 C interfaces.

:mod:`component` (ctypes, about 1 ms per class) creates each class as ``IComponent``, initialises
it with a minimal host, and reads its buses and its parameters (real ParamIDs, plain ranges,
units) from ``IComponent`` and ``IEditController``. That is the whole of a default tier 2: a scan
never loads pedalboard, whose JUCE host takes 36 ms per plugin at best and minutes for some
(ZamVerb: 100-190 s of CPU against 0.39 s here).

pedalboard (the ``pluginary-vst3[pedalboard]`` extra) is only the fallback for a class whose
parameters the C interfaces cannot give (no edit controller, a controller that fails
``initialize``, a class ``createInstance`` refuses). Such a record says so:
``extra["parameters_from"] == "pedalboard"``, ``extra["parameter_ids"] == "pedalboard-index"``
(its ids are pedalboard's indexes) and ``extra["component_cause"]`` (why), which ``pluginary
show`` prints. Without pedalboard such a class fails with that cause and the advice. Loads use
``initialization_timeout=0`` (pedalboard otherwise plays notes into instruments for up to 10 s).

The role comes from the class's sub-categories (``Instrument`` wins, as in JUCE); a class that
declares none is filed by its buses: event input and audio output but no audio input is an
instrument, events in and out without audio a MIDI effect, anything else an effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from pluginary.models import PluginRecord, Role
from pluginary.scan.juce_parameters import read_parameters

from .component import ComponentInfo, read_components
from .parameters import JUCE_MIDI_CC

PEDALBOARD_ADVICE = ("pip install 'pluginary-vst3[pedalboard]'; apt-get install libgl1 libx11-6 "
                     "libxext6 libxrandr2")


@dataclass(frozen=True)
class DeepResult:
    """The enriched records, or why some class could not be read at all."""

    records: tuple[PluginRecord, ...] = ()
    cause: str = ""


def load_classes(bundle: Path, binary: Path, known: tuple[PluginRecord, ...]) -> DeepResult:
    """Instantiate each class of ``bundle`` and enrich the tier-1 records with what it shows.

    ``known`` are the records tiers 0/1 found: they carry the class ids (the identity).
    """
    details = read_components(binary, [r.uid for r in known], bundle=bundle)
    enriched: list[PluginRecord] = []
    unread: list[tuple[PluginRecord, str]] = []
    for record in known:
        info = details.components.get(record.uid)
        if info is not None and info.parameters_ok:
            enriched.append(with_component(record, info))
        else:
            cause = info.parameter_cause if info is not None else details.causes.get(
                record.uid, details.cause)
            unread.append((record, cause))
    if unread:
        fallback = through_pedalboard(bundle, known, unread, details.components)
        if fallback.cause:
            return fallback
        enriched += fallback.records
    return DeepResult(records=tuple(enriched))


def with_component(record: PluginRecord, info: ComponentInfo) -> PluginRecord:
    """``record`` with the buses and parameters its instantiated class declared."""
    return msgspec.structs.replace(
        record, parameters=info.parameters, role=role_of(record, info),
        audio_inputs=info.audio_inputs, audio_outputs=info.audio_outputs,
        midi_inputs=info.midi_inputs, midi_outputs=info.midi_outputs)


def role_of(record: PluginRecord, info: ComponentInfo) -> Role:
    if record.role is not Role.UNKNOWN:
        return record.role
    if info.midi_inputs and info.audio_outputs and not info.audio_inputs:
        return Role.INSTRUMENT
    if info.midi_inputs and info.midi_outputs and not (info.audio_inputs or info.audio_outputs):
        return Role.MIDI_EFFECT
    return Role.EFFECT


def pedalboard_names(pedalboard: Any, bundle: Path,
                     known: Sequence[PluginRecord]) -> dict[str, str | None]:
    """Class id -> the ``plugin_name`` pedalboard needs to load that class of ``bundle``
    (``None``: the bundle has one class); a class pedalboard does not list is left out.

    ``known`` is every audio module class of the bundle (the factory's list). Asking pedalboard
    for the class names scans the module once more, which costs as much as the load itself: a
    single-class bundle (nearly all of them) is loaded directly.
    """
    if len(known) == 1:
        return {known[0].uid: None}
    listed = set(pedalboard.VST3Plugin.get_plugin_names_for_file(str(bundle)))
    return {r.uid: r.name for r in known if r.name in listed}


def through_pedalboard(bundle: Path, known: Sequence[PluginRecord],
                       unread: Sequence[tuple[PluginRecord, str]],
                       components: dict[str, ComponentInfo]) -> DeepResult:
    """The classes the C interfaces could not read, loaded by pedalboard (JUCE) instead."""
    first = unread[0][1]
    try:
        import pedalboard  # deliberately late: only a worker that needs the fallback pays
    except ImportError as exc:
        return DeepResult(cause=f"the VST3 interfaces could not be read ({first}), and "
                                f"pedalboard, the fallback, cannot be imported ({exc}): "
                                f"{PEDALBOARD_ADVICE}")
    names = pedalboard_names(pedalboard, bundle, known)
    loaded = []
    for record, cause in unread:
        if record.uid not in names:
            return DeepResult(cause=f"pedalboard lists no class named {record.name!r} "
                                    f"(and the VST3 interfaces: {cause})")
        plugin = pedalboard.VST3Plugin(str(bundle), plugin_name=names[record.uid],
                                       initialization_timeout=0)
        extra = {**record.extra, "parameters_from": "pedalboard",
                 "parameter_ids": "pedalboard-index", "component_cause": cause,
                 "juce_identifier": plugin.identifier}
        info = components.get(record.uid)
        channels = {} if info is None else dict(
            audio_inputs=info.audio_inputs, audio_outputs=info.audio_outputs,
            midi_inputs=info.midi_inputs, midi_outputs=info.midi_outputs)
        role = Role.INSTRUMENT if plugin.is_instrument else (
            record.role if record.role is not Role.UNKNOWN else Role.EFFECT)
        loaded.append(msgspec.structs.replace(
            record, parameters=read_parameters(plugin, skip=JUCE_MIDI_CC.match), role=role,
            extra=extra, version=record.version or plugin.version,
            vendor=record.vendor or plugin.manufacturer_name, **channels))
        del plugin
    return DeepResult(records=tuple(loaded))
