"""The ``ableton`` exporter: one device preset per plugin in the User Library, in folders that
mirror the category tree and the collections, with tags as Live's keywords. Live's own
database is never written."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import msgspec

from pluginary.errors import UsageError
from pluginary.exporter_info import ExporterInfo, ExportOption, this_system
from pluginary.exportfiles import (
    FileChange,
    read_memory,
    write_bytes,
    write_memory,
    write_text,
)
from pluginary.exporting import ExportSelection
from pluginary.models import PluginRecord

from . import xmp
from .devices import FORMATS, preset, xml_of

#: What Pluginary wrote last time (in its own folder), so that a preset the user saved over in
#: Live, or a keyword the user gave, is never replaced.
MEMORY = "pluginary-ableton.json"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

INFO = ExporterInfo(
    name="ableton",
    summary=("Ableton Live: a device preset (.adv) per VST3 and Audio Unit in the User Library, "
             "in folders by category and collection, tags as Live's keywords"),
    systems=("macos", "windows"),
    formats=FORMATS,
    destination_kind="folder",
    destinations={"macos": "~/Music/Ableton/User Library",
                  "windows": "%USERPROFILE%\\Documents\\Ableton\\User Library"},
    processes=("Live", "Ableton Live 12 Suite", "Ableton Live 12 Standard",
               "Ableton Live 12 Intro", "Ableton Live 11 Suite", "Ableton Live 11 Standard",
               "Ableton Live 11 Intro"),
    options=(
        ExportOption(name="folder", default="Pluginary",
                     help="the folder inside the User Library that Pluginary writes"),
        ExportOption(name="keyword-group", default="Pluginary",
                     help="the keyword group of the tags (Live shows Group|Tag)"),
        ExportOption(name="categories", kind="flag", default=True,
                     help="a folder per tree category (Categories/Effect/Dynamics/Compressor)"),
        ExportOption(name="collections", kind="flag", default=True,
                     help="a folder per collection (Collections/Mixing/Bus)"),
    ),
)


class Memory(msgspec.Struct, kw_only=True):
    #: preset path inside Pluginary's folder -> sha256 of the bytes written.
    presets: dict[str, str] = {}
    #: folder inside Pluginary's folder -> file -> the keywords Pluginary gave.
    keywords: dict[str, dict[str, list[str]]] = {}


class AbletonExporter:
    info = INFO

    def export_selection(self, selection: ExportSelection, destination: Path, *,
                         dry_run: bool = False) -> list[FileChange]:
        folder_name = str(selection.options.get("folder", "Pluginary")).strip()
        if not folder_name or _UNSAFE.search(folder_name) or folder_name in (".", ".."):
            raise UsageError(f"option folder={folder_name!r} is not a folder name",
                             hint="--option folder=Pluginary")
        root = destination / folder_name
        memory = read_memory(root / MEMORY, Memory)
        layout, unnamed = self.presets(selection)
        # Every existing file is read and checked, and every preset made, before anything is
        # written.
        plan: dict[str, bytes] = {}
        left: list[str] = []
        for relative, data in sorted(layout.items()):
            current = _read(root / relative)
            if current is not None and current != data and \
                    memory.presets.get(relative) != _digest(current):
                left.append(relative)  # saved over in Live, or the user's own file
            else:
                plan[relative] = data
        records = self.layout(selection)
        folders = {str(PurePosixPath(p).parent) for p in layout}
        if selection.complete:  # a partial export leaves the other folders' keywords alone
            folders |= set(memory.keywords)
        sidecars = {folder: xmp.read(root / folder) for folder in sorted(folders)}
        changes: list[FileChange] = []
        for relative, data in plan.items():
            path = root / relative
            if not dry_run:
                _mkdir(path.parent)
            changes.append(write_bytes(path, data, dry_run=dry_run, as_text=xml_of))
        # Keywords go only on Pluginary's own presets, never on a file it left alone.
        keywords = self.keywords(selection, {p: r for p, r in records.items() if p in plan})
        remembered = {f: dict(v) for f, v in memory.keywords.items() if f not in sidecars}
        for folder, existing in sidecars.items():
            before = memory.keywords.get(folder, {})
            if not selection.complete:  # only the presets this export writes
                remembered_here = {f: v for f, v in before.items()
                                   if f"{folder}/{f}" not in plan}
                before = {f: v for f, v in before.items() if f"{folder}/{f}" in plan}
            else:
                remembered_here = {}
            packet = existing if existing is not None else xmp.new(
                {"macos": "mac", "windows": "win"}.get(this_system()),
                "Updated by Pluginary")
            ours = {**remembered_here, **xmp.merge(packet, keywords.get(folder, {}), before)}
            if ours:
                remembered[folder] = ours
            if existing is None and not keywords.get(folder):
                continue
            path = xmp.path_of(root / folder)
            if not dry_run:
                _mkdir(path.parent)
            changes.append(write_text(path, xmp.render(packet), dry_run=dry_run))
        stale = sorted(set(memory.presets) - set(layout))
        presets = {k: v for k, v in memory.presets.items() if k not in plan}
        presets.update({k: _digest(v) for k, v in plan.items()})
        if not dry_run:
            _mkdir(root)
        changes.append(write_memory(root / MEMORY, Memory(
            presets=dict(sorted(presets.items())), keywords=remembered), dry_run=dry_run))
        if left:
            sys.stderr.write(f"left alone (saved over in Live, or not written by Pluginary): "
                             f"{', '.join(left)}\n")
        if unnamed:
            sys.stderr.write(f"skipped (an identity Live cannot name): {', '.join(unnamed)}\n")
        if stale and selection.complete:
            sys.stderr.write(f"no longer exported, left in place: {', '.join(stale)}\n")
        return changes

    def presets(self, selection: ExportSelection) -> tuple[dict[str, bytes], list[str]]:
        """Preset path -> its bytes, and the plugins whose identity no preset can hold (a VST3
        id that is not 32 hex digits, an AU code that is not four MacRoman characters: a
        record imported from elsewhere)."""
        made: dict[str, bytes] = {}
        unnamed: dict[str, None] = {}
        for relative, record in self.layout(selection).items():
            try:
                made[relative] = preset(record)
            except ValueError:
                unnamed[record.key] = None
        return made, list(unnamed)

    @staticmethod
    def layout(selection: ExportSelection) -> dict[str, PluginRecord]:
        """Preset path (inside Pluginary's folder, ``/`` between parts) -> its plugin."""
        folders: dict[str, list[PluginRecord]] = {}
        by_key = {r.key: r for r in selection.records if r.format in FORMATS}
        if selection.options.get("categories", True):
            for record in by_key.values():
                parts = [p for p in record.category.split("/") if p] or ["Uncategorised"]
                folders.setdefault(_join("Categories", *parts), []).append(record)
        if selection.options.get("collections", True):
            for collection in selection.collections:
                folder = _join("Collections", *collection.name.split("/"))
                folders.setdefault(folder, []).extend(
                    by_key[k] for k in collection.members if k in by_key)
        out: dict[str, PluginRecord] = {}
        for folder, records in folders.items():
            for name, record in _names(records):
                out[f"{folder}/{name}"] = record
        return out

    @staticmethod
    def keywords(selection: ExportSelection, layout: dict[str, PluginRecord]
                 ) -> dict[str, dict[str, list[str]]]:
        """folder -> preset file -> ``Group|tag`` for each of the plugin's tags."""
        group = str(selection.options.get("keyword-group", "Pluginary")).replace("|", " ")
        out: dict[str, dict[str, list[str]]] = {}
        for relative, record in layout.items():
            tags = selection.tags.get(record.key, ())
            if tags:
                folder, _, file = relative.rpartition("/")
                out.setdefault(folder, {})[file] = [f"{group}|{t.replace('|', ' ')}"
                                                    for t in tags]
        return out


def _join(*parts: str) -> str:
    return "/".join(_UNSAFE.sub("_", p).strip(" .") or "_" for p in parts)


def _names(records: Iterable[PluginRecord]) -> list[tuple[str, PluginRecord]]:
    """A file name per plugin, unique in its folder: the name, then the format, then the
    vendor when two share one (a product in VST3 and AU, two vendors' "Compressor")."""
    records = list({r.key: r for r in records}.values())  # a collection may list one twice
    taken: set[str] = set()
    out = []
    for record in sorted(records, key=lambda r: (r.name.casefold(), r.format, r.vendor, r.uid)):
        stem = _join(record.name)
        for candidate in (stem, f"{stem} ({record.format.upper()})",
                          _join(f"{record.name} ({record.format.upper()}, {record.vendor})"),
                          f"{stem} {hashlib.sha1(record.key.encode()).hexdigest()[:8]}"):
            if candidate.casefold() not in taken:  # macOS and Windows fold case
                taken.add(candidate.casefold())
                out.append((candidate + ".adv", record))
                break
    return out


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}; nothing was written",
                         hint="check the folder's permissions") from exc


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {folder}: {exc.strerror}",
                         hint="check the User Library's permissions") from exc


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

