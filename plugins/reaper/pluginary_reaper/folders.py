"""``reaper-fxfolders.ini``: the Add-FX browser's "My Folders", merged.

A folder Pluginary wrote (named in the memory file, and still holding exactly what Pluginary
wrote) follows the collection it came from. Any other folder is the user's: its section is
not touched, even when its name is a collection's (the export says so). Sections and keys this
module does not know are kept; only the ``Id``/``Name``/``NbFolders`` keys of ``[Folders]`` are
rewritten. With a partial export (``--query``, ``--collection``) Pluginary's folders outside the
selection stay as they are.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field

from pluginary.errors import UsageError

Item = tuple[int, str]  # (Type, Item)

_SECTION = re.compile(r"Folder(\d+)")
_INDEX_KEY = re.compile(r"(Id|Name)\d+|NbFolders")


@dataclass
class Merge:
    """What a merge did, for the export's report."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _number(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"reaper-fxfolders.ini: {what} is '{text}', not a number; nothing "
                         "was written", hint="fix it in REAPER or by hand, then export again") \
            from None


def index_of(ini: configparser.RawConfigParser) -> list[tuple[int, str]]:
    """``(id, name)`` of each folder, in browser order; a malformed index is a UsageError."""
    if not ini.has_section("Folders"):
        return []
    index = ini["Folders"]
    entries = []
    for pos in range(_number(index.get("NbFolders", "0") or "0", "NbFolders")):
        ident = _number(index.get(f"Id{pos}", str(pos)), f"Id{pos}")
        entries.append((ident, index.get(f"Name{pos}", "")))
    idents = [ident for ident, _ in entries]
    if len(set(idents)) != len(idents):
        raise UsageError("reaper-fxfolders.ini: two folders share one Id; nothing was written",
                         hint="fix it in REAPER or by hand, then export again")
    return entries


def items_of(ini: configparser.RawConfigParser, ident: int) -> list[Item]:
    section = f"Folder{ident}"
    if not ini.has_section(section):
        return []
    body = ini[section]
    count = _number(body.get("Nb", "0") or "0", f"[{section}] Nb")
    return [(_number(body.get(f"Type{n}", "3"), f"[{section}] Type{n}"), body.get(f"Item{n}", ""))
            for n in range(count)]


def _write_folder(ini: configparser.RawConfigParser, ident: int, items: list[Item]) -> None:
    section = f"Folder{ident}"
    if not ini.has_section(section):
        ini.add_section(section)
    body = ini[section]
    for key in list(body):
        del body[key]
    for n, (_, item) in enumerate(items):
        body[f"Item{n}"] = item
    body["Nb"] = str(len(items))
    for n, (kind, _) in enumerate(items):
        body[f"Type{n}"] = str(kind)


def merge(ini: configparser.RawConfigParser, wanted: dict[str, list[Item]],
          owned: dict[str, list[Item]], *, prune: bool = True
          ) -> tuple[dict[str, list[Item]], Merge]:
    """Put ``wanted`` folders into ``ini``; returns what Pluginary owns now and the report.
    ``prune``: remove Pluginary's folders that are not wanted (a full export)."""
    report = Merge()
    now_owned: dict[str, list[Item]] = {}
    entries: list[tuple[int, str]] = []
    present = index_of(ini)
    for ident, name in present:
        items = items_of(ini, ident)
        ours = name in owned and owned[name] == items
        if ours and name in wanted:
            _write_folder(ini, ident, wanted[name])
            entries.append((ident, name))
            now_owned[name] = wanted[name]
            report.written.append(name)
        elif ours and prune:
            ini.remove_section(f"Folder{ident}")
            report.removed.append(name)
        else:
            entries.append((ident, name))
            if ours:
                now_owned[name] = items  # outside a partial export: still Pluginary's
            elif name in wanted:
                report.kept.append(name)
    taken = {ident for ident, _ in present} | {
        int(m.group(1)) for s in ini.sections() if (m := _SECTION.fullmatch(s))}
    next_id = max(taken, default=-1) + 1
    names = {name for _, name in entries}
    for name, items in wanted.items():
        if name not in names:
            _write_folder(ini, next_id, items)
            entries.append((next_id, name))
            now_owned[name] = items
            report.written.append(name)
            next_id += 1
    # [Folders] last, as REAPER writes it; keys this module does not know are kept.
    others = dict(ini["Folders"]) if ini.has_section("Folders") else {}
    ini.remove_section("Folders")
    ini.add_section("Folders")
    index = ini["Folders"]
    for key, value in others.items():
        if not _INDEX_KEY.fullmatch(key):
            index[key] = value
    for pos, (ident, _) in enumerate(entries):
        index[f"Id{pos}"] = str(ident)
    for pos, (_, name) in enumerate(entries):
        index[f"Name{pos}"] = name
    index["NbFolders"] = str(len(entries))
    return now_owned, report


def merge_tags(ini: configparser.RawConfigParser, section: str, wanted: dict[str, str],
               owned: dict[str, str], *, prune: bool = True) -> tuple[dict[str, str], list[str]]:
    """Set ``wanted`` keys of ``[section]`` (``category``, ``developer``); a key whose value is
    not what Pluginary last wrote is the user's and stays. Returns what Pluginary owns now and
    the keys it left alone. ``prune``: remove Pluginary's keys that are not wanted."""
    if not ini.has_section(section):
        ini.add_section(section)
    body = ini[section]
    now_owned: dict[str, str] = {}
    kept = []
    for key in [k for k in body if k in owned and body[k] == owned[k] and k not in wanted]:
        if prune:
            del body[key]  # ours, and no longer wanted
        else:
            now_owned[key] = body[key]
    for key, value in wanted.items():
        if key in body and not (key in owned and body[key] == owned[key]):
            if body[key] != value:
                kept.append(key)
            continue
        body[key] = value
        now_owned[key] = value
    return now_owned, kept
