"""``pluginary export``: hand the catalogue to a registered exporter."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import pluggy
import typer

from .. import hookimpl
from ..errors import ExtensionError, NotFoundError, PluginaryError, UsageError
from ..manager import describe
from ..output import emit_json, emit_table
from ..query.tree import Sort
from ..registry import CommandRegister, collect_exporters
from ..search import check_format, find
from .common import HiddenFlag, JsonFlag, session, wants_json


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("export", export, help=export_help)


def export_help(pm: pluggy.PluginManager) -> str:
    """The help of ``pluginary export``, naming the installed exporters."""
    # Built with every CLI run: a broken exporter is reported by 'pluginary export' itself,
    # not as a warning on every other command.
    logging.disable(logging.WARNING)
    try:
        exporters = collect_exporters(pm, strict=False)
    except ExtensionError:  # two claim one name: 'pluginary export' itself says which
        exporters = {}
    finally:
        logging.disable(logging.NOTSET)
    listed = "; ".join(f"{name}: {entry.item.description}"
                       for name, entry in sorted(exporters.items())) or "none installed"
    return ("Write the catalogue with an installed exporter; without arguments, list the "
            f"exporters. Installed: {listed}.")


def export(
    ctx: typer.Context,
    exporter: Annotated[str | None, typer.Argument(help="Exporter name.")] = None,
    destination: Annotated[Path | None, typer.Argument(help="File or folder to write.")] = None,
    query: Annotated[str | None, typer.Option(
        "--query", "-q", help="Only the plugins matching this query (docs/search.md).")] = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    hidden: HiddenFlag = False,
    json: JsonFlag = False,
) -> None:
    s = session(ctx)
    exporters = collect_exporters(s.pm)
    if exporter is None:
        rows = [{"name": n, "description": e.item.description, "extension": e.extension}
                for n, e in sorted(exporters.items())]
        if wants_json(ctx, json):
            emit_json(rows)
        else:
            emit_table(("Exporter", "Description", "Extension"),
                       [tuple(r.values()) for r in rows], title=f"{len(rows)} exporters")
        return
    if exporter not in exporters:
        known = ", ".join(sorted(exporters)) or "none installed"
        raise UsageError(f"no exporter named '{exporter}'", hint=f"available: {known}")
    if destination is None:
        raise UsageError("export needs a destination", hint=f"pluginary export {exporter} PATH")
    target = destination.expanduser()
    if not target.parent.is_dir():
        raise NotFoundError(f"folder {target.parent} does not exist",
                            hint="create it first or choose another destination")
    catalogue = s.catalogue()
    if format is not None:
        check_format(s.pm, catalogue, format)
    # Through the query language, so hidden plugins stay out unless asked (--hidden).
    records = [h.record for h in find(
        s.pm, catalogue, query or "", sort=Sort.NAME, limit=None, hidden=hidden,
        also=[f'format:"{format}"'] if format is not None else [], parameters=True).hits]
    entry = exporters[exporter]
    try:
        entry.item.export(records, target)
    except PluginaryError:
        raise  # already a message for the user
    except Exception as exc:
        raise ExtensionError(
            f"exporter '{exporter}' of {describe(s.pm, entry.extension)} failed: "
            f"{type(exc).__name__}: {exc}",
            hint="report it to that extension's authors; -vv shows the traceback") from exc
    sys.stdout.write(f"exported {len(records)} plugins with '{exporter}' to {target}\n")
