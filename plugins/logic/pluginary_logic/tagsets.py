"""Logic's Plug-in Manager files, as real ones look (tests/data, sources in SOURCES.md).

* ``TTTTTTTT-SSSSSSSS-MMMMMMMM.tagset``, one per Audio Unit: its type, subtype and manufacturer
  codes, each the 32-bit big-endian value of the four MacRoman bytes in 8 lowercase hex digits
  (``aufx``/``bpas``/``appl`` is ``61756678-62706173-6170706c``; a code with a space keeps it:
  ``dls `` is ``646c7320``). An XML property list: ``tags`` maps each category path to how it
  was set (Logic writes ``tag`` or ``default``; tools that add categories write ``user``),
  beside keys such as ``favorite`` and ``crashes`` that are left as they are.
* ``MusicApps.tagpool``: every category path (``:`` between levels) -> a number (0 for a new one,
  as the tools write; what Logic counts there is not known).
* ``MusicApps.properties``: flags (``"property"``) and, in newer versions, ``sorting``: the
  categories in display order.
"""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from pluginary.errors import UsageError
from pluginary.exportfiles import FileChange, read_text, write_bytes, write_text

TAGPOOL = "MusicApps.tagpool"
PROPERTIES = "MusicApps.properties"
#: How Pluginary marks a category it set, as the tools that write these files do.
OURS = "user"


def tagset_name(uid: str) -> str | None:
    """The ``.tagset`` file name of the Audio Unit ``type:subtype:manufacturer``; None when the
    uid is not three four-character codes."""
    codes = uid.split(":")
    if len(codes) != 3:
        return None
    try:
        raw = [c.encode("mac_roman") for c in codes]
    except UnicodeEncodeError:
        return None
    if any(len(b) != 4 for b in raw):
        return None
    return "-".join(f"{int.from_bytes(b, 'big'):08x}" for b in raw) + ".tagset"


#: Tree categories under the name Logic's own category list gives them (MusicApps.properties).
LOGIC_NAMES = {"Synth": "Synthesizer", "Analyzer": "Metering", "Spatial": "Imaging"}


def category_path(tree_category: str) -> str:
    """A tree category as a Logic category path: ``Effect/Dynamics/Compressor`` is
    ``Dynamics:Compressor`` (Logic lists effects and instruments apart already), a node Logic
    has under another name takes it (``Instrument/Synth`` is ``Synthesizer``, ``Analyzer`` is
    ``Metering``); "" for the bare ``Effect`` or ``Instrument`` and for Uncategorised."""
    parts = [p for p in tree_category.split("/") if p]
    if parts and parts[0] in ("Effect", "Instrument"):
        parts = parts[1:]
    if parts:
        parts[0] = LOGIC_NAMES.get(parts[0], parts[0])
    return ":".join(parts)


def collection_path(name: str) -> str:
    """A collection as a category: ``Mixing/Bus`` is ``Mixing:Bus``."""
    return ":".join(p.strip() for p in name.split("/") if p.strip())


def read_plist(path: Path) -> dict[str, Any] | None:
    """A property list file as a dict, None when it does not exist; a malformed one is a
    usage error that names it (and nothing has been written yet)."""
    try:
        data = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}; nothing was written",
                         hint="check the folder's permissions") from exc
    if data is None:
        return None
    try:
        value = plistlib.loads(data)
    except (plistlib.InvalidFileException, ExpatError, ValueError, OverflowError, TypeError,
            KeyError, IndexError) as exc:  # what plistlib raises on damaged files
        raise UsageError(f"{path} is not a property list ({exc}); nothing was written",
                         hint="restore it from Logic's own backup, or move it away") from exc
    if not isinstance(value, dict):
        raise UsageError(f"{path} holds a {type(value).__name__}, not a dictionary; nothing "
                         "was written", hint="restore it, or move it away")
    if not data.startswith(b"bplist"):
        read_text(path)  # an XML one must also be readable as text for the diff
    return value


def render(value: dict[str, Any]) -> str:
    """An XML property list as Logic writes them (tabs, Apple's DOCTYPE)."""
    return plistlib.dumps(value, fmt=plistlib.FMT_XML, sort_keys=False).decode("utf-8")


def write_plist(path: Path, value: dict[str, Any], *, dry_run: bool) -> FileChange:
    """Write ``value`` as XML, or as a binary property list where the file was one (every
    published database is XML; a binary one stays binary), with a diff of its XML."""
    try:
        binary = path.read_bytes()[:6] == b"bplist"
    except FileNotFoundError:
        binary = False
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", hint="check its permissions") \
            from exc
    if not binary:
        return write_text(path, render(value), dry_run=dry_run)
    return write_bytes(path, plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False),
                       dry_run=dry_run, as_text=lambda data: render(plistlib.loads(data)))
