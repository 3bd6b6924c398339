"""LV2 for Pluginary: each bundle is one candidate, read from its Turtle data through lilv.

Discovery lists bundles the way lilv does: every folder holding a ``manifest.ttl`` directly under
a root of ``LV2_PATH`` or the OS's default roots (bundle names need not end in ``.lv2``). Tier 0
reads the plugins a bundle declares through liblilv (``reader.py`` over the ctypes binding in
``lilv.py``) in a scan worker; nothing is instantiated and no plugin binary is loaded, so there
are no tiers 1 and 2. A plugin's identity is its URI.

Validation (levels 1 to 3) instantiates and runs the plugin through lilv and its descriptor
(``host.py``, with the host features of ``features.py``).

Presets: the ``lv2-preset`` container reads the ``pset:Preset`` presets of bundles through lilv
and writes new ones (``presets.py``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import (
    Candidate,
    Fingerprint,
    FormatInfo,
    LoadResult,
    PluginRecord,
    Requirement,
    Status,
)
from pluginary.registry import FormatRegister, PresetContainerRegister
from pluginary.validation.host import AudioPlugin

from .lilv import advice

log = logging.getLogger(__name__)

FORMAT = "lv2"

LV2 = FormatInfo(
    name=FORMAT,
    description="LV2 bundles: the plugins' Turtle data, through liblilv (ctypes)",
    # lilv's own default path, plus the multiarch and lib64 folders distributions use.
    default_roots={
        "linux": ("~/.lv2", "/usr/local/lib/lv2", "/usr/lib/lv2", "/usr/lib64/lv2",
                  "/usr/lib/x86_64-linux-gnu/lv2", "/usr/lib/aarch64-linux-gnu/lv2"),
        "darwin": ("~/Library/Audio/Plug-Ins/LV2", "~/.lv2", "/usr/local/lib/lv2",
                   "/usr/lib/lv2", "/Library/Audio/Plug-Ins/LV2"),
        "windows": ("%APPDATA%\\LV2", "%COMMONPROGRAMFILES%\\LV2"),
    },
    path_env="LV2_PATH",
    requirements=(Requirement(kind="library", name="lilv-0", advice=advice(),
                              essential=True),),
    tiers=(0,),
)


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(LV2)


@hookimpl
def register_preset_containers(register: PresetContainerRegister) -> None:
    from .presets import Lv2PresetContainer

    register(Lv2PresetContainer())


def find_bundles(roots: Iterable[Path]) -> Iterator[Path]:
    """Folders with a ``manifest.ttl``: each root that is one, else each child folder that is.

    Like lilv, this looks one level deep only: LV2 bundles are never nested. Each real folder
    is reported once, under the first path that reached it.
    """
    seen: set[str] = set()

    def emit(path: Path) -> Iterator[Path]:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            yield path

    for root in roots:
        root = Path(root)
        # os.path.isfile: an unreadable root must be skipped below, not raise PermissionError.
        if os.path.isfile(os.path.join(root, "manifest.ttl")):
            yield from emit(root)
            continue
        try:
            with os.scandir(root) as entries:
                children = sorted(e.path for e in entries if e.is_dir())
        except (FileNotFoundError, NotADirectoryError):  # a missing root, or another
            log.debug("root %s is not a folder", root)  # format's file given as a path
            continue
        except OSError as exc:
            log.warning("cannot read %s: %s (skipped)", root, exc.strerror)
            continue
        for child in children:
            if os.path.isfile(os.path.join(child, "manifest.ttl")):
                yield from emit(Path(child))


def bundle_fingerprint(bundle: Path) -> Fingerprint | None:
    """Every file of the bundle counts: a plugin's data lives in several ``.ttl`` files and
    its binary, and an update may change any of them. Size is the total, mtime the newest."""
    size = newest = 0
    for folder, _, files in os.walk(bundle):
        for name in files:
            try:
                st = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            size += st.st_size
            newest = max(newest, st.st_mtime_ns)
    manifest = bundle / "manifest.ttl"
    try:
        meta = manifest.stat()
    except OSError:
        return None
    return Fingerprint(path=str(manifest), size=size, mtime_ns=newest,
                       metadata=f"{meta.st_size}:{meta.st_mtime_ns}")


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != FORMAT:
        return None
    return [Candidate(format=FORMAT, path=str(p), fingerprint=bundle_fingerprint(p))
            for p in find_bundles(roots)]


@hookimpl
def load_candidate(candidate: Candidate, tier: int) -> LoadResult | None:
    if candidate.format != FORMAT:
        return None
    from .lilv import LilvMissing
    from .reader import read_bundle

    try:
        result = read_bundle(Path(candidate.path))
    except LilvMissing as exc:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=str(exc))
    if result.records:
        return LoadResult(candidate=candidate, records=result.records)
    status = Status.IGNORED if result.no_plugins else Status.FAILED
    return LoadResult(candidate=candidate, status=status, cause=result.cause)


@hookimpl
def open_for_validation(record: PluginRecord) -> AudioPlugin | None:
    """The plugin of ``record`` (its URI) in a lilv world holding its bundle alone; a plugin
    requiring a feature the host does not offer raises NotSupported naming it."""
    if record.format != FORMAT:
        return None
    from .host import Lv2Plugin

    return Lv2Plugin(record.uid, Path(record.bundle_path) if record.bundle_path else None)
