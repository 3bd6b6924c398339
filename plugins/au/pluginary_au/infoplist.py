"""Tier 0: a ``.component`` bundle's ``Contents/Info.plist``, read without running any code.

Since macOS 10.7 an Audio Unit declares itself in the ``AudioComponents`` array of its bundle's
Info.plist: one dict per Audio Unit, with its three four-char codes, its "Vendor: Name", a
version integer, a description, tags, ``sandboxSafe`` and ``resourceUsage``. plistlib reads XML
and binary plists alike, so this works on any OS.
"""

from __future__ import annotations

import json
import logging
import plistlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from pluginary.models import Fingerprint, PluginRecord
from pluginary.scan.walk import stat_fingerprint

from . import codes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BundleResult:
    records: tuple[PluginRecord, ...] = ()
    cause: str = ""


def info_plist(bundle: Path) -> Path:
    return bundle / "Contents" / "Info.plist"


def read_plist(bundle: Path) -> tuple[dict[str, Any] | None, str]:
    """The Info.plist as a dict, or None and why not."""
    path = info_plist(bundle)
    try:
        with path.open("rb") as fh:
            data = plistlib.load(fh)
    except FileNotFoundError:
        return None, "the bundle has no Contents/Info.plist"
    except OSError as exc:
        return None, f"cannot read Contents/Info.plist: {exc.strerror}"
    # plistlib raises InvalidFileException for an unknown header or a damaged binary plist, and
    # lets expat's error through for damaged XML; ValueError and OverflowError cover bad values.
    except (plistlib.InvalidFileException, ExpatError, ValueError, OverflowError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"Contents/Info.plist is not a valid property list: {first}"
    if not isinstance(data, dict):
        return None, "Contents/Info.plist is not a dictionary"
    return data, ""


def binary_of(bundle: Path, plist: Mapping[str, Any] | None = None) -> Path:
    """The bundle's executable, ``Contents/MacOS/<CFBundleExecutable>``."""
    if plist is None:
        plist, _ = read_plist(bundle)
    executable = (plist or {}).get("CFBundleExecutable")
    if not isinstance(executable, str) or not executable:
        executable = bundle.name.removesuffix(".component")
    return bundle / "Contents" / "MacOS" / executable


def fingerprint(bundle: Path, binary: Path | None = None) -> Fingerprint | None:
    """The executable plus the Info.plist; the Info.plist alone for a bundle without an
    executable (it still changes when the Audio Units it declares do). ``binary`` is the
    bundle's :func:`binary_of`, when already known."""
    plist = info_plist(bundle)
    return (stat_fingerprint(binary or binary_of(bundle), plist) or stat_fingerprint(plist)
            or stat_fingerprint(bundle))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def entry_problem(entry: object) -> str:
    """Why one AudioComponents entry cannot identify an Audio Unit, or ""."""
    if not isinstance(entry, dict):
        return "an AudioComponents entry is not a dictionary"
    for key in ("type", "subtype", "manufacturer"):
        if codes.four_char(entry.get(key)) is None:
            return f"an AudioComponents entry has no valid four-char {key!r} ({entry.get(key)!r})"
    return ""


def _uids(plist: Mapping[str, Any] | None) -> frozenset[str]:
    entries = (plist or {}).get("AudioComponents")
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(
        codes.uid(*(str(codes.four_char(e[k])) for k in ("type", "subtype", "manufacturer")))
        for e in entries if not entry_problem(e))


def declared_uids(bundle: Path) -> set[str]:
    """The identities the bundle's Info.plist declares (for merging with ``auval -a``)."""
    plist, _ = read_plist(bundle)
    return set(_uids(plist))


@dataclass(frozen=True)
class Declaration:
    """What discovery needs of one bundle, from a single parse of its Info.plist: the
    executable (for the fingerprint) and the identities it declares (for ``auval -a``)."""

    bundle: Path
    binary: Path
    uids: frozenset[str]


def declaration(bundle: Path) -> Declaration:
    """The bundle's :class:`Declaration`; an unreadable Info.plist declares nothing and leaves
    the executable named after the bundle, as :func:`binary_of` does."""
    plist, _ = read_plist(bundle)
    return Declaration(bundle=bundle, binary=binary_of(bundle, plist or {}), uids=_uids(plist))


def read_bundle(bundle: Path) -> BundleResult:
    """Every Audio Unit the bundle declares, as tier-0 records."""
    plist, cause = read_plist(bundle)
    if plist is None:
        return BundleResult(cause=cause)
    entries = plist.get("AudioComponents")
    if entries is None:
        # Before 10.7 an Audio Unit described itself in a 'thng' resource of the Component
        # Manager, which nothing but the system reads; auval -a still lists it once registered.
        ident = _text(plist.get("CFBundleIdentifier")) or bundle.name
        return BundleResult(cause=f"declares no AudioComponents (a legacy Component Manager "
                                  f"plugin): {ident} describes itself only in a 'thng' resource, "
                                  "which is not read; on macOS, auval -a lists it")
    if not isinstance(entries, list) or not entries:
        return BundleResult(cause="AudioComponents in Contents/Info.plist is not a non-empty list")
    binary = binary_of(bundle, plist)
    records = []
    problems = []
    for entry in entries:
        problem = entry_problem(entry)
        if problem:
            problems.append(problem)
        else:
            records.append(to_record(entry, plist, bundle, binary))
    if not records:
        return BundleResult(cause=problems[0])
    for problem in problems:  # the valid entries are still worth a record each
        log.warning("%s: %s (skipped)", bundle, problem)
    return BundleResult(records=tuple(records))


def to_record(entry: Mapping[str, Any], plist: Mapping[str, Any], bundle: Path,
              binary: Path) -> PluginRecord:
    type_code, subtype, manufacturer = (str(codes.four_char(entry[k]))
                                        for k in ("type", "subtype", "manufacturer"))
    vendor, name = codes.split_name(_text(entry.get("name")))
    name = name or _text(plist.get("CFBundleName")) or bundle.name.removesuffix(".component")
    tags = entry.get("tags")
    categories = tuple(t.strip() for t in tags if isinstance(t, str) and t.strip()) if isinstance(
        tags, list) else ()
    extra = {
        "type": type_code, "subtype": subtype, "manufacturer": manufacturer,
        "type_name": codes.type_name(type_code),
        "factory_function": _text(entry.get("factoryFunction")),
        "bundle_identifier": _text(plist.get("CFBundleIdentifier")),
        "bundle_version": _text(plist.get("CFBundleShortVersionString")),
    }
    if isinstance(entry.get("sandboxSafe"), bool):
        extra["sandbox_safe"] = "true" if entry["sandboxSafe"] else "false"
    if isinstance(entry.get("resourceUsage"), dict):
        # No column fits a nested dict of entitlements; JSON keeps it searchable and exact.
        extra["resource_usage"] = json.dumps(entry["resourceUsage"], sort_keys=True,
                                             default=str)
    return PluginRecord(
        format="au", uid=codes.uid(type_code, subtype, manufacturer), name=name, vendor=vendor,
        version=codes.decode_version(entry.get("version")),
        role=codes.role_of(type_code), categories=categories,
        description=_text(entry.get("description")),
        midi_inputs=1 if type_code in codes.MIDI_IN_TYPES else 0,
        file_path=str(binary), bundle_path=str(bundle), tier=0,
        extra={k: v for k, v in extra.items() if v})
