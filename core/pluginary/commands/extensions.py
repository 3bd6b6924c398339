"""``pluginary extensions``: what is installed, what each extension provides, what is broken."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec
import typer

from .. import hookimpl
from ..manager import ExtensionInfo, ExtensionManager
from ..output import emit_json, emit_table
from ..registry import (
    CommandRegister,
    Entry,
    collect_commands,
    collect_exporters,
    collect_formats,
    collect_preset_containers,
    collect_preset_maps,
    collect_rule_sets,
    collect_storages,
)
from .common import JsonFlag, session, wants_json


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("extensions", list_extensions,
             help="List installed extensions, the hooks they implement and what they provide.")


def describe_extensions(pm: ExtensionManager) -> list[ExtensionInfo]:
    """Every extension the manager tried to load, with what each one provides."""
    collectors: Mapping[str, Callable[..., Mapping[str, Entry[Any]]]] = {
        "formats": collect_formats,
        "storages": collect_storages,
        "exporters": collect_exporters,
        "commands": collect_commands,
        "rule_sets": collect_rule_sets,
        "preset_containers": collect_preset_containers,
        "preset_maps": collect_preset_maps,
    }
    provides: dict[str, dict[str, list[str]]] = {}
    for kind, collect in collectors.items():
        for name, entry in collect(pm).items():
            provides.setdefault(entry.extension, {}).setdefault(kind, []).append(name)
    return [
        msgspec.structs.replace(info, provides={k: sorted(v) for k, v in
                                                provides.get(info.name, {}).items()})
        for info in pm.extensions
    ]


def list_extensions(ctx: typer.Context, json: JsonFlag = False) -> None:
    infos = describe_extensions(session(ctx).pm)
    if wants_json(ctx, json):
        emit_json(infos)
        return
    rows = []
    for info in infos:
        provided = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in
                             sorted(info.provides.items()))
        state = info.status if info.status != "broken" else f"broken: {info.error}"
        rows.append((info.name, f"{info.distribution} {info.version}", state,
                     ", ".join(info.hooks), provided))
    emit_table(("Extension", "Distribution", "Status", "Hooks", "Provides"), rows,
               title=f"{len(infos)} extensions")
