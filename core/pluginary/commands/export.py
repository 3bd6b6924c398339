"""``pluginary export``: hand the catalogue to a registered exporter."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import NotFoundError, UsageError
from ..output import emit_json, emit_table
from ..query.tree import Sort
from ..registry import CommandRegister, collect_exporters
from ..search import check_format, find
from .common import HiddenFlag, JsonFlag, session, wants_json


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("export", export, help="Write the catalogue with an installed exporter; "
             "without arguments, list the exporters.")


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
    exporters[exporter].item.export(records, target)
    sys.stdout.write(f"exported {len(records)} plugins with '{exporter}' to {target}\n")
