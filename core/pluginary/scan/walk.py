"""The one directory walk every format extension uses to find candidates.

It recurses into plain folders but never into a bundle (a folder whose name ends with one of the
format's bundle suffixes, or with any plugin format's, or that holds an LV2 ``manifest.ttl``),
survives symlink loops, reports each real location once, and turns an unreadable folder into a
warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..models import Fingerprint

log = logging.getLogger(__name__)

#: Bundles of every plugin format: a walk never looks inside one, whatever format it is looking
#: for (a VST3 bundle's inner .so is not a LADSPA library).
PLUGIN_BUNDLES = (".vst3", ".lv2", ".component", ".clap", ".vst", ".aaxplugin", ".bundle")
LV2_MANIFEST = "manifest.ttl"


def find_candidates(roots: Iterable[Path], *, bundle_suffixes: tuple[str, ...] = (),
                    file_suffixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield bundles (folders) and single files under ``roots`` whose names end with a suffix.

    Suffixes are matched case-insensitively (``.VST3`` exists on Windows). A root that is itself
    a bundle or a file is yielded as it is. Each real location is yielded once, under the first
    path that reached it.
    """
    bundles = tuple(s.lower() for s in bundle_suffixes)
    files = tuple(s.lower() for s in file_suffixes)
    seen_dirs: set[tuple[int, int]] = set()
    seen_real: set[str] = set()

    def emit(path: Path) -> Iterator[Path]:
        real = os.path.realpath(path)
        if real not in seen_real:
            seen_real.add(real)
            yield path

    def walk(folder: Path) -> Iterator[Path]:
        try:
            st = folder.stat()
        except OSError as exc:
            log.warning("cannot read %s: %s (skipped)", folder, exc.strerror)
            return
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop or a second link to it
            return
        seen_dirs.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(folder) as entries:
                children = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            log.warning("cannot read %s: %s (skipped)", folder, exc.strerror)
            return
        for entry in children:
            name = entry.name.lower()
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                continue
            if is_dir:
                if name.endswith(bundles) and bundles:
                    yield from emit(path)
                elif not foreign_bundle(path):
                    yield from walk(path)
            elif files and name.endswith(files):
                try:
                    if entry.is_file():
                        yield from emit(path)
                except OSError:
                    continue

    for root in roots:
        root = Path(root)
        name = root.name.lower()
        if root.is_dir():
            if bundles and name.endswith(bundles):
                yield from emit(root)
            elif foreign_bundle(root):
                log.debug("root %s is another format's bundle", root)
            else:
                yield from walk(root)
        elif root.is_file() and files and name.endswith(files):
            yield from emit(root)
        elif not root.exists():
            log.debug("root %s does not exist", root)


def foreign_bundle(folder: Path) -> bool:
    """A bundle of any plugin format, which no walk enters: named like one, or an LV2 bundle,
    whose name need not end in ``.lv2`` but which always holds a ``manifest.ttl``."""
    # os.path.isfile, not Path.is_file: an unreadable folder must be False, not PermissionError.
    return folder.name.lower().endswith(PLUGIN_BUNDLES) or os.path.isfile(folder / LV2_MANIFEST)


def stat_fingerprint(binary: Path, metadata_file: Path | None = None) -> Fingerprint | None:
    """The fingerprint every format uses: the real binary's path, size and ``mtime_ns``, plus
    ``size:mtime_ns`` of its declarative metadata file when there is one. ``None`` when the
    binary cannot be stat'ed."""
    try:
        st = binary.stat()
    except OSError:
        return None
    metadata = ""
    if metadata_file is not None:
        try:
            meta = metadata_file.stat()
            metadata = f"{meta.st_size}:{meta.st_mtime_ns}"
        except OSError:
            pass
    return Fingerprint(path=str(binary), size=st.st_size, mtime_ns=st.st_mtime_ns,
                       metadata=metadata)
