"""The ``clap-state`` preset container: a CLAP plugin's saved state in a small file of
Pluginary's own.

CLAP has no preset file: a plugin's state is the byte stream its ``clap.state`` ``save()``
writes (``ext/state.h``), meaningful to that plugin only, and a preset-discovery provider
(``factory/preset-discovery.h``) describes files whose format the plugin alone defines. So
Pluginary keeps the stream as it is, behind a header that says which plugin it belongs to, so
that a file on its own can be restored. A ``.clap-state`` file is, integers little-endian:

==========  ===============================================================
bytes       what
==========  ===============================================================
8           the magic ``PLGYCLAP``
4           uint32, the container version: 1
4 + n       uint32 ``n``, then the plugin's CLAP id in UTF-8 (n > 0)
4 + m       uint32 ``m``, then the preset's name in UTF-8 (may be empty)
the rest    the state stream exactly as ``clap_plugin_state.save`` wrote it
==========  ===============================================================

Nothing here loads a plugin: the stream goes in and out of a host through
:mod:`pluginary_clap.host_state`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import msgspec

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError, Unwrapped
from pluginary.presets.files import read_sources
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.scan.walk import find_candidates
from pluginary.validation.host import NotSupported

from . import FORMAT

CONTAINER = "clap-state"
SUFFIX = ".clap-state"
MAGIC = b"PLGYCLAP"
VERSION = 1
_U32 = struct.Struct("<I")


class ClapState(msgspec.Struct, frozen=True, kw_only=True):
    """A ``.clap-state`` file's header and stream."""

    plugin_id: str
    name: str
    state: bytes


def encode(plugin_id: str, name: str, state: bytes) -> bytes:
    """A ``.clap-state`` file's bytes."""
    if not plugin_id:
        raise PresetFormatError("a .clap-state needs the plugin's CLAP id, and it is empty")
    fields = [plugin_id.encode(), name.encode()]
    return b"".join([MAGIC, _U32.pack(VERSION),
                     *(_U32.pack(len(f)) + f for f in fields), state])


def decode(data: bytes, where: str) -> ClapState:
    """The header and stream of a ``.clap-state``; :class:`PresetFormatError` naming
    ``where`` and the offset of what is wrong."""
    if not data.startswith(MAGIC):
        found = data[:len(MAGIC)]
        raise PresetFormatError(f"{where}: starts with {found!r}, not {MAGIC!r}: not a "
                                ".clap-state file")
    offset = len(MAGIC)
    version, offset = _u32(data, offset, "the container version", where)
    if version != VERSION:
        raise PresetFormatError(f"{where}: container version {version}; this Pluginary "
                                f"reads version {VERSION}", hint="upgrade pluginary-clap")
    texts = []
    for what in ("the plugin id", "the name"):
        size, offset = _u32(data, offset, f"the length of {what}", where)
        if offset + size > len(data):
            raise PresetFormatError(f"{where}: {what} is {size} bytes at offset {offset}, but "
                                    f"the file ends at {len(data)}: it is cut off")
        try:
            texts.append(data[offset:offset + size].decode())
        except UnicodeDecodeError as exc:
            raise PresetFormatError(f"{where}: {what} at offset {offset} is not UTF-8 "
                                    f"({exc.reason})") from None
        offset += size
    if not texts[0]:
        raise PresetFormatError(f"{where}: the plugin id is empty: the state cannot be "
                                "matched to a plugin")
    return ClapState(plugin_id=texts[0], name=texts[1], state=data[offset:])


def _u32(data: bytes, offset: int, what: str, where: str) -> tuple[int, int]:
    if offset + _U32.size > len(data):
        raise PresetFormatError(f"{where}: the file ends at {len(data)} bytes, before "
                                f"{what} (offset {offset}): it is cut off")
    return _U32.unpack_from(data, offset)[0], offset + _U32.size


def read_preset(path: Path) -> Preset:
    """One ``.clap-state`` as a :class:`Preset`; :class:`PresetFormatError` or
    :class:`OSError` when it cannot be read."""
    return preset_of(path, path.read_bytes())


def preset_of(path: Path, data: bytes) -> Preset:
    """The preset of the ``.clap-state`` bytes ``data`` read from ``path``."""
    decoded = decode(data, str(path))
    return Preset(identity=f"file:{path}", plugin=f"{FORMAT}:{decoded.plugin_id}",
                  name=decoded.name or path.stem, container=CONTAINER, data=data,
                  source=str(path),
                  meta={"container_version": str(VERSION), "state_size": str(len(decoded.state))})


class ClapStateContainer:
    """``.clap-state`` files (see the module's docstring)."""

    name = CONTAINER
    plugin_format = FORMAT
    suffix = SUFFIX
    description = ("CLAP plugin state (the clap.state stream) behind a header naming the "
                   "plugin: Pluginary's own .clap-state files")

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """None: CLAP defines no preset folder, and these files are Pluginary's own."""
        return []

    def discover(self, roots: Sequence[Path]) -> Iterator[Path]:
        """Every ``*.clap-state`` below ``roots`` (the shared walk: symlink loops survived,
        unreadable folders logged)."""
        return find_candidates(roots, file_suffixes=(SUFFIX,))

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """One :class:`SourceRead` per file: its preset, or why it cannot be read."""
        return read_sources(paths, lambda path, data: (preset_of(path, data),))

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """A ``.clap-state`` holding ``state``, what the plugin's ``clap.state`` saved."""
        if plugin.format != FORMAT:
            raise PresetFormatError(f"{plugin.format}:{plugin.uid} is not a CLAP plugin: a "
                                    ".clap-state holds CLAP state only")
        if state is None:
            raise NotSupported(f"clap:{plugin.uid} saved no state (it has no clap.state "
                               "extension): a .clap-state holds the state stream only")
        return encode(plugin.uid, name, state)

    def unwrap(self, data: bytes) -> Unwrapped:
        """The state stream, for ``clap_plugin_state.load``."""
        return Unwrapped(state=decode(data, "the .clap-state").state)

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """No other container holds a CLAP state stream."""
        return None
