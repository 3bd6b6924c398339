"""``pluginary compat``: the compatibility rules in force, why they apply, and checking a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from .. import hookimpl
from ..errors import NotFoundError, UsageError
from ..models import CompatEntry, Status
from ..output import emit_fields, emit_json, emit_table
from ..registry import CommandRegister
from ..rules import describe
from ..scan.roots import absolute
from ..scan.rules import Placed, RuleBook, facts_of, read_rule_file, user_rules_path
from ..validation_store import FAILURES, SOURCE
from .common import JsonFlag, read_export, session, wants_json, write_new_json

compat_app = typer.Typer(no_args_is_help=True)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("compat", compat_app, help="Compatibility rules (list, explain, check) and the "
             "compatibility database (report, export, import).")


#: The format of ``compat export`` files; ``import`` refuses any other.
EXPORT_SCHEMA = "pluginary-compat"
EXPORT_VERSION = 1


class CompatFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What ``pluginary compat export`` writes: the schema's name and version, then entries."""

    schema: str
    version: int
    entries: tuple[CompatEntry, ...] = ()


def placed_json(placed: Placed, matched: dict[str, str] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"source": placed.source, "origin": placed.origin,
                            "number": placed.number, "extension": placed.extension,
                            "rule": placed.rule}
    if matched is not None:
        item["matched"] = matched
    return item


@compat_app.command("list")
def list_rules(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every rule in force, lowest precedence first: built-in, vendor packs, your rules.toml."""
    book = RuleBook.load(session(ctx).pm)
    if wants_json(ctx, json):
        emit_json([placed_json(p) for p in book.placed])
        return
    rows = [(p.source, p.origin, p.number, line, p.rule.reason)
            for p, line in zip(book.placed, describe(p.rule for p in book.placed), strict=True)]
    emit_table(("Source", "From", "#", "Rule", "Reason"), rows,
               title=f"compatibility rules (yours: {user_rules_path()})")


@compat_app.command("explain")
def explain(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(
        metavar="ID|PATH", help="A plugin ID (format:uid or a unique prefix) or a scanned path.")],
    json: JsonFlag = False,
) -> None:
    """Which rules apply to a plugin, from where, and which of their matchers matched."""
    s = session(ctx)
    catalogue = s.catalogue()
    book = RuleBook.load(s.pm)
    record = catalogue.get(target) if ":" in target else None
    if record is not None:
        path = record.bundle_path or record.file_path
        facts = facts_of(path, record.format, record)
    else:
        state = catalogue.candidates().get(str(absolute(Path(target).expanduser())))
        if state is None:
            raise NotFoundError(f"no plugin or scanned path {target!r} in the catalogue",
                                hint="give an ID from 'pluginary list' or a path 'pluginary "
                                     "scan' has seen")
        known = [p for p in catalogue.summaries() if p.path == state.path]
        facts = facts_of(state.path, state.format, known[0] if len(known) == 1 else None)
    found = book.matching(facts)
    if wants_json(ctx, json):
        emit_json({"facts": facts, "rules": [placed_json(p, m) for p, m in found]})
        return
    if not found:
        sys.stdout.write("no rule applies\n")
        return
    emit_table(("Source", "From", "#", "Action", "Matched", "Reason"),
               [(p.source, p.origin, p.number, p.rule.action.value,
                 ", ".join(f"{k}={v}" for k, v in m.items()), p.rule.reason)
                for p, m in found], title="rules that apply, lowest precedence first "
                                          "(the last of each kind wins)")


@compat_app.command("check")
def check(
    ctx: typer.Context,
    files: Annotated[list[Path] | None, typer.Argument(
        help="Rule files to check (default: your rules.toml).")] = None,
    json: JsonFlag = False,
) -> None:
    """Validate rule files: exit 2 with the file, the rule and the field when one is wrong."""
    paths = files or [user_rules_path()]
    counts = {str(path): len(read_rule_file(path)) for path in paths}
    if wants_json(ctx, json):
        emit_json({"ok": True, "rules": counts})
        return
    for path, n in counts.items():
        sys.stdout.write(f"ok: {path}: {n} rule{'s' if n != 1 else ''}\n")


@compat_app.command("report")
def report(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Summarise the compatibility database: scan outcomes by status and every plugin version
    that did not load, then validation results by status and every one that failed, with
    where and why."""
    entries = session(ctx).catalogue().compat_entries()
    scans = [e for e in entries if e.source != SOURCE]
    checked = [e for e in entries if e.source == SOURCE]
    problems = [e for e in scans if e.status is not Status.OK]
    failures = [e for e in checked if e.status in FAILURES]
    if wants_json(ctx, json):
        # The scan's keys as before; validation rows only under "validation".
        emit_json({"entries": len(entries), "by_status": _by_status(scans),
                   "problems": problems,
                   **({"validation": {"by_status": _by_status(checked), "failures": failures}}
                      if checked else {})})
        return
    if not entries:
        sys.stderr.write("The compatibility database is empty: run 'pluginary scan'.\n")
        return
    emit_fields([("Entries", len(entries)),
                 *((status, n) for status, n in sorted(_by_status(scans).items())),
                 *((f"validation {status}", n)
                   for status, n in sorted(_by_status(checked).items()))])
    if problems:
        emit_table(("Plugin", "Version", "Where", "Status", "Tier", "Cause"),
                   [(f"{e.format}:{e.uid}", e.version, f"{e.os}/{e.arch}", e.status.value,
                     e.tier, e.cause) for e in problems], title="did not load")
    if failures:
        emit_table(("Plugin", "Version", "Where", "Status", "Level", "Cause"),
                   [(f"{e.format}:{e.uid}", e.version, f"{e.os}/{e.arch}", e.status.value,
                     e.tier, e.cause) for e in failures], title="failed validation")


def _by_status(entries: list[CompatEntry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.status.value] = counts.get(e.status.value, 0) + 1
    return counts


@compat_app.command("export")
def export(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="A new JSON file to write.")],
) -> None:
    """Write the compatibility database to a file another machine can import."""
    entries = session(ctx).catalogue().compat_entries()
    write_new_json(destination, CompatFile(schema=EXPORT_SCHEMA, version=EXPORT_VERSION,
                                           entries=tuple(entries)))
    sys.stdout.write(f"exported {len(entries)} entries to {destination}\n")


@compat_app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A file 'pluginary compat export' wrote.")],
    json: JsonFlag = False,
) -> None:
    """Merge another machine's compatibility database: no duplicates, the newer outcome of each
    plugin version, OS and architecture wins."""
    data = read_export(source, CompatFile, what="a compatibility export",
                       command="pluginary compat export FILE")
    if (data.schema, data.version) != (EXPORT_SCHEMA, EXPORT_VERSION):
        raise UsageError(f"{source} is {data.schema} version {data.version}; this Pluginary "
                         f"reads {EXPORT_SCHEMA} version {EXPORT_VERSION}")
    changed = session(ctx).catalogue(create=True).merge_compat(data.entries)
    if wants_json(ctx, json):
        emit_json({"read": len(data.entries), "changed": changed})
        return
    sys.stdout.write(f"imported {source}: {len(data.entries)} entries read, {changed} added "
                     "or updated (the newer outcome of each wins)\n")
