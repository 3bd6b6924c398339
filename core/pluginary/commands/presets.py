"""``pluginary preset``: presets extracted, listed, shown, versioned and restored
(docs/presets.md). Capture and conversion are in :mod:`.preset_make`, backup and sharing in
:mod:`.preset_share`; both add their commands to :data:`preset_app`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import hookimpl
from ..cli import Session
from ..errors import ExtensionError, NotFoundError, UsageError
from ..exportfiles import write_bytes
from ..output import emit_fields, emit_json, emit_table
from ..presets.container import PresetFormatError
from ..presets.convert import containers, exact_record
from ..presets.extract import ExtractReport, extract
from ..presets.model import PRESET_PREFIX, PresetInfo, PresetVersion, sha256
from ..presets.store import PresetStore
from ..registry import CommandRegister
from .common import JsonFlag, session, wants_json

preset_app = typer.Typer(no_args_is_help=True)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("preset", preset_app, help="Presets: extract, list, show, history, restore, diff, "
             "capture, convert, backup, export, import (docs/presets.md).")


def store_of(s: Session, *, create: bool = False) -> PresetStore:
    """The catalogue's preset store; ``create`` for commands that fill an empty catalogue
    (extract, import, restore of a backup), as ``scan`` does."""
    return s.catalogue(create=create).preset_store()


def plugin_key(s: Session, word: str) -> str:
    """A plugin's key for filtering presets: a catalogue plugin's (ID or unique prefix), or an
    exact ``format:uid`` given as is (presets outlive plugins that are not installed)."""
    record = s.catalogue().get(word)
    if record is not None:
        return record.key
    if ":" in word:
        return word
    raise NotFoundError(f"no plugin '{word}' in the catalogue",
                        hint="find its ID with pluginary search, or give its format:uid")


def find_preset(store: PresetStore, word: str) -> PresetInfo:
    """The preset a user named by its ID (``preset:`` optional) or a unique prefix of it."""
    key = word[len(PRESET_PREFIX):] if word.startswith(PRESET_PREFIX) else word
    info = store.get(key) if len(key) >= 4 else None
    if info is None:
        raise NotFoundError(f"no preset '{word}' in the catalogue",
                            hint="find its ID with pluginary preset list")
    return info


def version_of(store: PresetStore, info: PresetInfo, prefix: str) -> PresetVersion:
    """The version of ``info`` whose sha256 starts with ``prefix``."""
    matches = {v.sha256: v for v in store.history(info.key) if v.sha256.startswith(prefix)}
    if not matches:
        raise NotFoundError(f"preset {info.key} has no version '{prefix}'",
                            hint=f"see pluginary preset history {info.key}")
    if len(matches) > 1:
        raise UsageError(f"'{prefix}' names {len(matches)} versions of {info.key}",
                         hint="give more digits")
    return next(iter(matches.values()))


@preset_app.command("extract")
def preset_extract(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to read instead of the standard preset folders.")] = None,
    container: Annotated[list[str] | None, typer.Option(
        "--container", "-c", help="Only these containers (see 'preset containers').")] = None,
    json: JsonFlag = False,
) -> None:
    """Read the presets of every format's standard folders (or PATHS) into the catalogue. A
    file or bundle unchanged since the last run is not read again."""
    s = session(ctx)
    for path in paths or ():
        if not path.exists():
            raise NotFoundError(f"no file or folder {path}")
    known = containers(s.pm)
    unknown = sorted(set(container or ()) - set(known))
    if unknown:
        raise UsageError(f"no preset container named {', '.join(unknown)}",
                         hint=f"installed: {', '.join(sorted(known))}")
    resolved = [p.resolve() for p in paths] if paths else None

    def progress(name: str, done: int, total: int) -> None:
        if s.verbosity >= 0 and not json and sys.stderr.isatty():
            sys.stderr.write(f"\r{name}: {done}/{total} sources read")
            sys.stderr.flush()
            if done == total:
                sys.stderr.write("\n")

    report = extract(s.pm, store_of(s, create=True), paths=resolved, only=container or (),
                     progress=progress)
    # With files named, the first unreadable one is the error line itself.
    _print_extract(ctx, report, json, skip=1 if resolved is not None else 0)
    failures = [part.failure for part in report.containers if part.failure]
    if failures:
        raise ExtensionError(failures[0])
    if resolved is not None:
        _check_named(resolved, report)


def _check_named(paths: list[Path], report: ExtractReport) -> None:
    """Files the user named must be read: one no container takes, or one that cannot be
    parsed, is an error (after the others were stored)."""
    files = [p for p in paths if not p.is_dir()]
    if files and not any(part.sources for part in report.containers):
        # A folder without presets is an answer (0 found); a file nobody reads is a mistake.
        raise UsageError(f"no preset container reads {files[0]}",
                         hint="see pluginary preset containers for the file types read")
    errors = [line for part in report.containers for line in part.errors]
    if errors:
        raise PresetFormatError(errors[0] if len(errors) == 1 else
                                f"{len(errors)} sources could not be read; the first: "
                                f"{errors[0]}")


def _print_extract(ctx: typer.Context, report: ExtractReport, json: bool, skip: int) -> None:
    if wants_json(ctx, json):
        emit_json(report)
        return
    rows = [[p.container, p.sources, p.read, p.changes.added, p.changes.updated,
             p.changes.unchanged, p.changes.missing, len(p.errors), f"{p.seconds:.2f}"]
            for p in report.containers]
    emit_table(("Container", "Sources", "Read", "Added", "Updated", "Unchanged", "Missing",
                "Errors", "Seconds"), rows, title="Presets extracted")
    for part in report.containers:
        if part.failure:
            sys.stderr.write(f"warning: {part.failure}\n")
        errors, skip = part.errors[skip:], max(0, skip - len(part.errors))
        for line in errors[:20]:
            sys.stderr.write(f"warning: {part.container}: {line}\n")
        if len(errors) > 20:
            sys.stderr.write(f"warning: {part.container}: {len(errors) - 20} more "
                             "unreadable sources (see --json)\n")


@preset_app.command("list")
def preset_list(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="A word of the name, bank or author.")] = "",
    plugin: Annotated[str | None, typer.Option("--plugin", "-p", help="Only this plugin's "
                                               "presets (its ID, or a unique prefix).")] = None,
    tag: Annotated[str, typer.Option("--tag", "-t", help="Only presets with this tag.")] = "",
    container: Annotated[str, typer.Option("--container", "-c")] = "",
    collection: Annotated[str, typer.Option(
        "--collection", help="Only the presets in this collection.")] = "",
    missing: Annotated[bool, typer.Option(
        "--missing", help="Also presets whose source no longer has them.")] = False,
    json: JsonFlag = False,
) -> None:
    """List stored presets."""
    s = session(ctx)
    key = plugin_key(s, plugin) if plugin else None
    found = store_of(s).find(plugin=key, text=text, tag=tag, container=container,
                             missing=missing)
    if collection:
        from .organise import collection_named

        members = set(collection_named(s, collection).members)
        found = [p for p in found if PRESET_PREFIX + p.key in members]
    if wants_json(ctx, json):
        emit_json(found)
        return
    rows = [[p.key, p.name, p.plugin, p.bank, p.container, p.versions,
             "missing" if p.missing else ""] for p in found]
    emit_table(("ID", "Name", "Plugin", "Bank", "Container", "Versions", "State"), rows,
               title=f"{len(found)} presets")


@preset_app.command("show")
def preset_show(ctx: typer.Context, preset: Annotated[str, typer.Argument(help="Preset ID.")],
                json: JsonFlag = False) -> None:
    """One preset: its metadata, current version and parameter snapshot."""
    s = session(ctx)
    store = store_of(s)
    info = find_preset(store, preset)
    snapshot = store.snapshot(info.sha256)
    if wants_json(ctx, json):
        emit_json({"preset": info, "parameters": snapshot})
        return
    record = exact_record(s.catalogue(), info.plugin)
    emit_fields([("ID", info.key), ("Name", info.name),
                 ("Plugin", f"{info.plugin} ({record.name})" if record else info.plugin),
                 ("Container", info.container), ("Bank", info.bank), ("Author", info.author),
                 ("Tags", ", ".join(info.tags)), ("Source", info.source),
                 ("Identity", info.identity), ("Version", f"{info.sha256[:12]} "
                                                          f"({info.versions} in history)"),
                 ("Size", info.size), ("State", "missing" if info.missing else "present"),
                 *[(k, v) for k, v in sorted(info.meta.items())]])
    if snapshot:
        emit_table(("Parameter", "Value"), [[v.name or v.key, f"{v.value:g}"]
                                            for v in snapshot])


@preset_app.command("history")
def preset_history(ctx: typer.Context,
                   preset: Annotated[str, typer.Argument(help="Preset ID.")],
                   json: JsonFlag = False) -> None:
    """Every version of a preset, oldest first."""
    from datetime import datetime

    store = store_of(session(ctx))
    info = find_preset(store, preset)
    versions = store.history(info.key)
    if wants_json(ctx, json):
        emit_json(versions)
        return
    # The current version is the last entry with its hash (a merged backup can add older
    # entries after it in time order, never a newer current one).
    current = max((i for i, v in enumerate(versions) if v.sha256 == info.sha256), default=-1)
    rows = [[v.sha256[:12] + (" *" if i == current else ""),
             datetime.fromtimestamp(v.recorded_at).isoformat(sep=" ", timespec="seconds"),
             v.size, v.note] for i, v in enumerate(versions)]
    emit_table(("Version", "Recorded", "Size", "Note"), rows, title=f"{info.name} ({info.key})")


def write_preset_file(store: PresetStore, info: PresetInfo, data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` (through a symlink to its target, keeping the file's mode,
    atomically), refusing to replace a file whose bytes are not a stored version of this
    preset: they would be lost."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder (an LV2 bundle?); the preset cannot be written "
                         "back into it", hint="write it to a file with --to FILE")
    target = path.resolve() if path.is_symlink() else path
    try:
        current = target.read_bytes() if target.exists() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}; nothing was written",
                         hint="check the file's permissions") from exc
    if current is not None and sha256(current) not in {v.sha256 for v in
                                                       store.history(info.key)}:
        raise UsageError(f"{path} holds bytes that are not a stored version of this preset "
                         "(edited since the last extract, or a file its container rewrites); "
                         "it is left as it is",
                         hint="run pluginary preset extract to keep them, or write the "
                              "restored version elsewhere with --to FILE")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {target.parent}: {exc.strerror}") from exc
    # Every earlier version is in the catalogue: no .bak beside the preset is needed.
    write_bytes(target, data, keep=0)


@preset_app.command("restore")
def preset_restore(
    ctx: typer.Context,
    preset: Annotated[str | None, typer.Argument(help="Preset ID.")] = None,
    version: Annotated[str | None, typer.Argument(
        help="The version to restore (a sha256 prefix from 'preset history'); the one before "
             "the current by default.")] = None,
    to: Annotated[Path | None, typer.Option(
        "--to", help="Write the restored preset to this file (default: back to its source "
                     "file, when it came from one).")] = None,
    backup: Annotated[Path | None, typer.Option(
        "--backup", help="Instead: merge a backup made by 'preset backup' into the catalogue.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Make an earlier version of a preset current again (the history keeps every version),
    or restore a whole backup with --backup."""
    s = session(ctx)
    store = store_of(s, create=backup is not None)
    if backup is not None:
        from ..presets.backup import restore_backup

        changes = restore_backup(store, backup)
        if wants_json(ctx, json):
            emit_json(changes)
        else:
            sys.stdout.write(f"restored from {backup}: {changes.added} presets added, "
                             f"{changes.updated} given versions they lacked, "
                             f"{changes.unchanged} already here\n")
        return
    if preset is None:
        raise UsageError("name the preset to restore, or --backup DIR")
    info = find_preset(store, preset)
    if version is None:
        history = store.history(info.key)
        older = [v for v in history if v.sha256 != info.sha256]
        if not older:
            raise UsageError(f"preset {info.key} has no earlier version",
                             hint=f"see pluginary preset history {info.key}")
        chosen = older[-1]
    else:
        chosen = version_of(store, info, version)
    data = store.payload(chosen.sha256)
    if data is None:
        raise NotFoundError(f"the payload {chosen.sha256[:12]} is missing from the catalogue",
                            hint="run pluginary db check")
    target = to if to is not None else (Path(info.source) if info.source else None)
    written = ""
    if target is not None and not (to is None and Path(info.source).is_dir()):
        write_preset_file(store, info, data, target)
        written = str(target)
    made = store.restore(info.key, chosen.sha256, note=f"restore of {chosen.sha256[:12]}")
    if wants_json(ctx, json):
        emit_json({"preset": info.key, "version": made, "written": written})
        return
    sys.stdout.write(f"{info.name}: version {chosen.sha256[:12]} is current again"
                     + (f"; written to {written}" if written else
                        "; its source is not a single file: write it with --to FILE")
                     + "\n")


@preset_app.command("diff")
def preset_diff(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(help="A preset ID, or ID@VERSION.")],
    second: Annotated[str | None, typer.Argument(
        help="Another preset or version; default: the version before FIRST's.")] = None,
    json: JsonFlag = False,
) -> None:
    """Compare two presets (or two versions of one) parameter by parameter."""
    from ..presets.diff import diff
    from .preset_make import snapshot_of

    s = session(ctx)
    store = store_of(s)
    a_info, a_sha = _versioned(store, first)
    if second is None:
        older = [v for v in store.history(a_info.key) if v.sha256 != a_sha]
        if not older:
            raise UsageError(f"preset {a_info.key} has one version: nothing to compare",
                             hint="name a second preset")
        b_info, b_sha = a_info, older[-1].sha256
        a_info, a_sha, b_info, b_sha = b_info, b_sha, a_info, a_sha
    else:
        b_info, b_sha = _versioned(store, second)
    if a_sha == b_sha:
        changes = []
    else:
        before = snapshot_of(s, store, a_info, a_sha)
        after = snapshot_of(s, store, b_info, b_sha)
        if before is None or after is None:
            raise UsageError("the payloads differ, and a parameter-level diff needs a snapshot "
                             "of both", hint="scan the plugin so a worker can load them")
        changes = diff(before, after)
    if wants_json(ctx, json):
        emit_json({"before": a_sha, "after": b_sha, "changes": changes})
        return
    if not changes:
        sys.stdout.write("no parameter differs\n")
        return
    emit_table(("Parameter", a_sha[:12], b_sha[:12]),
               [[c.name, "" if c.before is None else f"{c.before:g}",
                 "" if c.after is None else f"{c.after:g}"] for c in changes])


def _versioned(store: PresetStore, word: str) -> tuple[PresetInfo, str]:
    name, _, version = word.partition("@")
    info = find_preset(store, name)
    return info, (version_of(store, info, version).sha256 if version else info.sha256)


# The other preset commands attach themselves to preset_app.
from . import preset_make as preset_make  # noqa: E402
from . import preset_share as preset_share  # noqa: E402
