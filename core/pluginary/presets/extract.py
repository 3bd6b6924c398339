"""Extracting presets from every registered container's folders into the store, incrementally.

Each source (a preset file, or a folder read as one such as an LV2 bundle) has a fingerprint
made from ``stat`` alone: size and mtime of a file; for a folder, a hash of the names, sizes
and mtimes of every file in it. A source whose fingerprint the store already holds is not read
at all, so a pass over an unchanged machine reads no preset file. Changed sources are read in
batches by their container; a container that raises is reported as its extension's fault and
the others go on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
import pluggy

from ..manager import describe
from ..registry import collect_preset_containers
from .container import PresetContainer
from .model import PresetChanges
from .store import PresetStore

log = logging.getLogger(__name__)

#: Sources read per call of a container's ``read`` (and per transaction).
BATCH = 256


class ContainerReport(msgspec.Struct, kw_only=True):
    """One container's part of an extraction."""

    container: str
    extension: str
    sources: int = 0
    #: Sources read because they were new or changed (the others were skipped unread).
    read: int = 0
    gone: int = 0
    #: ``path: reason`` for each source that could not be read.
    errors: list[str] = []
    changes: PresetChanges = msgspec.field(default_factory=PresetChanges)
    seconds: float = 0.0
    #: Set when the container itself failed (its extension's fault).
    failure: str = ""


class ExtractReport(msgspec.Struct, kw_only=True):
    containers: list[ContainerReport] = []
    seconds: float = 0.0

    def total(self) -> PresetChanges:
        changes = PresetChanges()
        for report in self.containers:
            changes.add(report.changes)
        return changes


def fingerprint(path: Path) -> str | None:
    """The fingerprint of a source from ``stat`` alone, or None when it is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not path.is_dir():
        return f"f:{info.st_size}:{info.st_mtime_ns}"
    digest = hashlib.sha1()
    count = 0
    # scandir hands back each entry's stat from the directory read: no path joins per file.
    pending = [(str(path), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                stamp = entry.stat()
            except OSError:
                continue
            digest.update(f"{prefix}{entry.name}\0{stamp.st_size}\0{stamp.st_mtime_ns}\n"
                          .encode())
            count += 1
    return f"d:{count}:{digest.hexdigest()[:20]}"


def default_roots(container: PresetContainer) -> list[Path]:
    """The container's standard folders on this machine."""
    return container.roots(sys.platform, os.environ, Path.home())


def extract(pm: pluggy.PluginManager, store: PresetStore, *,
            paths: Sequence[Path] | None = None, only: Sequence[str] = (),
            progress: Callable[[str, int, int], None] | None = None) -> ExtractReport:
    """Extract the presets of every container (of ``only`` when given) from its standard
    folders, or from ``paths`` (files and folders the user named) instead."""
    started = time.perf_counter()
    report = ExtractReport()
    for name, entry in sorted(collect_preset_containers(pm).items()):
        if only and name not in only:
            continue
        container = entry.item
        part = ContainerReport(container=name, extension=entry.extension)
        began = time.perf_counter()
        try:
            _extract_one(container, store, part, paths, progress)
        except Exception as exc:  # the container's fault: report it by name, go on
            part.failure = (f"{describe(pm, entry.extension)} failed reading "
                            f"{name} presets: {type(exc).__name__}: {exc}")
            log.warning("%s", part.failure)
        part.seconds = time.perf_counter() - began
        report.containers.append(part)
    report.seconds = time.perf_counter() - started
    return report


def _sources(container: PresetContainer, paths: Sequence[Path] | None) -> tuple[
        list[Path], list[Path]]:
    """The sources to consider and the roots they were found under."""
    if paths is None:
        roots = default_roots(container)
        return list(container.discover([r for r in roots if r.exists()])), roots
    sources: list[Path] = []
    roots = []
    for path in paths:
        if path.is_dir():
            roots.append(path)
            sources.extend(container.discover([path]))
        elif path.name.casefold().endswith(container.suffix.casefold()):
            sources.append(path)
    return sources, roots


def _extract_one(container: PresetContainer, store: PresetStore, part: ContainerReport,
                 paths: Sequence[Path] | None,
                 progress: Callable[[str, int, int], None] | None) -> None:
    sources, roots = _sources(container, paths)
    part.sources = len(sources)
    known = store.sources(container.name)
    prints: dict[str, str] = {}
    changed: list[Path] = []
    for source in sources:
        key = str(source)
        stamp = fingerprint(source)
        if stamp is None:
            continue
        prints[key] = stamp
        old = known.get(key)
        if old is None or old.fingerprint != stamp:
            changed.append(source)
    # Gone: remembered sources under the roots looked at that no longer exist. One that exists
    # but was not discovered (a folder named above an LV2 root, whose bundles discover does
    # not reach) is left as it is: only its disappearance makes its presets missing.
    gone = [path for path in known if path not in prints and _under(path, roots, paths)
            and fingerprint(Path(path)) is None]
    part.gone = len(gone)
    if not changed and gone:
        part.changes.add(store.record_sources(container.name, [], gone))
    for start in range(0, len(changed), BATCH):
        batch = changed[start:start + BATCH]
        reads = list(container.read(batch))
        part.read += len(reads)
        for read in reads:
            if read.error:
                part.errors.append(f"{read.path}: {read.error}")
        pairs = [(read, prints.get(read.path, "")) for read in reads]
        part.changes.add(store.record_sources(container.name, pairs,
                                              gone if start == 0 else ()))
        if progress is not None:
            progress(container.name, min(start + BATCH, len(changed)), len(changed))


def _under(path: str, roots: Sequence[Path], named: Sequence[Path] | None) -> bool:
    if named is not None and any(str(p) == path for p in named):
        return True
    return any(path == str(r) or path.startswith(str(r).rstrip(os.sep) + os.sep)
               for r in roots)


