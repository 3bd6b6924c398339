"""Tier 2: instantiate each class of a bundle, as a host would.

Two instantiations per class, both in the scan worker:

- :mod:`component` (ctypes, ~1 ms) reads the buses (channel counts, MIDI/event buses) and the
  parameters with their real VST3 ParamIDs, plain ranges and units, from IComponent and
  IEditController;
- pedalboard (JUCE) is the host check: the plugin must load in a real host. It also gives the
  instrument flag and JUCE's identifier. pedalboard is imported here only, never in the parent.
  Loads use ``initialization_timeout=0`` (pedalboard otherwise plays notes into instruments for
  up to 10 s to "warm them up").

When the ctypes reader cannot read a class, its parameters come from pedalboard's raw
``_parameters`` list with two probes each (the texts at 0 and 1 give min, max and unit); the
public ``parameters`` property probes each parameter 1001 times (~47 ms per plugin measured in
the project's notes). Their ids are then pedalboard's indexes, which ``extra`` says.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from pluginary.models import PluginRecord, Role
from pluginary.scan.juce_parameters import read_parameters

from .component import JUCE_MIDI_CC, read_components


def load_classes(bundle: Path, binary: Path,
                 known: tuple[PluginRecord, ...]) -> tuple[PluginRecord, ...]:
    """Instantiate each class of ``bundle`` and enrich the tier-1 records with what it shows.

    ``known`` are the records tiers 0/1 found: they carry the class ids (the identity), which
    pedalboard does not expose. A class pedalboard lists but the factory did not is skipped.
    """
    import pedalboard  # deliberately late: only workers pay for it

    details = read_components(binary, [r.uid for r in known], bundle=bundle)
    # Asking pedalboard for the class names scans the module once more, which costs as much as
    # the load itself; the factory already said how many classes there are, so a single-class
    # bundle (nearly all of them) is loaded directly.
    if len(known) == 1:
        pairs: list[tuple[str | None, PluginRecord]] = [(None, known[0])]
    else:
        by_name = {r.name: r for r in known}
        pairs = [(name, by_name[name]) for name in
                 pedalboard.VST3Plugin.get_plugin_names_for_file(str(bundle)) if name in by_name]
    enriched = []
    for name, record in pairs:
        plugin = pedalboard.VST3Plugin(str(bundle), plugin_name=name, initialization_timeout=0)
        role = Role.INSTRUMENT if plugin.is_instrument else (
            record.role if record.role is not Role.UNKNOWN else Role.EFFECT)
        extra = dict(record.extra)
        extra["juce_identifier"] = plugin.identifier
        info = details.components.get(record.uid)
        channels: dict[str, int | None] = {}
        if info is not None:
            channels = dict(audio_inputs=info.audio_inputs, audio_outputs=info.audio_outputs,
                            midi_inputs=info.midi_inputs, midi_outputs=info.midi_outputs)
        if info is not None and info.parameters_ok:
            parameters = info.parameters
        else:
            parameters = read_parameters(plugin, skip=JUCE_MIDI_CC.match)
            extra["parameter_ids"] = "pedalboard-index"
            extra["component_cause"] = (info.parameter_cause if info is not None else
                                        details.causes.get(record.uid, details.cause))
        enriched.append(msgspec.structs.replace(
            record, parameters=parameters, role=role, extra=extra,
            version=record.version or plugin.version,
            vendor=record.vendor or plugin.manufacturer_name, **channels))
        del plugin
    return tuple(enriched)
