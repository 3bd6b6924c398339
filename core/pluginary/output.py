"""Printing results: JSON for machines, a table for people, tab-separated lines for pipes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(order="deterministic")


def emit_json(value: Any) -> None:
    """Print ``value`` (structs, lists, dicts) as indented JSON on stdout."""
    sys.stdout.write(msgspec.json.format(_encoder.encode(value), indent=2).decode() + "\n")
    sys.stdout.flush()


def emit_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "") -> None:
    """Print rows under ``columns``: a rich table on a terminal, tab-separated otherwise."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if not sys.stdout.isatty():
        # A header line first, so a pipe (cut, awk, a spreadsheet) knows the columns.
        sys.stdout.write("\t".join(columns) + "\n")
        for row in cells:
            sys.stdout.write("\t".join(row) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, title=title or None)
    for row in cells:
        table.add_row(*row)
    Console().print(table)


def emit_fields(fields: Sequence[tuple[str, Any]]) -> None:
    """Print ``name: value`` lines, aligned, for one object."""
    width = max((len(name) for name, _ in fields), default=0)
    for name, value in fields:
        sys.stdout.write(f"{name:<{width}}  {'' if value is None else value}\n")
