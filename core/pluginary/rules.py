"""Compatibility rules: what to do with plugins that match, from three sources.

A :class:`Rule` matches on any mix of identity (``format:uid``), vendor, name, format, OS,
architecture, category and path (globs, case-insensitive) and a version range (``">=4.0,<5"``);
every matcher it names must match, and a rule must name at least one. Its :class:`Action` is one
of ``skip``, ``block``, ``timeout`` (``seconds``; with ``level``, a validation level's budget
instead of the scan's), ``isolate`` (run alone in a fresh worker),
``env`` (variables for the worker), ``note`` (a known issue with a link and a workaround) and
``override`` (metadata such as a category or role).

A rule is checked when it is made (:meth:`Rule.__post_init__`), so a bad rule is an error that
names its source: a misspelt action, a timeout without seconds, an unclosed ``[`` in a glob, a
version range that does not parse.

Sources, lowest precedence first (:data:`SOURCES`): the built-in rules (``builtin-rules.toml``
in this package), vendor packs (the ``register_rule_sets`` hook), and the user's ``rules.toml``
beside ``config.toml`` (or wherever ``PLUGINARY_RULES`` points). When rules of several sources
decide the same thing for one plugin, the user wins, then a vendor pack, then the built-ins.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Iterable
from typing import Any

import msgspec

from .errors import UsageError
from .models import Role

#: Where rules come from, lowest precedence first.
SOURCES = ("builtin", "vendor", "user")


class Action(enum.Enum):
    SKIP = "skip"
    BLOCK = "block"
    TIMEOUT = "timeout"
    ISOLATE = "isolate"
    ENV = "env"
    NOTE = "note"
    OVERRIDE = "override"


#: The matchers a rule may name, in the order ``compat explain`` shows them.
MATCHERS = ("id", "vendor", "name", "format", "os", "arch", "category", "path", "version")
#: What ``override`` may set.
OVERRIDABLE = ("category", "role")

_VERSION_PART = re.compile(r"^\s*(>=|<=|==|!=|>|<)?\s*([0-9][0-9A-Za-z.\-+]*)\s*$")


class Rule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True,
           omit_defaults=True):
    """One compatibility rule (see the module docs). Invalid values raise ``ValueError``."""

    action: Action
    reason: str = ""
    id: str | None = None
    vendor: str | None = None
    name: str | None = None
    format: str | None = None
    os: str | None = None
    arch: str | None = None
    category: str | None = None
    path: str | None = None
    #: A version range: comma-separated comparisons, e.g. ``">=4.0,<5"``.
    version: str | None = None
    #: ``timeout``: the load budget in seconds.
    seconds: float | None = None
    #: ``timeout``: instead of the scan's load budget, the budget of this validation level
    #: (1-5, docs/validation.md).
    level: int | None = None
    #: ``env``: variables for the worker that loads the plugin.
    env: dict[str, str] = {}
    #: ``note``: where to read about the issue, and what to do about it.
    link: str = ""
    workaround: str = ""
    #: ``override``: metadata to set (``category``, ``role``).
    set: dict[str, str] = {}

    def __post_init__(self) -> None:
        if not isinstance(self.action, Action):  # made in Python: msgspec checks only decoding
            msgspec.structs.force_setattr(self, "action", Action(self.action))
        given = [m for m in MATCHERS if getattr(self, m) is not None]
        if not given:
            raise ValueError(f"the rule matches nothing: give at least one of "
                             f"{', '.join(MATCHERS)}")
        for matcher in given:
            if matcher != "version":
                check_glob(matcher, getattr(self, matcher))
        if self.version is not None:
            parse_range(self.version)
        if self.action is Action.TIMEOUT and not (self.seconds and self.seconds > 0):
            raise ValueError("a timeout rule needs seconds > 0")
        if self.level is not None and (self.action is not Action.TIMEOUT
                                       or not 1 <= self.level <= 5):
            raise ValueError("level belongs to a timeout rule, and is a validation level "
                             "from 1 to 5")
        if self.action is Action.ENV and not self.env:
            raise ValueError("an env rule needs env = { NAME = \"value\" }")
        if self.action is Action.OVERRIDE:
            unknown = sorted(set(self.set) - set(OVERRIDABLE)) or ([] if self.set else ["(none)"])
            if unknown:
                raise ValueError(f"an override rule sets {', '.join(OVERRIDABLE)}; not "
                                 f"{', '.join(unknown)}")
            if "role" in self.set and self.set["role"] not in {r.value for r in Role}:
                raise ValueError(f"role {self.set['role']!r} is not one of "
                                 f"{', '.join(r.value for r in Role)}")

    def matchers(self) -> dict[str, str]:
        """The matchers this rule names, by name."""
        return {m: getattr(self, m) for m in MATCHERS if getattr(self, m) is not None}


class RuleSet(msgspec.Struct, frozen=True, kw_only=True):
    """A named group of rules, such as one vendor's compatibility pack."""

    name: str
    description: str
    rules: tuple[Rule, ...] = ()


def check_glob(field: str, pattern: str) -> None:
    """``fnmatch`` accepts an unclosed ``[`` as a literal; in a rule it is always a typo.

    Scanned the way ``fnmatch`` reads a set: after ``[`` (and an optional ``!``) a ``]`` is a
    member, so ``[[]`` (a literal ``[``) and ``[]]`` are closed sets."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            j = i + 1
            if j < len(pattern) and pattern[j] == "!":
                j += 1
            if j < len(pattern) and pattern[j] == "]":
                j += 1
            close = pattern.find("]", j)
            if close < 0:
                raise ValueError(
                    f"{field} {pattern!r}: '[' opens a character set that is never closed "
                    "(a literal '[' is written '[[]')")
            i = close
        i += 1


def parse_range(text: str) -> list[tuple[str, tuple[int | str, ...]]]:
    """``">=4.0,<5"`` -> ``[(">=", (4, 0)), ("<", (5,))]``; ``ValueError`` when it does not
    parse. A bare version means ``==``."""
    parts = []
    for piece in text.split(","):
        match = _VERSION_PART.match(piece)
        if match is None:
            raise ValueError(f"version {text!r}: {piece.strip()!r} is not a comparison such as "
                             "'>=4.0' or '<5'")
        parts.append((match.group(1) or "==", version_key(match.group(2))))
    return parts


def version_key(text: str) -> tuple[int | str, ...]:
    """A version as a sortable tuple: numbers compare as numbers (``4.10 > 4.9``)."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-+]", text.strip()) if p)


def in_range(version: str, text: str) -> bool:
    if not version:
        return False
    have = version_key(version)
    compare = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    try:
        return all(compare[op](have, want) for op, want in parse_range(text))
    except TypeError:  # "1.0b" against "1.0.1": not comparable, so not in the range
        return False


def glob_match(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value.casefold(), pattern.casefold())


def matches(rule: Rule, facts: dict[str, Any]) -> dict[str, str] | None:
    """Which matchers of ``rule`` matched ``facts`` (keys of :data:`MATCHERS`; ``category`` a
    list), or None when one did not or a fact is not known yet."""
    matched = {}
    for matcher, pattern in rule.matchers().items():
        value = facts.get(matcher)
        if value is None or value == "" or value == ():
            return None
        if matcher == "version":
            ok = in_range(str(value), pattern)
        elif matcher == "category":
            ok = any(glob_match(str(v), pattern) for v in value)
        else:
            ok = glob_match(str(value), pattern)
        if not ok:
            return None
        matched[matcher] = str(value) if matcher != "category" else ", ".join(value)
    return matched


def decode_rules(data: bytes, source: str) -> tuple[Rule, ...]:
    """The ``[[rule]]`` tables of a TOML rule file; :class:`UsageError` naming ``source`` and
    the rule (its number and field) when one is wrong."""
    try:
        raw = msgspec.toml.decode(data)
    except msgspec.DecodeError as exc:
        raise UsageError(f"{source}: not valid TOML: {exc}",
                         hint="see docs/writing-rules.md for the format") from exc
    if not isinstance(raw, dict) or set(raw) - {"rule"}:
        extra = sorted(set(raw) - {"rule"}) if isinstance(raw, dict) else []
        raise UsageError(f"{source}: only [[rule]] tables belong in a rule file"
                         + (f", not {', '.join(extra)}" if extra else ""),
                         hint="see docs/writing-rules.md for the format")
    tables = raw.get("rule", [])
    if not isinstance(tables, list):
        raise UsageError(f"{source}: 'rule' must be a list of tables: write [[rule]], not [rule]",
                         hint="see docs/writing-rules.md for the format")
    rules = []
    for index, table in enumerate(tables, start=1):
        try:
            rules.append(msgspec.convert(table, Rule))
        except (msgspec.ValidationError, ValueError) as exc:
            raise UsageError(f"{source}: rule {index}: {located(exc)}",
                             hint="see docs/writing-rules.md for the format") from exc
    return tuple(rules)


def located(exc: Exception) -> str:
    """msgspec says ``Invalid enum value 'blok' - at `$.action```: name the field plainly."""
    text = str(exc)
    match = re.search(r"^(.*) - at `\$\.?([^`]*)`$", text)
    if match is None:
        return text
    field = match.group(2) or "the rule"
    if "enum value" in match.group(1):
        return f"{field}: {match.group(1)}; choose one of {', '.join(a.value for a in Action)}"
    return f"{field}: {match.group(1)}"


def describe(rules: Iterable[Rule]) -> list[str]:
    """One line per rule, for listings."""
    return [f"{r.action.value} " + " ".join(f"{k}={v}" for k, v in r.matchers().items())
            for r in rules]
