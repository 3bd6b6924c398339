"""The ``reaper`` exporter: collections and saved searches as folders in REAPER's FX browser,
tree categories and vendors as its Category and Developer lists."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import msgspec

from pluginary.errors import UsageError
from pluginary.exporter_info import ExporterInfo, ExportOption
from pluginary.exportfiles import FileChange, read_memory, write_memory, write_text
from pluginary.exporting import ExportSelection
from pluginary.models import PluginRecord
from pluginary.query.parser import parse
from pluginary.query.tree import And, Node, Not, Or, Text

from . import cache, ini
from .folders import Item, merge, merge_tags
from .items import TYPE_SMART, category_of, folder_item, tag_key, vendor_of

FOLDERS = "reaper-fxfolders.ini"
TAGS = "reaper-fxtags.ini"
#: What Pluginary wrote last time, so that an entry the user changed since is left alone.
MEMORY = "pluginary-reaper.json"


class Memory(msgspec.Struct, kw_only=True):
    folders: dict[str, list[tuple[int, str]]] = {}
    category: dict[str, str] = {}
    developer: dict[str, str] = {}


#: REAPER's resource path per system (a portable install: pass its folder instead).
RESOURCE_PATHS = {
    "linux": "${XDG_CONFIG_HOME:-~/.config}/REAPER",
    "macos": "~/Library/Application Support/REAPER",
    "windows": "%APPDATA%\\REAPER",
}
INFO = ExporterInfo(
    name="reaper",
    summary=("REAPER: collections and saved searches as FX browser folders, categories and "
             "vendors as FX tags (reaper-fxfolders.ini, reaper-fxtags.ini)"),
    formats=("vst3", "clap", "lv2", "au"),  # REAPER does not host LADSPA
    destination_kind="folder",
    destinations=RESOURCE_PATHS,
    processes=("reaper",),
    options=(
        ExportOption(name="developer", kind="flag", default=True,
                     help="write each plugin's vendor as its REAPER developer tag"),
        ExportOption(name="smart-folders", kind="flag", default=True,
                     help="a smart collection whose search REAPER can run becomes a smart "
                          "folder; off: its plugins are listed"),
    ),
)


def reaper_search(query: str) -> str | None:
    """A saved search REAPER's browser can run itself (words, ``NOT word``, OR of those): its
    REAPER spelling; None when it uses Pluginary's fields or grouping, which REAPER does not
    know (the collection's plugins are written instead)."""
    try:
        tree = parse(query)
    except UsageError:
        return None

    def word(node: Node) -> str | None:
        if isinstance(node, Text) and not node.phrase:
            return node.value
        if isinstance(node, Not) and isinstance(node.item, Text) and not node.item.phrase:
            return f"NOT {node.item.value}"
        return None

    def conjunction(node: Node) -> str | None:
        words = [word(n) for n in node.items] if isinstance(node, And) else [word(node)]
        return None if any(w is None for w in words) else " ".join(w for w in words if w)

    parts = [conjunction(n) for n in tree.items] if isinstance(tree, Or) else [
        conjunction(tree)]
    return None if any(p is None for p in parts) else " OR ".join(p for p in parts if p)


class ReaperExporter:
    info = INFO

    def export_selection(self, selection: ExportSelection, destination: Path, *,
                         dry_run: bool = False) -> list[FileChange]:
        memory = read_memory(destination / MEMORY, Memory)
        shells = cache.shell_ids(destination)  # REAPER's names inside multi-plugin bundles
        folders_ini = ini.read(destination / FOLDERS)  # both parsed before anything is written
        tags_ini = ini.read(destination / TAGS)
        # A partial export (--query, --collection) leaves Pluginary's other entries alone.
        prune = selection.complete
        owned, report = merge(folders_ini, self.folders(selection, shells), {
            k: [(int(kind), str(item)) for kind, item in v]
            for k, v in memory.folders.items()}, prune=prune)
        categories = self.tags(selection, shells, category=True)
        category, kept_c = merge_tags(tags_ini, "category", categories, memory.category,
                                      prune=prune)
        vendors = self.tags(selection, shells, category=False) \
            if selection.options.get("developer", True) else {}
        developer, kept_d = merge_tags(tags_ini, "developer", vendors, memory.developer,
                                       prune=prune)
        changes = [write_text(destination / FOLDERS, ini.render(folders_ini), dry_run=dry_run),
                   write_text(destination / TAGS, ini.render(tags_ini), dry_run=dry_run)]
        memory = Memory(folders={k: list(v) for k, v in owned.items()}, category=category,
                        developer=developer)
        changes.append(write_memory(destination / MEMORY, memory, dry_run=dry_run))
        left = [f"folder '{n}'" for n in report.kept] + [f"category of {k}" for k in kept_c] \
            + [f"developer of {k}" for k in kept_d]
        if left:
            sys.stderr.write(f"left alone (changed in REAPER, or not written by Pluginary): "
                             f"{', '.join(left)}\n")
        return changes

    def folders(self, selection: ExportSelection, shells: Mapping[tuple[str, str], str]
                ) -> dict[str, list[Item]]:
        """One folder per collection (nesting shown in the name, as REAPER has none), a smart
        folder for a smart collection whose search REAPER can run."""
        by_key = {r.key: r for r in selection.records}
        saved = {s.name.casefold(): s.query for s in selection.organisation.saved}
        out: dict[str, list[Item]] = {}
        for collection in selection.collections:
            name = collection.name.replace("/", " ▸ ")
            search = reaper_search(saved.get(collection.saved.casefold(), "")) \
                if collection.saved and selection.options.get("smart-folders", True) else None
            if search:
                out[name] = [(TYPE_SMART, search)]
                continue
            items = [item for key in collection.members if key in by_key
                     for item in self.items_of(selection, by_key[key], shells)]
            if items:
                out[name] = items
        return out

    @staticmethod
    def items_of(selection: ExportSelection, record: PluginRecord,
                 shells: Mapping[tuple[str, str], str]) -> list[Item]:
        paths = sorted({i.path for i in selection.installations.get(record.key, ())}) or [
            record.bundle_path or record.file_path]
        found = [folder_item(record, path, shells) for path in paths]
        return list(dict.fromkeys(i for i in found if i is not None))

    @staticmethod
    def tags(selection: ExportSelection, shells: Mapping[tuple[str, str], str], *,
             category: bool) -> dict[str, str]:
        out: dict[str, str] = {}
        for record in selection.records:
            value = category_of(record.category) if category else vendor_of(record)
            if not value:
                continue
            paths = sorted({i.path for i in selection.installations.get(record.key, ())}) or [
                record.bundle_path or record.file_path]
            for path in paths:
                key = tag_key(record, path, shells)
                if key:
                    out[key] = value
        return out

