"""How REAPER names a plugin in its FX browser files, per format.

From files REAPER wrote (tests/data, sources in tests/data/SOURCES.md) and the research in
docs/exporters/reaper.md: a VST3 folder item is the bundle's full path with type 3; an AU is
``Vendor: Name`` with type 5; a CLAP is its id with type 7 and an LV2 its URI with type 1 (the
codes REAPER's own scripts use; no published file shows them). An ``fxtags`` key is the
plugin's file name with every character outside ``A-Za-z0-9.`` turned into ``_`` for VST3,
``Vendor: Name`` for AU, and the CLAP id exactly as the plugin gives it for CLAP (REAPER's own
file on Linux: ``com.zamaudio.ZamComp=Damien Zammit``). REAPER does not host LADSPA.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath

from pluginary.models import PluginRecord

#: ``Type<n>`` codes of ``reaper-fxfolders.ini``.
TYPE_VST = 3
TYPE_AU = 5
TYPE_CLAP = 7
TYPE_LV2 = 1
TYPE_SMART = 1048576

_UNSAFE = re.compile(r"[^A-Za-z0-9.]")
_CONTACT = re.compile(r"\s*[<(\[]?\S+@\S+[>)\]]?|\s*https?://\S+")


def vendor_of(record: PluginRecord) -> str:
    """The vendor as REAPER shows developers: without e-mail addresses or URLs."""
    return _CONTACT.sub("", record.vendor).strip()


def folder_item(record: PluginRecord, path: str, shells: Mapping[tuple[str, str], str] | None = None
                ) -> tuple[int, str] | None:
    """``(Type, Item)`` for a folder, or None when REAPER cannot host the format. ``shells``:
    REAPER's ids of the plugins in bundles that hold several (:mod:`.cache`)."""
    if record.format == "vst3" and path:
        return TYPE_VST, path + _shell_suffix(record, path, shells)
    if record.format == "au":
        return TYPE_AU, f"{vendor_of(record)}: {record.name}"
    if record.format == "clap":
        return TYPE_CLAP, record.uid
    if record.format == "lv2":
        return TYPE_LV2, record.uid
    return None


def tag_key(record: PluginRecord, path: str, shells: Mapping[tuple[str, str], str] | None = None
            ) -> str | None:
    """The ``reaper-fxtags.ini`` key, or None when REAPER's spelling for the format is unknown
    (LV2: no published file has one) or it cannot host it (LADSPA)."""
    if record.format == "vst3" and path:
        return _UNSAFE.sub("_", PurePath(path).name) + _shell_suffix(record, path, shells)
    if record.format == "au":
        return f"{vendor_of(record)}: {record.name}"
    if record.format == "clap":
        return record.uid
    return None


def _shell_suffix(record: PluginRecord, path: str,
                  shells: Mapping[tuple[str, str], str] | None) -> str:
    """``<id`` for a plugin of a bundle that holds several, as REAPER names it."""
    bundle = _UNSAFE.sub("_", PurePath(path).name)
    plugin_id = (shells or {}).get((bundle, record.uid.upper()))
    return f"<{plugin_id}" if plugin_id else ""


def category_of(path: str) -> str:
    """The REAPER category for a tree category: its second level (``Effect/Dynamics/Compressor``
    is ``Dynamics``, ``Instrument/Synth`` is ``Synth``), or the top one alone (``Analyzer``);
    "" for the bare ``Effect`` or ``Instrument``, which say nothing in REAPER's list."""
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2:
        return parts[1]
    return parts[0] if parts and parts[0] not in ("Effect", "Instrument") else ""
