"""``pluginary categories``: the one category tree across formats, with counts."""

from __future__ import annotations

import sys
from typing import Annotated

import msgspec
import typer

from .. import hookimpl
from ..categories import category_map
from ..output import emit_json, emit_table
from ..registry import CommandRegister
from .common import JsonFlag, session, wants_json


class CategoryCount(msgspec.Struct, frozen=True, kw_only=True):
    """One node of ``pluginary categories --json``: its path ("" is Uncategorised), how many
    plugins are in it or under it, in it alone, and how many of those were guessed."""

    path: str
    label: str
    plugins: int
    own: int
    guessed: int


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("categories", show_categories, help="The category tree with how many plugins are "
             "in each node (category:NAME in a query takes a node and all under it).")


def show_categories(
    ctx: typer.Context,
    empty: Annotated[bool, typer.Option("--empty", help="Also show nodes with no plugin.")]
    = False,
    json: JsonFlag = False,
) -> None:
    s = session(ctx)
    tree = category_map(s.pm)
    own: dict[str, int] = {}
    guessed: dict[str, int] = {}
    seen: set[str] = set()
    for summary in s.catalogue().summaries():
        if summary.key in seen:  # one plugin, several installations: counted once
            continue
        seen.add(summary.key)
        own[summary.category] = own.get(summary.category, 0) + 1
        if summary.category_guessed:
            guessed[summary.category] = guessed.get(summary.category, 0) + 1
    nodes = [*tree.nodes(), ""]
    total = {node: sum(n for path, n in own.items() if node and (
        path == node or path.startswith(node + "/"))) for node in nodes}
    total[""] = own.get("", 0)
    rows = [CategoryCount(path=node, label=tree.label(node), plugins=total[node],
                          own=own.get(node, 0), guessed=guessed.get(node, 0))
            for node in nodes if empty or total[node]]
    if wants_json(ctx, json):
        emit_json(rows)
        return
    if not seen:
        sys.stderr.write("The catalogue is empty: run pluginary scan first.\n")
        return
    emit_table(("Category", "Plugins", "Guessed"), [
        ("  " * r.path.count("/") + (r.path.rsplit("/", 1)[-1] or "Uncategorised"),
         r.plugins, r.guessed or "") for r in rows],
        title=f"{len(seen)} plugins")
