"""LADSPA for Pluginary: each ``.so`` is one candidate holding any number of plugins.

Tier 1 reads every descriptor through ctypes (``descriptor.py``) in a scan worker; LADSPA has no
declarative metadata and nothing to learn from instantiating, so there are no tiers 0 and 2.
A plugin's identity is its UniqueID.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import Candidate, FormatInfo, LoadResult, PluginRecord, Status
from pluginary.registry import FormatRegister
from pluginary.scan.walk import find_candidates, stat_fingerprint
from pluginary.validation.host import AudioPlugin

FORMAT = "ladspa"
SUFFIXES = (".so", ".dylib", ".dll")

LADSPA = FormatInfo(
    name=FORMAT,
    description="LADSPA libraries: every descriptor, through ctypes",
    default_roots={
        "linux": ("~/.ladspa", "/usr/lib/ladspa", "/usr/local/lib/ladspa"),
        "darwin": ("~/Library/Audio/Plug-Ins/LADSPA", "/Library/Audio/Plug-Ins/LADSPA"),
        "windows": ("%COMMONPROGRAMFILES%\\LADSPA",),
    },
    path_env="LADSPA_PATH",
    tiers=(1,),
)


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(LADSPA)


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != FORMAT:
        return None
    return [Candidate(format=FORMAT, path=str(p), fingerprint=stat_fingerprint(p))
            for p in find_candidates(roots, file_suffixes=SUFFIXES)]


@hookimpl
def load_candidate(candidate: Candidate, tier: int) -> LoadResult | None:
    if candidate.format != FORMAT:
        return None
    from .descriptor import read_library

    result = read_library(Path(candidate.path))
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=result.records)


@hookimpl
def open_for_validation(record: PluginRecord) -> AudioPlugin | None:
    if record.format != FORMAT:
        return None
    from .host import LadspaPlugin

    return LadspaPlugin.by_id(Path(record.file_path), int(record.uid))
