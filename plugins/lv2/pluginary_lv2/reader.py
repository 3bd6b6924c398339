"""Reading LV2 plugins from their Turtle data through lilv, without instantiating anything.

A :class:`World` wraps one ``LilvWorld``. It loads every bundle on lilv's own path once (that
reads only the ``manifest.ttl`` files and the specifications, a few tens of milliseconds); a
plugin's own data files are parsed the first time one of its properties is asked for. So a scan
worker keeps one world for all the bundles it is given, and a bundle outside lilv's path is
loaded on its own when asked for.

lilv parses data written by third parties, so this runs in a scan worker: a bundle that makes
lilv (or serd underneath it) crash takes down that worker, never the CLI.
"""

from __future__ import annotations

import ctypes
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pluginary.models import Parameter, PluginRecord, Role

from . import lilv

LV2 = "http://lv2plug.in/ns/lv2core#"
ATOM = "http://lv2plug.in/ns/ext/atom#"
EVENT = "http://lv2plug.in/ns/ext/event#"
MIDI_EVENT = "http://lv2plug.in/ns/ext/midi#MidiEvent"
UNITS = "http://lv2plug.in/ns/extensions/units#"
PRESET = "http://lv2plug.in/ns/ext/presets#Preset"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
NO_PLUGIN = "declares no plugin (a specification, preset or UI bundle)"
#: Bundles with more Turtle than this are dropped with their world instead of unloaded.
LARGE_BUNDLE = 256 * 1024
#: Files that mark the specification bundles a one-bundle world needs.
SPEC_FILES = ("lv2core.ttl", "units.ttl")

#: Class URIs that decide the role; checked against the class and its parents, nearest first.
ROLE_OF_CLASS = {
    LV2 + "InstrumentPlugin": Role.INSTRUMENT,
    LV2 + "AnalyserPlugin": Role.ANALYZER,
    LV2 + "MIDIPlugin": Role.MIDI_EFFECT,
}


@dataclass(frozen=True)
class BundleResult:
    records: tuple[PluginRecord, ...] = ()
    #: Why the bundle gave no plugin; empty when it gave some.
    cause: str = ""
    #: True when the bundle plainly holds no plugin (a specification, presets or UIs only).
    no_plugins: bool = False


def _number(value: float) -> float | None:
    """A port range value: None when undeclared (lilv gives NaN), else without float32 noise
    (lilv hands values over as C floats, so 0.1 arrives as 0.100000001)."""
    return None if math.isnan(value) else float(f"{value:.7g}")


class World:
    """One ``LilvWorld`` and the URI nodes the reader asks about. Not thread-safe.

    A scan worker keeps one world holding only the LV2 core and units specifications (for class
    names and unit symbols), and loads each bundle it is asked about, reads it, and unloads it.
    So a bundle is always read alone: bundles may state different facts about one shared
    subject (guitarix's bundles name their common maintainer differently), and lilv keeps one
    bundle per plugin URI, which would hide a second installation.

    ``everything=True`` loads all of lilv's path instead (``LV2_PATH``, else lilv's default),
    as ``lv2ls`` does; the benchmark's bare walk uses it.
    """

    def __init__(self, *, everything: bool = False) -> None:
        self.lib = lilv.load()
        self.ptr = self.lib.lilv_world_new()
        self._nodes: dict[str, int] = {}
        self.specs = set() if everything else {os.path.realpath(p) for p in spec_bundles()}
        if everything:
            self.lib.lilv_world_load_all(self.ptr)
            return
        for bundle in sorted(self.specs):
            node = self.bundle_node(bundle)
            self.lib.lilv_world_load_bundle(self.ptr, node)
            self.lib.lilv_node_free(node)
        self.lib.lilv_world_load_specifications(self.ptr)
        self.lib.lilv_world_load_plugin_classes(self.ptr)

    def bundle_node(self, bundle: str) -> int:
        """A new ``file://`` URI node for a bundle folder (lilv wants the trailing slash)."""
        node: int = self.lib.lilv_new_file_uri(self.ptr, None,
                                               (bundle.rstrip("/") + "/").encode())
        return node

    def close(self) -> None:
        for node in self._nodes.values():
            self.lib.lilv_node_free(node)
        self._nodes.clear()
        self.lib.lilv_world_free(self.ptr)
        self.ptr = None

    # -- small helpers over the C API ----------------------------------------------------------

    def uri(self, text: str) -> int:
        """An interned URI node, freed with the world."""
        node = self._nodes.get(text)
        if node is None:
            node = self._nodes[text] = self.lib.lilv_new_uri(self.ptr, text.encode())
        return node

    def text(self, node: int | None, *, owned: bool = False) -> str:
        if not node:
            return ""
        raw = self.lib.lilv_node_as_string(node)
        if owned:
            self.lib.lilv_node_free(node)
        return raw.decode("utf-8", "replace") if raw else ""

    def path(self, uri_node: int | None) -> str:
        """The local path of a ``file://`` URI node ('' for other URIs)."""
        if not uri_node:
            return ""
        raw = self.lib.lilv_file_uri_parse(self.lib.lilv_node_as_uri(uri_node), None)
        if not raw:
            return ""
        try:
            return os.fsdecode(ctypes.string_at(raw)).rstrip("/") or "/"
        finally:
            self.lib.lilv_free(raw)

    def located(self, uri_node: int | None, bundle: Path | None) -> str:
        """A file of ``bundle`` under the bundle's path as given, not lilv's resolved one."""
        path = self.path(uri_node)
        if bundle is None or not path:
            return path
        real = os.path.realpath(bundle)
        if path == real or path.startswith(real + os.sep):
            return str(bundle / os.path.relpath(path, real))
        return path

    def nodes(self, collection: int | None) -> Iterator[int]:
        """Iterate a ``LilvNodes`` collection (the caller frees it)."""
        if not collection:
            return
        it = self.lib.lilv_nodes_begin(collection)
        while not self.lib.lilv_nodes_is_end(collection, it):
            yield self.lib.lilv_nodes_get(collection, it)
            it = self.lib.lilv_nodes_next(collection, it)

    def first_number(self, collection: int | None) -> float | None:
        """The first numeric value in an owned collection, which is freed."""
        if not collection:
            return None
        try:
            for node in self.nodes(collection):
                if self.lib.lilv_node_is_float(node) or self.lib.lilv_node_is_int(node):
                    return float(self.lib.lilv_node_as_float(node))
            return None
        finally:
            self.lib.lilv_nodes_free(collection)

    def first_text(self, collection: int | None) -> str:
        if not collection:
            return ""
        try:
            for node in self.nodes(collection):
                return self.text(node)
            return ""
        finally:
            self.lib.lilv_nodes_free(collection)

    def plugins(self) -> Iterator[int]:
        """Every plugin the world knows, in lilv's order (sorted by URI)."""
        collection = self.lib.lilv_world_get_all_plugins(self.ptr)
        it = self.lib.lilv_plugins_begin(collection)
        while not self.lib.lilv_plugins_is_end(collection, it):
            yield self.lib.lilv_plugins_get(collection, it)
            it = self.lib.lilv_plugins_next(collection, it)

    # -- bundles -------------------------------------------------------------------------------

    def read_bundle(self, bundle: Path, *, unload: bool = True) -> BundleResult:
        """Every plugin of one bundle as a record; a cause when there is none.

        The bundle's data is unloaded afterwards unless ``unload`` is false, and then the
        caller must discard this world (see :func:`read_bundle`)."""
        if not (bundle / "manifest.ttl").is_file():
            return BundleResult(cause="not an LV2 bundle: it has no manifest.ttl")
        real = os.path.realpath(bundle)
        if real in self.specs:
            return BundleResult(no_plugins=True, cause=NO_PLUGIN)
        node = self.bundle_node(real)
        self.lib.lilv_world_load_bundle(self.ptr, node)
        try:
            plugins = [p for p in self.plugins() if os.path.realpath(
                self.path(self.lib.lilv_plugin_get_bundle_uri(p))) == real]
            records = tuple(self.record(p, bundle=bundle) for p in plugins)
        finally:
            if unload:
                self.lib.lilv_world_unload_bundle(self.ptr, node)
            self.lib.lilv_node_free(node)
        if records:
            return BundleResult(records=records)
        if declares_plugin(bundle / "manifest.ttl"):
            return BundleResult(cause="its manifest.ttl declares a plugin that lilv could not "
                                      "read (a Turtle syntax error? see the stderr tail)")
        return BundleResult(no_plugins=True, cause=NO_PLUGIN)

    # -- one plugin ----------------------------------------------------------------------------

    def record(self, plugin: int, *, bundle: Path | None = None) -> PluginRecord:
        """One plugin's record. With ``bundle``, paths are given under that path as the scan
        found it (lilv resolves symlinks, and the catalogue tracks the path it was given)."""
        lib = self.lib
        uri = self.text(lib.lilv_plugin_get_uri(plugin))
        name = self.text(lib.lilv_plugin_get_name(plugin), owned=True)
        classes = self.classes(plugin)
        ports = self.ports(plugin)
        minor = self.first_number(lib.lilv_plugin_get_value(plugin, self.uri(LV2 + "minorVersion")))
        micro = self.first_number(lib.lilv_plugin_get_value(plugin, self.uri(LV2 + "microVersion")))
        extra = {
            "class_uris": " ".join(uri for uri, _ in classes),
            "required_features": " ".join(self.uris(lib.lilv_plugin_get_required_features(plugin))),
            "presets": str(self.count(lib.lilv_plugin_get_related(plugin, self.uri(PRESET)))),
            "author_homepage": self.text(lib.lilv_plugin_get_author_homepage(plugin), owned=True),
            "cv_inputs": str(ports.cv_in), "cv_outputs": str(ports.cv_out),
            "atom_inputs": str(ports.atom_in), "atom_outputs": str(ports.atom_out),
            "sidechain_inputs": str(ports.sidechain_in) if ports.sidechain_in else "",
            "sidechain_outputs": str(ports.sidechain_out) if ports.sidechain_out else "",
        }
        return PluginRecord(
            format="lv2", uid=uri, name=name or uri,
            vendor=self.text(lib.lilv_plugin_get_author_name(plugin), owned=True),
            version=f"{int(minor)}.{int(micro)}" if minor is not None and micro is not None
            else "",
            role=role(classes, ports),
            categories=tuple(label for _, label in classes if label),
            description=self.first_text(lib.lilv_plugin_get_value(plugin,
                                                                  self.uri(RDFS_COMMENT))),
            audio_inputs=ports.audio_in, audio_outputs=ports.audio_out,
            midi_inputs=ports.midi_in, midi_outputs=ports.midi_out,
            parameters=tuple(ports.parameters),
            file_path=self.located(lib.lilv_plugin_get_library_uri(plugin), bundle),
            bundle_path=str(bundle) if bundle is not None else self.path(
                lib.lilv_plugin_get_bundle_uri(plugin)),
            tier=0, extra={k: v for k, v in extra.items() if v})

    def uris(self, collection: int | None) -> list[str]:
        if not collection:
            return []
        try:
            return sorted(self.text(n) for n in self.nodes(collection))
        finally:
            self.lib.lilv_nodes_free(collection)

    def count(self, collection: int | None) -> int:
        if not collection:
            return 0
        try:
            return int(self.lib.lilv_nodes_size(collection))
        finally:
            self.lib.lilv_nodes_free(collection)

    def classes(self, plugin: int) -> list[tuple[str, str]]:
        """``(uri, label)`` of the plugin's class and its parents, nearest first, without the
        root ``lv2:Plugin`` class."""
        lib = self.lib
        all_classes = lib.lilv_world_get_plugin_classes(self.ptr)
        found: list[tuple[str, str]] = []
        cls = lib.lilv_plugin_get_class(plugin)
        while cls:
            uri = self.text(lib.lilv_plugin_class_get_uri(cls))
            if uri == LV2 + "Plugin" or any(uri == u for u, _ in found):
                break
            found.append((uri, self.text(lib.lilv_plugin_class_get_label(cls))))
            parent = lib.lilv_plugin_class_get_parent_uri(cls)
            cls = lib.lilv_plugin_classes_get_by_uri(all_classes, parent) if parent else None
        return found

    def ports(self, plugin: int) -> Ports:
        lib = self.lib
        ports = Ports()
        is_a = {k: self.uri(LV2 + k) for k in ("InputPort", "AudioPort", "CVPort",
                                               "ControlPort", "isSideChain")}
        atom, event = self.uri(ATOM + "AtomPort"), self.uri(EVENT + "EventPort")
        midi = self.uri(MIDI_EVENT)
        count = lib.lilv_plugin_get_num_ports(plugin)
        # One call for every port's range (NaN where a value is not declared) instead of three
        # node lookups per control port: a large bundle has 24,000 of them.
        low, high, default = ((ctypes.c_float * count)() for _ in range(3))
        lib.lilv_plugin_get_port_ranges_float(plugin, low, high, default)
        for index in range(count):
            port = lib.lilv_plugin_get_port_by_index(plugin, index)
            is_input = bool(lib.lilv_port_is_a(plugin, port, is_a["InputPort"]))
            if lib.lilv_port_is_a(plugin, port, is_a["ControlPort"]):
                if is_input:
                    ports.parameters.append(Parameter(
                        name=self.text(lib.lilv_port_get_name(plugin, port), owned=True),
                        id=self.text(lib.lilv_port_get_symbol(plugin, port)),
                        default=_number(default[index]), min=_number(low[index]),
                        max=_number(high[index]), unit=self.unit(plugin, port)))
            elif lib.lilv_port_is_a(plugin, port, is_a["AudioPort"]):
                # Counted in the totals, as VST3's aux buses and CLAP's non-main ports are, and
                # apart too, so a host can tell a sidechain from a second main input.
                ports.add("audio", is_input)
                if lib.lilv_port_has_property(plugin, port, is_a["isSideChain"]):
                    ports.add("sidechain", is_input)
            elif lib.lilv_port_is_a(plugin, port, is_a["CVPort"]):
                ports.add("cv", is_input)
            elif lib.lilv_port_is_a(plugin, port, atom) or lib.lilv_port_is_a(plugin, port,
                                                                                event):
                ports.add("atom", is_input)
                if lib.lilv_port_supports_event(plugin, port, midi):
                    ports.add("midi", is_input)
        return ports

    def unit(self, plugin: int, port: int) -> str:
        """The port's unit symbol (``dB``, ``Hz``...): the one the units spec declares, else the
        unit URI's own name."""
        lib = self.lib
        values = lib.lilv_port_get_value(plugin, port, self.uri(UNITS + "unit"))
        if not values:
            return ""
        try:
            for node in self.nodes(values):
                if not lib.lilv_node_is_uri(node):
                    continue
                symbol = lib.lilv_world_get(self.ptr, node, self.uri(UNITS + "symbol"), None)
                if symbol:
                    return self.text(symbol, owned=True)
                return self.text(node).rpartition("#")[2]
            return ""
        finally:
            lib.lilv_nodes_free(values)


@dataclass
class Ports:
    """Port counts of one plugin, and its control inputs as parameters."""

    audio_in: int = 0
    audio_out: int = 0
    cv_in: int = 0
    cv_out: int = 0
    atom_in: int = 0
    atom_out: int = 0
    midi_in: int = 0
    midi_out: int = 0
    sidechain_in: int = 0
    sidechain_out: int = 0

    def __post_init__(self) -> None:
        self.parameters: list[Parameter] = []

    def add(self, kind: str, is_input: bool) -> None:
        name = f"{kind}_{'in' if is_input else 'out'}"
        setattr(self, name, getattr(self, name) + 1)


@cache
def spec_bundles() -> tuple[Path, ...]:
    """The bundles of the LV2 core and units specifications on lilv's path: a world made for
    one bundle needs them for plugin class names and unit symbols."""
    from pluginary.scan.roots import roots_for

    from . import LV2 as FORMAT_INFO

    roots = [Path(str(r)) for r in roots_for(FORMAT_INFO)]
    found = []
    for root in roots:
        for name in SPEC_FILES:
            found += [p.parent for p in root.glob(f"*/{name}")]
    return tuple(dict.fromkeys(found))


_worker_world: World | None = None


def read_bundle(bundle: Path) -> BundleResult:
    """Read one bundle in this process's world, made on the first call and kept: a scan worker
    reads many bundles and the specifications are parsed once.

    A large bundle's data is not unloaded but dropped with the whole world: lilv removes
    statements one by one, which for lsp-plugins.lv2 (12 MB of Turtle) takes half as long as
    reading it, while freeing a world takes milliseconds and a new one 10 ms."""
    global _worker_world
    if _worker_world is None:
        _worker_world = World()
    large = turtle_bytes(bundle) > LARGE_BUNDLE
    result = _worker_world.read_bundle(bundle, unload=not large)
    if large:
        _worker_world.close()
        _worker_world = None
    return result


def turtle_bytes(bundle: Path) -> int:
    try:
        with os.scandir(bundle) as entries:
            return sum(e.stat().st_size for e in entries if e.name.endswith(".ttl"))
    except OSError:
        return 0


def role(classes: list[tuple[str, str]], ports: Ports) -> Role:
    for uri, _ in classes:
        if uri in ROLE_OF_CLASS:
            return ROLE_OF_CLASS[uri]
    if ports.audio_in:
        return Role.EFFECT
    if ports.midi_in and ports.audio_out:
        return Role.INSTRUMENT
    return Role.UNKNOWN


def declares_plugin(manifest: Path) -> bool:
    """Whether a manifest's text names the lv2:Plugin class (read as bytes: it may be broken)."""
    try:
        data = manifest.read_bytes()
    except OSError:
        return False
    return b"lv2:Plugin" in data or b"lv2core#Plugin" in data
