"""Which compatibility rules apply to a candidate, from what is known of it so far.

The scan asks twice: before a candidate is scheduled, from its path, format and what an earlier
scan stored for that path; and as soon as tier 0 or 1 names its plugins. So a rule applies at
every tier, in every mode (``--quick`` too) and to every format. Rules come from three sources
(:data:`pluginary.rules.SOURCES`): when several decide the same thing for a plugin, the one of
the higher source wins (the user's ``rules.toml`` over a vendor pack over the built-ins), and
within a source the later rule.
"""

from __future__ import annotations

import functools
import os
import platform
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import msgspec
import pluggy

from ..config import config_path
from ..errors import UsageError
from ..models import CandidateState, PluginRecord, Role, Status
from ..products import Linkable
from ..registry import collect_rule_sets
from ..rules import Action, Rule, decode_rules, matches

#: ``PLUGINARY_RULES`` names the user's rule file; else ``rules.toml`` beside ``config.toml``.
RULES_ENV = "PLUGINARY_RULES"


class Described(Linkable, Protocol):
    """What rules read of a plugin (a record, or the catalogue's light summary of one): what
    product linking reads, and its version and categories."""

    @property
    def version(self) -> str: ...
    @property
    def categories(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Placed:
    """A rule and where it came from."""

    rule: Rule
    source: str  # builtin | vendor | user
    origin: str  # the rule set's name, or the rule file
    number: int  # 1-based, within its set or file
    extension: str = ""

    def label(self) -> str:
        by = f", from {self.extension}" if self.extension else ""
        return f"rule {self.number} of {self.origin} ({self.source}{by})"


@dataclass
class Decision:
    """What the matching rules decide for one candidate; each slot names the rule that won."""

    admit: Placed | None = None  # a skip or block rule
    timeout: Placed | None = None
    #: Validation budgets by level, from timeout rules that name a level.
    level_budgets: dict[int, Placed] = field(default_factory=dict)
    isolate: Placed | None = None
    #: Variables for the worker, from env rules (a later rule wins per variable).
    env: dict[str, str] = field(default_factory=dict)
    notes: list[Placed] = field(default_factory=list)
    #: ``{field: (value, rule)}`` from override rules.
    overrides: dict[str, tuple[str, Placed]] = field(default_factory=dict)

    def cause(self) -> str:
        assert self.admit is not None
        reason = self.admit.rule.reason or "no reason given"
        return f"{self.admit.label()}: {reason}"


@functools.cache
def os_name() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    return "darwin" if sys.platform == "darwin" else "windows" if os.name == "nt" else sys.platform


@functools.cache
def machine() -> str:
    """x86_64 or arm64 whatever the OS calls them (AMD64, aarch64)."""
    arch = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(arch, arch)


def facts_of(path: str, fmt: str, plugin: Described | None) -> dict[str, Any]:
    """What matchers see: always the path, format, OS and architecture; the rest once a tier
    (or an earlier scan) has named the plugin."""
    facts: dict[str, Any] = {"path": path, "format": fmt, "os": os_name(), "arch": machine()}
    if plugin is not None:
        facts.update(id=plugin.key, vendor=plugin.vendor, name=plugin.name,
                     version=plugin.version, category=plugin.categories)
    return facts


class RuleBook:
    """Every rule of the three sources, lowest precedence first."""

    def __init__(self, placed: Sequence[Placed]) -> None:
        order = {"builtin": 0, "vendor": 1, "user": 2}
        self.placed = sorted(placed, key=lambda p: order[p.source])  # stable within a source
        self.position = {id(p): i for i, p in enumerate(self.placed)}

    @classmethod
    def load(cls, pm: pluggy.PluginManager) -> RuleBook:
        placed = [Placed(rule, "builtin", "built-in rules", n)
                  for n, rule in enumerate(builtin_rules(), start=1)]
        for name, entry in sorted(collect_rule_sets(pm).items()):
            placed += [Placed(rule, "vendor", name, n, entry.extension)
                       for n, rule in enumerate(entry.item.rules, start=1)]
        path = user_rules_path()
        placed += [Placed(rule, "user", str(path), n)
                   for n, rule in enumerate(read_rule_file(path, missing_ok=True), start=1)]
        return cls(placed)

    def __bool__(self) -> bool:
        return bool(self.placed)

    def matching(self, facts: dict[str, Any]) -> list[tuple[Placed, dict[str, str]]]:
        """The rules that match ``facts``, lowest precedence first, with what matched."""
        found = []
        for placed in self.placed:
            matched = matches(placed.rule, facts)
            if matched is not None:
                found.append((placed, matched))
        return found

    def decide(self, path: str, fmt: str, plugins: Iterable[Described]) -> Decision:
        """The decision for a candidate holding ``plugins`` (none known yet: path facts only).
        A candidate is skipped or blocked when a rule says so for any of its plugins."""
        decision = Decision()
        described: list[Described | None] = [*plugins] or [None]
        # Every rule that matches any plugin, once, in precedence order: so a higher source
        # wins whichever plugin of the candidate it names.
        found = {id(placed): placed for plugin in described
                 for placed, _ in self.matching(facts_of(path, fmt, plugin))}
        for placed in sorted(found.values(), key=lambda p: self.position[id(p)]):
            action = placed.rule.action
            if action in (Action.SKIP, Action.BLOCK):
                decision.admit = placed
            elif action is Action.TIMEOUT and placed.rule.level is None:
                decision.timeout = placed
            elif action is Action.TIMEOUT and placed.rule.level is not None:
                decision.level_budgets[placed.rule.level] = placed
            elif action is Action.ISOLATE:
                decision.isolate = placed
            elif action is Action.ENV:
                decision.env.update(placed.rule.env)
            elif action is Action.NOTE:
                decision.notes.append(placed)
            elif action is Action.OVERRIDE:
                decision.overrides.update(
                    (k, (v, placed)) for k, v in placed.rule.set.items())
        return decision


def builtin_rules() -> tuple[Rule, ...]:
    data = resources.files("pluginary").joinpath("builtin-rules.toml").read_bytes()
    return decode_rules(data, "pluginary's built-in rules")


def user_rules_path() -> Path:
    env = os.environ.get(RULES_ENV)
    return Path(env).expanduser() if env else config_path().with_name("rules.toml")


def read_rule_file(path: Path, *, missing_ok: bool = False) -> tuple[Rule, ...]:
    """The rules of a TOML rule file; a located :class:`UsageError` when one is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return ()
        raise UsageError(f"no rule file at {path}",
                         hint=f"create it, or point {RULES_ENV} at one") from None
    except OSError as exc:
        raise UsageError(f"cannot read the rule file {path}: {exc.strerror}") from exc
    return decode_rules(data, str(path))


def ruled_status(decision: Decision) -> Status:
    assert decision.admit is not None
    return Status.BLOCKED if decision.admit.rule.action is Action.BLOCK else Status.IGNORED


def apply_decision(record: PluginRecord, decision: Decision) -> PluginRecord:
    """A record with what note and override rules say: the note in ``extra["note"]``, an
    overridden role in place of the declared one. An overridden category does not touch the
    declared categories: it sets the tree category, at the end of the scan
    (:func:`pluginary.scan.finish.categorise`), for unchanged plugins too."""
    changes: dict[str, Any] = {}
    if decision.notes:
        changes["extra"] = {**record.extra, "note": " | ".join(
            note_text(p) for p in decision.notes)}
    if "role" in decision.overrides:
        changes["role"] = Role(decision.overrides["role"][0])
    return msgspec.structs.replace(record, **changes) if changes else record


def note_text(placed: Placed) -> str:
    rule = placed.rule
    parts = [rule.reason or "known issue"]
    if rule.link:
        parts.append(f"see {rule.link}")
    if rule.workaround:
        parts.append(f"workaround: {rule.workaround}")
    return f"{'; '.join(parts)} ({placed.label()})"


def ruled_out_before(state: CandidateState) -> bool:
    """Skipped or blocked by a rule that no longer applies: load it now. (A rule's cause always
    starts with "rule "; an LV2 spec bundle is ``ignored`` for another reason.)"""
    return (state.status in (Status.BLOCKED, Status.IGNORED) and state.cause.startswith("rule ")
            and not state.blocked)
