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
from ..exportfiles import FileChange
from ..exporting import ExportSelection, select
from ..manager import describe
from ..output import emit_json, emit_table
from ..registry import CommandRegister, collect_exporters
from ..search import check_format
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
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="File or folder to write (the same as DESTINATION).")] = None,
    query: Annotated[str | None, typer.Option(
        "--query", "-q", help="Only the plugins matching this query (docs/search.md).")] = None,
    collection: Annotated[list[str] | None, typer.Option(
        "--collection", "-c", help="Only the plugins of this collection (repeatable; smart "
        "ones evaluated now).")] = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    hidden: HiddenFlag = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", "-n", help="Write nothing; show the diff of each file.")] = False,
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
    if destination is not None and out is not None and destination != out:
        raise UsageError("give the destination once: DESTINATION or --out", hint="choose one")
    entry = exporters[exporter]

    def fault(exc: Exception) -> ExtensionError:
        return ExtensionError(
            f"exporter '{exporter}' of {describe(s.pm, entry.extension)} failed: "
            f"{type(exc).__name__}: {exc}",
            hint="report it to that extension's authors; -vv shows the traceback")

    try:  # the exporter's own code, from here on: its faults are its extension's
        kind = getattr(entry.item, "destination_kind", "file")
        default = getattr(entry.item, "default_destination", None)
        destination = destination or out or (Path(default()) if callable(default) else None)
    except PluginaryError:
        raise
    except Exception as exc:
        raise fault(exc) from exc
    if destination is None:
        raise UsageError("export needs a destination", hint=f"pluginary export {exporter} PATH")
    target = destination.expanduser()
    # An exporter that writes several files into the DAW's folder says destination_kind.
    if kind == "folder" and target.exists() and not target.is_dir():
        raise UsageError(f"exporter '{exporter}' writes into a folder; {target} is a file",
                         hint="give the folder that holds it")
    folder = target if kind == "folder" else target.parent
    if not folder.is_dir():
        raise NotFoundError(f"folder {folder} does not exist",
                            hint="create it first (or start the DAW once), or choose another "
                                 "destination")
    catalogue = s.catalogue()
    if format is not None:
        check_format(s.pm, catalogue, format)
    # Through the query language, so hidden plugins stay out unless asked (--hidden).
    selection = select(s.pm, catalogue, query=query or "", collections=collection or (),
                       hidden=hidden, format=format)
    try:
        export_selection = getattr(entry.item, "export_selection", None)
        if callable(export_selection):
            changes = list(export_selection(selection, target, dry_run=dry_run))
            if not all(isinstance(c, FileChange) for c in changes):
                raise TypeError("export_selection must return a list of FileChange")
        elif dry_run:
            raise UsageError(f"exporter '{exporter}' cannot show a dry run",
                             hint="it writes only with export(records, destination)")
        else:
            entry.item.export(list(selection.records), target)
            changes = []
    except PluginaryError:
        raise  # already a message for the user
    except Exception as exc:
        raise fault(exc) from exc
    report(selection, exporter, target, changes, dry_run=dry_run,
           as_json=wants_json(ctx, json))


def report(selection: ExportSelection, exporter: str, target: Path,
           changes: list[FileChange], *, dry_run: bool, as_json: bool) -> None:
    """What the export wrote (or would write): each file, whether it changed, its backup."""
    if as_json:
        emit_json({"exporter": exporter, "plugins": len(selection.records), "dry_run": dry_run,
                   "files": [{"path": str(c.path), "changed": c.changed, "existed": c.existed,
                              "backup": str(c.backup) if c.backup else None,
                              "diff": c.diff if dry_run else ""} for c in changes]})
        return
    for change in changes:
        if dry_run:
            sys.stdout.write(change.diff or f"{change.path}: unchanged\n")
        elif change.backup is not None:
            sys.stdout.write(f"{change.path}: written (the old one is {change.backup})\n")
        elif change.changed:
            sys.stdout.write(f"{change.path}: written\n")
        else:
            sys.stdout.write(f"{change.path}: unchanged\n")
    verb = "would export" if dry_run else "exported"
    sys.stdout.write(f"{verb} {len(selection.records)} plugins with '{exporter}' to {target}\n")
