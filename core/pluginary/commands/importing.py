"""``pluginary import manifest FILE``: a universal manifest into this catalogue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import UsageError
from ..manifest import SCHEMA, VERSION, Manifest, records_of
from ..output import emit_json
from ..products import link_products
from ..registry import CommandRegister
from .common import JsonFlag, read_export, session, wants_json
from .organise import check_import

import_app = typer.Typer(no_args_is_help=True)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("import", import_app, help="Read a universal manifest (pluginary export manifest) "
             "into this catalogue.")


@import_app.command("manifest")
def import_manifest(ctx: typer.Context, source: Annotated[Path, typer.Argument(
        help="A file 'pluginary export manifest FILE' wrote.")], json: JsonFlag = False) -> None:
    """Add the manifest's plugins this catalogue lacks (one it has keeps its own scanned data)
    and merge its tags, collections and saved searches; importing twice adds nothing."""
    data = read_export(source, Manifest, what="a Pluginary manifest",
                       command="pluginary export manifest FILE")
    if (data.schema, data.version) != (SCHEMA, VERSION):
        raise UsageError(f"{source} is {data.schema} version {data.version}; this Pluginary "
                         f"reads {SCHEMA} version {VERSION}")
    s = session(ctx)
    catalogue = s.catalogue(create=True)
    check_import(s, catalogue.organisation(), data.organisation, source)
    have = {summary.key for summary in catalogue.summaries()}
    new = [r for r in records_of(data) if r.key not in have]
    added = catalogue.upsert(new) if new else 0
    if new:  # products are derived from content: linking again gives the manifest's keys
        catalogue.replace_products(link_products(catalogue.summaries()))
    merged = catalogue.merge_organisation(data.organisation)
    plugins = len({r.key for r in new})
    if wants_json(ctx, json):
        emit_json({"plugins": plugins, "installations": added, "organisation": merged})
        return
    sys.stdout.write(f"imported {source}: {plugins} plugins added ({len(data.plugins) - plugins}"
                     f" already here kept as they are), {merged} organisation entries added\n")
