"""``pluginary db``: look after the catalogue file itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import CatalogueCorruptError
from ..output import emit_fields, emit_json
from ..registry import CommandRegister
from .common import JsonFlag, session, wants_json

db_app = typer.Typer(no_args_is_help=True)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("db", db_app, help="Inspect, check, back up, compact and migrate the catalogue.")


@db_app.command("info")
def info(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Where the catalogue is, its schema version, counts and size."""
    summary = session(ctx).catalogue().info()
    if wants_json(ctx, json):
        emit_json(summary)
        return
    emit_fields([
        ("Catalogue", summary.url), ("Engine", summary.engine),
        ("Schema version", summary.schema_version), ("Plugins", summary.plugins),
        ("Parameters", summary.parameters), ("Scans", summary.scans),
        ("Size", f"{summary.size_bytes:,} bytes" if summary.size_bytes is not None else "?"),
        *((k.replace("_", " ").capitalize(), v) for k, v in sorted(summary.details.items())),
    ])


@db_app.command("check")
def check(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Run the engine's integrity check. Exits non-zero when it finds a problem."""
    problems = session(ctx).catalogue().check()
    if wants_json(ctx, json):
        emit_json({"ok": not problems, "problems": problems})
    elif not problems:
        sys.stdout.write("ok: the catalogue passed its integrity check\n")
    if problems:
        raise CatalogueCorruptError(
            f"integrity check found {len(problems)} problem(s), first: {problems[0]}",
            hint="restore a backup made with 'pluginary db backup', or rescan into a new --db")


@db_app.command("backup")
def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="A new file to write the copy to.")],
) -> None:
    """Write a consistent copy of the catalogue, even while another process uses it."""
    session(ctx).catalogue().backup(destination.expanduser())
    sys.stdout.write(f"backed up to {destination}\n")


@db_app.command("vacuum")
def vacuum(ctx: typer.Context) -> None:
    """Reclaim the space left by deleted rows."""
    catalogue = session(ctx).catalogue()
    before = catalogue.info().size_bytes
    catalogue.vacuum()
    after = catalogue.info().size_bytes
    sys.stdout.write(f"vacuumed: {before:,} -> {after:,} bytes\n" if before is not None
                     and after is not None else "vacuumed\n")


@db_app.command("migrate")
def migrate(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Upgrade the catalogue's schema to this version of Pluginary (a backup is kept)."""
    report = session(ctx).catalogue().migrate()
    if wants_json(ctx, json):
        emit_json(report)
    elif report.from_version == report.to_version:
        sys.stdout.write(f"already at schema version {report.to_version}\n")
    else:
        sys.stdout.write(f"migrated schema {report.from_version} -> {report.to_version}; "
                         f"the old file is kept at {report.backup_path}\n")
