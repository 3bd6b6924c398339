"""``reaper-fxfolders.ini``: the Add-FX browser's "My Folders", merged.

A folder Pluginary wrote (named in the memory file, and still holding exactly what Pluginary
wrote) is replaced by the collection it came from, or removed with it. Any other folder is the
user's, left exactly as it is, even when its name is a collection's; the export says so.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field

Item = tuple[int, str]  # (Type, Item)


@dataclass
class Merge:
    """What a merge did, for the export's report."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def folders_of(ini: configparser.RawConfigParser) -> list[tuple[int, str, list[Item]]]:
    """``(id, name, items)`` in browser order."""
    if not ini.has_section("Folders"):
        return []
    index = ini["Folders"]
    out = []
    for pos in range(int(index.get("NbFolders", "0") or 0)):
        ident = int(index.get(f"Id{pos}", str(pos)))
        name = index.get(f"Name{pos}", "")
        section = f"Folder{ident}"
        items: list[Item] = []
        if ini.has_section(section):
            body = ini[section]
            for n in range(int(body.get("Nb", "0") or 0)):
                items.append((int(body.get(f"Type{n}", "3")), body.get(f"Item{n}", "")))
        out.append((ident, name, items))
    return out


def merge(ini: configparser.RawConfigParser, wanted: dict[str, list[Item]],
          owned: dict[str, list[Item]]) -> tuple[dict[str, list[Item]], Merge]:
    """Put ``wanted`` folders into ``ini``; returns what Pluginary owns now and the report."""
    report = Merge()
    now_owned: dict[str, list[Item]] = {}
    result: list[tuple[int, str, list[Item]]] = []
    present = folders_of(ini)
    used = {ident for ident, _, _ in present}
    for ident, name, items in present:
        ours = name in owned and [tuple(i) for i in owned[name]] == items
        if ours and name in wanted:
            result.append((ident, name, wanted[name]))
            now_owned[name] = wanted[name]
            report.written.append(name)
        elif ours:
            report.removed.append(name)
        else:
            result.append((ident, name, items))
            if name in wanted:
                report.kept.append(name)
    names = {name for _, name, _ in result}
    next_id = max(used, default=-1) + 1
    for name, items in wanted.items():
        if name not in names:
            result.append((next_id, name, items))
            now_owned[name] = items
            report.written.append(name)
            next_id += 1
    for section in [s for s in ini.sections() if s.startswith("Folder")]:
        ini.remove_section(section)
    for ident, _, items in sorted(result, key=lambda f: str(f[0])):  # REAPER: lexicographic
        section = f"Folder{ident}"
        ini.add_section(section)
        body = ini[section]
        for n, (_, item) in enumerate(items):
            body[f"Item{n}"] = item
        body["Nb"] = str(len(items))
        for n, (kind, _) in enumerate(items):
            body[f"Type{n}"] = str(kind)
    ini.add_section("Folders")
    index = ini["Folders"]
    for pos, (ident, _, _) in enumerate(result):
        index[f"Id{pos}"] = str(ident)
    for pos, (_, name, _) in enumerate(result):
        index[f"Name{pos}"] = name
    index["NbFolders"] = str(len(result))
    return now_owned, report


def merge_tags(ini: configparser.RawConfigParser, section: str, wanted: dict[str, str],
               owned: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Set ``wanted`` keys of ``[section]`` (``category``, ``developer``); a key whose value is
    not what Pluginary last wrote is the user's and stays. Returns what Pluginary owns now and
    the keys it left alone."""
    if not ini.has_section(section):
        ini.add_section(section)
    body = ini[section]
    now_owned: dict[str, str] = {}
    kept = []
    for key in [k for k in body if k in owned and body[k] == owned[k] and k not in wanted]:
        del body[key]  # ours, and no longer wanted
    for key, value in wanted.items():
        if key in body and not (key in owned and body[key] == owned[key]):
            if body[key] != value:
                kept.append(key)
            continue
        body[key] = value
        now_owned[key] = value
    return now_owned, kept
