"""What the compatibility rules say about validating each plugin: a skip or block rule keeps it
from being loaded at all, an env rule sets its worker's variables, and a timeout rule with
``level = N`` replaces level N's budget (:data:`~.run.LEVEL_BUDGETS`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pluggy

from ..models import PluginRecord
from ..scan.rules import RuleBook
from .run import LEVEL_BUDGETS


@dataclass(frozen=True)
class Plan:
    """How one plugin is validated."""

    budgets: Mapping[int, float]
    env: Mapping[str, str] = field(default_factory=dict)
    #: Why a rule keeps it from being loaded ("" when none does).
    blocked: str = ""


class Planner:
    def __init__(self, pm: pluggy.PluginManager, *, fixed: float | None = None) -> None:
        self.book = RuleBook.load(pm)
        #: ``--timeout``: every level's budget, whatever the rules say.
        self.fixed = fixed

    def plan(self, record: PluginRecord) -> Plan:
        decision = self.book.decide(record.file_path, record.format, [record])
        budgets = dict(LEVEL_BUDGETS)
        for level, placed in decision.level_budgets.items():
            assert placed.rule.seconds is not None  # a timeout rule has seconds (Rule checks)
            budgets[level] = placed.rule.seconds
        if self.fixed is not None:
            budgets = dict.fromkeys(LEVEL_BUDGETS, self.fixed)
        blocked = decision.cause() if decision.admit is not None else ""
        return Plan(budgets=budgets, env=decision.env, blocked=blocked)
