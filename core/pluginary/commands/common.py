"""Pieces every command uses: the session, the --json flag, record formatting."""

from __future__ import annotations

from typing import Annotated

import typer

from ..cli import Session
from ..models import PluginRecord

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
HiddenFlag = Annotated[bool, typer.Option(
    "--hidden", help="Include plugins tagged 'hidden' (left out otherwise).")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip the first N.")]


def session(ctx: typer.Context) -> Session:
    """The run's :class:`~pluginary.cli.Session` (set by the global options)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Session):  # pragma: no cover - only if a command bypasses make_app
        raise RuntimeError("command run outside the pluginary app")
    return obj


def wants_json(ctx: typer.Context, flag: bool) -> bool:
    """True for ``--json`` on the command or on the top-level ``pluginary``."""
    return flag or session(ctx).json


def record_row(record: PluginRecord) -> list[str]:
    """The columns every listing shows, in :data:`RECORD_COLUMNS` order."""
    # A file that failed before naming a plugin has no uid: its path is its ID.
    return [record.key if record.uid else record.file_path,
            record.name, record.vendor, record.format, record.version,
            record.role.value, record.status.value]


RECORD_COLUMNS = ("ID", "Name", "Vendor", "Format", "Version", "Role", "Status")
