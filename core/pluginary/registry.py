"""The registries that ``register_*`` hooks fill, and the one loop that fills them.

Each ``register_*`` implementation is called on its own with a ``register`` callable bound to its
extension's name, so every entry records who provided it and a name claimed twice is reported with
both claimants. A registration hook that raises is treated like a broken extension: one warning,
or an :class:`~pluginary.errors.ExtensionError` under ``PLUGINARY_STRICT=1``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import pluggy

from .categories import CategoryMap
from .errors import ExtensionError
from .exporter_info import ExporterInfo, problems
from .models import FormatInfo
from .presets.container import PresetContainer
from .presets.maps import PresetMap, check_map

# Defined in pluginary.rules; re-exported where extensions have always found them.
from .rules import Rule as Rule
from .rules import RuleSet as RuleSet

log = logging.getLogger(__name__)
T = TypeVar("T")


@runtime_checkable
class TypedExporter(Protocol):
    """Writes the catalogue into another program's files, described by ``info``.

    ``info`` is a :class:`pluginary.exporter_info.ExporterInfo` (name, summary, systems,
    formats, default destinations, typed options, the DAW's process names), checked when the
    exporter registers. It writes with ``export_selection(selection, destination, *,
    dry_run)``: it receives a :class:`pluginary.exporting.ExportSelection` (records,
    installations, products, tags, collections, option values) and returns the
    :class:`pluginary.exportfiles.FileChange` of each file, which makes ``--dry-run`` and the
    backup report work (see docs/writing-an-exporter.md)."""

    info: ExporterInfo


@runtime_checkable
class PlainExporter(Protocol):
    """The older form: ``name``, ``description`` and ``export(records, destination)`` (or
    ``export_selection``); it supports every system and format and has no options."""

    name: str
    description: str


#: What ``register_exporters`` accepts.
Exporter = TypedExporter | PlainExporter


def exporter_info(exporter: Exporter) -> ExporterInfo:
    """The typed description of a registered exporter; for a plain one (``name`` and
    ``description``), the description those make: every system and format, no options."""
    info = getattr(exporter, "info", None)
    if isinstance(info, ExporterInfo):
        return info
    kind = getattr(exporter, "destination_kind", "file")
    return ExporterInfo(name=getattr(exporter, "name", ""),
                        summary=getattr(exporter, "description", ""),
                        destination_kind="folder" if kind == "folder" else "file")


@dataclass(frozen=True)
class Command:
    """A CLI command or command group an extension added."""

    name: str
    target: Any  # a function (one command) or a typer.Typer (a group)
    #: The help text, or a function of the plugin manager that makes it when the CLI is built.
    help: str | Callable[[pluggy.PluginManager], str] = ""


@dataclass(frozen=True)
class Storage:
    """A catalogue URL scheme an extension can open."""

    scheme: str
    description: str


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered item and the extension that provided it."""

    extension: str
    item: T


FormatRegister = Callable[[FormatInfo], None]
StorageRegister = Callable[[str, str], None]
ExporterRegister = Callable[[Exporter], None]
PresetContainerRegister = Callable[[PresetContainer], None]
PresetMapRegister = Callable[[PresetMap], None]
RuleSetRegister = Callable[[RuleSet], None]
CategoryMapRegister = Callable[[CategoryMap], None]


class CommandRegister(Protocol):
    def __call__(self, name: str, target: Any,
                 help: str | Callable[[pluggy.PluginManager], str] = "") -> None: ...


def _collect(
    pm: pluggy.PluginManager,
    hook_name: str,
    make_register: Callable[[Callable[[T], None]], Any],
    name_of: Callable[[T], str],
    *,
    strict: bool | None = None,
    keep_first: bool = False,
) -> dict[str, Entry[T]]:
    """Call every implementation of ``hook_name`` and gather what each registers, by name.

    A name claimed twice is an :class:`ExtensionError` naming both claimants; with
    ``keep_first`` (commands) the claim that came first, a built-in's always, keeps the name and
    the other is dropped with a warning (fatal under ``PLUGINARY_STRICT=1``), so one clashing
    extension never takes down commands it does not own."""
    from .manager import describe, strict_mode

    strict = strict_mode() if strict is None else strict
    found: dict[str, Entry[T]] = {}
    impls = list(reversed(getattr(pm.hook, hook_name).get_hookimpls()))
    # Built-ins first: with keep_first they keep their names whatever pluggy's order is.
    impls.sort(key=lambda impl: not _builtin(pm, impl.plugin_name))
    for impl in impls:
        extension = impl.plugin_name

        def add(ext: str, item: T) -> None:
            name = name_of(item)
            if name in found and found[name].extension != ext:
                message = (f"{hook_name}: '{name}' is registered by both "
                           f"{describe(pm, found[name].extension)} and {describe(pm, ext)}")
                hint = f"uninstall one of them, or disable one with PLUGINARY_DISABLE={ext}"
                if not keep_first or strict:
                    raise ExtensionError(message, hint=hint)
                log.warning("%s: %s's is dropped, %s keeps the name (%s)", message, ext,
                            found[name].extension, hint)
                return
            found[name] = Entry(ext, item)

        try:
            returned = impl.function(register=make_register(functools.partial(add, extension)))
            if returned is not None:
                raise TypeError(f"{hook_name} returned {type(returned).__name__} instead of "
                                "calling register(...) for each item (what it returns is "
                                "ignored)")
        except ExtensionError:
            raise
        except Exception as exc:
            message = (f"{describe(pm, extension)} failed in {hook_name}: "
                       f"{type(exc).__name__}: {exc}")
            if strict:
                raise ExtensionError(message) from exc
            log.warning(message)
    return found


def _builtin(pm: pluggy.PluginManager, name: str) -> bool:
    """Whether the extension is one of the core's built-ins (by the loader's record, not its
    name: an entry point may be called anything)."""
    extension_named = getattr(pm, "extension_named", None)
    info = extension_named(name) if callable(extension_named) else None
    return bool(getattr(info, "builtin", False))


def _plain(add: Callable[[Any], None]) -> Callable[[Any], None]:
    return add


def collect_formats(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[FormatInfo]]:
    """Every format declared through ``register_formats``, by format name."""
    return _collect(pm, "register_formats", _plain, lambda f: f.name, strict=strict)


def collect_storages(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[Storage]]:
    """Every catalogue URL scheme declared through ``register_storages``, by scheme."""

    def make(add: Callable[[Storage], None]) -> StorageRegister:
        def register(scheme: str, description: str = "") -> None:
            add(Storage(scheme, description))

        return register

    return _collect(pm, "register_storages", make, lambda s: s.scheme, strict=strict)


def collect_exporters(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[Exporter]]:
    """Every exporter declared through ``register_exporters``, by exporter name. An object
    that is not an :class:`Exporter` (no ``name``, ``description`` or ``export``) is its
    extension's failure at registration, never everyone's at export time."""

    def make(add: Callable[[Exporter], None]) -> ExporterRegister:
        def register(exporter: Exporter) -> None:
            info = getattr(exporter, "info", None)
            if info is not None:
                found = problems(info)
                if found:
                    raise TypeError(f"{type(exporter).__name__}.info: {'; '.join(found)} "
                                    "(see pluginary.exporter_info.ExporterInfo)")
                named = getattr(exporter, "name", info.name)
                if named != info.name:
                    raise TypeError(f"{type(exporter).__name__}.name {named!r} is not its "
                                    f"info.name {info.name!r}")
                missing = []
            else:
                missing = [attr for attr, kind in (("name", str), ("description", str))
                           if not isinstance(getattr(exporter, attr, None), kind)]
            if not (callable(getattr(exporter, "export", None))
                    or callable(getattr(exporter, "export_selection", None))):
                missing.append("export_selection() or export()")
            if missing:
                raise TypeError(f"{type(exporter).__name__} is not an Exporter: it needs "
                                f"{', '.join(missing)} (see pluginary.registry.Exporter)")
            add(exporter)

        return register

    return _collect(pm, "register_exporters", make, lambda e: exporter_info(e).name,
                    strict=strict,
                    keep_first=True)


def collect_rule_sets(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[RuleSet]]:
    """Every rule set declared through ``register_rule_sets``, by rule-set name."""
    return _collect(pm, "register_rule_sets", _plain, lambda r: r.name, strict=strict)


def collect_commands(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[Command]]:
    """Every CLI command declared through ``register_commands``, by command name."""

    def make(add: Callable[[Command], None]) -> CommandRegister:
        def register(name: str, target: Any,
                     help: str | Callable[[pluggy.PluginManager], str] = "") -> None:
            add(Command(name, target, help))

        return register

    return _collect(pm, "register_commands", make, lambda c: c.name, strict=strict,
                    keep_first=True)


def collect_category_maps(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[CategoryMap]]:
    """Every category map declared through ``register_category_maps``, by its source name, in
    the order the hook was called (pluggy's: the last registered extension first). Each map is
    checked on top of the built-in one when it is registered, so a malformed map, or one naming
    a node that neither has, is its extension's fault."""

    def make(add: Callable[[CategoryMap], None]) -> CategoryMapRegister:
        def register(category_map: CategoryMap) -> None:
            if not isinstance(category_map, CategoryMap):
                raise TypeError(f"register() takes a pluginary.categories.CategoryMap, not "
                                f"{type(category_map).__name__}")
            CategoryMap.builtin().merged(category_map)
            add(category_map)

        return register

    return _collect(pm, "register_category_maps", make, lambda m: m.source, strict=strict)


def collect_preset_containers(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[PresetContainer]]:
    """Every preset container declared through ``register_preset_containers``, by name."""

    def make(add: Callable[[PresetContainer], None]) -> PresetContainerRegister:
        def register(container: PresetContainer) -> None:
            if not isinstance(container, PresetContainer):
                raise TypeError(f"{type(container).__name__} is not a PresetContainer (see "
                                "pluginary.presets.container)")
            add(container)

        return register

    return _collect(pm, "register_preset_containers", make, lambda c: c.name, strict=strict)


def collect_preset_maps(
    pm: pluggy.PluginManager, *, strict: bool | None = None
) -> dict[str, Entry[PresetMap]]:
    """Every cross-plugin mapping table declared through ``register_preset_maps``, by name."""

    def make(add: Callable[[PresetMap], None]) -> PresetMapRegister:
        def register(table: PresetMap) -> None:
            if not isinstance(table, PresetMap):
                raise TypeError(f"register() takes a pluginary.presets.maps.PresetMap, not "
                                f"{type(table).__name__}")
            check_map(table)
            add(table)

        return register

    return _collect(pm, "register_preset_maps", make, lambda m: m.name, strict=strict)
