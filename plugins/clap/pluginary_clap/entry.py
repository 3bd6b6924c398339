"""Reading a CLAP library's plugin descriptors through ctypes, without creating a plugin (tier 1).

``clap_entry`` is an exported *data* symbol (``clap_plugin_entry_t``): ``init(path)`` first, then
``get_factory("clap.plugin-factory")``, then ``get_plugin_count``/``get_plugin_descriptor``, and
``deinit()`` at the end (``include/clap/entry.h`` and ``factory/plugin-factory.h``). The library's
initialisers and ``init`` run, so this runs in a scan worker. :func:`open_factory` is that
init/deinit session; tier 2 (:mod:`pluginary_clap.instance`) creates plugins inside it.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pluginary.models import PluginRecord, Role

PLUGIN_FACTORY_ID = b"clap.plugin-factory"


class Version(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32),
                ("revision", ctypes.c_uint32)]


class PluginDescriptor(ctypes.Structure):
    _fields_ = [("clap_version", Version), *((name, ctypes.c_char_p) for name in (
        "id", "name", "vendor", "url", "manual_url", "support_url", "version", "description")),
        ("features", ctypes.POINTER(ctypes.c_char_p))]


class PluginFactory(ctypes.Structure):
    pass


PluginFactory._fields_ = [
    ("get_plugin_count", ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.POINTER(PluginFactory))),
    ("get_plugin_descriptor", ctypes.CFUNCTYPE(ctypes.POINTER(PluginDescriptor),
                                               ctypes.POINTER(PluginFactory), ctypes.c_uint32)),
    # const clap_plugin_t *(*)(factory, const clap_host_t *, const char *plugin_id): typed in
    # pluginary_clap.instance, the only caller (tier 2).
    ("create_plugin", ctypes.c_void_p),
]


class PluginEntry(ctypes.Structure):
    _fields_ = [("clap_version", Version),
                ("init", ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_char_p)),
                ("deinit", ctypes.CFUNCTYPE(None)),
                ("get_factory", ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p))]


@dataclass(frozen=True)
class EntryResult:
    records: tuple[PluginRecord, ...] = ()
    cause: str = ""


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "replace").strip() if value else ""


def role_from_features(features: tuple[str, ...]) -> Role:
    """CLAP's main categories (``plugin-features.h``)."""
    if "instrument" in features:
        return Role.INSTRUMENT
    if "note-effect" in features:
        return Role.MIDI_EFFECT
    if "analyzer" in features:
        return Role.ANALYZER
    if "audio-effect" in features:
        return Role.EFFECT
    return Role.UNKNOWN


class EntryError(Exception):
    """The library cannot be used at all: the message is the cause, one line."""


@contextmanager
def open_factory(binary: Path,
                 plugin_path: Path | None = None) -> Iterator[ctypes._Pointer[PluginFactory]]:
    """dlopen ``binary``, ``clap_entry.init(path)`` and yield its plugin factory; ``deinit()``
    when the block ends. Raises :class:`EntryError`. ``plugin_path`` is what ``init`` receives:
    the library on Linux and Windows, the bundle on macOS. Never ``dlclose``: a plugin may leave
    threads or atexit handlers behind."""
    try:
        lib = ctypes.CDLL(str(binary), mode=os.RTLD_LOCAL)
    except OSError as exc:
        raise EntryError(f"cannot load it: {str(exc).splitlines()[0]}") from None
    try:
        entry = PluginEntry.in_dll(lib, "clap_entry")
    except ValueError:
        raise EntryError("not a CLAP library: it exports no clap_entry") from None
    if entry.clap_version.major < 1:
        raise EntryError(f"CLAP version {entry.clap_version.major}."
                         f"{entry.clap_version.minor} is older than 1.0")
    for name in ("init", "deinit", "get_factory"):
        if not getattr(entry, name):  # a null function pointer is falsy
            raise EntryError(f"clap_entry.{name} is a null pointer")
    if not entry.init(str(plugin_path or binary).encode()):
        raise EntryError("clap_entry.init() returned false")
    try:
        address = entry.get_factory(PLUGIN_FACTORY_ID)
        if not address:
            raise EntryError("the library has no clap.plugin-factory")
        factory = ctypes.cast(address, ctypes.POINTER(PluginFactory))
        for name in ("get_plugin_count", "get_plugin_descriptor"):
            if not getattr(factory.contents, name):
                raise EntryError(f"the plugin factory's {name} is a null pointer")
        yield factory
    finally:
        entry.deinit()


def descriptors(factory: ctypes._Pointer[PluginFactory]) -> list[PluginDescriptor]:
    """The factory's descriptors in index order (null ones left out)."""
    found = []
    for index in range(factory.contents.get_plugin_count(factory)):
        pointer = factory.contents.get_plugin_descriptor(factory, index)
        if pointer:
            found.append(pointer.contents)
    return found


def read_entry(binary: Path, plugin_path: Path | None = None) -> EntryResult:
    """Every descriptor of one CLAP library. ``plugin_path`` is what ``init`` receives: the
    library on Linux and Windows, the bundle on macOS."""
    try:
        with open_factory(binary, plugin_path) as factory:
            records = tuple(to_record(d, binary, plugin_path) for d in descriptors(factory))
    except EntryError as exc:
        return EntryResult(cause=str(exc))
    if not records:
        return EntryResult(cause="the plugin factory lists no plugin")
    return EntryResult(records=records)


def to_record(d: PluginDescriptor, binary: Path, plugin_path: Path | None) -> PluginRecord:
    features: list[str] = []
    if d.features:
        i = 0
        while d.features[i]:
            features.append(_text(d.features[i]))
            i += 1
    extra = {k: v for k, v in (("url", _text(d.url)), ("manual_url", _text(d.manual_url)),
                                ("support_url", _text(d.support_url)),
                                ("clap_version", f"{d.clap_version.major}.{d.clap_version.minor}."
                                                 f"{d.clap_version.revision}")) if v}
    return PluginRecord(
        format="clap", uid=_text(d.id), name=_text(d.name) or _text(d.id),
        vendor=_text(d.vendor), version=_text(d.version), description=_text(d.description),
        categories=tuple(features), role=role_from_features(tuple(features)),
        file_path=str(binary), bundle_path=str(plugin_path) if plugin_path else "", tier=1,
        extra=extra)
