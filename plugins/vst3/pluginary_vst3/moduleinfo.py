"""Tier 0: describe a VST3 bundle from its ``moduleinfo.json`` alone, without loading code.

The file is JSON5 in practice (comments, trailing commas; the SDK writes it with its own JSON5
writer). :func:`loads` tries the stdlib ``json`` first and falls back to a small tolerant
pre-pass that strips ``//`` and ``/* */`` comments outside strings and trailing commas before
``]``/``}``; that covers what the SDK's ``moduleinfotool`` and JUCE emit without a dependency.

Keys follow ``vst3_public_sdk source/vst/moduleinfo/moduleinfoparser.cpp``; unknown keys are
ignored (the SDK's parser throws on them; a catalogue should not).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pluginary.models import Format, PluginRecord

from .categories import role_from_subcategories, split_subcategories

__all__ = [
    "AUDIO_MODULE_CLASS",
    "ModuleInfoResult",
    "loads",
    "parse_moduleinfo",
    "read_moduleinfo",
    "strip_json5",
]

AUDIO_MODULE_CLASS = "Audio Module Class"

_HEX32 = re.compile(r"^[0-9A-Fa-f]{32}$")


@dataclass(frozen=True)
class ModuleInfoResult:
    """The records of one moduleinfo.json, or why it could not be read (``cause``)."""

    records: tuple[PluginRecord, ...] = ()
    cause: str = ""
    #: Factory-level fields (``vendor``, ``url``, ``email``, ``name``, ``version``), non-empty only.
    factory: dict[str, str] = field(default_factory=dict)
    #: ``Compatibility`` entries: new CID → old CIDs (VST2→VST3 and older VST3 ids).
    compatibility: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file parsed (it may still hold no audio module class)."""
        return not self.cause


def strip_json5(text: str) -> str:
    """Remove ``//`` and ``/* */`` comments outside strings and trailing commas.

    Works on the characters, tracking whether it is inside a double-quoted string (with ``\\``
    escapes), so ``"http://x"`` survives.
    """
    out: list[str] = []
    i = 0
    n = len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
            continue
        if c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    # Trailing commas: a comma followed only by whitespace before a closing bracket. Strings are
    # already safe because no string in valid JSON contains a raw newline, but a string can hold
    # ",]" -- so redo the same string-aware walk.
    return _strip_trailing_commas("".join(out))


def _strip_trailing_commas(text: str) -> str:
    out: list[str] = []
    in_string = False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif c == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "]}":
                i += 1
                continue
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def loads(text: str) -> Any:
    """Parse JSON, falling back to JSON5-lite (comments, trailing commas). Raises ValueError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    return json.loads(strip_json5(text))


def _str(mapping: dict[str, Any], key: str) -> str:
    value = mapping.get(key)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _subcategories(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return split_subcategories(value)
    if isinstance(value, list):
        result: list[str] = []
        for item in value:
            if isinstance(item, str):
                result.extend(split_subcategories(item))
        return tuple(result)
    return ()


def parse_moduleinfo(
    data: Any, *, bundle: Path | None = None, binary: Path | None = None
) -> ModuleInfoResult:
    """Turn a parsed moduleinfo document into tier-0 records, one per audio module class."""
    if not isinstance(data, dict):
        return ModuleInfoResult(cause="moduleinfo.json is not a JSON object")
    factory_raw = data.get("Factory Info")
    factory_info: dict[str, Any] = factory_raw if isinstance(factory_raw, dict) else {}
    factory = {
        key: value
        for key, value in {
            "name": _str(data, "Name"),
            "version": _str(data, "Version"),
            "vendor": _str(factory_info, "Vendor"),
            "url": _str(factory_info, "URL"),
            "email": _str(factory_info, "E-Mail"),
        }.items()
        if value
    }
    compatibility: dict[str, tuple[str, ...]] = {}
    compat_raw = data.get("Compatibility")
    if isinstance(compat_raw, list):
        for entry in compat_raw:
            if not isinstance(entry, dict):
                continue
            new = _str(entry, "New").upper()
            old = entry.get("Old")
            olds = (
                tuple(o.upper() for o in old if isinstance(o, str)) if isinstance(old, list) else ()
            )
            if new:
                compatibility[new] = olds
    classes = data.get("Classes")
    if not isinstance(classes, list):
        return ModuleInfoResult(
            cause='moduleinfo.json has no "Classes" list',
            factory=factory,
            compatibility=compatibility,
        )
    records: list[PluginRecord] = []
    bad: list[str] = []
    for index, cls in enumerate(classes):
        if not isinstance(cls, dict) or _str(cls, "Category") != AUDIO_MODULE_CLASS:
            continue
        cid = _str(cls, "CID")
        if not _HEX32.match(cid):
            bad.append(f"class {index} has CID {cid!r}, not 32 hex digits")
            continue
        subcats = _subcategories(cls.get("Sub Categories"))
        extra = {
            key: value
            for key, value in {
                "sdk_version": _str(cls, "SDKVersion"),
                "factory_vendor": factory.get("vendor", ""),
                "url": factory.get("url", ""),
                "email": factory.get("email", ""),
            }.items()
            if value
        }
        records.append(
            PluginRecord(
                format=Format.VST3.value,
                uid=cid.upper(),
                name=_str(cls, "Name"),
                vendor=_str(cls, "Vendor") or factory.get("vendor", ""),
                version=_str(cls, "Version"),
                role=role_from_subcategories(subcats),
                categories=subcats,
                file_path=str(binary) if binary is not None else "",
                bundle_path=str(bundle) if bundle is not None else "",
                tier=0,
                extra=extra,
            )
        )
    cause = "; ".join(bad) if bad and not records else ""
    return ModuleInfoResult(
        records=tuple(records), cause=cause, factory=factory, compatibility=compatibility
    )


def read_moduleinfo(
    path: Path, *, bundle: Path | None = None, binary: Path | None = None
) -> ModuleInfoResult:
    """Read and parse one moduleinfo.json; a bad file gives a result with a clear ``cause``.

    ``bundle`` and ``binary`` only fill ``bundle_path``/``file_path`` of the records.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return ModuleInfoResult(cause=f"moduleinfo.json is not UTF-8 ({exc.reason})")
    except OSError as exc:
        return ModuleInfoResult(cause=f"cannot read moduleinfo.json: {exc.strerror or exc}")
    try:
        data = loads(text)
    except ValueError as exc:
        return ModuleInfoResult(cause=f"moduleinfo.json is malformed: {exc}")
    return parse_moduleinfo(data, bundle=bundle, binary=binary)
