"""``pluginary compat``: the compatibility rules in force, why they apply, and checking a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import hookimpl
from ..errors import NotFoundError
from ..output import emit_json, emit_table
from ..registry import CommandRegister
from ..rules import describe
from ..scan.rules import Placed, RuleBook, facts_of, read_rule_file, user_rules_path
from .common import JsonFlag, session, wants_json

compat_app = typer.Typer(no_args_is_help=True)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("compat", compat_app, help="Compatibility rules: list them, explain which apply "
             "to a plugin, check a rule file.")


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
        state = catalogue.candidates().get(str(Path(target).expanduser()))
        if state is None:
            raise NotFoundError(f"no plugin or scanned path {target!r} in the catalogue",
                                hint="give an ID from 'pluginary list' or a path 'pluginary "
                                     "scan' has seen")
        known = [p for p in catalogue.summaries() if p.path == state.path]
        facts = facts_of(state.path, state.format, known[0] if known else None)
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
