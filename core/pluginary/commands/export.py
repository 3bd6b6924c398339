"""``pluginary export``: hand the catalogue to a registered exporter."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import pluggy
import typer

from .. import hookimpl
from ..errors import ExtensionError, NotFoundError, PluginaryError, UsageError
from ..exporter_info import ExporterInfo, default_destination, parse_options, this_system
from ..exporter_info import describe as describe_info
from ..exportfiles import FileChange
from ..exporting import ExportSelection, select
from ..manager import describe
from ..output import emit_json, emit_table
from ..processes import running
from ..registry import CommandRegister, collect_exporters, exporter_info
from ..search import check_format
from .common import HiddenFlag, JsonFlag, session, wants_json

log = logging.getLogger(__name__)


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
    listed = "; ".join(f"{name}: {exporter_info(entry.item).summary}"
                       for name, entry in sorted(exporters.items())) or "none installed"
    return ("Write the catalogue with an installed exporter; without arguments, list the "
            f"exporters; 'export NAME --help' shows one exporter's systems, formats, default "
            f"destination and options. Installed: {listed}.")


def export(
    ctx: typer.Context,
    exporter: Annotated[str | None, typer.Argument(help="Exporter name.")] = None,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[DESTINATION] [QUERY]...",
        help="The file or folder to write, then a query (docs/search.md). For an exporter that "
             "writes into its DAW's folder, a first word that is not an existing folder starts "
             "the query: 'export reaper vendor:zam'.")] = None,
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
    option: Annotated[list[str] | None, typer.Option(
        "--option", "-O", help="An exporter's option, NAME=VALUE (repeatable; 'export NAME "
        "--help' lists them).")] = None,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Do not ask when the DAW is running.")] = False,
    json: JsonFlag = False,
    show_help: Annotated[bool, typer.Option(
        "--help", "-h", help="Show this message (and, after NAME, that exporter's).")] = False,
) -> None:
    s = session(ctx)
    if show_help:
        print_help(ctx, s.pm, exporter)
        return
    exporters = collect_exporters(s.pm)
    if exporter is None:
        rows = [{"name": n, "description": exporter_info(e.item).summary,
                 "extension": e.extension} for n, e in sorted(exporters.items())]
        if wants_json(ctx, json):
            emit_json(rows)
        else:
            emit_table(("Exporter", "Description", "Extension"),
                       [tuple(r.values()) for r in rows], title=f"{len(rows)} exporters")
        return
    if exporter not in exporters:
        known = ", ".join(sorted(exporters)) or "none installed"
        raise UsageError(f"no exporter named '{exporter}'", hint=f"available: {known}")
    entry = exporters[exporter]

    def fault(exc: Exception) -> ExtensionError:
        return ExtensionError(
            f"exporter '{exporter}' of {describe(s.pm, entry.extension)} failed: "
            f"{type(exc).__name__}: {exc}",
            hint="report it to that extension's authors; -vv shows the traceback")

    info = exporter_info(entry.item)
    values = parse_options(info, option or [])
    destination, query = _destination_and_query(info, words or [], out, query)
    try:  # the exporter's own code, from here on: its faults are its extension's
        destination = destination or out or _default(entry.item, info)
    except PluginaryError:
        raise
    except Exception as exc:
        raise fault(exc) from exc
    if destination is None:
        where = (f"it has no default on {this_system()} (it knows "
                 f"{', '.join(sorted(info.destinations))})" if info.destinations else
                 "it has no default destination")
        raise UsageError(f"export {exporter} needs a destination: {where}",
                         hint=f"pluginary export {exporter} --out PATH")
    target = destination.expanduser()
    check_destination(exporter, info, target)
    catalogue = s.catalogue()
    if format is not None:
        check_format(s.pm, catalogue, format)
    # Through the query language, so hidden plugins stay out unless asked (--hidden).
    selection = select(s.pm, catalogue, query=query or "", collections=collection or (),
                       hidden=hidden, format=format, formats=info.formats, options=values)
    if selection.skipped:
        log.warning("%s", skipped_line(exporter, info, selection))
    if not dry_run:
        confirm_daw_closed(info, yes=yes)
    plain_export = getattr(entry.item, "export", None)
    try:
        export_selection = getattr(entry.item, "export_selection", None)
        if callable(export_selection):
            changes = list(export_selection(selection, target, dry_run=dry_run))
            if not all(isinstance(c, FileChange) for c in changes):
                raise TypeError("export_selection must return a list of FileChange")
        elif dry_run:
            raise UsageError(f"exporter '{exporter}' cannot show a dry run",
                             hint="it writes only with export(records, destination)")
        elif callable(plain_export):  # registration checked that one of the two is there
            plain_export(list(selection.records), target)
            changes = []
        else:
            raise TypeError("an exporter without export_selection() or export()")
    except PluginaryError:
        raise  # already a message for the user
    except Exception as exc:
        raise fault(exc) from exc
    report(selection, exporter, target, changes, dry_run=dry_run,
           as_json=wants_json(ctx, json))


def _destination_and_query(info: ExporterInfo, words: list[str], out: Path | None,
                           query: str | None) -> tuple[Path | None, str | None]:
    """Split ``export NAME WORDS...``: the first word is the destination unless ``--out`` gave
    one, or the exporter writes into its DAW's own folder (it has a default here) and the word
    is neither a path nor an existing folder: then every word is the query, with ``--query``
    (AND)."""
    destination: Path | None = None
    if words and out is None:
        first = Path(words[0]).expanduser()
        into_daw = info.destination_kind == "folder" and default_destination(info) is not None
        # A word that names a path (a separator, ~ or . first) is never a query, so a typo
        # in a folder name cannot send the export into the DAW's own folder instead.
        pathlike = os.sep in words[0] or "/" in words[0] or words[0].startswith(("~", "."))
        if not into_daw or pathlike or first.is_dir():
            destination, words = Path(words[0]), words[1:]
    text = " ".join(f"({part})" for part in ([query] if query else []) + [" ".join(words)]
                    if part.strip())
    return destination, text or None


def _default(exporter: object, info: ExporterInfo) -> Path | None:
    """The DAW's own location: from the typed description, else a plain exporter's
    ``default_destination()``."""
    found = default_destination(info)
    if found is None:
        legacy = getattr(exporter, "default_destination", None)
        found = Path(legacy()) if callable(legacy) else None
    return found


def check_destination(exporter: str, info: ExporterInfo, target: Path) -> None:
    """A folder exporter writes into an existing folder; a file exporter beside others."""
    if info.destination_kind == "folder" and target.exists() and not target.is_dir():
        raise UsageError(f"exporter '{exporter}' writes into a folder; {target} is a file",
                         hint="give the folder that holds it")
    folder = target if info.destination_kind == "folder" else target.parent
    if not folder.is_dir():
        raise NotFoundError(f"folder {folder} does not exist",
                            hint="create it first (or start the DAW once), or choose another "
                                 "destination")


def confirm_daw_closed(info: ExporterInfo, *, yes: bool) -> None:
    """While the DAW runs it may write its own copy of the files over the export (REAPER
    saves its FX folders when they change and when it quits): ask first."""
    daws = running(info.processes)
    if not daws or yes:
        return
    message = f"{', '.join(daws)} is running and may overwrite what this export writes"
    hint = "quit it first, or add --yes to export anyway"
    # Asked on stderr, so that --json output stays clean; "no" is exit 2 like a refusal.
    if not sys.stdin.isatty() or not typer.confirm(f"{message}. Export anyway?", err=True):
        raise UsageError(message, hint=hint)


def skipped_line(exporter: str, info: ExporterInfo, selection: ExportSelection) -> str:
    counts = ", ".join(f"{n} {fmt}" for fmt, n in sorted(selection.skipped.items()))
    return (f"skipped {counts}: exporter '{exporter}' writes only "
            f"{', '.join(info.formats)} plugins")


def print_help(ctx: typer.Context, pm: pluggy.PluginManager, exporter: str | None) -> None:
    """``export --help``, and after a name that exporter's systems, formats, destinations
    and options."""
    sys.stdout.write(ctx.get_help().rstrip("\n") + "\n")
    if exporter is None:
        return
    exporters = collect_exporters(pm, strict=False)
    if exporter not in exporters:
        known = ", ".join(sorted(exporters)) or "none installed"
        raise UsageError(f"no exporter named '{exporter}'", hint=f"available: {known}")
    sys.stdout.write("\n" + describe_info(exporter_info(exporters[exporter].item)) + "\n")


def report(selection: ExportSelection, exporter: str, target: Path,
           changes: list[FileChange], *, dry_run: bool, as_json: bool) -> None:
    """What the export wrote (or would write): each file, whether it changed, its backup."""
    if as_json:
        emit_json({"exporter": exporter, "plugins": len(selection.records), "dry_run": dry_run,
                   "skipped": dict(selection.skipped),
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
