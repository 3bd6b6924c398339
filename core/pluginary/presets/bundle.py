"""The preset sharing bundle: a zip that carries presets to another catalogue.

Layout (``docs/presets-bundle.md``)::

    manifest.json                          the BundleManifest (schema, version, plugins, presets)
    manifest.schema.json                   its JSON Schema
    presets/<Plugin>/<Preset><suffix>      each payload in its native container

The payloads stay in their native containers, so a user without Pluginary can drop them into
their preset folders. :func:`write_bundle` reads the presets from a catalogue's store;
:func:`read_bundle` checks a bundle whole before anything is stored; :func:`import_bundle`
stores its presets without overwriting anything.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import msgspec

from .. import __version__
from ..catalogue import Catalogue
from .bundle_read import MAX_BUNDLE_BYTES, Bundle, BundleError, read_bundle, unsafe_name
from .bundle_schema import (
    MANIFEST_NAME,
    PAYLOAD_DIR,
    SCHEMA,
    SCHEMA_NAME,
    VERSION,
    BundleManifest,
    BundlePlugin,
    BundlePreset,
    FormatIdentity,
    render_schema,
)
from .model import Preset, PresetChanges, PresetInfo, preset_key, sha256
from .store import PresetStore

__all__ = ["MAX_BUNDLE_BYTES", "Bundle", "BundleConflict", "BundleError", "BundleReport",
           "ImportChanges", "import_bundle", "read_bundle", "safe_name",
           "write_bundle"]

#: Characters no preset folder of any OS takes in a file name (the VST3 SDK's sanitising rule,
#: plus the control characters).
_UNSAFE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}
#: Room for the suffix and a " (n)" within the 255 bytes most file systems allow per name.
_NAME_BYTES = 120


class BundleReport(msgspec.Struct, frozen=True, kw_only=True):
    """What :func:`write_bundle` wrote."""

    destination: str
    presets: int
    plugins: int
    #: How many presets carry a parameter snapshot.
    snapshots: int
    #: The payloads' bytes, and the zip's size on disk.
    payload_bytes: int
    size: int


class BundleConflict(msgspec.Struct, frozen=True, kw_only=True):
    """A bundled preset whose identity this store holds with other bytes: it was imported
    beside it under a new identity, so both are kept."""

    identity: str
    #: The stored preset, left untouched.
    key: str
    #: The imported copy: ``<identity>#import-<first 8 hex digits of its sha256>``.
    copy_identity: str
    copy_key: str
    sha256: str


class ImportChanges(PresetChanges, kw_only=True):
    """What :func:`import_bundle` did: the store's changes, and the presets kept as both."""

    conflicts: list[BundleConflict] = msgspec.field(default_factory=list)


def safe_name(name: str) -> str:
    """``name`` as a file name every OS takes: unsafe characters become ``_``, no leading or
    trailing dots and spaces, no Windows device name, at most 120 bytes of UTF-8."""
    text = _UNSAFE_CHARS.sub("_", name).strip(" .")
    while len(text.encode()) > _NAME_BYTES:
        text = text[:-1].rstrip(" .")
    if not text:
        return "_"
    if text.split(".", 1)[0].casefold() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def _suffix(info: PresetInfo, suffixes: Mapping[str, str]) -> str:
    suffix = suffixes.get(info.container, "")
    if not suffix and info.source:
        # The file it was read from says what its container's files are called.
        suffix = PurePosixPath(info.source.replace("\\", "/")).suffix
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    if not re.fullmatch(r"\.[A-Za-z0-9_-]{1,16}", suffix):
        return ".preset"
    return suffix


class _Paths:
    """Unique payload paths in the zip, compared case-folded: the folder a user unpacks into
    may be on a case-insensitive file system."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def allocate(self, plugin: str, preset: str, suffix: str) -> str:
        folder = f"{PAYLOAD_DIR}/{safe_name(plugin)}"
        stem = safe_name(preset)
        n = 1
        while True:
            name = f"{folder}/{stem}{suffix}" if n == 1 else f"{folder}/{stem} ({n}){suffix}"
            if name.casefold() not in self.taken and name not in (MANIFEST_NAME, SCHEMA_NAME):
                self.taken.add(name.casefold())
                return name
            n += 1


def _plugin_entry(catalogue: Catalogue, key: str, where: str) -> BundlePlugin:
    format_, sep, uid = key.partition(":")
    if not sep or not format_ or not uid:
        raise BundleError(f"{where} applies to '{key}', which is not format:uid; nothing was "
                          "written", hint="run 'pluginary db check'")
    record = catalogue.get(key)
    if record is not None and record.key != key:
        record = None  # get() also matches a unique prefix: a longer key is another plugin
    found = catalogue.products(member=key)
    product = found[0] if found else None
    members = product.members if product is not None and key in product.members else (key,)
    formats = tuple(FormatIdentity(format=m.partition(":")[0], uid=m.partition(":")[2], key=m)
                    for m in sorted(members) if m.partition(":")[2])
    return BundlePlugin(key=key, format=format_, uid=uid,
                        name=record.name if record else "",
                        vendor=record.vendor if record else "",
                        version=record.version if record else "",
                        product=product.key if product is not None else "",
                        formats=formats)


def build_manifest(catalogue: Catalogue, infos: Sequence[PresetInfo], *,
                   suffixes: Mapping[str, str] | None = None,
                   created: datetime | None = None) -> tuple[BundleManifest, dict[str, bytes]]:
    """The manifest of ``infos`` (each preset once, in the order given) and the payloads by
    their path in the zip, read from the catalogue's store and checked against their hash."""
    store = catalogue.preset_store()
    plugins: dict[str, BundlePlugin] = {}
    paths = _Paths()
    entries: list[BundlePreset] = []
    payloads: dict[str, bytes] = {}
    seen: set[str] = set()
    for info in infos:
        if info.key in seen:
            continue
        seen.add(info.key)
        where = f"preset {info.key} ({info.name})"
        data = store.payload(info.sha256)
        if data is None or sha256(data) != info.sha256:
            raise BundleError(f"{where}: its payload {info.sha256} is "
                              f"{'not in the store' if data is None else 'damaged'}; nothing "
                              "was written", hint="run 'pluginary db check'")
        if info.plugin and info.plugin not in plugins:
            plugins[info.plugin] = _plugin_entry(catalogue, info.plugin, where)
        plugin = plugins.get(info.plugin)
        folder = (plugin.name if plugin and plugin.name else info.plugin) or "Unknown plugin"
        name = paths.allocate(folder, info.name or info.key, _suffix(info, suffixes or {}))
        payloads[name] = data
        entries.append(BundlePreset(
            key=info.key, identity=info.identity, name=info.name, plugin=info.plugin,
            container=info.container, file=name, sha256=info.sha256, size=len(data),
            bank=info.bank, author=info.author, tags=info.tags, meta=info.meta,
            parameters=store.snapshot(info.sha256)))
    stamp = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    manifest = BundleManifest(schema=SCHEMA, version=VERSION, created=stamp,
                              generator=f"pluginary {__version__}",
                              plugins=tuple(plugins.values()), presets=tuple(entries))
    return manifest, payloads


def render_manifest(manifest: BundleManifest) -> bytes:
    """``manifest.json`` as written into a bundle: indented, so it diffs and reads well."""
    return msgspec.json.format(msgspec.json.encode(manifest), indent=1) + b"\n"


def write_bundle(catalogue: Catalogue, infos: Sequence[PresetInfo], destination: Path,
                 *, suffixes: Mapping[str, str] | None = None) -> BundleReport:
    """Write the presets ``infos`` with their payloads and snapshots as a bundle at
    ``destination``, which must not exist (:class:`BundleError`: a bundle is never
    overwritten). ``suffixes`` gives each container's file suffix (the registered containers'
    ``suffix``); without it a payload takes its source file's suffix, else ``.preset``. The
    file appears whole or not at all."""
    destination = Path(destination)
    if destination.exists() or destination.is_symlink():
        raise BundleError(f"{destination} already exists; a bundle is never overwritten",
                          hint="choose another file name, or move the old file away first")
    if not destination.parent.is_dir():
        raise BundleError(f"{destination.parent} is not a folder; nothing was written",
                          hint="create the folder first, or choose another destination")
    if not infos:
        raise BundleError("no presets were selected, so no bundle was written",
                          hint="'pluginary preset list' shows the stored presets")
    manifest, payloads = build_manifest(catalogue, infos, suffixes=suffixes)
    _write_zip_atomically(destination, manifest, payloads)
    return BundleReport(destination=str(destination), presets=len(manifest.presets),
                        plugins=len(manifest.plugins),
                        snapshots=sum(p.parameters is not None for p in manifest.presets),
                        payload_bytes=sum(len(d) for d in payloads.values()),
                        size=destination.stat().st_size)


def _write_zip_atomically(destination: Path, manifest: BundleManifest,
                          payloads: Mapping[str, bytes]) -> None:
    stamp = manifest.created.timetuple()[:6]
    temp = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.tmp")
    try:
        # Not mkstemp: its 0600 would stay on the bundle; this takes the umask like any file.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as exc:
        raise BundleError(f"{destination}: could not be written ({exc.strerror or exc})",
                          hint="check the folder's permissions and free space") from exc
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                members = {MANIFEST_NAME: render_manifest(manifest),
                           SCHEMA_NAME: render_schema().encode(), **payloads}
                for name, data in members.items():
                    assert not unsafe_name(name), name  # safe_name() made every part
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, data)
            raw.flush()
            os.fsync(raw.fileno())
        _publish(temp, destination)
    except OSError as exc:
        raise BundleError(f"{destination}: could not be written ({exc.strerror or exc}); "
                          "nothing was left behind",
                          hint="check the folder's permissions and free space") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _publish(temp: Path, destination: Path) -> None:
    """Give the finished file its name without ever replacing one that appeared meanwhile: a
    hard link fails when the name exists; where links are not supported, check then rename."""
    try:
        os.link(temp, destination)
    except FileExistsError as exc:
        raise BundleError(f"{destination} appeared while the bundle was written; it was left "
                          "as it is", hint="choose another file name") from exc
    except OSError:
        if destination.exists():
            raise BundleError(f"{destination} already exists; a bundle is never overwritten",
                              hint="choose another file name") from None
        os.replace(temp, destination)


def import_bundle(store: PresetStore, bundle: Bundle) -> ImportChanges:
    """Store the presets of a checked ``bundle`` without overwriting anything: a preset whose
    identity is not stored is added; one stored with the same bytes (as any version) is
    unchanged; one stored with other bytes is added beside it as
    ``<identity>#import-<sha256[:8]>`` and listed in ``conflicts``. Snapshots are kept."""
    note = f"import {bundle.path.name}"
    report = ImportChanges()
    new: list[Preset] = []
    snapshots: list[BundlePreset] = []
    for entry in bundle.manifest.presets:
        identity, key = entry.identity, entry.key
        stored = store.get(key)
        if stored is not None and stored.identity == identity and not _holds(store, stored,
                                                                             entry.sha256):
            identity = f"{entry.identity}#import-{entry.sha256[:8]}"
            key = preset_key(identity)
            stored = store.get(key)
        if stored is not None and stored.identity == identity and _holds(store, stored,
                                                                         entry.sha256):
            report.unchanged += 1  # imported before, or the same bytes arrived another way
        else:
            if identity != entry.identity:
                report.conflicts.append(BundleConflict(
                    identity=entry.identity, key=entry.key, copy_identity=identity,
                    copy_key=key, sha256=entry.sha256))
            new.append(Preset(identity=identity, plugin=entry.plugin, name=entry.name,
                              container=entry.container, data=bundle.payload(entry),
                              bank=entry.bank, author=entry.author, tags=entry.tags,
                              parameters=entry.parameters, meta=entry.meta))
        if entry.parameters is not None:
            snapshots.append(entry)
    if new:
        report.add(store.put(new, note=note))
    for entry in snapshots:
        if store.snapshot(entry.sha256) is None and entry.parameters is not None:
            store.set_snapshot(entry.sha256, entry.parameters)
    return report


def _holds(store: PresetStore, stored: PresetInfo, digest: str) -> bool:
    """Whether the stored preset has had these bytes, now or in its history."""
    if stored.sha256 == digest:
        return True
    return any(version.sha256 == digest for version in store.history(stored.key))
