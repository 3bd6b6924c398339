"""Cross-plugin conversion (tier 3): explicit mapping tables that an extension registers.

Nothing converts a preset from one plugin to another plugin by guessing. A :class:`PresetMap`
names its source and target plugins and says, for each target parameter, which source
parameter feeds it and through which transform. Every map is lossy by declaration: it is shown
to the user with its note and the source parameters it leaves out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import msgspec

from ..errors import UsageError
from .model import ParamValue

#: The transforms a rule may name. Values are plain units on both sides.
TRANSFORMS = ("linear", "db-to-gain", "gain-to-db")


class ParamRule(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """How one target parameter gets its value: ``scale * f(source) + offset`` where ``f`` is
    the ``transform``, or the constant ``value`` when ``source`` is empty."""

    target: str
    source: str = ""
    transform: str = "linear"
    scale: float = 1.0
    offset: float = 0.0
    value: float | None = None


class PresetMap(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A mapping table from one plugin's parameters to another's. Parameter names are matched
    case-insensitively against the names (or keys) the plugins report."""

    name: str
    #: The plugin keys (``format:uid``) it converts from and to.
    source: str
    target: str
    rules: tuple[ParamRule, ...]
    note: str = ""
    lossy: bool = True


def check_map(table: PresetMap) -> None:
    """Raise :class:`UsageError` for a table that cannot work (an unknown transform, a rule
    with neither source nor value)."""
    for rule in table.rules:
        if rule.transform not in TRANSFORMS:
            raise UsageError(f"preset map '{table.name}': unknown transform '{rule.transform}'",
                             hint=f"use one of {', '.join(TRANSFORMS)}")
        if not rule.source and rule.value is None:
            raise UsageError(f"preset map '{table.name}': the rule for '{rule.target}' has "
                             "neither a source nor a value")


def _transform(name: str, value: float) -> float:
    if name == "db-to-gain":
        return float(10.0 ** (value / 20.0))
    if name == "gain-to-db":
        return 20.0 * math.log10(value) if value > 0 else -144.0
    return value


def apply_map(table: PresetMap, source: Mapping[str, ParamValue]) -> tuple[
        list[ParamValue], list[str]]:
    """The target parameter values ``table`` makes from ``source`` (by case-folded name or
    key), and the rules whose source parameter the snapshot lacks."""
    values: list[ParamValue] = []
    unmatched: list[str] = []
    for rule in table.rules:
        if not rule.source:
            assert rule.value is not None
            values.append(ParamValue(key=rule.target, name=rule.target, value=rule.value))
            continue
        found = source.get(rule.source.casefold())
        if found is None:
            unmatched.append(rule.source)
            continue
        value = rule.scale * _transform(rule.transform, found.value) + rule.offset
        values.append(ParamValue(key=rule.target, name=rule.target, value=value))
    return values, unmatched
