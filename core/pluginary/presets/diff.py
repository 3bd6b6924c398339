"""Comparing two versions of a preset (or two presets) parameter by parameter."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from .model import ParamValue

#: Differences smaller than this fraction of the larger magnitude (or 1e-6) are equal: a
#: state saved and reloaded can round a float.
RELATIVE = 1e-5


class Change(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One parameter that differs; ``before``/``after`` is None where it is absent."""

    name: str
    before: float | None = None
    after: float | None = None


def diff(before: Sequence[ParamValue], after: Sequence[ParamValue]) -> list[Change]:
    """The parameters whose values differ, in ``after``'s order, then those only ``before``
    has. Parameters are paired by key."""
    old = {v.key: v for v in before}
    changes: list[Change] = []
    for value in after:
        was = old.pop(value.key, None)
        if was is None:
            changes.append(Change(name=value.name or value.key, after=value.value))
        elif not _close(was.value, value.value):
            changes.append(Change(name=value.name or value.key, before=was.value,
                                  after=value.value))
    changes.extend(Change(name=v.name or v.key, before=v.value) for v in old.values())
    return changes


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, RELATIVE * max(abs(a), abs(b)))
