"""``pluginary list``, ``show`` and ``search``: reading the catalogue."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import NotFoundError, UsageError
from ..models import SearchQuery, Status
from ..output import emit_fields, emit_json, emit_table
from ..registry import CommandRegister
from .common import RECORD_COLUMNS, JsonFlag, record_row, session, wants_json


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("list", list_plugins, help="List the plugins in the catalogue.")
    register("show", show_plugin, help="Show everything known about one plugin.")
    register("search", search_plugins, help="Full-text search over names, vendors, categories, "
             "descriptions and parameter names.")


def list_plugins(
    ctx: typer.Context,
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", "-s", help="Only this status: " + ", ".join(s.value for s in Status))] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N.")] = None,
    json: JsonFlag = False,
) -> None:
    if status is not None and status not in {s.value for s in Status}:
        raise UsageError(f"unknown status '{status}'",
                         hint="choose one of " + ", ".join(s.value for s in Status))
    records = session(ctx).catalogue().list(format=format, status=status, limit=limit)
    if wants_json(ctx, json):
        emit_json(records)
    elif not records:
        sys.stderr.write("The catalogue has no matching plugins.\n")
    else:
        emit_table(RECORD_COLUMNS, [record_row(r) for r in records],
                   title=f"{len(records)} plugins")


def show_plugin(
    ctx: typer.Context,
    plugin_id: Annotated[str, typer.Argument(
        metavar="ID", help="format:uid as 'pluginary list' shows it, or a unique prefix.")],
    json: JsonFlag = False,
) -> None:
    record = session(ctx).catalogue().get(plugin_id)
    if record is None:
        raise NotFoundError(f"no plugin '{plugin_id}' in the catalogue",
                            hint="find its ID with 'pluginary search TEXT' or 'pluginary list'")
    if wants_json(ctx, json):
        emit_json(record)
        return
    channels = f"{record.audio_inputs} in / {record.audio_outputs} out"
    emit_fields([
        ("ID", record.key), ("Name", record.name), ("Vendor", record.vendor),
        ("Version", record.version), ("Format", record.format), ("Role", record.role.value),
        ("Categories", ", ".join(record.categories)), ("Description", record.description),
        ("Audio", channels if record.audio_inputs is not None else ""),
        ("Parameters", len(record.parameters)), ("File", record.file_path),
        ("Bundle", record.bundle_path), ("Architecture", record.architecture),
        ("Status", f"{record.status.value} (tier {record.tier})"), ("Cause", record.cause),
        *sorted(record.extra.items()),
    ])
    if record.parameters:
        emit_table(("Param ID", "Name", "Default", "Min", "Max", "Unit"),
                   [(p.id, p.name, p.default, p.min, p.max, p.unit) for p in record.parameters])


def search_plugins(
    ctx: typer.Context,
    text: Annotated[list[str], typer.Argument(help="Words to look for; all must match.")],
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most N hits.")] = 50,
    json: JsonFlag = False,
) -> None:
    s = session(ctx)
    query = SearchQuery(text=" ".join(text), limit=limit, format=format)
    hits = s.pm.hook.search_catalogue(catalogue=s.catalogue(), query=query) or []
    if wants_json(ctx, json):
        emit_json(hits)
    elif not hits:
        sys.stderr.write(f"No plugin matches '{query.text}'.\n")
    else:
        emit_table(RECORD_COLUMNS, [record_row(h.record) for h in hits],
                   title=f"{len(hits)} hits for '{query.text}'")
