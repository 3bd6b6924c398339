"""Tier 2 details of VST3 classes through ctypes: buses and parameters, with real ParamIDs.

What a host does to learn a class's I/O and parameters, without audio, state or UI:

1. ``dlopen`` the binary (``RTLD_LOCAL``), the module entry (``ModuleEntry`` on Linux,
   ``bundleEntry``/``InitDll`` elsewhere -- :func:`pluginary_vst3.factory._module_entry`, which
   also calls the matching exit), ``GetPluginFactory()``;
2. ``IPluginFactory::createInstance(cid, IComponent)`` and ``IComponent::initialize(host)``, where
   ``host`` is a Python-made ``IHostApplication`` (``getName`` answers "Pluginary",
   ``createInstance`` answers ``kNoInterface``: no ``IMessage``/``IAttributeList`` is offered);
3. ``getBusCount``/``getBusInfo`` for audio and event buses, inputs and outputs;
4. the edit controller: ``queryInterface(IEditController)`` on the component (single-component
   plugins: the controller is the component, so it is not initialised again, as the SDK's
   ``PlugProvider`` does), else ``getControllerClassId`` + ``createInstance(IEditController)`` +
   ``initialize(host)``; then ``setComponentHandler`` (a Python-made ``IComponentHandler``
   answering ``kResultOk``), ``getParameterCount``, ``getParameterInfo``, and
   ``normalizedParamToPlain`` at 0, 1 and the default (``getParamStringByValue`` too where the
   plain value is only the normalised one: :mod:`pluginary_vst3.parameters`);
5. ``setComponentHandler(nullptr)``, ``IComponent::terminate``, controller ``terminate`` (when
   separate), then ``release`` of controller, component and factory. Never ``dlclose``.

Deliberately skipped: connecting component and controller through ``IConnectionPoint`` (a
connected DPF plugin sends ``IMessage``s it asks the host to create, which this host does not
implement; parameter metadata does not depend on it), ``setComponentState`` (it carries current
values, not ranges), ``setupProcessing``/``setActive`` (no audio is processed) and ``createView``.

Parameters flagged ``kIsHidden`` are left out: DAWs do not show them, and they are what plugin
frameworks add for the host's plumbing (DPF's 16 x 130 "MIDI Ch. N CC M" of MIDI-input plugins,
its "Buffer Size", "Sample Rate" and "Current Program"). JUCE's "MIDI CC n|m" parameters are not
flagged hidden, so they are left out by name, as :mod:`pluginary_vst3.deep` does. Read-only
(``kIsReadOnly``) parameters -- meters such as a compressor's "Gain Reduction" -- are kept: they
are declared parameters a host lists (pedalboard lists them too); ``include_hidden`` and
``include_read_only`` change the two choices.

Vtable slots (pluginterfaces ``funknown.h``, ``ipluginbase.h``, ``ivstcomponent.h``,
``ivsteditcontroller.h``; DPF's travesty ``base.h``, ``component.h``, ``edit_controller.h``):
FUnknown 0-2; IPluginBase ``initialize`` 3, ``terminate`` 4; IComponent
``getControllerClassId`` 5, ``setIoMode`` 6, ``getBusCount`` 7, ``getBusInfo`` 8,
``getRoutingInfo`` 9, ``activateBus`` 10, ``setActive`` 11, ``setState`` 12, ``getState`` 13;
IEditController ``setComponentState`` 5, ``setState`` 6, ``getState`` 7, ``getParameterCount`` 8,
``getParameterInfo`` 9, ``getParamStringByValue`` 10, ``getParamValueByString`` 11,
``normalizedParamToPlain`` 12, ``plainParamToNormalized`` 13, ``getParamNormalized`` 14,
``setParamNormalized`` 15, ``setComponentHandler`` 16, ``createView`` 17. Structs use natural
alignment on Linux (``falignpush.h`` packs only on Windows and 64-bit macOS, where the packing
does not change these two structs).

Like :func:`~pluginary_vst3.factory.read_factory`, this runs plugin code in the calling process:
call it in a disposable scan worker. Loading a module pedalboard already loaded in the same
process is fine (``dlopen`` returns the same handle and the module entry is reference-counted).
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pluginary.models import Parameter

from .diagnose import explain_load_error
from .factory import (
    _FUNCTYPE,
    _QUERY_INTERFACE,
    _RELEASE,
    _SLOT_QUERY_INTERFACE,
    _SLOT_RELEASE,
    _FactoryError,
    _method,
    _module_entry,
    _symbol,
    cid_to_hex,
    inline_uid,
)
from .host import (
    _IS_WINDOWS,
    _K_RESULT_OK,
    IID_ICOMPONENTHANDLER,
    IID_IHOSTAPPLICATION,
    _host_objects,
    _HostObject,
)
from .parameters import (
    _read_parameters,
    _String128,
    _string128,
)

__all__ = [
    "IID_ICOMPONENT",
    "IID_ICOMPONENTHANDLER",
    "IID_IEDITCONTROLLER",
    "IID_IHOSTAPPLICATION",
    "Bus",
    "ComponentInfo",
    "ComponentsResult",
    "hex_to_cid",
    "read_components",
]

#: DECLARE_CLASS_IID values (``ivstcomponent.h``, ``ivsteditcontroller.h``,
#: ``ivsthostapplication.h``; travesty ``component.h``, ``edit_controller.h``, ``host.h``).
IID_ICOMPONENT = (0xE831FF31, 0xF2D54301, 0x928EBBEE, 0x25697802)
IID_IEDITCONTROLLER = (0xDCD7BBE3, 0x7742448D, 0xA874AACC, 0x979C759E)


# MediaTypes, BusDirections, BusTypes, BusFlags (ivstcomponent.h)
_K_AUDIO, _K_EVENT = 0, 1
_K_INPUT, _K_OUTPUT = 0, 1
_K_MAIN = 0
_K_DEFAULT_ACTIVE = 1 << 0

_vp = ctypes.c_void_p


class BusInfo(ctypes.Structure):
    """``Steinberg::Vst::BusInfo``."""

    _fields_ = (
        ("mediaType", ctypes.c_int32),
        ("direction", ctypes.c_int32),
        ("channelCount", ctypes.c_int32),
        ("name", _String128),
        ("busType", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
    )


_TUID = ctypes.c_ubyte * 16

# Calls into the plugin.
_CREATE_INSTANCE = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_char_p, ctypes.c_char_p,
                             ctypes.POINTER(_vp))
_INITIALIZE = _FUNCTYPE(ctypes.c_int32, _vp, _vp)
_TERMINATE = _FUNCTYPE(ctypes.c_int32, _vp)
_GET_CONTROLLER_CLASS_ID = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.POINTER(_TUID))
_GET_BUS_COUNT = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32, ctypes.c_int32)
_GET_BUS_INFO = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32,
                          ctypes.POINTER(BusInfo))
_SET_COMPONENT_HANDLER = _FUNCTYPE(ctypes.c_int32, _vp, _vp)

_SLOT_FACTORY_CREATE_INSTANCE = 6
_SLOT_INITIALIZE = 3
_SLOT_TERMINATE = 4
_SLOT_GET_CONTROLLER_CLASS_ID = 5
_SLOT_GET_BUS_COUNT = 7
_SLOT_GET_BUS_INFO = 8
_SLOT_SET_COMPONENT_HANDLER = 16

@dataclass(frozen=True)
class Bus:
    """One ``BusInfo``: ``media`` is "audio" or "event", ``direction`` "input" or "output"."""

    media: str
    direction: str
    index: int
    name: str
    channels: int
    main: bool
    default_active: bool


@dataclass(frozen=True)
class ComponentInfo:
    """What one instantiated class declares.

    Channel counts are totals over all audio buses of a direction (main and aux, active by
    default or not); ``midi_inputs``/``midi_outputs`` count event buses.
    """

    class_id: str
    audio_inputs: int
    audio_outputs: int
    midi_inputs: int
    midi_outputs: int
    #: Visible parameters in ``getParameterInfo`` order, ``id`` the ParamID as a decimal string.
    parameters: tuple[Parameter, ...] = ()
    buses: tuple[Bus, ...] = ()
    #: "component" (single-component: the component is its controller), "separate" or "".
    controller: str = ""
    controller_class_id: str = ""
    #: How many parameters ``getParameterCount`` reports, and how many were left out.
    parameter_count: int = 0
    skipped_parameters: int = 0
    #: Why no parameters could be read (no controller...); empty when they were.
    parameter_cause: str = ""
    seconds: float = 0.0

    @property
    def parameters_ok(self) -> bool:
        return not self.parameter_cause


@dataclass(frozen=True)
class ComponentsResult:
    """The classes that could be read, and why the others could not."""

    components: dict[str, ComponentInfo] = field(default_factory=dict)
    #: class id -> one line saying why that class could not be read.
    causes: dict[str, str] = field(default_factory=dict)
    #: Why the module itself could not be used (then every requested class is in ``causes``).
    cause: str = ""

    @property
    def ok(self) -> bool:
        return not self.cause and not self.causes


class _ComponentError(Exception):
    pass


def hex_to_cid(uid: str, *, com_compatible: bool = _IS_WINDOWS) -> bytes:
    """The 16 memory bytes of a class id written as :func:`cid_to_hex` writes it (its inverse:
    the hex is ``l1..l4`` of ``INLINE_UID`` on every platform, the memory layout is not)."""
    if len(uid) != 32:
        raise ValueError(f"a VST3 class id has 32 hex digits, not {len(uid)}: {uid!r}")
    words = [int(uid[i : i + 8], 16) for i in range(0, 32, 8)]
    return inline_uid(*words, com_compatible=com_compatible)


def _release(obj: int) -> None:
    _method(obj, _SLOT_RELEASE, _RELEASE)(obj)


def _create(factory: int, cid: bytes, iid: tuple[int, int, int, int], what: str) -> int:
    out = _vp()
    result = _method(factory, _SLOT_FACTORY_CREATE_INSTANCE, _CREATE_INSTANCE)(
        factory, cid, inline_uid(*iid), ctypes.byref(out))
    if result != _K_RESULT_OK or not out.value:
        if out.value:
            _release(out.value)
        raise _ComponentError(f"createInstance({what}) returned {result}")
    return int(out.value)


def _read_buses(component: int) -> tuple[Bus, ...]:
    count = _method(component, _SLOT_GET_BUS_COUNT, _GET_BUS_COUNT)
    get_info = _method(component, _SLOT_GET_BUS_INFO, _GET_BUS_INFO)
    buses = []
    for media, media_name in ((_K_AUDIO, "audio"), (_K_EVENT, "event")):
        for direction, direction_name in ((_K_INPUT, "input"), (_K_OUTPUT, "output")):
            for index in range(max(int(count(component, media, direction)), 0)):
                info = BusInfo()
                if get_info(component, media, direction, index,
                            ctypes.byref(info)) != _K_RESULT_OK:
                    continue
                buses.append(Bus(media=media_name, direction=direction_name, index=index,
                                 name=_string128(info.name),
                                 channels=max(int(info.channelCount), 0),
                                 main=info.busType == _K_MAIN,
                                 default_active=bool(info.flags & _K_DEFAULT_ACTIVE)))
    return tuple(buses)


def _read_class(factory: int, uid: str, host: _HostObject, handler: _HostObject, *,
                include_hidden: bool, include_read_only: bool) -> ComponentInfo:
    started = time.perf_counter()
    cid = hex_to_cid(uid)
    component = _create(factory, cid, IID_ICOMPONENT, "IComponent")
    component_initialized = False
    controller: int | None = None
    controller_kind = controller_cid = ""
    controller_initialized = handler_set = False
    try:
        result = _method(component, _SLOT_INITIALIZE, _INITIALIZE)(component, host.pointer)
        if result != _K_RESULT_OK:
            raise _ComponentError(f"IComponent::initialize returned {result}")
        component_initialized = True
        buses = _read_buses(component)

        parameter_cause = ""
        queried = _vp()
        if (_method(component, _SLOT_QUERY_INTERFACE, _QUERY_INTERFACE)(
                component, inline_uid(*IID_IEDITCONTROLLER), ctypes.byref(queried))
                == _K_RESULT_OK and queried.value):
            controller, controller_kind = int(queried.value), "component"
        else:
            tuid = _TUID()
            got = _method(component, _SLOT_GET_CONTROLLER_CLASS_ID, _GET_CONTROLLER_CLASS_ID)(
                component, ctypes.byref(tuid))
            if got == _K_RESULT_OK and any(bytes(tuid)):
                controller_cid = cid_to_hex(bytes(tuid))
                try:
                    controller = _create(factory, bytes(tuid), IID_IEDITCONTROLLER,
                                         f"IEditController {controller_cid}")
                    controller_kind = "separate"
                    result = _method(controller, _SLOT_INITIALIZE, _INITIALIZE)(
                        controller, host.pointer)
                    if result != _K_RESULT_OK:
                        parameter_cause = f"IEditController::initialize returned {result}"
                    else:
                        controller_initialized = True
                except _ComponentError as exc:
                    parameter_cause = str(exc)
            else:
                parameter_cause = ("the component is no IEditController and names no "
                                   f"controller class (getControllerClassId returned {got})")

        count = 0
        parameters: tuple[Parameter, ...] = ()
        if controller is not None and not parameter_cause:
            set_handler = _method(controller, _SLOT_SET_COMPONENT_HANDLER, _SET_COMPONENT_HANDLER)
            handler_set = set_handler(controller, handler.pointer) == _K_RESULT_OK
            count, parameters = _read_parameters(controller, include_hidden=include_hidden,
                                                 include_read_only=include_read_only)
    finally:
        # PlugProvider::terminatePlugin order: component, then a separate controller; the
        # controller's reference goes before the component's (DPF warns otherwise).
        if controller is not None and handler_set:
            _method(controller, _SLOT_SET_COMPONENT_HANDLER, _SET_COMPONENT_HANDLER)(
                controller, None)
        if component_initialized:
            _method(component, _SLOT_TERMINATE, _TERMINATE)(component)
        if controller is not None:
            if controller_initialized:
                _method(controller, _SLOT_TERMINATE, _TERMINATE)(controller)
            _release(controller)
        _release(component)

    def total(media: str, direction: str) -> int:
        return sum(b.channels for b in buses if b.media == media and b.direction == direction)

    return ComponentInfo(
        class_id=uid,
        audio_inputs=total("audio", "input"),
        audio_outputs=total("audio", "output"),
        midi_inputs=sum(1 for b in buses if b.media == "event" and b.direction == "input"),
        midi_outputs=sum(1 for b in buses if b.media == "event" and b.direction == "output"),
        parameters=parameters,
        buses=buses,
        controller=controller_kind,
        controller_class_id=controller_cid,
        parameter_count=count,
        skipped_parameters=count - len(parameters) if not parameter_cause else 0,
        parameter_cause=parameter_cause,
        seconds=time.perf_counter() - started,
    )


def read_components(
    binary: Path,
    class_ids: Sequence[str],
    *,
    bundle: Path | None = None,
    include_hidden: bool = False,
    include_read_only: bool = True,
) -> ComponentsResult:
    """Instantiate each class of ``binary`` named in ``class_ids`` (32 hex digits, as tier 1
    gives them) and read its buses and parameters.

    Never raises for a bad plugin (a crash cannot be caught: use a worker). ``bundle`` matters
    on macOS only (``bundleEntry`` takes it); it defaults to the folder three levels up.
    """
    uids = [uid.upper() for uid in class_ids]
    for uid in uids:
        hex_to_cid(uid)  # a malformed id is the caller's bug: ValueError now, before loading
    if bundle is None:
        bundle = binary.parents[2] if len(binary.parents) > 2 else binary.parent

    def failed(cause: str) -> ComponentsResult:
        return ComponentsResult(causes=dict.fromkeys(uids, cause), cause=cause)

    mode = getattr(os, "RTLD_LOCAL", 0) | getattr(os, "RTLD_NOW", 0)
    try:
        lib = ctypes.CDLL(str(binary), mode=mode)
    except OSError as exc:
        return failed(explain_load_error(str(exc), binary))
    get_factory = _symbol(lib, "GetPluginFactory")
    if get_factory is None:
        return failed("not a VST3 module: it exports no GetPluginFactory")
    get_factory.restype = _vp
    get_factory.argtypes = []
    host, handler = _host_objects()
    components: dict[str, ComponentInfo] = {}
    causes: dict[str, str] = {}
    try:
        with _module_entry(lib, binary, bundle):
            factory = get_factory()
            if not factory:
                return failed("GetPluginFactory() returned null")
            try:
                for uid in uids:
                    try:
                        components[uid] = _read_class(
                            int(factory), uid, host, handler, include_hidden=include_hidden,
                            include_read_only=include_read_only)
                    except (_ComponentError, _FactoryError) as exc:
                        causes[uid] = str(exc)
            finally:
                _release(int(factory))
    except _FactoryError as exc:
        return failed(str(exc))
    return ComponentsResult(components=components, causes=causes)
