"""Opening a preset sharing bundle and checking everything in it before anything is stored.

A bundle comes from someone else, so nothing in it is trusted: the zip's names (no ``../``, no
absolute paths), its declared sizes (a limit against zip bombs), the manifest (strict msgspec
decoding that names the bad field's JSON path), the format version (a newer one is refused
rather than half understood), and every payload's size and sha256. Each refusal is one
:class:`BundleError` naming the bundle and what was wrong where.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import msgspec

from ..errors import NotFoundError, PluginaryError
from .bundle_schema import (
    MANIFEST_NAME,
    SCHEMA,
    VERSION,
    BundleManifest,
    BundlePreset,
    ManifestHeader,
)
from .model import preset_key, sha256

#: The most bytes a bundle may unpack to (its members' declared sizes added up): far above any
#: real preset collection, far below what would exhaust memory, since payloads are read whole.
MAX_BUNDLE_BYTES = 1 << 30
#: The most members a bundle may hold (a central directory of millions is an attack too).
MAX_MEMBERS = 200_000

_DRIVE = re.compile(r"^[A-Za-z]:")


class BundleError(PluginaryError):
    """A preset bundle cannot be written or is refused on reading; nothing was stored."""

    exit_code = 14
    default_hint = ("ask the sender for a new bundle (pluginary preset export), or check that "
                    "the file is one")


class Bundle(msgspec.Struct, frozen=True, kw_only=True):
    """A bundle that passed every check: its manifest and its payloads, by path in the zip."""

    path: Path
    manifest: BundleManifest
    payloads: dict[str, bytes]

    def payload(self, preset: BundlePreset) -> bytes:
        """The checked bytes of ``preset``."""
        return self.payloads[preset.file]


def unsafe_name(name: str) -> str:
    """Why a member name could escape the folder it is unpacked into; "" when it is safe."""
    if not name:
        return "an empty name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "an absolute path"
    if "\\" in name:
        # Windows tools read a backslash as a separator, so "..\\x" would climb out there.
        return "a backslash"
    if any(part in ("..", ".") for part in PurePosixPath(name).parts) or "//" in name:
        return "a '..' or '.' component"
    if any(ord(c) < 32 for c in name):
        return "a control character"
    return ""


def read_bundle(path: Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> Bundle:
    """Open the bundle at ``path`` and check it whole; :class:`BundleError` on the first
    problem (:class:`pluginary.errors.NotFoundError` when there is no such file)."""
    path = Path(path)
    if path.is_dir():
        raise BundleError(f"{path}: is a folder, not a bundle file",
                          hint="give the path of the .zip itself")
    if not path.exists():
        raise NotFoundError(f"{path}: no such bundle file",
                            hint="give the path of a .zip written by 'pluginary preset export'")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise BundleError(f"{path}: not a zip file ({exc}), so not a preset bundle") from exc
    except OSError as exc:
        raise BundleError(f"{path}: cannot be read ({exc.strerror or exc})",
                          hint="check the file's permissions") from exc
    with archive:
        _check_members(path, archive, max_bytes)
        manifest = _read_manifest(path, archive)
        _check_manifest(path, manifest)
        payloads = _read_payloads(path, archive, manifest)
    return Bundle(path=path, manifest=manifest, payloads=payloads)


def _check_members(path: Path, archive: zipfile.ZipFile, max_bytes: int) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise BundleError(f"{path}: holds {len(members)} files, more than the {MAX_MEMBERS} a "
                          "bundle may hold; nothing was imported")
    seen: set[str] = set()
    total = 0
    for member in members:
        why = unsafe_name(member.filename)
        if why:
            raise BundleError(f"{path}: the zip member '{member.filename}' has {why}; a bundle "
                              "must keep its files inside it, so nothing was imported",
                              hint="do not unpack that file by hand either; ask the sender "
                                   "for a bundle written by 'pluginary preset export'")
        if member.filename in seen:
            raise BundleError(f"{path}: the zip holds '{member.filename}' twice; nothing was "
                              "imported")
        seen.add(member.filename)
        total += member.file_size
    if total > max_bytes:
        raise BundleError(f"{path}: would unpack to {total} bytes, more than the limit of "
                          f"{max_bytes}; nothing was imported (a zip bomb, or not a preset "
                          "bundle)")


def _read_member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BundleError(f"{path}: '{name}' is damaged in the zip ({exc}); nothing was "
                          "imported") from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown compression
        raise BundleError(f"{path}: '{name}' cannot be unpacked ({exc}); nothing was "
                          "imported") from exc


def _read_manifest(path: Path, archive: zipfile.ZipFile) -> BundleManifest:
    names = set(archive.namelist())
    if MANIFEST_NAME not in names:
        raise BundleError(f"{path}: has no {MANIFEST_NAME} at its top level, so it is not a "
                          "Pluginary preset bundle")
    data = _read_member(path, archive, MANIFEST_NAME)
    try:
        header = msgspec.json.decode(data, type=ManifestHeader)
    except msgspec.DecodeError as exc:
        raise BundleError(f"{path}: {MANIFEST_NAME} is not valid: {exc}") from exc
    if header.schema != SCHEMA:
        raise BundleError(f"{path}: {MANIFEST_NAME} has schema '{header.schema}', not "
                          f"'{SCHEMA}', so it is not a Pluginary preset bundle")
    if header.version > VERSION:
        raise BundleError(f"{path}: is a version {header.version} bundle; this Pluginary reads "
                          f"versions up to {VERSION}; nothing was imported",
                          hint="upgrade Pluginary, then import it again")
    try:
        return msgspec.json.decode(data, type=BundleManifest, strict=True)
    except msgspec.DecodeError as exc:
        # msgspec's message ends with the field's JSON path: "... - at `$.presets[3].sha256`".
        raise BundleError(f"{path}: {MANIFEST_NAME} is not valid: {exc}") from exc


def _check_manifest(path: Path, manifest: BundleManifest) -> None:
    """What the schema cannot say: keys derived from identities, no duplicates, safe file
    names, and every preset's plugin described."""
    plugins: set[str] = set()
    for i, plugin in enumerate(manifest.plugins):
        where = f"$.plugins[{i}]"
        if plugin.key != f"{plugin.format}:{plugin.uid}":
            raise BundleError(f"{path}: {where}.key is '{plugin.key}', but format and uid make "
                              f"'{plugin.format}:{plugin.uid}'")
        if plugin.key in plugins:
            raise BundleError(f"{path}: {where}.key '{plugin.key}' is described twice")
        plugins.add(plugin.key)
        for j, other in enumerate(plugin.formats):
            if other.key != f"{other.format}:{other.uid}":
                raise BundleError(f"{path}: {where}.formats[{j}].key is '{other.key}', but "
                                  f"format and uid make '{other.format}:{other.uid}'")
    keys: set[str] = set()
    for i, preset in enumerate(manifest.presets):
        where = f"$.presets[{i}]"
        if preset.key != preset_key(preset.identity):
            raise BundleError(f"{path}: {where}.key is '{preset.key}', but the key of its "
                              f"identity is '{preset_key(preset.identity)}'")
        if preset.key in keys:
            raise BundleError(f"{path}: {where}.key '{preset.key}' ({preset.identity}) is in "
                              "the bundle twice")
        keys.add(preset.key)
        why = unsafe_name(preset.file)
        if why:
            raise BundleError(f"{path}: {where}.file '{preset.file}' has {why}; nothing was "
                              "imported")
        if preset.file == MANIFEST_NAME:
            raise BundleError(f"{path}: {where}.file names the manifest itself")
        if preset.plugin and preset.plugin not in plugins:
            raise BundleError(f"{path}: {where}.plugin '{preset.plugin}' is not described in "
                              "$.plugins")


def _read_payloads(path: Path, archive: zipfile.ZipFile,
                   manifest: BundleManifest) -> dict[str, bytes]:
    names = set(archive.namelist())
    payloads: dict[str, bytes] = {}
    for i, preset in enumerate(manifest.presets):
        where = f"$.presets[{i}]"
        if preset.file not in names:
            raise BundleError(f"{path}: the payload '{preset.file}' of preset '{preset.name}' "
                              f"({where}.file) is missing from the zip; nothing was imported")
        data = payloads.get(preset.file)
        if data is None:
            data = payloads[preset.file] = _read_member(path, archive, preset.file)
        if len(data) != preset.size:
            raise BundleError(f"{path}: '{preset.file}' holds {len(data)} bytes, but "
                              f"{where}.size says {preset.size}; nothing was imported")
        actual = sha256(data)
        if actual != preset.sha256:
            raise BundleError(f"{path}: '{preset.file}' has sha256 {actual}, but {where}.sha256 "
                              f"says {preset.sha256} (altered or damaged); nothing was imported")
    return payloads
