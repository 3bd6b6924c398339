"""``pluginary preset backup|export|import``: presets kept safe and shared
(docs/presets.md, docs/presets-bundle.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..output import emit_json
from ..presets.convert import containers
from ..presets.model import PresetInfo
from .common import JsonFlag, session, wants_json
from .presets import find_preset, plugin_key, preset_app, store_of


@preset_app.command("backup")
def preset_backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(
        help="A folder; only payloads it lacks are written.")],
    verify: Annotated[bool, typer.Option(
        "--verify", help="Only check an existing backup: every payload re-hashed.")] = False,
    json: JsonFlag = False,
) -> None:
    """Back up every preset, with its history, to a folder (incremental by hash, verified)."""
    from ..presets.backup import backup
    from ..presets.backup import verify as verify_backup

    if verify:
        problems = verify_backup(destination)
        if wants_json(ctx, json):
            emit_json({"destination": str(destination), "problems": problems})
        else:
            for line in problems:
                sys.stderr.write(f"problem: {line}\n")
            sys.stdout.write(f"{destination}: " + ("sound\n" if not problems else
                                                   f"{len(problems)} problems\n"))
        if problems:
            raise typer.Exit(1)
        return
    report = backup(store_of(session(ctx)), destination)
    if wants_json(ctx, json):
        emit_json(report)
    else:
        sys.stdout.write(f"backed up to {destination}: {report.written} payloads written "
                         f"({report.bytes_written} bytes), {report.skipped} already there "
                         f"and intact, {report.verified} verified\n")
    if report.missing:
        # Neither intact in the backup nor in the catalogue: those versions cannot be restored.
        for sha in report.missing:
            sys.stderr.write(f"problem: payload {sha} is missing from the backup and from the "
                             "catalogue\n")
        raise typer.Exit(1)


@preset_app.command("export")
def preset_export(
    ctx: typer.Context,
    presets: Annotated[list[str] | None, typer.Argument(help="Preset IDs.")] = None,
    to: Annotated[Path, typer.Option("--to", help="The bundle to write (.zip, new file).")
                  ] = Path("presets.zip"),
    plugin: Annotated[str | None, typer.Option(
        "--plugin", "-p", help="Every preset of this plugin.")] = None,
    tag: Annotated[str, typer.Option("--tag", "-t", help="Every preset with this tag.")] = "",
    json: JsonFlag = False,
) -> None:
    """Write presets into a sharing bundle: a zip with manifest.json and the presets in their
    own file formats (docs/presets-bundle.md)."""
    from ..presets.bundle import write_bundle

    s = session(ctx)
    store = store_of(s)
    chosen: dict[str, PresetInfo] = {}
    for word in presets or ():
        info = find_preset(store, word)
        chosen[info.key] = info
    if plugin or tag:
        key = plugin_key(s, plugin) if plugin else None
        for info in store.find(plugin=key, tag=tag):
            chosen.setdefault(info.key, info)
    if not chosen:
        raise UsageError("name the presets to export", hint="preset IDs, --plugin or --tag")
    suffixes = {name: c.suffix for name, c in containers(s.pm).items()}
    report = write_bundle(s.catalogue(), list(chosen.values()), to, suffixes=suffixes)
    if wants_json(ctx, json):
        emit_json(report)
        return
    sys.stdout.write(f"wrote {to}: {len(chosen)} presets\n")


@preset_app.command("import")
def preset_import(
    ctx: typer.Context,
    bundle: Annotated[Path, typer.Argument(help="A bundle made by 'preset export'.")],
    json: JsonFlag = False,
) -> None:
    """Add the presets of a sharing bundle, after checking its schema and every hash. Nothing
    stored is replaced: a preset that differs from one here is kept beside it."""
    from ..presets.bundle import import_bundle, read_bundle

    s = session(ctx)
    contents = read_bundle(bundle)
    changes = import_bundle(store_of(s, create=True), contents)
    if wants_json(ctx, json):
        emit_json(changes)
        return
    sys.stdout.write(f"imported {bundle}: {changes.added} presets added, "
                     f"{changes.unchanged} already here, {len(changes.conflicts)} kept beside "
                     "a different preset of the same identity\n")
    for conflict in changes.conflicts:
        sys.stdout.write(f"kept both: {conflict.identity} (stored {conflict.key}, imported as "
                         f"{conflict.copy_identity})\n")
