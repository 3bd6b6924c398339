"""Pieces every command uses: the session, the --json flag, record formatting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import msgspec
import typer

from ..cli import Session
from ..errors import NotFoundError, UsageError
from ..models import PluginRecord

T = TypeVar("T")

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


def write_new_json(destination: Path, data: Any) -> None:
    """Write ``data`` as indented JSON to a file that must not exist yet (exports never
    overwrite); a one-line error when it exists or cannot be written."""
    if destination.exists():
        raise UsageError(f"{destination} already exists; export never overwrites a file",
                         hint="choose a new file name")
    try:
        destination.write_bytes(msgspec.json.format(msgspec.json.encode(data), indent=1))
    except OSError as exc:
        raise UsageError(f"cannot write {destination}: {exc.strerror}") from exc


def read_export(source: Path, kind: type[T], *, what: str, command: str) -> T:
    """Read a file an export command wrote, as ``kind``; a one-line error when it is missing
    (exit 3), unreadable or not such a file (exit 2)."""
    try:
        return msgspec.json.decode(source.read_bytes(), type=kind)
    except FileNotFoundError:
        raise NotFoundError(f"no file {source}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror}") from exc
    except msgspec.DecodeError as exc:
        raise UsageError(f"{source} is not {what}: {exc}",
                         hint=f"make one with '{command}'") from exc
