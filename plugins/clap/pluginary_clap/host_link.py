"""The ``clap_host_t`` one validation instance sees (``host.h``), with the host extensions a
plugin may call while it is validated.

Unlike the scan's process-wide host (:func:`pluginary_clap.instance._host`), each instance gets
its own ``clap_host_t`` whose ``host_data`` points at its :class:`Requests`: what the plugin
asked the host for (``request_callback``, ``request_restart``, ``clap.params``
``request_flush``) is recorded for that instance only, so two instances on two threads never
see each other's requests. The callbacks themselves are shared and keep no state.

Host extensions offered (``get_extension``):

- ``clap.latency`` (``changed``): DPF's wrapper calls it on ``deactivate`` without checking that
  the host has it (ZaMaximX2); nothing to do, :meth:`~pluginary_clap.host.ClapInstance.latency`
  asks the plugin each time.
- ``clap.params`` (``rescan``, ``clear``, ``request_flush``): DPF calls ``rescan`` after a state
  load when offered. The host caches no value or info, so ``rescan``/``clear`` have nothing to
  drop; ``request_flush`` makes the instance flush before its next parameter read.
- ``clap.state`` (``mark_dirty``): the host saves only when asked, so a dirty mark changes
  nothing.

A host lives as long as the process (a few hundred bytes per instance): a plugin may keep the
host pointer past ``destroy`` (in a static, a leaked thread), as the scan's host comment says.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

from .entry import Version
from .instance import (
    _HOST_GET_EXTENSION,
    _HOST_P,
    _HOST_REQUEST,
    CLAP_EXT_LATENCY,
    CLAP_EXT_PARAMS,
    HOST_CLAP_VERSION,
    HOST_NAME,
    Host,
    HostLatency,
)

CLAP_EXT_STATE = b"clap.state"


class Requests(ctypes.Structure):
    """What the plugin asked of its host since the instance last looked (any thread may set a
    flag; the instance clears it on its own thread)."""

    _fields_ = [("callback", ctypes.c_bool), ("restart", ctypes.c_bool),
                ("process", ctypes.c_bool), ("flush", ctypes.c_bool),
                ("dirty", ctypes.c_bool)]


_RESCAN = ctypes.CFUNCTYPE(None, _HOST_P, ctypes.c_uint32)
_CLEAR = ctypes.CFUNCTYPE(None, _HOST_P, ctypes.c_uint32, ctypes.c_uint32)


class HostParams(ctypes.Structure):
    """``clap_host_params_t`` (ext/params.h)."""

    _fields_ = [("rescan", _RESCAN), ("clear", _CLEAR), ("request_flush", _HOST_REQUEST)]


class HostState(ctypes.Structure):
    """``clap_host_state_t`` (ext/state.h)."""

    _fields_ = [("mark_dirty", _HOST_REQUEST)]


def _requests(host: Any) -> Any:
    return ctypes.cast(host.contents.host_data, ctypes.POINTER(Requests)).contents


def _flag(name: str) -> Any:
    def request(host: Any) -> None:
        setattr(_requests(host), name, True)
    return _HOST_REQUEST(request)


def _nothing(*args: Any) -> None:
    return None  # the host caches nothing a rescan or clear would invalidate


_REQUEST_CALLBACK = _flag("callback")
_REQUEST_RESTART = _flag("restart")
_REQUEST_PROCESS = _flag("process")
_LATENCY = HostLatency(_HOST_REQUEST(_nothing))
_PARAMS = HostParams(_RESCAN(_nothing), _CLEAR(_nothing), _flag("flush"))
_STATE = HostState(_flag("dirty"))
_EXTENSIONS = {CLAP_EXT_LATENCY: _LATENCY, CLAP_EXT_PARAMS: _PARAMS, CLAP_EXT_STATE: _STATE}


def _get_extension(host: Any, extension_id: bytes | None) -> int | None:
    found = _EXTENSIONS.get(extension_id or b"")
    return ctypes.addressof(found) if found is not None else None


_GET_EXTENSION = _HOST_GET_EXTENSION(_get_extension)

_LIVE: list[tuple[Host, Requests]] = []
_LIVE_LOCK = threading.Lock()


def make_host() -> tuple[Host, Requests]:
    """A new ``clap_host_t`` and the requests its plugin makes, kept for the process."""
    from pluginary import __version__

    requests = Requests()
    host = Host(clap_version=Version(*HOST_CLAP_VERSION),
                host_data=ctypes.addressof(requests), name=HOST_NAME, vendor=HOST_NAME,
                url=b"", version=__version__.encode(), get_extension=_GET_EXTENSION,
                request_restart=_REQUEST_RESTART, request_process=_REQUEST_PROCESS,
                request_callback=_REQUEST_CALLBACK)
    with _LIVE_LOCK:
        _LIVE.append((host, requests))
    return host, requests
