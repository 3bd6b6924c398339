"""Running a CLAP plugin for the shared validation checks (:mod:`pluginary.validation`), levels
1 to 5.

An instance is ``create_plugin`` (with its own ``clap_host_t``, :mod:`.host_link`), ``init``,
``activate`` (sample rate, block sizes), ``start_processing``; then ``process`` with 32-bit
buffers for every channel of every audio port; ``stop_processing``, ``deactivate`` and
``destroy`` on close (``plugin.h``, ``process.h``, ``audio-buffer.h``; CLAP 1.x). The plugin runs
on the thread that drives the instance, which is its main and its audio thread at once, as a
single-threaded host's is: a main-thread call (``get_value``, ``state``) is never concurrent
with ``process``.

- parameters (:mod:`.host_params`): ``set`` queues a ``CLAP_EVENT_PARAM_VALUE``
  (:mod:`.host_events`) that the next ``process()`` receives in ``in_events``; a ``get`` (or
  ``save``, ``load``) while values are queued first hands them over through
  ``clap.params`` ``flush()``, which params.h allows on the audio thread of an active plugin
  when not concurrent with ``process()`` -- so ``get`` reads back what ``set`` sent. A plugin
  without ``flush()`` gets a block of silence instead.
- state and latency (:mod:`.host_state`): ``clap.state`` ``save``/``load`` through streams,
  ``clap.latency`` ``get``.
- ``request_callback`` is honoured with ``on_main_thread()`` after each block; a plugin's
  ``request_restart`` is recorded, not honoured (a restart would reset the instance mid-check).
"""

from __future__ import annotations

import ctypes
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pluginary.validation.host import ParamInfo

from . import host_state
from .entry import _text, descriptors, open_factory
from .host_events import EventQueue, InputEvents, OutputEvents
from .host_link import make_host
from .host_params import Params
from .instance import (
    _CREATE_PLUGIN,
    _PLUGIN_P,
    CLAP_EXT_AUDIO_PORTS,
    AudioPortInfo,
    PluginAudioPorts,
    _extension,
)

_vp = ctypes.c_void_p
_FLOAT_PP = ctypes.POINTER(ctypes.POINTER(ctypes.c_float))
#: process.h: CLAP_PROCESS_ERROR; every other status is a processed block.
PROCESS_ERROR = 0
#: The block a plugin without params.flush() processes (silence) to take queued values.
FLUSH_FRAMES = 32


class AudioBuffer(ctypes.Structure):
    """``clap_audio_buffer_t``."""

    _fields_ = [("data32", _FLOAT_PP), ("data64", _vp), ("channel_count", ctypes.c_uint32),
                ("latency", ctypes.c_uint32), ("constant_mask", ctypes.c_uint64)]


class Process(ctypes.Structure):
    """``clap_process_t``."""

    _fields_ = [("steady_time", ctypes.c_int64), ("frames_count", ctypes.c_uint32),
                ("transport", _vp), ("audio_inputs", ctypes.POINTER(AudioBuffer)),
                ("audio_outputs", ctypes.POINTER(AudioBuffer)),
                ("audio_inputs_count", ctypes.c_uint32),
                ("audio_outputs_count", ctypes.c_uint32),
                ("in_events", ctypes.POINTER(InputEvents)),
                ("out_events", ctypes.POINTER(OutputEvents))]


_ACTIVATE = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_double, ctypes.c_uint32,
                             ctypes.c_uint32)
_CALL = ctypes.CFUNCTYPE(None, _PLUGIN_P)
_START = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P)
_PROCESS = ctypes.CFUNCTYPE(ctypes.c_int32, _PLUGIN_P, ctypes.POINTER(Process))


class ClapPlugin:
    """One plugin of a CLAP binary, by its id; the library stays open while this lives."""

    levels: tuple[int, ...] = (1, 2, 3, 4, 5)

    def __init__(self, binary: Path, clap_id: str, plugin_path: Path | None = None) -> None:
        self._opened = open_factory(binary, plugin_path)
        self._factory = self._opened.__enter__()
        found = [d for d in descriptors(self._factory) if d.id == clap_id.encode()]
        if not found:
            self.close()
            raise LookupError(f"{binary} has no CLAP plugin {clap_id!r}")
        if not self._factory.contents.create_plugin:
            self.close()
            raise RuntimeError(f"{binary}: the plugin factory's create_plugin is a null pointer")
        self._descriptor = found[0]
        self._create = _CREATE_PLUGIN(self._factory.contents.create_plugin)
        self.clap_id = clap_id
        self.key = f"clap:{clap_id}"

    def describe(self) -> dict[str, str]:
        """The factory's descriptor of the plugin (``plugin.h``), read when the library was
        opened: id, name, vendor, version, features (comma-separated), CLAP version."""
        d = self._descriptor
        features: list[str] = []
        while d.features and d.features[len(features)]:
            features.append(_text(d.features[len(features)]))
        return {"id": _text(d.id), "name": _text(d.name), "vendor": _text(d.vendor),
                "version": _text(d.version), "features": ", ".join(features),
                "clap_version": f"{d.clap_version.major}.{d.clap_version.minor}."
                                f"{d.clap_version.revision}"}

    def instantiate(self, sample_rate: int, max_block: int) -> ClapInstance:
        return ClapInstance(self, sample_rate, max_block)

    def close(self) -> None:
        self._opened.__exit__(None, None, None)


class ClapInstance:
    """A created, activated, processing plugin with 32-bit buffers on every port."""

    def __init__(self, plugin: ClapPlugin, sample_rate: int, max_block: int) -> None:
        self.key = plugin.key
        self._host, self._requests = make_host()
        pointer = plugin._create(plugin._factory, ctypes.byref(self._host),
                                 plugin.clap_id.encode())
        if not pointer:
            raise RuntimeError(f"{plugin.key}: create_plugin() returned null")
        self._pointer: Any = pointer
        self._plugin = pointer.contents
        self._stage = "created"
        if not self._plugin.init(pointer):
            self.close()
            raise RuntimeError(f"{plugin.key}: init() returned false")
        self._stage = "initialised"
        try:
            ports = _extension(self._plugin, pointer, CLAP_EXT_AUDIO_PORTS, PluginAudioPorts,
                               ("count", "get"))
            self._params = Params(self._plugin, pointer)
        except Exception:
            self.close()
            raise
        self._ins = self._buffers(ports, True, max_block)
        self._outs = self._buffers(ports, False, max_block)
        self.inputs: int = sum(len(channels) for channels, _ in self._ins)
        self.outputs: int = sum(len(channels) for channels, _ in self._outs)
        self._max_block = max_block
        if not _ACTIVATE(self._plugin.activate)(pointer, float(sample_rate), 1, max_block):
            self.close()
            raise RuntimeError(f"{plugin.key}: activate() returned false at {sample_rate} Hz")
        self._stage = "active"
        if not _START(self._plugin.start_processing)(pointer):
            self.close()
            raise RuntimeError(f"{plugin.key}: start_processing() returned false")
        self._stage = "processing"
        self._events = EventQueue()
        self._steady = 0

    def _buffers(self, ports: Any, is_input: bool, frames: int
                 ) -> list[tuple[list[ctypes.Array[ctypes.c_float]], Any]]:
        """Per port: its channels' buffers and the pointer array ``data32`` points at."""
        out = []
        count = int(ports.count(self._pointer, is_input)) if ports is not None else 0
        for index in range(count):
            info = AudioPortInfo()
            if not ports.get(self._pointer, index, is_input, ctypes.byref(info)):
                continue
            channels = [(ctypes.c_float * frames)() for _ in range(int(info.channel_count))]
            table = (ctypes.POINTER(ctypes.c_float) * max(1, len(channels)))(
                *(ctypes.cast(c, ctypes.POINTER(ctypes.c_float)) for c in channels))
            out.append((channels, table))
        return out

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        signals = iter(inputs)
        for channels, _ in self._ins:
            for buffer in channels:
                ctypes.memmove(buffer, next(signals).buffer_info()[0], 4 * frames)
        self._process(frames)
        return [array("f", bytes(memoryview(buffer).cast("B")[:4 * frames]))
                for channels, _ in self._outs for buffer in channels]

    def _process(self, frames: int) -> None:
        """One ``process()`` of the input buffers as they are, with the queued values."""
        ins = (AudioBuffer * max(1, len(self._ins)))(*(
            AudioBuffer(ctypes.cast(table, _FLOAT_PP), None, len(channels), 0, 0)
            for channels, table in self._ins))
        outs = (AudioBuffer * max(1, len(self._outs)))(*(
            AudioBuffer(ctypes.cast(table, _FLOAT_PP), None, len(channels), 0, 0)
            for channels, table in self._outs))
        process = Process(self._steady, frames, None, ins, outs, len(self._ins), len(self._outs),
                          self._events.take(), ctypes.pointer(self._events.outputs))
        self._requests.flush = False  # process() is the flush params.h's request_flush asks for
        status = _PROCESS(self._plugin.process)(self._pointer, ctypes.byref(process))
        if status == PROCESS_ERROR:
            raise RuntimeError("process() returned CLAP_PROCESS_ERROR")
        self._steady += frames
        self._main_thread()

    def _main_thread(self) -> None:
        """What the plugin asked to run on the main thread (``request_callback``)."""
        if self._requests.callback:
            self._requests.callback = False
            if self._plugin.on_main_thread:
                _CALL(self._plugin.on_main_thread)(self._pointer)

    def _flush(self) -> None:
        """Hand queued values (and a requested flush) to the plugin now, without waiting for
        the next block: ``params.flush()``, or a silent block when the plugin has none."""
        if not self._events.pending and not self._requests.flush:
            return
        self._requests.flush = False
        if not self._params.flush(self._events.take(), ctypes.pointer(self._events.outputs)):
            for channels, _ in self._ins:
                for buffer in channels:
                    ctypes.memset(buffer, 0, ctypes.sizeof(buffer))
            self._process(min(FLUSH_FRAMES, self._max_block))
        self._main_thread()

    def latency(self) -> int:
        self._main_thread()
        return host_state.latency(self._plugin, self._pointer)

    def parameters(self) -> Sequence[ParamInfo]:
        return self._params.infos()

    def set(self, key: str, value: float) -> None:
        self._events.set(self._params.param_id(key), value)

    def get(self, key: str) -> float:
        param_id = self._params.param_id(key)
        self._flush()
        return self._params.value(param_id)

    def convert(self, key: str, value: float) -> float | None:
        return self._params.convert(self._params.param_id(key), value)

    def save(self) -> bytes:
        self._flush()  # the state holds every value set so far
        return host_state.save(self._plugin, self._pointer)

    def load(self, state: bytes) -> None:
        self._flush()  # values set before the load must not override it at the next block
        host_state.load(self._plugin, self._pointer, state)
        self._main_thread()

    def close(self) -> None:
        """Undo each stage reached, in reverse, as plugin.h asks."""
        if self._stage == "processing":
            _CALL(self._plugin.stop_processing)(self._pointer)
        if self._stage in ("processing", "active"):
            _CALL(self._plugin.deactivate)(self._pointer)
        if self._stage != "closed":
            self._plugin.destroy(self._pointer)
        self._stage = "closed"
