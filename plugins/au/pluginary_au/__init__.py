"""Audio Units for Pluginary: each ``.component`` bundle is one candidate holding one or more
Audio Units, and on macOS each Audio Unit that ``auval -a`` lists but no scanned bundle declares
is a candidate of its own (``registry.py``).

- tier 0: the bundle's ``Contents/Info.plist`` ``AudioComponents`` (``infoplist.py``); no code
  runs, so it works on any OS;
- tier 2 (macOS only): instantiation through pedalboard in a scan worker (``instantiate.py``).

A plugin's identity is ``type:subtype:manufacturer``, the three four-char codes hosts store.

Presets: the ``aupreset`` container reads and writes ``.aupreset`` files (``presets.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from pluginary import hookimpl
from pluginary.models import Candidate, FormatInfo, LoadResult, PluginRecord, Status
from pluginary.registry import FormatRegister, PresetContainerRegister
from pluginary.scan.walk import find_candidates

from . import infoplist, registry
from .formatinfo import FORMAT, format_info

AU: FormatInfo = format_info()

__all__ = ["AU", "FORMAT", "format_info"]


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(AU)


@hookimpl
def register_preset_containers(register: PresetContainerRegister) -> None:
    from .presets import AuPresetContainer

    register(AuPresetContainer())


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != FORMAT:
        return None
    # One Info.plist parse per bundle gives both the fingerprint's executable and the
    # identities the registry merge needs.
    bundles = [infoplist.declaration(p)
               for p in find_candidates(roots, bundle_suffixes=(".component",))]
    found = [Candidate(format=FORMAT, path=str(b.bundle),
                     fingerprint=infoplist.fingerprint(b.bundle, b.binary)) for b in bundles]
    return found + registry.discover(bundles, roots)


@hookimpl
def load_candidate(candidate: Candidate, tier: int) -> LoadResult | None:
    if candidate.format != FORMAT:
        return None
    if registry.is_registration(candidate):
        return _registration(candidate, tier)
    path = Path(candidate.path)
    declared = infoplist.read_bundle(path)
    if declared.cause:
        return LoadResult(candidate=candidate, status=Status.FAILED, cause=declared.cause)
    if tier < 2:
        return LoadResult(candidate=candidate, records=declared.records)
    return _instantiate(candidate, path, declared.records)


def _registration(candidate: Candidate, tier: int) -> LoadResult:
    record = registry.record_of(candidate)
    if record is None:
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=f"not an auval registration: {candidate.path!r}")
    if tier >= 2:
        # pedalboard opens Audio Units from a bundle path only; these have none. auval listing
        # them means the system can open them, so they stay ok, with the reason recorded.
        extra = {**record.extra, "instantiated": "no: registered without a .component bundle, "
                 "and pedalboard loads Audio Units from bundles only"}
        record = msgspec.structs.replace(record, extra=extra)
    return LoadResult(candidate=candidate, records=(record,))


def _instantiate(candidate: Candidate, path: Path, known: tuple[PluginRecord, ...]) -> LoadResult:
    if sys.platform != "darwin":
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=f"Audio Units can be instantiated only on macOS, not on "
                                f"{sys.platform}: only their Info.plist (tier 0) is read here")
    try:
        import pedalboard  # noqa: F401  (checked apart: a bad plugin raises ImportError too)
    except ImportError as exc:
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=f"pedalboard cannot be imported ({exc}): "
                                "pip install 'pluginary-au[load]'")
    from .instantiate import load_bundle

    try:
        records = load_bundle(path, known)
    except Exception as exc:  # pedalboard reports every load failure as an exception
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause=f"pedalboard could not load it: {first_line}")
    if not records:
        return LoadResult(candidate=candidate, status=Status.FAILED,
                          cause="pedalboard lists no Audio Unit matching the Info.plist names")
    return LoadResult(candidate=candidate, records=records)
