"""The ``logic`` exporter: each Audio Unit's tree category and collections as its categories in
Logic's Plug-in Manager, merged into the tag database without losing what the user set."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import msgspec

from pluginary.errors import UsageError
from pluginary.exporter_info import ExporterInfo, ExportOption
from pluginary.exportfiles import FileChange, read_memory, write_memory
from pluginary.exporting import ExportSelection

from .tagsets import (
    OURS,
    PROPERTIES,
    TAGPOOL,
    category_path,
    collection_path,
    read_plist,
    tagset_name,
    write_plist,
)

#: What Pluginary set last time, so that a category the user removed in Logic stays removed.
MEMORY = "pluginary-logic.json"

INFO = ExporterInfo(
    name="logic",
    summary=("Logic Pro: the category tree and collections as Plug-in Manager categories of "
             "Audio Units (.tagset files, MusicApps.tagpool, MusicApps.properties)"),
    systems=("macos",),
    formats=("au",),
    destination_kind="folder",
    destinations={"macos": "~/Music/Audio Music Apps/Databases/Tags"},
    processes=("Logic Pro X", "Logic Pro", "MainStage 3", "MainStage"),
    options=(
        ExportOption(name="categories", kind="flag", default=True,
                     help="each plugin's tree category as a category (Effect/Dynamics/"
                          "Compressor is Dynamics:Compressor)"),
        ExportOption(name="collections", kind="flag", default=True,
                     help="each collection as a category (Mixing/Bus is Mixing:Bus)"),
    ),
)


class Memory(msgspec.Struct, kw_only=True):
    #: tagset file name -> the categories Pluginary set in it.
    tagsets: dict[str, list[str]] = {}


class LogicExporter:
    info = INFO

    def export_selection(self, selection: ExportSelection, destination: Path, *,
                         dry_run: bool = False) -> list[FileChange]:
        memory = read_memory(destination / MEMORY, Memory)
        wanted = self.categories(selection)
        # Every file is read and checked before anything is written.
        tagpool = read_plist(destination / TAGPOOL)
        properties = read_plist(destination / PROPERTIES)
        touched = set(wanted) | (set(memory.tagsets) if selection.complete else set())
        current = {name: read_plist(destination / name) for name in sorted(touched)}
        for name, value in current.items():
            if value is not None and not isinstance(value.get("tags", {}), dict):
                raise UsageError(f"{destination / name}: 'tags' is not a dictionary; nothing "
                                 "was written", hint="restore it, or move it away")
        changes: list[FileChange] = []
        remembered = dict(memory.tagsets)
        used: set[str] = set()
        left: list[str] = []
        for name in sorted(touched):
            before = current[name] or {}
            tags, ours, kept = merge(before.get("tags", {}), wanted.get(name, []),
                                     memory.tagsets.get(name, []))
            left += [f"{c} of {name}" for c in kept]
            used.update(ours)
            # A removal stays remembered, so that the next export leaves it removed too.
            remembered[name] = sorted(set(ours) | set(kept))
            if not remembered[name]:
                del remembered[name]
            after = {**before, "tags": tags} if tags or "tags" in before else before
            if current[name] is None and not tags:
                continue  # nothing to say about a plugin Logic has no file for
            if after != current[name]:
                changes.append(write_plist(destination / name, after, dry_run=dry_run))
        changes += _pool(destination, tagpool, properties, sorted(used), dry_run=dry_run)
        changes.append(write_memory(destination / MEMORY, Memory(
            tagsets=dict(sorted(remembered.items()))), dry_run=dry_run))
        if left:
            sys.stderr.write("left alone (removed in Logic since the last export): "
                             f"{', '.join(left)}\n")
        return changes

    @staticmethod
    def categories(selection: ExportSelection) -> dict[str, list[str]]:
        """tagset file name -> the categories Pluginary gives that Audio Unit."""
        member_of: dict[str, list[str]] = {}
        if selection.options.get("collections", True):
            for collection in selection.collections:
                for key in collection.members:
                    member_of.setdefault(key, []).append(collection_path(collection.name))
        out: dict[str, list[str]] = {}
        for record in selection.records:
            name = tagset_name(record.uid) if record.format == "au" else None
            if name is None:
                continue
            cats = [category_path(record.category)] \
                if selection.options.get("categories", True) else []
            cats += member_of.get(record.key, [])
            out[name] = sorted({c for c in cats if c})
        return out


def merge(tags: dict[str, Any], wanted: list[str], before: list[str]
          ) -> tuple[dict[str, Any], list[str], list[str]]:
    """The tagset's ``tags`` with Pluginary's categories: a category the user set (any value)
    stays as it is; one Pluginary set before and the user removed stays removed (reported);
    one Pluginary set that the catalogue no longer gives goes. Returns the new tags, the
    categories that are Pluginary's now, and those left alone."""
    out = {c: v for c, v in tags.items()
           if not (c in before and c not in wanted and v == OURS)}
    kept = [c for c in wanted if c in before and c not in tags]
    for category in wanted:
        if category not in out and category not in kept:
            out[category] = OURS
    ours = [c for c in wanted if out.get(c) == OURS and (c not in tags or c in before)]
    return out, ours, kept


def _pool(destination: Path, tagpool: dict[str, Any] | None,
          properties: dict[str, Any] | None, used: list[str], *,
          dry_run: bool) -> list[FileChange]:
    """Every category in use is in ``MusicApps.tagpool`` (a new one with 0) and, when the
    properties keep a display order (``sorting``), at its end. Nothing is removed: a category
    may be the user's."""
    pool = dict(tagpool or {})
    for category in used:
        pool.setdefault(category, 0)
    props = dict(properties) if properties is not None else {"sorting": []}
    sorting = props.get("sorting")
    if isinstance(sorting, list):
        props["sorting"] = sorting + [c for c in used if c not in sorting]
    changes = []
    if pool != (tagpool or {}) or (tagpool is None and used):
        changes.append(write_plist(destination / TAGPOOL, pool, dry_run=dry_run))
    if props != properties and (properties is not None or used):
        changes.append(write_plist(destination / PROPERTIES, props, dry_run=dry_run))
    return changes

