"""Running a CLAP plugin for the shared validation checks (:mod:`pluginary.validation`).

``create_plugin``, ``init``, ``activate`` (sample rate, block sizes), ``start_processing``,
``process`` with 32-bit buffers for every channel of every audio port and empty event lists,
then ``stop_processing``, ``deactivate`` and ``destroy`` (``plugin.h``, ``process.h``,
``audio-buffer.h``, ``events.h``; CLAP 1.x). The plugin runs on the calling thread, which is
its main and its audio thread at once, as a single-threaded host's is.
"""

from __future__ import annotations

import ctypes
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .entry import descriptors, open_factory
from .instance import (
    _CREATE_PLUGIN,
    _PLUGIN_P,
    CLAP_EXT_AUDIO_PORTS,
    AudioPortInfo,
    PluginAudioPorts,
    _extension,
    _host,
)

_vp = ctypes.c_void_p
_FLOAT_PP = ctypes.POINTER(ctypes.POINTER(ctypes.c_float))
#: process.h: CLAP_PROCESS_ERROR; every other status is a processed block.
PROCESS_ERROR = 0


class AudioBuffer(ctypes.Structure):
    """``clap_audio_buffer_t``."""

    _fields_ = [("data32", _FLOAT_PP), ("data64", _vp), ("channel_count", ctypes.c_uint32),
                ("latency", ctypes.c_uint32), ("constant_mask", ctypes.c_uint64)]


class InputEvents(ctypes.Structure):
    """``clap_input_events_t``."""


class OutputEvents(ctypes.Structure):
    """``clap_output_events_t``."""


_SIZE = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.POINTER(InputEvents))
_GET = ctypes.CFUNCTYPE(_vp, ctypes.POINTER(InputEvents), ctypes.c_uint32)
_PUSH = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.POINTER(OutputEvents), _vp)
InputEvents._fields_ = [("ctx", _vp), ("size", _SIZE), ("get", _GET)]
OutputEvents._fields_ = [("ctx", _vp), ("try_push", _PUSH)]


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
# No event ever arrives, and every event the plugin sends is taken (and dropped).
_NO_EVENTS = (_SIZE(lambda events: 0), _GET(lambda events, index: None),
              _PUSH(lambda events, event: True))


class ClapPlugin:
    """One plugin of a CLAP binary, by its id; the library stays open while this lives."""

    def __init__(self, binary: Path, clap_id: str, plugin_path: Path | None = None) -> None:
        self._opened = open_factory(binary, plugin_path)
        self._factory = self._opened.__enter__()
        if clap_id.encode() not in {d.id for d in descriptors(self._factory)}:
            self.close()
            raise LookupError(f"{binary} has no CLAP plugin {clap_id!r}")
        self._create = _CREATE_PLUGIN(self._factory.contents.create_plugin)
        self.clap_id = clap_id
        self.key = f"clap:{clap_id}"

    def instantiate(self, sample_rate: int, max_block: int) -> ClapInstance:
        return ClapInstance(self, sample_rate, max_block)

    def close(self) -> None:
        self._opened.__exit__(None, None, None)


class ClapInstance:
    """A created, activated, processing plugin with 32-bit buffers on every port."""

    def __init__(self, plugin: ClapPlugin, sample_rate: int, max_block: int) -> None:
        pointer = plugin._create(plugin._factory, ctypes.byref(_host()), plugin.clap_id.encode())
        if not pointer:
            raise RuntimeError(f"{plugin.key}: create_plugin() returned null")
        self._pointer: Any = pointer
        self._plugin = pointer.contents
        self._stage = "created"
        if not self._plugin.init(pointer):
            self.close()
            raise RuntimeError(f"{plugin.key}: init() returned false")
        self._stage = "initialised"
        ports = _extension(self._plugin, pointer, CLAP_EXT_AUDIO_PORTS, PluginAudioPorts,
                           ("count", "get"))
        self._ins = self._buffers(ports, True, max_block)
        self._outs = self._buffers(ports, False, max_block)
        self.inputs = sum(len(channels) for channels, _ in self._ins)
        self.outputs = sum(len(channels) for channels, _ in self._outs)
        if not _ACTIVATE(self._plugin.activate)(pointer, float(sample_rate), 1, max_block):
            self.close()
            raise RuntimeError(f"{plugin.key}: activate() returned false at {sample_rate} Hz")
        self._stage = "active"
        if not _START(self._plugin.start_processing)(pointer):
            self.close()
            raise RuntimeError(f"{plugin.key}: start_processing() returned false")
        self._stage = "processing"
        self._events = (InputEvents(None, _NO_EVENTS[0], _NO_EVENTS[1]),
                        OutputEvents(None, _NO_EVENTS[2]))
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
        ins = (AudioBuffer * max(1, len(self._ins)))(*(
            AudioBuffer(ctypes.cast(table, _FLOAT_PP), None, len(channels), 0, 0)
            for channels, table in self._ins))
        outs = (AudioBuffer * max(1, len(self._outs)))(*(
            AudioBuffer(ctypes.cast(table, _FLOAT_PP), None, len(channels), 0, 0)
            for channels, table in self._outs))
        process = Process(self._steady, frames, None, ins, outs, len(self._ins), len(self._outs),
                          ctypes.pointer(self._events[0]), ctypes.pointer(self._events[1]))
        status = _PROCESS(self._plugin.process)(self._pointer, ctypes.byref(process))
        if status == PROCESS_ERROR:
            raise RuntimeError("process() returned CLAP_PROCESS_ERROR")
        self._steady += frames
        return [array("f", bytes(memoryview(buffer).cast("B")[:4 * frames]))
                for channels, _ in self._outs for buffer in channels]

    def close(self) -> None:
        """Undo each stage reached, in reverse, as plugin.h asks."""
        if self._stage == "processing":
            _CALL(self._plugin.stop_processing)(self._pointer)
        if self._stage in ("processing", "active"):
            _CALL(self._plugin.deactivate)(self._pointer)
        if self._stage != "closed":
            self._plugin.destroy(self._pointer)
        self._stage = "closed"
