"""A small ctypes binding to liblilv: only the calls a catalogue scan and the validation glue need.

Neither Debian nor PyPI ships a Python binding for lilv, so this declares the C signatures of the
functions :mod:`pluginary_lv2.reader` and :mod:`pluginary_lv2.host` call, and nothing else.
``lilv_instance_run`` and its siblings are inline functions in ``lilv.h``, not exported: the
host calls the plugin's ``LV2_Descriptor`` itself, through :class:`Instance` and
:class:`Descriptor` (``lilv.h``'s ``struct LilvInstanceImpl``, ``lv2/core/lv2.h``).

Every lilv object is an opaque pointer (``c_void_p``); which returned objects the caller owns,
and must free, is lilv.h's rule and the reader follows it (``owned=True`` where it applies).

The library is found with :func:`ctypes.util.find_library` (``liblilv-0.so.0`` on Debian, from
the ``liblilv-0-0`` package); :func:`load` raises :class:`LilvMissing` with the package to
install when it is absent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache
from typing import Any

P = ctypes.c_void_p
S = ctypes.c_char_p

#: What to install when liblilv cannot be found, per OS.
ADVICE = {
    "linux": "install liblilv (Debian/Ubuntu: apt-get install liblilv-0-0)",
    "darwin": "install lilv (Homebrew: brew install lilv)",
    "win32": "put lilv-0.dll (from an LV2 host such as Ardour or Carla) on PATH",
}


class Descriptor(ctypes.Structure):
    """``LV2_Descriptor`` (``lv2/core/lv2.h``); the functions are declared below."""


_HANDLE = ctypes.c_void_p
Descriptor._fields_ = [
    ("URI", S),
    ("instantiate", ctypes.CFUNCTYPE(_HANDLE, ctypes.POINTER(Descriptor), ctypes.c_double, S,
                                     P)),
    ("connect_port", ctypes.CFUNCTYPE(None, _HANDLE, ctypes.c_uint32, P)),
    ("activate", ctypes.CFUNCTYPE(None, _HANDLE)),
    ("run", ctypes.CFUNCTYPE(None, _HANDLE, ctypes.c_uint32)),
    ("deactivate", ctypes.CFUNCTYPE(None, _HANDLE)),
    ("cleanup", ctypes.CFUNCTYPE(None, _HANDLE)),
    ("extension_data", ctypes.CFUNCTYPE(P, S)),
]


class Instance(ctypes.Structure):
    """``struct LilvInstanceImpl``: public in ``lilv.h`` so that its inline functions can reach
    the descriptor and the handle, which is what the host does too."""

    _fields_ = [("lv2_descriptor", ctypes.POINTER(Descriptor)),
                ("lv2_handle", _HANDLE), ("pimpl", P)]


# name: (restype, argtypes). Only what the reader and host call: a missing one fails load().
SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "lilv_free": (None, [P]),
    "lilv_file_uri_parse": (P, [S, P]),
    "lilv_new_uri": (P, [P, S]),
    "lilv_new_file_uri": (P, [P, S, S]),
    "lilv_node_free": (None, [P]),
    "lilv_node_as_uri": (S, [P]),
    "lilv_node_as_string": (S, [P]),
    "lilv_node_is_uri": (ctypes.c_bool, [P]),
    "lilv_node_is_float": (ctypes.c_bool, [P]),
    "lilv_node_is_int": (ctypes.c_bool, [P]),
    "lilv_node_as_float": (ctypes.c_float, [P]),
    "lilv_nodes_free": (None, [P]),
    "lilv_nodes_size": (ctypes.c_uint, [P]),
    "lilv_nodes_begin": (P, [P]),
    "lilv_nodes_get": (P, [P, P]),
    "lilv_nodes_next": (P, [P, P]),
    "lilv_nodes_is_end": (ctypes.c_bool, [P, P]),
    "lilv_plugins_begin": (P, [P]),
    "lilv_plugins_get": (P, [P, P]),
    "lilv_plugins_next": (P, [P, P]),
    "lilv_plugins_is_end": (ctypes.c_bool, [P, P]),
    "lilv_plugin_classes_get_by_uri": (P, [P, P]),
    "lilv_plugin_class_get_uri": (P, [P]),
    "lilv_plugin_class_get_parent_uri": (P, [P]),
    "lilv_plugin_class_get_label": (P, [P]),
    "lilv_world_new": (P, []),
    "lilv_world_free": (None, [P]),
    "lilv_world_load_all": (None, [P]),
    "lilv_world_load_bundle": (None, [P, P]),
    "lilv_world_unload_bundle": (ctypes.c_int, [P, P]),
    "lilv_world_load_specifications": (None, [P]),
    "lilv_world_load_plugin_classes": (None, [P]),
    "lilv_world_get_plugin_classes": (P, [P]),
    "lilv_world_get_all_plugins": (P, [P]),
    "lilv_world_get": (P, [P, P, P, P]),
    "lilv_plugin_get_uri": (P, [P]),
    "lilv_plugin_get_bundle_uri": (P, [P]),
    "lilv_plugin_get_library_uri": (P, [P]),
    "lilv_plugin_get_name": (P, [P]),
    "lilv_plugin_get_class": (P, [P]),
    "lilv_plugin_get_value": (P, [P, P]),
    "lilv_plugin_get_required_features": (P, [P]),
    "lilv_plugin_get_num_ports": (ctypes.c_uint32, [P]),
    "lilv_plugin_get_port_ranges_float": (None, [P, ctypes.POINTER(ctypes.c_float),
                                                 ctypes.POINTER(ctypes.c_float),
                                                 ctypes.POINTER(ctypes.c_float)]),
    "lilv_plugin_get_port_by_index": (P, [P, ctypes.c_uint32]),
    "lilv_plugin_get_author_name": (P, [P]),
    "lilv_plugin_get_author_homepage": (P, [P]),
    "lilv_plugin_get_related": (P, [P, P]),
    "lilv_port_get_value": (P, [P, P, P]),
    "lilv_port_get_symbol": (P, [P, P]),
    "lilv_port_get_name": (P, [P, P]),
    "lilv_port_is_a": (ctypes.c_bool, [P, P, P]),
    "lilv_port_has_property": (ctypes.c_bool, [P, P, P]),
    "lilv_port_supports_event": (ctypes.c_bool, [P, P, P]),
    # The validation host's calls.
    "lilv_plugins_get_by_uri": (P, [P, P]),
    "lilv_plugin_instantiate": (ctypes.POINTER(Instance), [P, ctypes.c_double, P]),
    "lilv_instance_free": (None, [ctypes.POINTER(Instance)]),
}


class LilvMissing(RuntimeError):
    """liblilv is not installed (or lacks a function this binding needs)."""


def advice(platform: str = sys.platform) -> str:
    """What to install to get liblilv on ``platform``."""
    key = "linux" if platform.startswith("linux") else platform
    return ADVICE.get(key, "install liblilv")


def library_name() -> str | None:
    """The file name :func:`load` would open, or None when lilv is not installed."""
    return ctypes.util.find_library("lilv-0")


@cache
def load() -> Any:
    """liblilv with the signatures above declared; raises :class:`LilvMissing`."""
    name = library_name()
    if name is None:
        raise LilvMissing(f"liblilv is not installed: {advice()}")
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise LilvMissing(f"cannot load {name}: {exc}; {advice()}") from exc
    for function, (restype, argtypes) in SIGNATURES.items():
        try:
            fn = getattr(lib, function)
        except AttributeError as exc:
            raise LilvMissing(f"{name} lacks {function}: lilv 0.24 or newer is needed") from exc
        fn.restype = restype
        fn.argtypes = argtypes
    return lib
