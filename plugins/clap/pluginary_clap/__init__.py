"""CLAP for Pluginary: each ``.clap`` is one candidate holding one or more plugins.

Both tiers run in a scan worker, through ctypes, with no plugin host:

- tier 1 (``entry.py``) reads the plugin factory's descriptors: id, name, vendor, version,
  description, URLs and features;
- tier 2 (``instance.py``) creates each plugin with a minimal ``clap_host_t`` and reads its
  parameters (real CLAP param ids), audio ports (channel counts) and note ports.

A plugin's identity is its CLAP id, so both tiers land on the same catalogue row.

``open_for_validation`` hosts a plugin for ``pluginary validate`` (levels 1 to 5) through the
CLAP C API: :mod:`pluginary_clap.host`.

Presets: the ``clap-state`` container keeps a plugin's ``clap.state`` stream in a
``.clap-state`` file of Pluginary's own (:mod:`pluginary_clap.presets`).
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import Candidate, FormatInfo, LoadResult, PluginRecord, Status
from pluginary.registry import FormatRegister, PresetContainerRegister
from pluginary.scan.walk import find_candidates, stat_fingerprint
from pluginary.validation.host import AudioPlugin

FORMAT = "clap"

CLAP = FormatInfo(
    name=FORMAT,
    description="CLAP libraries: the factory's descriptors, then parameters and ports of "
                "each created plugin, through ctypes",
    default_roots={
        "linux": ("~/.clap", "/usr/lib/clap", "/usr/local/lib/clap"),
        "darwin": ("/Library/Audio/Plug-Ins/CLAP", "~/Library/Audio/Plug-Ins/CLAP"),
        "windows": ("%COMMONPROGRAMFILES%\\CLAP", "%LOCALAPPDATA%\\Programs\\Common\\CLAP"),
    },
    path_env="CLAP_PATH",
    tiers=(1, 2),
)


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(CLAP)


def binary_of(path: Path) -> Path:
    """The library to load: the file itself, or a macOS bundle's executable."""
    if not path.is_dir():
        return path
    executable = path.name.removesuffix(".clap")
    try:
        with (path / "Contents" / "Info.plist").open("rb") as fh:
            executable = str(plistlib.load(fh).get("CFBundleExecutable", executable))
    except (OSError, plistlib.InvalidFileException):
        pass
    return path / "Contents" / "MacOS" / executable


@hookimpl
def register_preset_containers(register: PresetContainerRegister) -> None:
    from .presets import ClapStateContainer

    register(ClapStateContainer())


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != FORMAT:
        return None
    # A .clap is a file on Linux and Windows and a bundle folder on macOS.
    return [Candidate(format=FORMAT, path=str(p), fingerprint=stat_fingerprint(binary_of(p)))
            for p in find_candidates(roots, bundle_suffixes=(".clap",),
                                     file_suffixes=(".clap",))]


@hookimpl
def load_candidate(candidate: Candidate, tier: int) -> LoadResult | None:
    if candidate.format != FORMAT:
        return None
    path = Path(candidate.path)
    binary, bundle = binary_of(path), (path if path.is_dir() else None)
    if tier >= 2:
        return _instantiate(candidate, binary, bundle)
    from .entry import read_entry

    result = read_entry(binary, bundle)
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=result.records)


def _instantiate(candidate: Candidate, binary: Path, bundle: Path | None) -> LoadResult:
    from .instance import read_instances

    result = read_instances(binary, bundle)
    if result.cause:
        # No records: the catalogue keeps what tier 1 found, with this status and cause.
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    if result.causes:
        # Status is per candidate: one plugin that cannot be created fails the library; every
        # record is kept (tier-1 data for the ones that could not be created).
        cause = "; ".join(f"{uid}: {why}" for uid, why in result.causes.items())
        return LoadResult(candidate=candidate, records=result.records, status=Status.FAILED,
                          cause=f"cannot instantiate {cause}")
    return LoadResult(candidate=candidate, records=result.records)


@hookimpl
def open_for_validation(record: PluginRecord) -> AudioPlugin | None:
    if record.format != FORMAT:
        return None
    from .host import ClapPlugin

    path = Path(record.bundle_path or record.file_path)
    return ClapPlugin(binary_of(path), record.uid, path if path.is_dir() else None)
