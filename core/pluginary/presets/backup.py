"""Preset backups: ``pluginary preset backup DEST``, ``--verify`` and ``restore --backup``.

A backup is a folder::

    DEST/objects/<aa>/<sha256>   each payload's bytes, named by their sha256 (aa: its first two
                                 hex digits, so no folder holds too many files)
    DEST/presets.json            every preset with its history and the snapshots: the
                                 :class:`~.model.PresetDump`, as msgspec JSON

It is incremental by hash: an object already in ``DEST`` with its name, size and hash is not
written again (one whose bytes no longer hash to its name is rewritten from the catalogue). A
``presets.json`` already there is merged, not replaced: several catalogues, or one over time, can
back up into one folder and every preset any of them stored stays restorable. Every file is
written to a temporary name, flushed to disk and renamed, so an interrupted
backup leaves the previous ``presets.json`` and whole objects only; ``presets.json`` is written
last, so it never names an object that was not written first. Each object written is read back
and hashed again.

Only :class:`~.store.PresetStore` is used: any storage extension's presets back up alike.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import msgspec

from ..errors import DiskFullError, PluginaryError, UsageError
from .container import PresetFormatError
from .model import PresetChanges, PresetDump, StoredPreset, sha256
from .store import PresetStore

#: The file holding the presets and their histories, beside ``objects``.
PRESETS_FILE = "presets.json"
OBJECTS = "objects"
#: What :class:`PresetDump` says in ``schema``, and the newest ``version`` this code reads.
SCHEMA = PresetDump().schema
VERSION = PresetDump().version

_HASH = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


class BackupError(PresetFormatError):
    """A preset backup is damaged, incomplete or not a backup at all; nothing was restored from
    it. (A :class:`PresetFormatError`: a backup is a container of preset payloads.)"""

    default_hint = ("run 'pluginary preset backup DEST --verify' to list every problem, and "
                    "restore from another copy of the backup")


class BackupReport(msgspec.Struct, kw_only=True):
    """What one ``preset backup`` did."""

    destination: str
    #: How many presets ``presets.json`` now holds.
    presets: int = 0
    #: Objects written, and objects already there (same name and size) left alone.
    written: int = 0
    skipped: int = 0
    bytes_written: int = 0
    #: Objects written, read back and found to hash to their name.
    verified: int = 0
    #: Objects ``presets.json`` names that the backup still lacks (the catalogue has lost them
    #: too: ``pluginary db check`` names the presets); empty for a complete backup.
    missing: list[str] = []


def object_path(root: Path, sha: str) -> Path:
    """Where the payload ``sha`` lives in the backup at ``root``."""
    return root / OBJECTS / sha[:2] / sha


def _referenced(dump: PresetDump) -> dict[str, int]:
    """Every payload ``dump`` names, with its size (0 when the store did not know it)."""
    sizes: dict[str, int] = {}
    for stored in dump.presets:
        sizes.setdefault(stored.info.sha256, stored.info.size)
        for version in stored.history:
            if not sizes.get(version.sha256):
                sizes[version.sha256] = version.size
    return dict(sorted(sizes.items()))


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable. Windows cannot open a folder: NTFS journals
    renames itself, so there is nothing to do there."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target``, flush it to disk, rename it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:16]}.",
                                     suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _hash_file(path: Path) -> tuple[str, int]:
    """The sha256 of a file read in chunks (an object may be large), and its size."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_error(destination: Path, exc: OSError) -> PluginaryError:
    if exc.errno == errno.ENOSPC:
        return DiskFullError(f"the disk holding the backup {destination} is full; the "
                             "objects written so far are whole, and presets.json was not "
                             "replaced")
    return UsageError(f"cannot write the backup to {destination}: "
                      f"{exc.strerror or exc} ({exc.filename or destination})",
                      hint="choose a folder you can write to")


def backup(store: PresetStore, destination: Path) -> BackupReport:
    """Back up every preset of ``store`` with its history into the folder ``destination``
    (created when needed); see the module's docstring."""
    destination = Path(destination)
    if destination.exists() and not destination.is_dir():
        raise UsageError(f"{destination} is a file, not a folder",
                         hint="give a folder for the backup (it is created when needed)")
    dump = store.dump()
    if (destination / PRESETS_FILE).exists():
        # Another catalogue (or an older state of this one) may have backed up here: what its
        # index names is kept, so no earlier backup becomes unreachable.
        dump = merge_dumps(load_dump(destination), dump)
    report = BackupReport(destination=str(destination), presets=len(dump.presets))
    touched: set[Path] = set()
    lost: list[str] = []
    try:
        for sha, size in _referenced(dump).items():
            target = object_path(destination, sha)
            if _intact(target, sha, size):
                report.skipped += 1
                continue
            data = store.payload(sha)
            if data is None:
                lost.append(sha)  # neither here intact nor in the catalogue
                continue
            _write_atomic(target, data)
            touched.add(target.parent)
            report.written += 1
            report.bytes_written += len(data)
            actual, _ = _hash_file(target)
            if actual != sha:
                raise BackupError(f"the object {target} hashes to {actual} once written, not "
                                  f"to {sha}: the disk holding the backup corrupts what it "
                                  "stores", hint="back up to another disk")
            report.verified += 1
        for folder in sorted(touched):
            _fsync_folder(folder)
        _write_atomic(destination / PRESETS_FILE, msgspec.json.encode(dump))
        _fsync_folder(destination)
    except OSError as exc:
        raise _write_error(destination, exc) from exc
    report.missing = lost
    return report


def _intact(target: Path, sha: str, size: int) -> bool:
    """Whether the object is there with its size and hash (a same-size object with a flipped
    bit is rewritten from the catalogue, not trusted)."""
    try:
        return target.stat().st_size == size and _hash_file(target)[0] == sha
    except OSError:
        return False


def merge_dumps(old: PresetDump, new: PresetDump) -> PresetDump:
    """The index of a backup folder after backing up ``new`` into it: every preset of both,
    ``new``'s metadata where both have one, and the union of their histories in time order."""
    merged: dict[str, StoredPreset] = {p.info.identity: p for p in old.presets}
    for preset in new.presets:
        before = merged.get(preset.info.identity)
        if before is None:
            merged[preset.info.identity] = preset
            continue
        seen = {(v.sha256, v.recorded_at) for v in preset.history}
        history = [*preset.history, *(v for v in before.history
                                      if (v.sha256, v.recorded_at) not in seen)]
        history.sort(key=lambda v: v.recorded_at)
        merged[preset.info.identity] = StoredPreset(
            info=msgspec.structs.replace(preset.info, versions=len(history)),
            history=tuple(history))
    return PresetDump(presets=tuple(merged.values()),
                      snapshots={**old.snapshots, **new.snapshots})


def load_dump(source: Path) -> PresetDump:
    """The ``presets.json`` of the backup at ``source``, checked: it decodes, it is a backup
    this version reads, and every hash in it is a sha256 (so no object path can leave the
    backup). :class:`BackupError` otherwise, saying what is wrong where."""
    path = Path(source) / PRESETS_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BackupError(f"{source} holds no {PRESETS_FILE}, so it is not a preset backup",
                          hint="give the folder 'pluginary preset backup' wrote") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}",
                          hint="check the permissions of the backup folder") from exc
    try:
        dump = msgspec.json.decode(data, type=PresetDump)
    except msgspec.DecodeError as exc:  # ValidationError is one too
        raise BackupError(f"{path} is damaged ({len(data)} bytes): {exc}") from exc
    if dump.schema != SCHEMA:
        raise BackupError(f"{path} is not a preset backup (its schema is {dump.schema!r})",
                          hint="give the folder 'pluginary preset backup' wrote")
    if dump.version > VERSION:
        raise BackupError(f"{path} is a version-{dump.version} backup; this Pluginary reads "
                          f"up to version {VERSION}",
                          hint="upgrade Pluginary to restore this backup")
    for sha in (*_referenced(dump), *dump.snapshots):
        if not _HASH.match(sha):
            raise BackupError(f"{path} names {sha!r} where a sha256 belongs")
    return dump


def _object_problems(source: Path, shas: Iterable[str], *, needed: set[str]) -> list[str]:
    """One line per object of ``shas`` whose bytes do not hash to its name, and per object of
    ``needed`` that is not there."""
    problems = []
    for sha in shas:
        path = object_path(source, sha)
        try:
            actual, _ = _hash_file(path)
        except FileNotFoundError:
            if sha in needed:
                problems.append(f"the object {sha} is missing ({path})")
            continue
        except OSError as exc:
            problems.append(f"the object {path} cannot be read: {exc.strerror or exc}")
            continue
        if actual != sha:
            problems.append(f"the object {path} is damaged: its bytes hash to {actual}")
    return problems


def verify(destination: Path) -> list[str]:
    """Every problem of the backup at ``destination``, one line each: an unreadable
    ``presets.json``, an object whose bytes do not hash to its name, an object it names that
    is missing. Empty for a sound backup. Nothing is written."""
    destination = Path(destination)
    try:
        dump = load_dump(destination)
    except BackupError as exc:
        return [exc.message]
    referenced = set(_referenced(dump))
    stored: set[str] = set()
    with contextlib.suppress(OSError):
        stored = {p.name for p in (destination / OBJECTS).glob("??/*")
                  if _HASH.match(p.name) and p.parent.name == p.name[:2]}
    return _object_problems(destination, sorted(referenced | stored), needed=referenced)


def restore_backup(store: PresetStore, source: Path) -> PresetChanges:
    """Merge the backup at ``source`` into ``store``: unknown presets with their whole history,
    and the versions a known preset lacks (:meth:`PresetStore.merge`; no current version
    changes). ``presets.json`` and every object are checked first: one damaged object, or a
    missing one the store lacks too, refuses the whole restore with a :class:`BackupError`
    naming it, and nothing is stored."""
    source = Path(source)
    dump = load_dump(source)
    referenced = list(_referenced(dump))
    needed = set(referenced) - store.payload_hashes()
    problems = _object_problems(source, referenced, needed=needed)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise BackupError(f"{problems[0]}{more}; nothing was restored from {source}")

    def payload(sha: str) -> bytes:
        path = object_path(source, sha)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BackupError(f"the object {path} cannot be read: {exc.strerror or exc}; "
                              f"nothing was restored from {source}") from exc
        # Checked again as it is read: the folder may have changed since the check above.
        if sha256(data) != sha:
            raise BackupError(f"the object {path} is damaged: its bytes hash to "
                              f"{sha256(data)}; nothing was restored from {source}")
        return data

    return store.merge(dump, payload)
