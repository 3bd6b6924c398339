"""Tier 2: instantiate each Audio Unit of a bundle through pedalboard (JUCE), as a host would.

This is the host check (the Audio Unit must open in a real host) and it gives what Info.plist
does not: the parameters and the instrument flag. pedalboard is imported here only, inside a scan
worker, and only on macOS. Loads use ``initialization_timeout=0``: otherwise pedalboard plays
notes into instruments for up to 10 s to "warm them up".
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from pluginary.models import PluginRecord, Role
from pluginary.scan.juce_parameters import read_parameters


def pair_with_names(known: tuple[PluginRecord, ...],
                    names: list[str]) -> list[tuple[str, PluginRecord]]:
    """Match the names pedalboard lists for a bundle to the Info.plist records. JUCE drops the
    "Vendor: " prefix, so a record matches by its name or its full "Vendor: Name"."""
    pairs = []
    for record in known:
        wanted = {record.name, f"{record.vendor}: {record.name}"}
        match = next((n for n in names if n in wanted), None)
        if match is not None:
            pairs.append((match, record))
    return pairs


def load_bundle(bundle: Path, known: tuple[PluginRecord, ...]) -> tuple[PluginRecord, ...]:
    """Instantiate each Audio Unit of ``bundle`` and enrich its tier-0 record.

    ``known`` carries the identities (``type:subtype:manufacturer``) pedalboard does not expose.
    """
    import pedalboard  # deliberately late: only workers on macOS pay for it

    if len(known) == 1:  # nearly every bundle: no need to have JUCE list the names first
        pairs: list[tuple[str | None, PluginRecord]] = [(None, known[0])]
    else:
        names = list(pedalboard.AudioUnitPlugin.get_plugin_names_for_file(str(bundle)))
        pairs = list(pair_with_names(known, names))
    enriched = []
    for name, record in pairs:
        plugin = pedalboard.AudioUnitPlugin(str(bundle), plugin_name=name,
                                            initialization_timeout=0)
        role = Role.INSTRUMENT if plugin.is_instrument else record.role
        extra = dict(record.extra)
        extra["juce_identifier"] = str(plugin.identifier)
        enriched.append(msgspec.structs.replace(
            record, parameters=read_parameters(plugin), role=role, extra=extra,
            version=record.version or str(plugin.version),
            vendor=record.vendor or str(plugin.manufacturer_name)))
        del plugin
    return tuple(enriched)
