"""VST3 for Pluginary: discovery, and three tiers of loading.

- tier 0: ``moduleinfo.json`` (no code runs);
- tier 1: the binary's factory through ctypes, without instantiating a plugin;
- tier 2: instantiation: buses and parameters (real ParamIDs) through IComponent and
  IEditController (ctypes); pedalboard (an optional extra) only where those cannot be read.

A plugin's identity is its class id as 32 hex digits, the id DAWs and preset files use, so
records from every tier land on the same catalogue row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import (
    Candidate,
    FormatInfo,
    LoadResult,
    PluginRecord,
    Requirement,
    Status,
)
from pluginary.registry import FormatRegister, PresetContainerRegister
from pluginary.scan.walk import find_candidates
from pluginary.validation.host import AudioPlugin

from . import bundle as bundles
from .moduleinfo import read_moduleinfo

FORMAT = "vst3"

VST3 = FormatInfo(
    name=FORMAT,
    description="VST3 bundles: moduleinfo.json, the factory and components (ctypes)",
    default_roots={
        "linux": ("~/.vst3", "/usr/lib/vst3", "/usr/local/lib/vst3"),
        "darwin": ("/Library/Audio/Plug-Ins/VST3", "~/Library/Audio/Plug-Ins/VST3"),
        "windows": ("%COMMONPROGRAMFILES%\\VST3", "%LOCALAPPDATA%\\Programs\\Common\\VST3"),
    },
    path_env="VST3_PATH",
    # Optional: the fallback for a class the VST3 interfaces cannot read (see deep.py).
    requirements=(
        Requirement(kind="python", name="pedalboard",
                    advice="pip install 'pluginary-vst3[pedalboard]'"),
        Requirement(kind="library", name="GL",
                    advice="apt-get install libgl1 libx11-6 libxext6 libxrandr2"),
    ),
    tiers=(0, 1, 2),
)


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(VST3)


@hookimpl
def register_preset_containers(register: PresetContainerRegister) -> None:
    """``vstpreset``, ``juce-state``, ``fxp`` and ``fxb``: see :mod:`.presets`."""
    from .presets import containers

    for container in containers():
        register(container)


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != FORMAT:
        return None
    return [Candidate(format=FORMAT, path=str(path), fingerprint=bundles.fingerprint(path))
            for path in find_candidates(roots, bundle_suffixes=(".vst3",),
                                        file_suffixes=(".vst3",))]


@hookimpl
def load_candidate(candidate: Candidate, tier: int) -> LoadResult | None:
    if candidate.format != FORMAT:
        return None
    path = Path(candidate.path)
    location = bundles.find_binary(path)
    if tier == 0:
        return _declarative(candidate, path, location)
    if location.binary is None:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=location.cause)
    # "x86_64-linux" -> "x86_64"; macOS bundles ("MacOS") may be universal: leave it empty.
    arch = location.arch.split("-")[0] if "-" in location.arch else ""
    if tier == 1:
        return _factory(candidate, path, location.binary, arch)
    return _deep(candidate, path, location.binary, arch)


@hookimpl
def open_for_validation(record: PluginRecord) -> AudioPlugin | None:
    """Levels 1-5 through pedalboard (JUCE's VST3 host): see :mod:`.validation`."""
    if record.format != FORMAT:
        return None
    from .validation import PedalboardPlugin

    return PedalboardPlugin(Path(record.bundle_path or record.file_path), record)


def _declarative(candidate: Candidate, path: Path,
                 location: bundles.BinaryLocation) -> LoadResult:
    info = bundles.moduleinfo_path(path) if path.is_dir() else None
    if info is None:
        return LoadResult(candidate=candidate)  # nothing declared: tier 1 will tell
    result = read_moduleinfo(info, bundle=path, binary=location.binary)
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=result.records)


def _factory(candidate: Candidate, path: Path, binary: Path, arch: str) -> LoadResult:
    from .factory import read_factory

    result = read_factory(binary, path, architecture=arch)
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=tuple(result.records))


def _deep(candidate: Candidate, path: Path, binary: Path, arch: str) -> LoadResult:
    from .deep import load_classes
    from .factory import read_factory

    known = read_factory(binary, path, architecture=arch)
    if known.cause or not known.records:
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=known.cause or "the factory lists no audio module class")
    try:
        result = load_classes(path, binary, tuple(known.records))
    except Exception as exc:  # pedalboard, the fallback, reports every failure as an exception
        from .diagnose import diagnose

        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=diagnose(binary) or f"pedalboard could not load it: {first_line}")
    if result.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=result.cause)
    return LoadResult(candidate=candidate, records=result.records)
