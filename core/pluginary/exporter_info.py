"""What an exporter says about itself: checked when it registers, shown by ``export NAME --help``.

An exporter sets ``info`` to an :class:`ExporterInfo`: its name and one-line summary, the
operating systems and plugin formats it supports, where its DAW keeps the files on each system,
whether it writes one file or into a folder, and its typed options. The core checks the
description when the extension registers the exporter (a fault is that extension's, named),
fills in the default destination, parses ``--option NAME=VALUE`` against the typed options and
hands the values to the exporter in :attr:`pluginary.exporting.ExportSelection.options`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import msgspec

from .errors import UsageError

#: The operating systems an exporter can name, as :func:`this_system` spells them.
SYSTEMS = ("linux", "macos", "windows")
OptionValue = str | int | bool
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
#: ``%APPDATA%`` (Windows), ``$HOME``, ``${HOME}`` or ``${XDG_CONFIG_HOME:-~/.config}``.
_VARIABLE = re.compile(r"%(\w+)%|\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)")


class ExportOption(msgspec.Struct, frozen=True, kw_only=True):
    """One typed option, given as ``pluginary export NAME --option name=value``."""

    name: str
    help: str
    kind: Literal["text", "number", "flag", "choice"] = "text"
    #: The value when the option is not given (None: the exporter decides).
    default: OptionValue | None = None
    #: The accepted values of a ``choice``.
    choices: tuple[str, ...] = ()


class ExporterInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An exporter's typed description."""

    name: str
    #: One line: what it writes, for whom.
    summary: str
    systems: tuple[str, ...] = SYSTEMS
    #: The plugin formats it can write; empty for every format.
    formats: tuple[str, ...] = ()
    destination_kind: Literal["file", "folder"] = "file"
    #: The DAW's own location per system (``~``, ``$VAR`` and ``%VAR%`` expanded); a system
    #: without one needs ``--out``.
    destinations: dict[str, str] = {}
    options: tuple[ExportOption, ...] = ()
    #: The DAW's process names (as ``ps`` or Task Manager shows them): while one runs, an
    #: export asks first, because the DAW may write its own copy of the files over it.
    processes: tuple[str, ...] = ()


def problems(info: object) -> list[str]:
    """What is wrong with ``info`` as an exporter's description; empty when nothing is."""
    if not isinstance(info, ExporterInfo):
        return [f"info is a {type(info).__name__}, not a pluginary.exporter_info.ExporterInfo"]
    found: list[str] = []
    if not _NAME.match(info.name):
        found.append(f"name {info.name!r} is not lowercase letters, digits and dashes")
    if not info.summary.strip() or "\n" in info.summary.strip():
        found.append("summary must be one line of text")
    if not info.systems:
        found.append("systems is empty")
    found += [f"unknown system {s!r} (known: {', '.join(SYSTEMS)})"
              for s in info.systems if s not in SYSTEMS]
    found += [f"a destination for {s!r}, which is not in systems"
              for s in info.destinations if s not in info.systems]
    found += [f"format {f!r} is not a lowercase format name" for f in info.formats
              if not _NAME.match(f)]
    found += [f"process name {p!r} is empty or a path" for p in info.processes
              if not p.strip() or "/" in p or "\\" in p]
    seen: set[str] = set()
    for option in info.options:
        found += [f"option {option.name!r}: {p}" for p in _option_problems(option)]
        if option.name in seen:
            found.append(f"option {option.name!r} is declared twice")
        seen.add(option.name)
    return found


def _option_problems(option: ExportOption) -> list[str]:
    found = [] if _NAME.match(option.name) else ["not lowercase letters, digits and dashes"]
    if option.kind == "choice" and not option.choices:
        found.append("a choice needs choices")
    if option.kind != "choice" and option.choices:
        found.append("only a choice has choices")
    if option.default is not None:
        try:
            _convert(option, str(option.default).lower() if isinstance(option.default, bool)
                     else str(option.default))
        except UsageError as exc:
            found.append(f"default: {exc.message}")
        if option.kind == "flag" and not isinstance(option.default, bool):
            found.append("the default of a flag is true or false")
    return found


def this_system(platform: str | None = None) -> str:
    """The running system, as :data:`SYSTEMS` spells it."""
    platform = platform or sys.platform
    if platform == "darwin":
        return "macos"
    return "windows" if platform.startswith("win") else "linux"


def default_destination(info: ExporterInfo, *, system: str | None = None,
                        environ: Mapping[str, str] | None = None) -> Path | None:
    """The DAW's own location on ``system`` (this one by default), or None when it has none.
    ``$VAR``, ``${VAR}`` and ``%VAR%`` come from ``environ``; one that is not set (and has no
    ``${VAR:-fallback}``) leaves no default: a half-expanded path would be wrong. A leading
    ``~`` is the home folder."""
    template = info.destinations.get(system or this_system())
    if template is None:
        return None
    env = os.environ if environ is None else environ
    unset: list[str] = []

    def expand(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(4)
        if env.get(name):
            return env[name]
        if match.group(3) is not None:  # ${VAR:-default}
            return match.group(3)
        unset.append(name)
        return ""

    text = _VARIABLE.sub(expand, template)
    if unset:
        return None
    if text.startswith("~"):
        text = env.get("HOME", str(Path.home())) + text[1:]
    return Path(text)


def parse_options(info: ExporterInfo, given: Sequence[str]) -> dict[str, OptionValue]:
    """``NAME=VALUE`` pairs checked against the exporter's options, with every default
    filled in. A bad name or value is a usage error that lists what is accepted."""
    by_name = {o.name: o for o in info.options}
    values: dict[str, OptionValue] = {o.name: o.default for o in info.options
                                      if o.default is not None}
    for pair in given:
        name, sep, value = pair.partition("=")
        option = by_name.get(name.strip())
        if option is None:
            known = ", ".join(sorted(by_name)) or "none"
            raise UsageError(f"exporter '{info.name}' has no option '{name.strip()}'",
                             hint=f"its options: {known} (pluginary export {info.name} --help)")
        if not sep and option.kind != "flag":
            raise UsageError(f"option '{option.name}' needs a value",
                             hint=f"--option {option.name}=VALUE")
        values[option.name] = _convert(option, value.strip() if sep else "true")
    return values


def _convert(option: ExportOption, value: str) -> OptionValue:
    if option.kind == "number":
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"option '{option.name}' takes a whole number, not {value!r}",
                             hint=f"--option {option.name}=3") from None
    if option.kind == "flag":
        if value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise UsageError(f"option '{option.name}' is true or false, not {value!r}",
                         hint=f"--option {option.name}=false")
    if option.kind == "choice" and value not in option.choices:
        raise UsageError(f"option '{option.name}' is one of {', '.join(option.choices)}, "
                         f"not {value!r}", hint=f"--option {option.name}={option.choices[0]}")
    return value


def describe(info: ExporterInfo) -> str:
    """The exporter's part of ``pluginary export NAME --help``."""
    lines = [f"{info.name}: {info.summary}",
             f"  systems: {', '.join(info.systems)}",
             f"  formats: {', '.join(info.formats) or 'every format'}",
             f"  writes: {'into a folder' if info.destination_kind == 'folder' else 'one file'}"]
    lines += [f"  default destination on {system}: {template}"
              for system, template in sorted(info.destinations.items())]
    if info.options:
        lines.append("  options (--option NAME=VALUE):")
    for o in info.options:
        kind = "|".join(o.choices) if o.kind == "choice" else o.kind
        default = "" if o.default is None else f", default {str(o.default).lower()}"
        lines.append(f"    {o.name} ({kind}{default}): {o.help}")
    return "\n".join(lines)
