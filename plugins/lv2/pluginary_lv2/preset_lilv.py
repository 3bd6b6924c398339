"""The lilv calls the ``lv2-preset`` container makes: a world holding only the bundles it is
given, and the LV2 preset states read from it.

The state functions are declared here, on the library :func:`pluginary_lv2.lilv.load` opens,
rather than in :mod:`pluginary_lv2.lilv`: only the preset container calls them. Each state is
read with a URID map of its own (:class:`pluginary_lv2.features.UridTable`): lilv sorts a
state's properties by URID, so a map shared by several presets would make one preset's
serialisation depend on the presets read before it.
"""

from __future__ import annotations

import ctypes
import math
import struct
from functools import cache
from pathlib import Path
from typing import Any

from . import lilv
from .features import ATOM, UridTable
from .reader import World

P = ctypes.c_void_p
S = ctypes.c_char_p

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
PSET = "http://lv2plug.in/ns/ext/presets#"
PRESET = PSET + "Preset"
BANK = PSET + "bank"

#: The prefixes ``lilv_state_to_string`` writes CURIEs with but does not declare (only lilv's own
#: string reader knows them): put before its text, any Turtle reader can read it.
STATE_PREFIXES = b"".join(b"@prefix %s: <%s> .\n" % pair for pair in (
    (b"atom", b"http://lv2plug.in/ns/ext/atom#"), (b"lv2", b"http://lv2plug.in/ns/lv2core#"),
    (b"pset", PSET.encode()), (b"rdf", b"http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    (b"rdfs", b"http://www.w3.org/2000/01/rdf-schema#"),
    (b"state", b"http://lv2plug.in/ns/ext/state#"),
    (b"xsd", b"http://www.w3.org/2001/XMLSchema#"))) + b"\n"

#: ``LilvSetPortValueFunc``: symbol, user data, value, size, type.
PortValueFunc = ctypes.CFUNCTYPE(None, S, P, P, ctypes.c_uint32, ctypes.c_uint32)

# name: (restype, argtypes), as in lilv.SIGNATURES. A char* lilv allocates is declared P (not
# S) so that it can be freed with lilv_free after it is copied.
STATE_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "lilv_new_string": (P, [P, S]),
    "lilv_node_is_blank": (ctypes.c_bool, [P]),
    "lilv_world_find_nodes": (P, [P, P, P, P]),
    "lilv_world_load_resource": (ctypes.c_int, [P, P]),
    "lilv_plugin_get_port_by_symbol": (P, [P, P]),
    "lilv_state_new_from_world": (P, [P, P, P]),
    "lilv_state_free": (None, [P]),
    "lilv_state_get_label": (S, [P]),
    "lilv_state_get_plugin_uri": (P, [P]),
    "lilv_state_get_uri": (P, [P]),
    "lilv_state_emit_port_values": (None, [P, PortValueFunc, P]),
    "lilv_state_to_string": (P, [P, P, P, P, S, S]),
}


@cache
def load() -> Any:
    """liblilv with the reader's signatures and the state functions declared."""
    lib = lilv.load()
    for function, (restype, argtypes) in STATE_SIGNATURES.items():
        try:
            fn = getattr(lib, function)
        except AttributeError as exc:
            raise lilv.LilvMissing(f"{lilv.library_name()} lacks {function}: lilv 0.24 or "
                                   "newer is needed") from exc
        fn.restype, fn.argtypes = restype, argtypes
    return lib


class PresetWorld(World):
    """A ``LilvWorld`` holding nothing but the bundles :meth:`load_bundle` is given: no
    specification and no other bundle of the path is read (what keeps an incremental pass,
    which reads only changed bundles, fast)."""

    def __init__(self) -> None:  # World's helpers, without its specifications
        self.lib = load()
        self.ptr = self.lib.lilv_world_new()
        self._nodes: dict[str, int] = {}
        self.specs: set[str] = set()

    def __enter__(self) -> PresetWorld:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load_bundle(self, bundle: Path) -> None:
        """Read the bundle's ``manifest.ttl`` (its other files are read when asked for)."""
        node = self.bundle_node(str(Path(bundle).resolve()))
        try:
            self.lib.lilv_world_load_bundle(self.ptr, node)
        finally:
            self.lib.lilv_node_free(node)

    def preset_count(self) -> int:
        """How many subjects are ``a pset:Preset`` so far (one call, no iteration)."""
        found = self.lib.lilv_world_find_nodes(self.ptr, None, self.uri(RDF_TYPE),
                                               self.uri(PRESET))
        return self.count(found)

    def presets(self) -> list[str]:
        """The URIs of every subject that is ``a pset:Preset`` (blank ones have no URI to be
        named by and are left out)."""
        found = self.lib.lilv_world_find_nodes(self.ptr, None, self.uri(RDF_TYPE),
                                               self.uri(PRESET))
        if not found:
            return []
        try:
            return [self.text(n) for n in self.nodes(found) if self.lib.lilv_node_is_uri(n)]
        finally:
            self.lib.lilv_nodes_free(found)

    def load_resource(self, uri: str) -> None:
        """Read the files the subject's ``rdfs:seeAlso`` names (each file once per world)."""
        self.lib.lilv_world_load_resource(self.ptr, self.uri(uri))

    def value(self, subject: str, predicate: str) -> str:
        """The first object of ``subject predicate ?`` as text, '' when there is none."""
        return self.text(self.lib.lilv_world_get(self.ptr, self.uri(subject),
                                                 self.uri(predicate), None), owned=True)

    def bank_label(self, preset: str) -> str:
        """The ``rdfs:label`` of the preset's ``pset:bank``, else the bank's URI; ''."""
        bank = self.value(preset, BANK)
        return (self.value(bank, RDFS_LABEL) or bank) if bank else ""

    def port_names(self, plugin_uri: str, symbols: list[str]) -> dict[str, str]:
        """The names of the plugin's ports by symbol, when the plugin is in this world (its
        bundle was given); {} when it is not."""
        lib = self.lib
        plugin = lib.lilv_plugins_get_by_uri(lib.lilv_world_get_all_plugins(self.ptr),
                                             self.uri(plugin_uri))
        if not plugin:
            return {}
        names = {}
        for symbol in symbols:
            node = lib.lilv_new_string(self.ptr, symbol.encode())
            try:
                port = lib.lilv_plugin_get_port_by_symbol(plugin, node)
            finally:
                lib.lilv_node_free(node)
            if port:
                names[symbol] = self.text(lib.lilv_port_get_name(plugin, port), owned=True)
        return names

    def state(self, uri: str) -> State | None:
        """The preset's state from what this world has loaded; None when lilv has none."""
        table = UridTable()
        pointer = self.lib.lilv_state_new_from_world(
            self.ptr, ctypes.addressof(table.map_struct), self.uri(uri))
        return State(self, pointer, table) if pointer else None


class State:
    """A ``LilvState`` and the URID table it was read with; free it with :meth:`close`."""

    def __init__(self, world: PresetWorld, pointer: int, table: UridTable) -> None:
        self._world, self._ptr, self._table = world, pointer, table

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._ptr:
            self._world.lib.lilv_state_free(self._ptr)
            self._ptr = 0

    @property
    def uri(self) -> str:
        return self._world.text(self._world.lib.lilv_state_get_uri(self._ptr))

    @property
    def plugin_uri(self) -> str:
        """The plugin it applies to ('' when the preset has no ``lv2:appliesTo``)."""
        return self._world.text(self._world.lib.lilv_state_get_plugin_uri(self._ptr))

    @property
    def label(self) -> str:
        raw = self._world.lib.lilv_state_get_label(self._ptr)
        return raw.decode("utf-8", "replace") if raw else ""

    def port_values(self) -> list[tuple[str, float]]:
        """``(symbol, value)`` of each port value, sorted by symbol (lilv sorts them); values
        of a type that is not a number are left out. A float is given to 7 digits, as the
        catalogue gives port ranges: without float32 noise (0.1, not 0.100000001)."""
        readers = {self._table.map(ATOM + name): (fmt, size) for name, fmt, size in (
            ("Float", "f", 4), ("Double", "d", 8), ("Int", "i", 4), ("Long", "q", 8),
            ("Bool", "i", 4))}
        values: list[tuple[str, float]] = []

        def emit(symbol: bytes, _: Any, value: int, size: int, kind: int) -> None:
            fmt, expected = readers.get(kind, ("", 0))
            if fmt and size == expected and value:
                number = float(struct.unpack(fmt, ctypes.string_at(value, size))[0])
                if fmt == "f":
                    number = float(f"{number:.7g}")
                if not math.isnan(number):
                    values.append((symbol.decode("utf-8", "replace"), number))

        callback = PortValueFunc(emit)  # kept referenced until the call returns
        self._world.lib.lilv_state_emit_port_values(self._ptr, callback, None)
        return values

    def to_string(self, uri: str) -> bytes:
        """The state as a standalone preset in Turtle, its subject ``uri`` (absolute, so the
        text loads back on its own); lilv writes the same bytes for the same state."""
        lib = self._world.lib
        if not self.plugin_uri:  # lilv would dereference the missing plugin URI
            raise ValueError(f"preset {uri} has no lv2:appliesTo")
        raw = lib.lilv_state_to_string(
            self._world.ptr, ctypes.addressof(self._table.map_struct),
            ctypes.addressof(self._table.unmap_struct), self._ptr, uri.encode(), None)
        if not raw:
            raise ValueError(f"lilv could not write preset {uri}")
        try:
            return STATE_PREFIXES + ctypes.string_at(raw)
        finally:
            lib.lilv_free(raw)
