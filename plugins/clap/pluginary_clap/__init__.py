"""CLAP for Pluginary: each ``.clap`` is one candidate holding one or more plugins.

Tier 1 reads the plugin factory's descriptors through ctypes (``entry.py``) in a scan worker:
id, name, vendor, version, description, URLs and features. A plugin's identity is its CLAP id.
Instantiating (parameters and ports through the ``params``/``audio-ports`` extensions) is not
done yet.
"""

from __future__ import annotations

import plistlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import Candidate, FormatInfo, LoadResult, Status
from pluginary.registry import FormatRegister
from pluginary.scan.walk import find_candidates, stat_fingerprint

FORMAT = "clap"

CLAP = FormatInfo(
    name=FORMAT,
    description="CLAP libraries: the plugin factory's descriptors, through ctypes",
    default_roots={
        "linux": ("~/.clap", "/usr/lib/clap", "/usr/local/lib/clap"),
        "darwin": ("/Library/Audio/Plug-Ins/CLAP", "~/Library/Audio/Plug-Ins/CLAP"),
        "windows": ("%COMMONPROGRAMFILES%\\CLAP", "%LOCALAPPDATA%\\Programs\\Common\\CLAP"),
    },
    path_env="CLAP_PATH",
    tiers=(1,),
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
    from .entry import read_entry

    path = Path(candidate.path)
    result = read_entry(binary_of(path), path if path.is_dir() else None)
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=result.records)
