"""Tier 2 for CLAP: create each plugin with a minimal host and read its parameters and ports.

What a host does to learn a plugin's I/O and parameters, without audio, state or GUI, inside the
same ``clap_entry`` session tier 1 uses (:func:`pluginary_clap.entry.open_factory`):

1. ``factory->create_plugin(factory, host, id)`` for each descriptor of the factory, where
   ``host`` is a Python-made ``clap_host_t`` (``include/clap/host.h``): ``clap_version`` 1.1.1,
   name "Pluginary", ``get_extension`` answering NULL for every extension but ``clap.latency``
   (a no-op ``changed``: the validation checks activate plugins, and DPF's call it), and no-op
   ``request_restart``/``request_process``/``request_callback`` (CLAP requires all four function
   pointers to be non-null);
2. ``plugin->init(plugin)``;
3. ``plugin->get_extension`` for ``clap.params`` (``count``, ``get_info``: id, name, module,
   flags, plain min/max/default), ``clap.audio-ports`` (``count``/``get`` per direction: flags,
   ``channel_count``) and ``clap.note-ports`` (``count``/``get`` per direction). A plugin
   without an extension has none of those (``ext/audio-ports.h``: "If the plugin does not
   implement this extension, it won't have audio ports");
4. ``plugin->destroy(plugin)`` (also after a failed ``init``, as the spec asks), and
   ``clap_entry.deinit()`` when every plugin is done. Never ``dlclose``.

Never called: ``activate``, ``start_processing``, ``process`` (no audio), the ``state`` and
``gui`` extensions, ``params.get_value``/``value_to_text`` (current values and display texts,
not metadata).

Parameters flagged ``CLAP_PARAM_IS_HIDDEN`` are left out: the spec says they "should not be
shown to the user"; the VST3 reader leaves out ``kIsHidden`` ones for the same reason.
Read-only (``CLAP_PARAM_IS_READONLY``) parameters -- meters -- are kept, as in VST3.
A parameter's ``id`` is its ``clap_id`` as a decimal string.
CLAP has no unit field, so ``unit`` stays empty; the ``module`` path ("oscillators/wt1") has no
column in :class:`~pluginary.models.Parameter` and is not stored.

Channel counts are totals over all audio ports of a direction (main and auxiliary), like the
VST3 reader's totals over all audio buses; ``midi_inputs``/``midi_outputs`` count note ports,
like VST3's event buses.

Struct layouts are those of ``include/clap/`` (CLAP 1.1, as DPF ships them under
``distrho/src/clap``): natural alignment, ``CLAP_ABI`` is the platform's C convention
(``__cdecl`` on Windows), which is what :func:`ctypes.CFUNCTYPE` calls. The test suite compiles
the headers and compares ``sizeof``/``offsetof`` with these structs.

This runs plugin code in the calling process: call it in a disposable scan worker.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from pluginary.models import Parameter, PluginRecord

from .entry import (
    EntryError,
    PluginDescriptor,
    PluginFactory,
    Version,
    _text,
    descriptors,
    open_factory,
    to_record,
)

__all__ = [
    "AudioPortInfo",
    "Host",
    "InstanceInfo",
    "InstancesResult",
    "NotePortInfo",
    "ParamInfo",
    "Plugin",
    "PluginAudioPorts",
    "PluginNotePorts",
    "PluginParams",
    "read_instances",
]

CLAP_EXT_PARAMS = b"clap.params"
CLAP_EXT_AUDIO_PORTS = b"clap.audio-ports"
CLAP_EXT_NOTE_PORTS = b"clap.note-ports"

# string-sizes.h
CLAP_NAME_SIZE = 256
CLAP_PATH_SIZE = 1024

# ext/params.h: clap_param_info_flags
CLAP_PARAM_IS_HIDDEN = 1 << 2
CLAP_PARAM_IS_READONLY = 1 << 3
# ext/audio-ports.h
CLAP_AUDIO_PORT_IS_MAIN = 1 << 0

#: The CLAP version this host declares: the headers its structs follow.
HOST_CLAP_VERSION = (1, 1, 1)
HOST_NAME = b"Pluginary"

_vp = ctypes.c_void_p


# -- host.h ------------------------------------------------------------------------------------

class Host(ctypes.Structure):
    """``clap_host_t``."""


_HOST_P = ctypes.POINTER(Host)
_HOST_GET_EXTENSION = ctypes.CFUNCTYPE(_vp, _HOST_P, ctypes.c_char_p)
_HOST_REQUEST = ctypes.CFUNCTYPE(None, _HOST_P)

Host._fields_ = [
    ("clap_version", Version),
    ("host_data", _vp),
    ("name", ctypes.c_char_p),
    ("vendor", ctypes.c_char_p),
    ("url", ctypes.c_char_p),
    ("version", ctypes.c_char_p),
    ("get_extension", _HOST_GET_EXTENSION),
    ("request_restart", _HOST_REQUEST),
    ("request_process", _HOST_REQUEST),
    ("request_callback", _HOST_REQUEST),
]


class HostLatency(ctypes.Structure):
    """``clap_host_latency_t`` (ext/latency.h)."""

    _fields_ = [("changed", _HOST_REQUEST)]


CLAP_EXT_LATENCY = b"clap.latency"


# -- plugin.h ----------------------------------------------------------------------------------

class Plugin(ctypes.Structure):
    """``clap_plugin_t``. The scan calls only ``init``, ``destroy`` and ``get_extension``; the
    validation checks (:mod:`pluginary_clap.host`) call the others."""


_PLUGIN_P = ctypes.POINTER(Plugin)
_PLUGIN_INIT = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P)
_PLUGIN_DESTROY = ctypes.CFUNCTYPE(None, _PLUGIN_P)
_PLUGIN_GET_EXTENSION = ctypes.CFUNCTYPE(_vp, _PLUGIN_P, ctypes.c_char_p)

Plugin._fields_ = [
    ("desc", ctypes.POINTER(PluginDescriptor)),
    ("plugin_data", _vp),
    ("init", _PLUGIN_INIT),
    ("destroy", _PLUGIN_DESTROY),
    ("activate", _vp),
    ("deactivate", _vp),
    ("start_processing", _vp),
    ("stop_processing", _vp),
    ("reset", _vp),
    ("process", _vp),
    ("get_extension", _PLUGIN_GET_EXTENSION),
    ("on_main_thread", _vp),
]

#: plugin-factory.h: ``const clap_plugin_t *create_plugin(factory, host, plugin_id)``.
_CREATE_PLUGIN = ctypes.CFUNCTYPE(_PLUGIN_P, ctypes.POINTER(PluginFactory), _HOST_P,
                                  ctypes.c_char_p)


# -- ext/params.h ------------------------------------------------------------------------------

class ParamInfo(ctypes.Structure):
    """``clap_param_info_t``."""

    _fields_ = [
        ("id", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("cookie", _vp),
        ("name", ctypes.c_char * CLAP_NAME_SIZE),
        ("module", ctypes.c_char * CLAP_PATH_SIZE),
        ("min_value", ctypes.c_double),
        ("max_value", ctypes.c_double),
        ("default_value", ctypes.c_double),
    ]


class PluginParams(ctypes.Structure):
    """``clap_plugin_params_t``."""

    _fields_ = [
        ("count", ctypes.CFUNCTYPE(ctypes.c_uint32, _PLUGIN_P)),
        ("get_info", ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32,
                                      ctypes.POINTER(ParamInfo))),
        ("get_value", _vp),
        ("value_to_text", _vp),
        ("text_to_value", _vp),
        ("flush", _vp),
    ]


# -- ext/audio-ports.h -------------------------------------------------------------------------

class AudioPortInfo(ctypes.Structure):
    """``clap_audio_port_info_t``."""

    _fields_ = [
        ("id", ctypes.c_uint32),
        ("name", ctypes.c_char * CLAP_NAME_SIZE),
        ("flags", ctypes.c_uint32),
        ("channel_count", ctypes.c_uint32),
        ("port_type", ctypes.c_char_p),
        ("in_place_pair", ctypes.c_uint32),
    ]


class PluginAudioPorts(ctypes.Structure):
    """``clap_plugin_audio_ports_t``."""

    _fields_ = [
        ("count", ctypes.CFUNCTYPE(ctypes.c_uint32, _PLUGIN_P, ctypes.c_bool)),
        ("get", ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32, ctypes.c_bool,
                                 ctypes.POINTER(AudioPortInfo))),
    ]


# -- ext/note-ports.h --------------------------------------------------------------------------

class NotePortInfo(ctypes.Structure):
    """``clap_note_port_info_t``."""

    _fields_ = [
        ("id", ctypes.c_uint32),
        ("supported_dialects", ctypes.c_uint32),
        ("preferred_dialect", ctypes.c_uint32),
        ("name", ctypes.c_char * CLAP_NAME_SIZE),
    ]


class PluginNotePorts(ctypes.Structure):
    """``clap_plugin_note_ports_t``."""

    _fields_ = [
        ("count", ctypes.CFUNCTYPE(ctypes.c_uint32, _PLUGIN_P, ctypes.c_bool)),
        ("get", ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32, ctypes.c_bool,
                                 ctypes.POINTER(NotePortInfo))),
    ]


# -- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class InstanceInfo:
    """What one created plugin declares: channel totals and note port counts per direction."""

    audio_inputs: int
    audio_outputs: int
    midi_inputs: int
    midi_outputs: int
    #: Visible parameters in ``get_info`` order, ``id`` the clap_id as a decimal string.
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class InstancesResult:
    """Every plugin of the library: enriched when it could be created, as tier 1 has it when
    not (then ``causes`` says why, by CLAP id)."""

    records: tuple[PluginRecord, ...] = ()
    causes: dict[str, str] = field(default_factory=dict)
    #: Why the library itself could not be used (then ``records`` is empty).
    cause: str = ""


class _InstanceError(Exception):
    pass


# -- the host ----------------------------------------------------------------------------------

_HOSTS: list[tuple[Host, tuple[Any, ...]]] = []


def _host() -> Host:
    """The process's ``clap_host_t``, made once and never freed: a plugin may keep the host
    pointer past ``destroy`` (in a static, a leaked thread...), so it and its callbacks live as
    long as the process."""
    if not _HOSTS:
        def get_extension(host: Any, extension_id: bytes | None) -> int | None:
            # Only clap.latency: DPF's plugins with a latency (ZaMaximX2's lookahead) call
            # its changed() on deactivate without checking that the host has it.
            return ctypes.addressof(latency) if extension_id == CLAP_EXT_LATENCY else None

        def request(host: Any) -> None:
            return None  # nothing is activated or processed: nothing to restart or call back

        latency = HostLatency(_HOST_REQUEST(request))  # nothing to do when it changes
        callbacks = (_HOST_GET_EXTENSION(get_extension), _HOST_REQUEST(request), latency)
        from pluginary import __version__

        host = Host(clap_version=Version(*HOST_CLAP_VERSION), host_data=None, name=HOST_NAME,
                    vendor=HOST_NAME, url=b"", version=__version__.encode(),
                    get_extension=callbacks[0], request_restart=callbacks[1],
                    request_process=callbacks[1], request_callback=callbacks[1])
        _HOSTS.append((host, callbacks))
    return _HOSTS[0][0]


# -- reading -----------------------------------------------------------------------------------

#: Relative size of float32 rounding noise (a few ulps of a 24-bit mantissa).
_FLOAT32_NOISE = 2.0**-21


def _tidy(value: float, span: float) -> float | None:
    """``value`` without float32 rounding noise, as the VST3 reader does: plugins that keep
    their ranges in float (DPF does) hand ``0.1f`` over as ``0.10000000149``; that becomes
    ``0.1``. A value is replaced by its 6-significant-digit form (``FLT_DIG``) only when the two
    differ by noise, so genuine doubles stay as they are. Non-finite values give None."""
    if not math.isfinite(value):
        return None
    if abs(value) <= span * _FLOAT32_NOISE:
        return 0.0
    short = float(f"{value:.6g}")
    return short if abs(short - value) <= abs(value) * _FLOAT32_NOISE else value


def _extension(plugin: Any, pointer: Any, extension_id: bytes, kind: type[ctypes.Structure],
               functions: tuple[str, ...]) -> Any:
    """The plugin's extension struct ``kind``, or None when it does not offer it."""
    address = plugin.get_extension(pointer, extension_id)
    if not address:
        return None
    extension = ctypes.cast(address, ctypes.POINTER(kind)).contents
    for name in functions:
        if not getattr(extension, name):
            raise _InstanceError(f"its {extension_id.decode()} extension has a null {name}()")
    return extension


def _read_parameters(params: Any, pointer: Any) -> tuple[Parameter, ...]:
    found = []
    for index in range(int(params.count(pointer))):
        info = ParamInfo()
        if not params.get_info(pointer, index, ctypes.byref(info)):
            continue
        if info.flags & CLAP_PARAM_IS_HIDDEN:
            continue
        low, high = float(info.min_value), float(info.max_value)
        span = abs(high - low) if math.isfinite(high - low) else 0.0
        found.append(Parameter(
            name=_text(info.name) or str(info.id), id=str(int(info.id)),
            default=_tidy(float(info.default_value), span), min=_tidy(low, span),
            max=_tidy(high, span)))
    return tuple(found)


def _audio_channels(audio: Any, pointer: Any, is_input: bool) -> int:
    """The sum of ``channel_count`` over every audio port of one direction."""
    total = 0
    for index in range(int(audio.count(pointer, is_input))):
        info = AudioPortInfo()
        if audio.get(pointer, index, is_input, ctypes.byref(info)):
            total += int(info.channel_count)
    return total


def _note_ports(notes: Any, pointer: Any, is_input: bool) -> int:
    """How many note ports of one direction the plugin describes."""
    return sum(1 for index in range(int(notes.count(pointer, is_input)))
               if notes.get(pointer, index, is_input, ctypes.byref(NotePortInfo())))


def _instantiate(factory: Any, create: Any, clap_id: bytes) -> InstanceInfo:
    host = _host()
    pointer = create(factory, ctypes.byref(host), clap_id)
    if not pointer:
        raise _InstanceError("create_plugin() returned null")
    plugin = pointer.contents
    if not plugin.destroy:
        raise _InstanceError("the plugin's destroy() is a null pointer")  # left alive
    try:
        if not plugin.init or not plugin.get_extension:
            raise _InstanceError("the plugin's init() or get_extension() is a null pointer")
        if not plugin.init(pointer):
            raise _InstanceError("init() returned false")
        params = _extension(plugin, pointer, CLAP_EXT_PARAMS, PluginParams,
                            ("count", "get_info"))
        audio = _extension(plugin, pointer, CLAP_EXT_AUDIO_PORTS, PluginAudioPorts,
                           ("count", "get"))
        notes = _extension(plugin, pointer, CLAP_EXT_NOTE_PORTS, PluginNotePorts,
                           ("count", "get"))
        parameters = _read_parameters(params, pointer) if params is not None else ()
        return InstanceInfo(
            audio_inputs=_audio_channels(audio, pointer, True) if audio is not None else 0,
            audio_outputs=_audio_channels(audio, pointer, False) if audio is not None else 0,
            midi_inputs=_note_ports(notes, pointer, True) if notes is not None else 0,
            midi_outputs=_note_ports(notes, pointer, False) if notes is not None else 0,
            parameters=parameters)
    finally:
        plugin.destroy(pointer)  # also after a failed init(), as plugin.h asks


def enrich(record: PluginRecord, info: InstanceInfo) -> PluginRecord:
    """The tier-1 ``record`` with what the created plugin showed."""
    return msgspec.structs.replace(
        record, tier=2, parameters=info.parameters, audio_inputs=info.audio_inputs,
        audio_outputs=info.audio_outputs, midi_inputs=info.midi_inputs,
        midi_outputs=info.midi_outputs)


def read_instances(binary: Path, plugin_path: Path | None = None) -> InstancesResult:
    """Create every plugin the factory of ``binary`` lists, one after another, and read its
    parameters and ports. ``plugin_path`` is what ``clap_entry.init`` receives (the bundle on
    macOS). Never raises for a bad plugin (a crash cannot be caught: use a worker)."""
    records: list[PluginRecord] = []
    causes: dict[str, str] = {}
    try:
        with open_factory(binary, plugin_path) as factory:
            found = descriptors(factory)
            if not found:
                return InstancesResult(cause="the plugin factory lists no plugin")
            if not factory.contents.create_plugin:
                raise EntryError("the plugin factory's create_plugin is a null pointer")
            create = _CREATE_PLUGIN(factory.contents.create_plugin)
            for descriptor in found:
                record = to_record(descriptor, binary, plugin_path)
                clap_id = descriptor.id
                try:
                    if not clap_id:
                        raise _InstanceError("its descriptor has no id")
                    info = _instantiate(factory, create, clap_id)
                except _InstanceError as exc:
                    causes[record.uid] = str(exc)
                    records.append(record)
                    continue
                records.append(enrich(record, info))
    except EntryError as exc:
        return InstancesResult(cause=str(exc))
    return InstancesResult(records=tuple(records), causes=causes)
