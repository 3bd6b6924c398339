"""The host side of a VST3 instantiation: COM objects made in Python for the plugin to call.

A plugin's ``initialize`` receives an ``IHostApplication`` (``getName`` answers "Pluginary",
``createInstance`` answers ``kNoInterface``: no ``IMessage``/``IAttributeList`` is offered), and
its edit controller an ``IComponentHandler`` (every edit answers ``kResultOk``). Both are made
once per process and never freed (see :func:`_host_objects`).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Sequence
from typing import Any

from .factory import _FUNCTYPE, IID_FUNKNOWN, inline_uid

IID_IHOSTAPPLICATION = (0x58E595CC, 0xDB2D4969, 0x8B6AAF8C, 0x36A664E5)
IID_ICOMPONENTHANDLER = (0x93A0BEA3, 0x0BD045DB, 0x8E890B0C, 0xC1E46AC6)

_IS_WINDOWS = sys.platform == "win32"

# tresult (funknown.h): the COM HRESULTs on Windows, small integers elsewhere.
_K_RESULT_OK = 0
_K_NO_INTERFACE = -2147467262 if _IS_WINDOWS else -1  # 0x80004002

_HOST_NAME = "Pluginary"

_vp = ctypes.c_void_p

# Callbacks the plugin makes into the host objects.
_CB_QUERY_INTERFACE = _FUNCTYPE(ctypes.c_int32, _vp, _vp, ctypes.POINTER(_vp))
_CB_REF = _FUNCTYPE(ctypes.c_uint32, _vp)
_CB_GET_NAME = _FUNCTYPE(ctypes.c_int32, _vp, _vp)
_CB_CREATE_INSTANCE = _FUNCTYPE(ctypes.c_int32, _vp, _vp, _vp, ctypes.POINTER(_vp))
_CB_PARAM_ID = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_uint32)
_CB_PERFORM_EDIT = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_uint32, ctypes.c_double)
_CB_RESTART = _FUNCTYPE(ctypes.c_int32, _vp, ctypes.c_int32)


class _HostObject:
    """A COM object made in Python: a pointer to a vtable of ctypes callbacks.

    It answers ``queryInterface`` for FUnknown and ``iid`` with itself and counts references
    without ever freeing: the owner keeps it (and the callbacks) alive until the plugin is gone.
    """

    def __init__(self, iid: tuple[int, int, int, int], methods: Sequence[Any]) -> None:
        self._iids = (inline_uid(*IID_FUNKNOWN), inline_uid(*iid))
        self.refs = 1
        self._callbacks = (
            _CB_QUERY_INTERFACE(self._query_interface),
            _CB_REF(self._add_ref),
            _CB_REF(self._release),
            *methods,
        )
        self._vtable = (_vp * len(self._callbacks))(
            *(ctypes.cast(cb, _vp).value for cb in self._callbacks)
        )
        self._object = (_vp * 1)(ctypes.addressof(self._vtable))
        self.pointer: int = ctypes.addressof(self._object)

    def _query_interface(self, this: int | None, iid: int | None, obj: Any) -> int:
        if not obj:
            return _K_NO_INTERFACE
        if iid and ctypes.string_at(iid, 16) in self._iids:
            self.refs += 1
            obj[0] = self.pointer
            return _K_RESULT_OK
        obj[0] = None
        return _K_NO_INTERFACE

    def _add_ref(self, this: int | None) -> int:
        self.refs += 1
        return self.refs

    def _release(self, this: int | None) -> int:
        self.refs = max(self.refs - 1, 0)
        return self.refs


def _host_application() -> _HostObject:
    name = _HOST_NAME.encode("utf-16-le") + b"\0\0"

    def get_name(this: int | None, out: int | None) -> int:
        if not out:
            return 2  # kInvalidArgument (non-Windows value; never reached in practice)
        ctypes.memmove(out, name, len(name))
        return _K_RESULT_OK

    def create_instance(this: int | None, cid: int | None, iid: int | None, obj: Any) -> int:
        if obj:
            obj[0] = None
        return _K_NO_INTERFACE

    return _HostObject(IID_IHOSTAPPLICATION,
                       (_CB_GET_NAME(get_name), _CB_CREATE_INSTANCE(create_instance)))


def _component_handler() -> _HostObject:
    def edit(this: int | None, param_id: int) -> int:
        return _K_RESULT_OK

    def perform_edit(this: int | None, param_id: int, value: float) -> int:
        return _K_RESULT_OK

    def restart(this: int | None, flags: int) -> int:
        return _K_RESULT_OK

    return _HostObject(IID_ICOMPONENTHANDLER, (
        _CB_PARAM_ID(edit), _CB_PERFORM_EDIT(perform_edit), _CB_PARAM_ID(edit),
        _CB_RESTART(restart)))


_HOST_OBJECTS: list[tuple[_HostObject, _HostObject]] = []


def _host_objects() -> tuple[_HostObject, _HostObject]:
    """The process's host application and component handler, made once and never freed.

    A plugin may keep the host pointer past ``terminate`` (in a static, a leaked instance...):
    the callbacks must outlive every call, so they live as long as the process.
    """
    if not _HOST_OBJECTS:
        _HOST_OBJECTS.append((_host_application(), _component_handler()))
    return _HOST_OBJECTS[0]
