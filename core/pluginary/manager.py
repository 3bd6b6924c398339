"""Building the extension manager: built-ins and installed extensions, loaded the same way.

Nothing happens at import time. :func:`make_plugin_manager` builds a fresh manager each call, so
tests and long-running processes can have as many independent managers as they like.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

import msgspec
import pluggy

from . import hookspecs
from .errors import ExtensionError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "pluginary"

#: Built-in behaviour, registered through the same path as installed extensions.
DEFAULT_EXTENSIONS: tuple[str, ...] = (
    "pluginary.builtins.search",
    "pluginary.commands.extensions",
    "pluginary.commands.browse",
    "pluginary.commands.db",
    "pluginary.commands.doctor",
    "pluginary.commands.export",
    "pluginary.commands.scan",
    "pluginary.commands.compat",
    "pluginary.commands.organise",
    "pluginary.commands.categories",
    "pluginary.commands.importing",
    "pluginary.commands.validate",
    "pluginary.commands.presets",
    "pluginary.builtins.manifest",
)

CORE_DISTRIBUTION = "pluginary"


class ExtensionInfo(msgspec.Struct, kw_only=True):
    """One extension as ``pluginary extensions`` reports it."""

    name: str
    distribution: str
    version: str
    module: str
    builtin: bool = False
    status: str = "ok"  # "ok", "disabled" or "broken"
    error: str = ""
    hooks: list[str] = []
    provides: dict[str, list[str]] = {}


class ExtensionManager(pluggy.PluginManager):
    """A pluggy manager that also remembers every extension it tried to load."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.extensions: list[ExtensionInfo] = []

    def extension_named(self, name: str) -> ExtensionInfo | None:
        return next((e for e in self.extensions if e.name == name), None)


def describe(pm: pluggy.PluginManager, name: str) -> str:
    """An extension as errors name it: ``extension 'x' (pluginary-x 1.0)``, so a user knows
    which distribution to update, report or uninstall."""
    info = pm.extension_named(name) if isinstance(pm, ExtensionManager) else None
    if info is None:
        return f"extension '{name}'"
    return f"extension '{name}' ({info.distribution} {info.version})"


def strict_mode() -> bool:
    """True when ``PLUGINARY_STRICT`` asks for broken extensions to be fatal (CI and tox set it)."""
    return os.environ.get("PLUGINARY_STRICT", "").strip().lower() in {"1", "true", "yes", "on"}


def disabled_names() -> set[str]:
    """Extension or distribution names listed in ``PLUGINARY_DISABLE`` (comma-separated)."""
    raw = os.environ.get("PLUGINARY_DISABLE", "")
    return {part.strip() for part in raw.split(",") if part.strip()}


def make_plugin_manager(
    *,
    load_entrypoints: bool = True,
    builtins: bool = True,
    disable: Iterable[str] | None = None,
    strict: bool | None = None,
) -> ExtensionManager:
    """Build a manager with the built-in extensions and every installed ``pluginary`` entry point.

    ``disable`` and ``strict`` default to ``PLUGINARY_DISABLE`` and ``PLUGINARY_STRICT``. A broken
    extension is logged once and skipped, or raises :class:`ExtensionError` in strict mode.
    """
    pm = ExtensionManager()
    for spec_class in hookspecs.SPEC_CLASSES:
        pm.add_hookspecs(spec_class)
    blocked = disabled_names() if disable is None else set(disable)
    strict = strict_mode() if strict is None else strict

    if builtins:
        version = _distribution_version(CORE_DISTRIBUTION)
        for module_name in DEFAULT_EXTENSIONS:
            short = module_name.rsplit(".", 1)[-1]
            _load(pm, f"core.{short}", CORE_DISTRIBUTION, version, module_name,
                  functools.partial(importlib.import_module, module_name), blocked, strict,
                  builtin=True)
    if load_entrypoints:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist is not None else "?"
            version = ep.dist.version if ep.dist is not None else "?"
            _load(pm, ep.name, dist, version, ep.value, _entry_point_loader(ep), blocked, strict)

    # Every extension was validated on its own above, so this only catches what slipped through.
    pm.check_pending()
    return pm


def _entry_point_loader(ep: EntryPoint) -> Callable[[], object]:
    return ep.load


def _load(
    pm: ExtensionManager,
    name: str,
    distribution: str,
    version: str,
    module_name: str,
    loader: Callable[[], object],
    blocked: set[str],
    strict: bool,
    *,
    builtin: bool = False,
) -> None:
    info = ExtensionInfo(name=name, distribution=distribution, version=version,
                         module=module_name, builtin=builtin)
    pm.extensions.append(info)
    if blocked & {name, distribution, module_name}:
        info.status = "disabled"
        pm.set_blocked(name)
        return
    try:
        plugin = loader()
        if isinstance(plugin, type):
            raise TypeError(f"{module_name} is a class; register a module or an instance")
        pm.register(plugin, name=name)
        _refuse_unknown_hooks(pm, plugin)
        _refuse_unmarked_hooks(plugin, module_name)
    except Exception as exc:
        if pm.has_plugin(name):
            pm.unregister(name=name)
        info.status = "broken"
        # pluggy's messages span several lines; the report is one line per extension.
        info.error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        message = f"extension '{name}' from {distribution} {version} failed to load: {info.error}"
        if strict:
            raise ExtensionError(message, hint="fix or uninstall it; PLUGINARY_STRICT=1 makes "
                                 "this fatal (unset it to skip broken extensions)") from exc
        log.warning("%s (skipped; set PLUGINARY_DISABLE=%s to silence)", message, name)
        return
    info.hooks = sorted(hc.name for hc in pm.get_hookcallers(plugin) or ())


def _refuse_unknown_hooks(pm: pluggy.PluginManager, plugin: object) -> None:
    """Raise for a hookimpl that matches no spec (a typo would otherwise be silently ignored)."""
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.spec is None:
            optional = all(impl.optionalhook for impl in caller.get_hookimpls()
                           if impl.plugin is plugin)
            if not optional:
                raise pluggy.PluginValidationError(
                    plugin, f"unknown hook '{caller.name}' (no such hook in pluginary.hookspecs)")


def _refuse_unmarked_hooks(plugin: object, module_name: str) -> None:
    """Raise for a function named like a hook but without ``@pluginary.hookimpl``: pluggy
    ignores it, so the extension would load as ``ok`` and provide nothing."""
    specs = {name for spec in hookspecs.SPEC_CLASSES for name in vars(spec)
             if not name.startswith("_")}
    home = getattr(plugin, "__name__", None) or type(plugin).__module__
    for name in sorted(specs):
        function = getattr(plugin, name, None)
        # Only what the extension defines: `from pluginary.catalogue import open_catalogue`
        # imports a function of that name, which is no hook.
        if getattr(function, "__module__", None) != home:
            continue
        if callable(function) and not hasattr(function, f"{hookspecs.PROJECT}_impl"):
            raise pluggy.PluginValidationError(
                plugin, f"{module_name}.{name} looks like a hook but lacks @pluginary.hookimpl, "
                "so it would never be called")


def _distribution_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "0+unknown"
