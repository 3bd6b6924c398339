"""The ``aupreset`` preset container: Audio Unit ``.aupreset`` files.

An ``.aupreset`` is a property list (XML or binary) holding an Audio Unit's ``ClassInfo``
dictionary (``AUComponent.h``): ``version`` (0, ``kCurrentSavedStateVersion``), ``type``,
``subtype`` and ``manufacturer`` (the four-char codes as big-endian 32-bit integers), ``name``,
``data`` (the plugin's own blob) and whatever else the plugin adds (``jucePluginState``,
``vstdata``, u-he's ``AM_STATE``, AUSampler's ``Instrument``...). Hosts refuse a dictionary
whose codes are zero or whose version is not 0 (Ardour's ``audio_unit.cc``), and so does
:meth:`AuPresetContainer.read`.

Files live in ``~/Library/Audio/Presets/<Manufacturer>/<Plugin>/<name>.aupreset`` (and the same
under ``/Library`` and ``/Network/Library``); a folder below ``<Plugin>`` is the preset's bank.

pedalboard's ``raw_state`` of an Audio Unit is that same dictionary as a binary property list
(JUCE's ``AudioUnitPluginInstance::getStateInformation`` writes ``ClassInfo`` with
``kCFPropertyListBinaryFormat_v1_0``), so :meth:`~AuPresetContainer.unwrap` hands the host the
dictionary as a binary plist and :meth:`~AuPresetContainer.wrap` writes what the host saved as
an XML ``.aupreset``. Reading needs no plugin and runs on any OS.
"""

from __future__ import annotations

import datetime
import plistlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError, Unwrapped
from pluginary.presets.files import read_sources
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.scan.walk import find_candidates
from pluginary.validation.host import NotSupported

from .codes import four_char, uid
from .formatinfo import FORMAT

CONTAINER = "aupreset"
SUFFIX = ".aupreset"
#: ``kCurrentSavedStateVersion``: the only ``version`` a host loads.
SAVED_STATE_VERSION = 0
CODE_KEYS = ("type", "subtype", "manufacturer")
#: The folder every standard preset root ends with; the two folders below it are
#: ``<Manufacturer>/<Plugin>``, anything deeper is a bank.
PRESETS_FOLDER = "presets"


def code_value(code: str) -> int:
    """A four-char code as the big-endian integer a ClassInfo dictionary stores (the inverse
    of :func:`pluginary_au.codes.four_char`)."""
    return int.from_bytes(code.encode("mac_roman"), "big")


def split_uid(plugin_uid: str) -> tuple[str, str, str]:
    """``"aufx:nbeq:appl"`` -> its three codes. Codes are four characters each and may hold
    any MacRoman character (a colon too), so the uid is cut by position, not split on ``:``."""
    codes = plugin_uid[0:4], plugin_uid[5:9], plugin_uid[10:14]
    if (len(plugin_uid) != 14 or plugin_uid[4] != ":" or plugin_uid[9] != ":"
            or any(four_char(code) != code for code in codes)):
        raise PresetFormatError(
            f"{plugin_uid!r} is not an Audio Unit id: expected type:subtype:manufacturer, "
            "three four-char codes", hint="give the plugin's catalogue record (format au)")
    return codes


def parse_class_info(data: bytes, where: str) -> dict[str, Any]:
    """The ClassInfo dictionary in ``data`` (XML or binary plist), checked as hosts check it:
    :class:`PresetFormatError` naming ``where`` and what is wrong otherwise."""
    try:
        info = plistlib.loads(data)
    except Exception as exc:  # plistlib raises ExpatError, InvalidFileException, ValueError...
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PresetFormatError(f"{where}: not a property list ({first}): the file is "
                                "cut off, or it is not an .aupreset") from None
    if not isinstance(info, dict):
        raise PresetFormatError(f"{where}: the property list holds {_kind(info)}, not the "
                                "ClassInfo dictionary of an .aupreset")
    version = info.get("version")
    if version is None:
        raise PresetFormatError(f"{where}: no 'version' key: not an Audio Unit ClassInfo")
    if not _is_int(version) or version != SAVED_STATE_VERSION:
        raise PresetFormatError(f"{where}: 'version' is {version!r}; Audio Unit hosts load "
                                f"only version {SAVED_STATE_VERSION}")
    for key in CODE_KEYS:
        code = _code(info, key, where)
        if code is None:
            raise PresetFormatError(f"{where}: no '{key}' code: hosts cannot tell which Audio "
                                    "Unit it belongs to")
    name = info.get("name")
    if name is not None and not isinstance(name, str):
        raise PresetFormatError(f"{where}: 'name' is {_kind(name)}, not a string")
    blob = info.get("data")
    if blob is not None and not isinstance(blob, bytes):
        raise PresetFormatError(f"{where}: 'data' is {_kind(blob)}, not data")
    return info


#: Property list types by their plist names, for messages.
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"), (int, "an integer"), (float, "a real"), (str, "a string"),
    (bytes, "data"), (dict, "a dictionary"), (list, "an array"),
    (datetime.datetime, "a date"))


def _kind(value: object) -> str:
    return next((name for kind, name in _KINDS if isinstance(value, kind)),
                type(value).__name__)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _code(info: Mapping[str, Any], key: str, where: str) -> str | None:
    """The four-char code under ``key``; None when absent; an error when it is not a non-zero
    32-bit integer (what ``AUBase::RestoreState`` reads)."""
    value = info.get(key)
    if value is None:
        return None
    code = four_char(value) if _is_int(value) else None
    if code is None:
        raise PresetFormatError(f"{where}: '{key}' is {value!r}; expected a non-zero 32-bit "
                                "integer (a four-char code)")
    return code


def plugin_uid(info: Mapping[str, Any]) -> str:
    """``type:subtype:manufacturer`` of a checked ClassInfo dictionary: the catalogue's AU uid."""
    type_code, subtype, manufacturer = (four_char(info[k]) or "" for k in CODE_KEYS)
    return uid(type_code, subtype, manufacturer)


def bank_of(path: Path) -> str:
    """The folders between ``<Manufacturer>/<Plugin>`` and the file, under the nearest
    ``Presets`` folder; "" for a file elsewhere."""
    parts = path.parts[:-1]
    lowered = [p.lower() for p in parts]
    if PRESETS_FOLDER not in lowered:
        return ""
    below = parts[len(lowered) - lowered[::-1].index(PRESETS_FOLDER):]
    return "/".join(below[2:])


def meta_of(info: Mapping[str, Any], binary: bool) -> dict[str, str]:
    """The scalar keys as text (codes as their four characters), the keys holding blobs, and
    the plist flavour."""
    meta: dict[str, str] = {"plist": "binary" if binary else "xml"}
    blobs: list[str] = []
    for key, value in info.items():
        if key in CODE_KEYS:
            meta[key] = four_char(value) or ""
        elif isinstance(value, bool):
            meta[key] = "true" if value else "false"
        elif isinstance(value, int | float | str):
            meta[key] = str(value)
        elif isinstance(value, datetime.datetime):
            meta[key] = value.isoformat()
        elif isinstance(value, bytes):
            blobs.append(key)
    if blobs:
        meta["blobs"] = ",".join(sorted(blobs))
    return meta


def read_preset(path: Path) -> Preset:
    """One ``.aupreset`` as a :class:`Preset`; :class:`PresetFormatError` or :class:`OSError`
    when it cannot be read."""
    return preset_of(path, path.read_bytes())


def preset_of(path: Path, data: bytes) -> Preset:
    """The preset of the ``.aupreset`` bytes ``data`` read from ``path``."""
    info = parse_class_info(data, str(path))
    name = info.get("name")
    return Preset(
        identity=f"file:{path}", plugin=f"{FORMAT}:{plugin_uid(info)}",
        name=name if isinstance(name, str) and name.strip() else path.stem,
        container=CONTAINER, data=data, bank=bank_of(path), source=str(path),
        meta=meta_of(info, data.startswith(b"bplist")))


class AuPresetContainer:
    """``.aupreset`` files (see the module's docstring)."""

    name = CONTAINER
    plugin_format = FORMAT
    suffix = SUFFIX
    description = ("Audio Unit .aupreset property lists (XML or binary ClassInfo), in "
                   "~/Library/Audio/Presets and /Library/Audio/Presets")

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """macOS's three preset domains (user, local, network); none elsewhere, where files
        are read only from the paths given."""
        if system != "darwin":
            return []
        return [home / "Library" / "Audio" / "Presets", Path("/Library/Audio/Presets"),
                Path("/Network/Library/Audio/Presets")]

    def discover(self, roots: Sequence[Path]) -> Iterator[Path]:
        """Every ``*.aupreset`` below ``roots``, recursively (the shared walk survives symlink
        loops and logs unreadable folders)."""
        return find_candidates(roots, file_suffixes=(SUFFIX,))

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """One :class:`SourceRead` per file: its preset, or why it cannot be read."""
        return read_sources(paths, lambda path, data: (preset_of(path, data),))

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """An XML ``.aupreset`` for ``state``: the ClassInfo dictionary the host saved (named
        ``name``), or, when ``state`` is not one, a new dictionary with it as ``data``."""
        if plugin.format != FORMAT:
            raise PresetFormatError(f"{plugin.format}:{plugin.uid} is not an Audio Unit: an "
                                    ".aupreset holds Audio Unit state only")
        codes = split_uid(plugin.uid)
        if state is None:
            raise NotSupported("an .aupreset holds the plugin's own state, and none was saved "
                               "(parameter values alone have no standard place in it)")
        info = _as_class_info(state)
        if info is None:
            info = {"version": SAVED_STATE_VERSION, "data": state}
        for key, code in zip(CODE_KEYS, codes, strict=True):
            found = info.setdefault(key, code_value(code))
            if found != code_value(code):
                raise PresetFormatError(
                    f"the saved state says {key} {four_char(found) or found!r}, but the plugin "
                    f"is {plugin.uid}: it was saved from another Audio Unit")
        info.setdefault("version", SAVED_STATE_VERSION)
        info["name"] = name
        try:
            data = plistlib.dumps(info, fmt=plistlib.FMT_XML, sort_keys=True)
        except (TypeError, OverflowError):
            # A binary plist can hold what XML cannot (a UID, a 64-bit unsigned integer);
            # hosts read both flavours, so the state is kept whole rather than refused.
            data = plistlib.dumps(info, fmt=plistlib.FMT_BINARY, sort_keys=True)
        # Checked as a read checks it: never write a file no host would load (a saved
        # dictionary with a version other than 0, a code that is not an integer).
        parse_class_info(data, f"the state saved from {plugin.uid}")
        return data

    def unwrap(self, data: bytes) -> Unwrapped:
        """The ClassInfo dictionary as a binary plist: what pedalboard's ``raw_state`` setter
        of an Audio Unit takes."""
        info = parse_class_info(data, "the .aupreset")
        return Unwrapped(state=plistlib.dumps(info, fmt=plistlib.FMT_BINARY))

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """No other container holds an Audio Unit's ClassInfo."""
        return None


def _as_class_info(state: bytes) -> dict[str, Any] | None:
    """``state`` as a dictionary when it is a property list holding one (pedalboard's AU
    ``raw_state``); None for any other bytes, which become the ``data`` blob."""
    if not state.startswith((b"bplist", b"<?xml", b"<plist")):
        return None
    try:
        info = plistlib.loads(state)
    except Exception:  # not a plist after all (plistlib raises several types): a blob
        return None
    return info if isinstance(info, dict) else None
