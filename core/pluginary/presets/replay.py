"""Putting a preset into a loaded plugin and reading its parameters back, in plain units.

Runs inside the preset worker. Snapshots hold *plain* values (milliseconds, decibels, the
values a user reads), so that a snapshot taken from one format can be replayed into another.
Hosts do not all speak plain values: the VST3 glue reads and writes JUCE's normalised 0..1
(or step indexes). The plain range of each parameter comes from the catalogue's record (the
scan read it from the plugin: VST3 ``normalizedParamToPlain`` at 0 and 1, LV2 port ranges), and a
host value is mapped linearly between the two ranges. That mapping is exact for plugins whose
normalised scale is linear (DPF's, so every zam plugin) and approximate for skewed ones;
``docs/presets.md`` says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from ..models import Parameter, PluginRecord
from ..validation.host import AudioInstance, ParamInfo
from .model import ParamValue


class Applied(msgspec.Struct, kw_only=True):
    """What setting parameter values did: the values that found no parameter and those that
    were outside the parameter's range (clamped)."""

    unmatched: list[str] = []
    clamped: list[str] = []


def fold(name: str) -> str:
    """A name as parameters are matched across formats: case-folded, letters and digits only
    (``Attack (ms)``, ``attack_ms`` and ``ATTACK`` all fold to ``attackms``/``attack``)."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _ranges(record: PluginRecord) -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    for p in record.parameters:
        found.setdefault(fold(p.name), p)
        found.setdefault(fold(p.id), p)
    return found


def _plain_range(info: ParamInfo, declared: Parameter | None) -> tuple[float, float] | None:
    """The declared plain range when the host speaks another scale, else None (the host's
    values are plain already)."""
    if declared is None or declared.min is None or declared.max is None:
        return None
    if declared.max == declared.min:
        return None
    if abs(info.minimum - declared.min) < 1e-9 and abs(info.maximum - declared.max) < 1e-9:
        return None
    return declared.min, declared.max


def to_plain(info: ParamInfo, declared: Parameter | None, host: float) -> tuple[float, bool]:
    """A host value in plain units; the flag is False when no plain range is known (the value
    is then the host's own, normalised for VST3)."""
    span = _plain_range(info, declared)
    if span is None:
        ranged = declared is not None and declared.min is not None and declared.max is not None
        return host, ranged or not _normalised_host(info)
    low, high = span
    width = info.maximum - info.minimum
    fraction = (host - info.minimum) / width if width else 0.0
    return low + fraction * (high - low), True


def to_host(info: ParamInfo, declared: Parameter | None, plain: float) -> float:
    """A plain value in the host's units, unclamped."""
    span = _plain_range(info, declared)
    if span is None:
        return plain
    low, high = span
    fraction = (plain - low) / (high - low)
    value = info.minimum + fraction * (info.maximum - info.minimum)
    return float(round(value)) if info.stepped else value


def _normalised_host(info: ParamInfo) -> bool:
    return info.minimum == 0.0 and info.maximum == 1.0 and not info.stepped


def snapshot(instance: AudioInstance, record: PluginRecord) -> tuple[ParamValue, ...]:
    """Every writable parameter's current value, plain where the range is known."""
    declared = _ranges(record)
    values = []
    for info in instance.parameters():
        if info.read_only:
            continue
        plain, known = to_plain(info, declared.get(fold(info.name)) or declared.get(
            fold(info.key)), instance.get(info.key))
        values.append(ParamValue(key=info.key, name=info.name, value=plain,
                                 normalised=not known))
    return tuple(values)


def _lookup(infos: Sequence[ParamInfo]) -> dict[str, ParamInfo]:
    """Host parameters by exact key, then by folded name and folded key."""
    table: dict[str, ParamInfo] = {}
    for info in infos:
        table.setdefault(info.key, info)
    for info in infos:
        table.setdefault(fold(info.name), info)
        table.setdefault(fold(info.key), info)
    return table


def apply(instance: AudioInstance, record: PluginRecord, values: Iterable[ParamValue], *,
          by_key_only: bool = False) -> Applied:
    """Set ``values`` (plain unless marked normalised) on ``instance``, matching each by key,
    then (unless ``by_key_only``) by folded name or key. Read-only parameters are skipped as
    unmatched; values outside a range are clamped and reported."""
    infos = [i for i in instance.parameters() if not i.read_only]
    table = _lookup(infos)
    declared = _ranges(record)
    applied = Applied()
    for value in values:
        info = table.get(value.key)
        if info is None and not by_key_only:
            info = table.get(fold(value.name)) or table.get(fold(value.key))
        if info is None:
            applied.unmatched.append(value.name or value.key)
            continue
        host = value.value if value.normalised else to_host(
            info, declared.get(fold(info.name)) or declared.get(fold(info.key)), value.value)
        clamped = min(max(host, info.minimum), info.maximum)
        if abs(clamped - host) > 1e-6 * max(1.0, abs(info.maximum - info.minimum)):
            applied.clamped.append(info.name)
        instance.set(info.key, clamped)
    return applied


def by_name(values: Iterable[ParamValue]) -> Mapping[str, ParamValue]:
    """A snapshot indexed by folded name and key, for mapping tables."""
    table: dict[str, ParamValue] = {}
    for value in values:
        table.setdefault(value.key.casefold(), value)
        table.setdefault(value.name.casefold(), value)
        table.setdefault(fold(value.name), value)
    return table


def named(values: Sequence[ParamValue], record: PluginRecord) -> tuple[ParamValue, ...]:
    """``values`` with the plugin's parameter names where a value carries only its key (an LV2
    preset read without its plugin's bundle names ports by symbol): names are what a snapshot
    is matched by in another format."""
    names = {p.id: p.name for p in record.parameters if p.name}
    return tuple(msgspec.structs.replace(v, name=names[v.key])
                 if (not v.name or v.name == v.key) and v.key in names else v for v in values)
