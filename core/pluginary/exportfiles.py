"""Writing another program's files safely: the helper every exporter uses.

An exporter reads the existing file itself (and refuses a malformed one before anything is
written), merges, and hands the new text to :func:`write_text` (or the bytes of a binary file
to :func:`write_bytes`), which

- does nothing when the text is unchanged;
- with ``dry_run``, only returns the unified diff;
- otherwise keeps a timestamped backup of the old file beside it (``NAME.YYYYmmdd-HHMMSS.bak``,
  the newest :data:`KEEP_BACKUPS` kept), writes a temporary file in the same folder, gives it
  the old file's mode, and renames it over the target, so a crash or a full disk never leaves a
  half-written file where the DAW reads.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import msgspec

from .errors import DiskFullError, UsageError

T = TypeVar("T")

#: How many backups of one file are kept (the oldest go first).
KEEP_BACKUPS = 10


@dataclass(frozen=True)
class FileChange:
    """What :func:`write_text` did (or, with ``dry_run``, would do) to one file."""

    path: Path
    existed: bool
    changed: bool
    diff: str = ""
    backup: Path | None = None


def read_text(path: Path) -> str | None:
    """The file's text (lines end in ``\n``, a UTF-8 byte-order mark dropped), None when it
    does not exist; a one-line error when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text ({exc.reason}); nothing was written",
                         hint="move it aside or fix it, then export again") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}; nothing was written") from exc


def read_memory(path: Path, kind: type[T]) -> T:
    """An exporter's memory of what it wrote last time (a JSON file of ``kind``, a msgspec
    struct whose fields all have defaults): empty when there is none; a damaged one is a usage
    error, raised before anything is written."""
    try:
        return msgspec.json.decode(read_text(path) or "{}", type=kind)
    except msgspec.DecodeError as exc:
        raise UsageError(f"{path} is damaged ({exc}); nothing was written",
                         hint="delete it: the exporter then treats every entry as the user's") \
            from exc


def write_memory(path: Path, memory: msgspec.Struct, *, dry_run: bool) -> FileChange:
    """Write an exporter's memory (:func:`read_memory`) as indented JSON."""
    return write_text(path, msgspec.json.format(msgspec.json.encode(memory), indent=1).decode()
                      + "\n", dry_run=dry_run)


def write_text(path: Path, text: str, *, dry_run: bool = False,
               keep: int = KEEP_BACKUPS) -> FileChange:
    """Replace ``path`` with ``text`` atomically, keeping a backup of what was there.

    A symbolic link is followed (the file it points to is replaced, the link stays: dotfiles
    managers link DAW files); a file that used CRLF line ends or a byte-order mark keeps
    them."""
    path = path.resolve() if path.is_symlink() else path
    old = read_text(path)
    diff = _diff(path, old, text)
    if old == text:
        return FileChange(path, existed=True, changed=False)
    if dry_run:
        return FileChange(path, existed=old is not None, changed=True, diff=diff)
    raw = path.read_bytes()[:4096] if old is not None else b""
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    return _replace(path, data, existed=old is not None, diff=diff, keep=keep)


def write_bytes(path: Path, data: bytes, *, dry_run: bool = False, keep: int = KEEP_BACKUPS,
                as_text: Callable[[bytes], str] | None = None) -> FileChange:
    """:func:`write_text` for a binary file (a gzipped preset): the same atomic replace and
    backups; the ``--dry-run`` diff is of ``as_text`` of each version (the XML inside), or one
    line saying that the binary file changes."""
    path = path.resolve() if path.is_symlink() else path
    try:
        old = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}; nothing was written",
                         hint="check the file's permissions") from exc
    if old == data:
        return FileChange(path, existed=True, changed=False)
    if as_text is not None:
        diff = _diff(path, as_text(old) if old is not None else None, as_text(data))
    else:
        diff = f"binary file {path} {'changes' if old is not None else 'is created'}\n"
    if dry_run:
        return FileChange(path, existed=old is not None, changed=True, diff=diff)
    return _replace(path, data, existed=old is not None, diff=diff, keep=keep)


def _diff(path: Path, old: str | None, new: str) -> str:
    return "".join(difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=str(path) if old is not None else "/dev/null", tofile=str(path)))


def _replace(path: Path, data: bytes, *, existed: bool, diff: str, keep: int) -> FileChange:
    """Back up ``path`` and put ``data`` in its place through a temporary file and a rename,
    with the old file's mode."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist; nothing was written",
                         hint="create it first or choose another destination")
    backup = _backup(path, keep) if existed else None
    mode = stat.S_IMODE(path.stat().st_mode) if existed else 0o644
    temporary = ""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:  # a folder the user may not write into lands here too
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if exc.errno == 28:  # ENOSPC
            raise DiskFullError(f"the disk holding {path} is full; {path} is unchanged") from exc
        raise UsageError(f"cannot write {path}: {exc.strerror}; it is unchanged",
                         hint="check the folder's permissions") from exc
    return FileChange(path, existed=existed, changed=True, diff=diff, backup=backup)


def _backup(path: Path, keep: int) -> Path:
    # Only backups this module made (NAME.YYYYmmdd-HHMMSS[-n].bak), never a user's own
    # NAME.orig.bak; ordered by their stamp and number, whatever the copies' mtimes.
    pattern = re.compile(re.escape(path.name) + r"\.(\d{8}-\d{6})(?:-(\d+))?\.bak")

    def ours() -> list[tuple[str, int, Path]]:
        return sorted((m.group(1), int(m.group(2) or 0), p) for p in path.parent.iterdir()
                      if (m := pattern.fullmatch(p.name)))

    stamp = time.strftime("%Y%m%d-%H%M%S")
    # Above every number of this second, never a freed lower one: a pruned name reused would
    # sort the newest backup first.
    n = max((number + 1 for s, number, _ in ours() if s == stamp), default=0)
    target = path.with_name(f"{path.name}.{stamp}{f'-{n}' if n else ''}.bak")
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        raise UsageError(f"cannot back up {path} to {target}: {exc.strerror}; nothing was "
                         "written", hint="check the folder's permissions") from exc
    backups = [p for _, _, p in ours()]
    for old in backups[:-keep] if keep > 0 else backups:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
