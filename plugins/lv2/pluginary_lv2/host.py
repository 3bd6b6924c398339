"""Running an LV2 plugin for the shared validation checks (:mod:`pluginary.validation`).

The plugin's bundle is loaded into a lilv world of its own with the specifications, and
``lilv_plugin_instantiate`` makes each instance with the features of :mod:`.features`; from
there the host calls the plugin's ``LV2_Descriptor`` (``connect_port``, ``activate``, ``run``,
``deactivate``) and frees it with ``lilv_instance_free`` (which calls ``cleanup``). Every port
is connected: audio and CV ports to buffers of the instance's block, control inputs to host
memory holding their default (these are the parameters), control outputs to a float (one
reporting latency is :meth:`Lv2Instance.latency`), atom inputs to an empty sequence and atom
outputs to an empty buffer whose capacity is written before every run (``atom.h``).

A plugin requiring a feature outside :data:`.features.OFFERED` raises
:class:`~pluginary.validation.host.NotSupported` naming it. LV2 has no second representation of
a control value (``convert`` is None) and its state extension is not hosted (level 4 is not
offered), so the glue offers levels 1 to 3.
"""

from __future__ import annotations

import ctypes
import math
import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pluginary.validation.host import NotSupported, ParamInfo

from . import features as ft
from .lilv import Descriptor
from .reader import World

LV2 = ft.LV2
EVENT_PORT = "http://lv2plug.in/ns/ext/event#EventPort"
MINIMUM_SIZE = "http://lv2plug.in/ns/ext/resize-port#minimumSize"
#: Port properties that make a control value whole steps.
STEPPED = ("integer", "toggled", "enumeration")


@dataclass(frozen=True)
class PortSpec:
    """One port as the host connects it."""

    index: int
    symbol: str
    name: str
    #: audio, cv, control, atom or event; "" for a type this host does not know.
    kind: str
    is_input: bool
    minimum: float
    maximum: float
    default: float
    stepped: bool = False
    #: lv2:sampleRate: the range is a fraction of the sample rate.
    per_sample_rate: bool = False
    optional: bool = False
    reports_latency: bool = False
    #: Bytes for an atom port's buffer, header included.
    capacity: int = ft.ATOM_CAPACITY

    def scale(self, sample_rate: int) -> float:
        return float(sample_rate) if self.per_sample_rate else 1.0


class Lv2Plugin:
    """One LV2 plugin, by URI, in a lilv world holding its bundle and the specifications."""

    levels: tuple[int, ...] = (1, 2, 3)

    def __init__(self, uri: str, bundle: Path | None) -> None:
        self.key = uri
        # The bundle alone: loading every bundle on the path costs ~0.25 s for 669 plugins.
        self._world = World(everything=bundle is None)
        self._bundle_node = None
        self._library: ctypes.CDLL | None = None
        w = self._world
        if bundle is not None:
            self._bundle_node = w.bundle_node(os.path.realpath(bundle))
            w.lib.lilv_world_load_bundle(w.ptr, self._bundle_node)
        self._plugin = w.lib.lilv_plugins_get_by_uri(w.lib.lilv_world_get_all_plugins(w.ptr),
                                                     w.uri(uri))
        if not self._plugin:
            where = f" in {bundle}" if bundle is not None else ""
            self.close()
            raise LookupError(f"no LV2 plugin {uri}{where}")
        self.library = w.path(w.lib.lilv_plugin_get_library_uri(self._plugin))
        try:
            # Held open while this plugin lives, as a host does for a session: lilv closes the
            # library with each instance, and reopening code whose threads or GObject types
            # outlive ``cleanup`` crashes (guitarix's convolvers, ir.lv2). Opened here, a
            # library that cannot load (an undefined symbol) is a clear error too.
            self._library = ctypes.CDLL(self.library)
        except OSError as exc:
            self.close()
            raise RuntimeError(f"cannot load {self.library}: {exc}") from exc
        self.required = w.uris(w.lib.lilv_plugin_get_required_features(self._plugin))
        self.urids = ft.UridTable()  # shared by the instances: one URID per URI, always
        missing = [f for f in self.required if f not in ft.OFFERED]
        if missing:
            self.close()
            raise NotSupported(f"requires feature {missing[0]}")
        self.ports = self._read_ports()

    def _read_ports(self) -> tuple[PortSpec, ...]:
        w, lib, plugin = self._world, self._world.lib, self._plugin
        count = lib.lilv_plugin_get_num_ports(plugin)
        low, high, default = ((ctypes.c_float * count)() for _ in range(3))
        lib.lilv_plugin_get_port_ranges_float(plugin, low, high, default)
        kinds = {LV2 + "AudioPort": "audio", LV2 + "CVPort": "cv", LV2 + "ControlPort": "control",
                 ft.ATOM + "AtomPort": "atom", EVENT_PORT: "event"}
        specs = []
        for index in range(count):
            port = lib.lilv_plugin_get_port_by_index(plugin, index)

            def has(prop: str, port: int = port) -> bool:
                return bool(lib.lilv_port_has_property(plugin, port, w.uri(LV2 + prop)))

            kind = next((k for uri, k in kinds.items() if lib.lilv_port_is_a(plugin, port,
                                                                                w.uri(uri))), "")
            designations = w.uris(lib.lilv_port_get_value(plugin, port, w.uri(LV2 + "designation")))
            minimum = w.first_number(lib.lilv_port_get_value(plugin, port, w.uri(MINIMUM_SIZE)))
            specs.append(PortSpec(
                index=index, symbol=w.text(lib.lilv_port_get_symbol(plugin, port)),
                name=w.text(lib.lilv_port_get_name(plugin, port), owned=True), kind=kind,
                is_input=bool(lib.lilv_port_is_a(plugin, port, w.uri(LV2 + "InputPort"))),
                minimum=float(low[index]), maximum=float(high[index]),
                default=float(default[index]), stepped=any(has(p) for p in STEPPED),
                per_sample_rate=has("sampleRate"), optional=has("connectionOptional"),
                reports_latency=has("reportsLatency") or LV2 + "latency" in designations,
                capacity=max(ft.ATOM_CAPACITY, int(minimum or 0))))
        return tuple(specs)

    def describe(self) -> dict[str, str]:
        w, lib, plugin = self._world, self._world.lib, self._plugin
        classes = w.classes(plugin)
        return {"name": w.text(lib.lilv_plugin_get_name(plugin), owned=True),
                "author": w.text(lib.lilv_plugin_get_author_name(plugin), owned=True),
                "uri": self.key, "class": classes[0][1] if classes else "",
                "library": self.library,
                "required_features": " ".join(self.required)}

    def instantiate(self, sample_rate: int, max_block: int) -> Lv2Instance:
        if self._plugin is None:
            raise RuntimeError(f"{self.key}: the plugin is closed")
        return Lv2Instance(self, sample_rate, max_block)

    def _instantiate(self, sample_rate: int, offered: Any) -> Any:
        pointer = self._world.lib.lilv_plugin_instantiate(self._plugin, float(sample_rate),
                                                          offered)
        if not pointer:
            raise RuntimeError(f"{self.key}: {self._refusal()} at {sample_rate} Hz")
        return pointer

    def _refusal(self) -> str:
        """Why instantiate gave NULL: the binary lacks the plugin, or the plugin refused."""
        entry = self._library.lv2_descriptor if self._library is not None else None
        if entry is None:
            return "instantiate returned NULL"
        entry.restype, entry.argtypes = ctypes.POINTER(Descriptor), [ctypes.c_uint32]
        index = 0
        while descriptor := entry(index):
            if self.key.encode() == descriptor.contents.URI:
                return "instantiate returned NULL"
            index += 1
        return f"{self.library} has no plugin {self.key} (its Turtle data and binary disagree)"

    def close(self) -> None:
        """Free the world (instances do not refer to it: ``lilv.h``)."""
        if self._world.ptr is not None:
            if self._bundle_node:
                self._world.lib.lilv_node_free(self._bundle_node)
                self._bundle_node = None
            self._world.close()
        self._plugin = None
        # The library stays mapped (ctypes never unloads one): instances of this plugin made
        # later in the process find it still loaded.
        self._library = None


class Lv2Instance:
    """An activated instance with every port connected to host memory."""

    def __init__(self, plugin: Lv2Plugin, sample_rate: int, max_block: int) -> None:
        self._plugin = plugin  # keeps the URID callbacks alive while the instance lives
        self._rate, self._block = sample_rate, max_block
        sequence = max((p.capacity for p in plugin.ports if p.kind == "atom"),
                       default=ft.ATOM_CAPACITY)
        self._features = ft.InstanceFeatures(plugin.urids, sample_rate, max_block, sequence)
        missing = [f for f in plugin.required if f not in self._features.uris]
        if missing:  # powerOf2BlockLength with a block that is not one
            raise NotSupported(f"requires feature {missing[0]} (blocks of {max_block})")
        unknown = [p for p in plugin.ports if not p.kind and not p.optional]
        if unknown:
            raise NotSupported(f"port {unknown[0].symbol} has a type this host does not know")
        self._sequence_type = plugin.urids.map(ft.ATOM + "Sequence")
        self._chunk_type = plugin.urids.map(ft.ATOM + "Chunk")
        pointer = plugin._instantiate(sample_rate, self._features.array)
        self._pointer = pointer
        self._d = pointer.contents.lv2_descriptor.contents
        self._handle = pointer.contents.lv2_handle
        self._audio_in: list[Any] = []
        self._audio_out: list[Any] = []
        self._atoms: list[tuple[PortSpec, Any]] = []
        self._controls: dict[str, tuple[PortSpec, Any]] = {}
        self._buffers: list[Any] = []  # every buffer, alive while the plugin may use it
        for spec in plugin.ports:
            self._connect(spec)
        self.inputs, self.outputs = len(self._audio_in), len(self._audio_out)
        if self._d.activate:  # a NULL function pointer is false
            self._d.activate(self._handle)
        self._active = True

    def _connect(self, spec: PortSpec) -> None:
        buffer: Any
        if spec.kind in ("audio", "cv"):
            buffer = (ctypes.c_float * self._block)()
            if spec.kind == "audio":
                (self._audio_in if spec.is_input else self._audio_out).append(buffer)
        elif spec.kind == "control":
            buffer = ctypes.c_float(self._initial(spec))
            self._controls[spec.symbol] = (spec, buffer)
        elif spec.kind == "atom":
            buffer = ctypes.create_string_buffer(spec.capacity)
            self._atoms.append((spec, buffer))
        elif spec.kind == "event":
            # An empty LV2_Event_Buffer (event.h): data, header_size, stamp_type, count,
            # capacity, size; the old event extension, still used by a few plugins.
            buffer = ctypes.create_string_buffer(24 + spec.capacity)
            ctypes.memmove(buffer, (ctypes.c_uint64 * 1)(ctypes.addressof(buffer) + 24), 8)
            ctypes.memmove(ctypes.addressof(buffer) + 8, (ctypes.c_uint16 * 2)(24, 0), 4)
            ctypes.memmove(ctypes.addressof(buffer) + 16,
                           (ctypes.c_uint32 * 2)(spec.capacity, 0), 8)
        else:  # optional and of an unknown type: NULL, as lv2:connectionOptional allows
            self._d.connect_port(self._handle, spec.index, None)
            return
        self._buffers.append(buffer)
        self._d.connect_port(self._handle, spec.index, ctypes.addressof(buffer))

    def _initial(self, spec: PortSpec) -> float:
        """A control input's default, else its minimum, else 0; outputs start at 0."""
        if not spec.is_input:
            return 0.0
        for value in (spec.default, spec.minimum):
            if not math.isnan(value):
                return value * spec.scale(self._rate)
        return 0.0

    def _reset_atoms(self) -> None:
        """Before each run: inputs hold an empty sequence, outputs announce their capacity."""
        for spec, buffer in self._atoms:
            header = ft.AtomSequence.from_buffer(buffer)
            if spec.is_input:
                header.size, header.type = ft.SEQUENCE_BODY, self._sequence_type
            else:
                header.size, header.type = spec.capacity - 8, self._chunk_type
            header.unit = header.pad = 0

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        if not 0 <= frames <= self._block:
            raise ValueError(f"{frames} frames, more than the block of {self._block}")
        # fixedBlockLength is offered, so every run is a whole block: a shorter one is padded
        # with silence and its output cut.
        for buffer, signal in zip(self._audio_in, inputs, strict=True):
            ctypes.memset(buffer, 0, 4 * self._block)
            ctypes.memmove(buffer, signal.buffer_info()[0], 4 * frames)
        self._reset_atoms()
        self._d.run(self._handle, self._block)
        return [array("f", bytes(memoryview(buffer).cast("B")[:4 * frames]))
                for buffer in self._audio_out]

    def latency(self) -> int:
        for spec, buffer in self._controls.values():
            if spec.reports_latency and not spec.is_input:
                value = float(buffer.value)
                return round(value) if math.isfinite(value) else 0
        return 0

    def parameters(self) -> Sequence[ParamInfo]:
        found = []
        for spec, _ in self._controls.values():
            scale = spec.scale(self._rate)
            found.append(ParamInfo(
                key=spec.symbol, name=spec.name, minimum=spec.minimum * scale,
                maximum=spec.maximum * scale, default=self._initial(spec) if spec.is_input
                else spec.default * scale, stepped=spec.stepped, read_only=not spec.is_input))
        return found

    def get(self, key: str) -> float:
        return float(self._controls[key][1].value)

    def set(self, key: str, value: float) -> None:
        spec, buffer = self._controls[key]
        if not spec.is_input:
            raise KeyError(f"{key} is an output port: the plugin writes it")
        buffer.value = value  # the plugin reads its control ports at the start of run()

    def convert(self, key: str, value: float) -> float | None:
        return None  # an LV2 control port has one representation: its float

    def save(self) -> bytes:
        raise NotSupported("LV2 state (the state extension) is not hosted")

    def load(self, state: bytes) -> None:
        raise NotSupported("LV2 state (the state extension) is not hosted")

    def close(self) -> None:
        if self._pointer:
            if self._active and self._d.deactivate:
                self._d.deactivate(self._handle)
            self._plugin._world.lib.lilv_instance_free(self._pointer)
            self._pointer = None
            self._active = False
