"""Which compatibility rule applies to what a scan found."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from ..models import PluginRecord, PluginSummary
from ..registry import Rule


def matching_rule(rules: Sequence[Rule], records: Sequence[PluginRecord | PluginSummary]
                  ) -> Rule | None:
    """The first rule whose key, vendor and name globs all match one of ``records``."""
    for rule in rules:
        for r in records:
            if (fnmatch.fnmatchcase(r.key, rule.key) and fnmatch.fnmatchcase(r.vendor, rule.vendor)
                    and fnmatch.fnmatchcase(r.name, rule.name)):
                return rule
    return None
