"""A validation instance's parameters, through the plugin's ``clap.params`` (``ext/params.h``).

- :meth:`Params.infos`: ``count``/``get_info`` as the validation checks want them (plain
  min/max/default; ``CLAP_PARAM_IS_STEPPED`` is ``stepped``, ``CLAP_PARAM_IS_READONLY`` is
  ``read_only``; the key is the ``clap_id`` as a decimal string, as the scan's ids are).
  ``CLAP_PARAM_IS_HIDDEN`` parameters are left out, as the scan leaves them out: params.h says
  they are "currently not used" and need no automation.
- :meth:`Params.value`: ``get_value``.
- :meth:`Params.convert`: ``value_to_text`` then ``text_to_value`` (CLAP's other representation
  of a plain value is its display text).
- :meth:`Params.flush`: ``flush(in, out)``, for values set while no ``process()`` ran.

The structs are those of :mod:`pluginary_clap.instance` (the scan reads the same extension);
the functions the scan leaves untyped are typed here.
"""

from __future__ import annotations

import ctypes
from typing import Any

from pluginary.validation.host import ParamInfo as ValidationParam

from .entry import _text
from .host_events import InputEvents, OutputEvents
from .instance import (
    _PLUGIN_P,
    CLAP_EXT_PARAMS,
    CLAP_NAME_SIZE,
    CLAP_PARAM_IS_HIDDEN,
    CLAP_PARAM_IS_READONLY,
    ParamInfo,
    PluginParams,
    _extension,
)

# ext/params.h
CLAP_PARAM_IS_STEPPED = 1 << 0

_GET_VALUE = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32,
                              ctypes.POINTER(ctypes.c_double))
_VALUE_TO_TEXT = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32, ctypes.c_double,
                                  ctypes.c_void_p, ctypes.c_uint32)
_TEXT_TO_VALUE = ctypes.CFUNCTYPE(ctypes.c_bool, _PLUGIN_P, ctypes.c_uint32, ctypes.c_char_p,
                                  ctypes.POINTER(ctypes.c_double))
_FLUSH = ctypes.CFUNCTYPE(None, _PLUGIN_P, ctypes.POINTER(InputEvents),
                          ctypes.POINTER(OutputEvents))
#: The display text buffer: CLAP sets no size; CLAP_NAME_SIZE is what its example host uses.
TEXT_SIZE = CLAP_NAME_SIZE


class Params:
    """One instance's ``clap.params``; a plugin without it has no parameters."""

    def __init__(self, plugin: Any, pointer: Any) -> None:
        self._pointer = pointer
        ext = _extension(plugin, pointer, CLAP_EXT_PARAMS, PluginParams, ("count", "get_info"))
        self._ext = ext
        self._get_value = _GET_VALUE(ext.get_value) if ext is not None and ext.get_value else None
        self._to_text = (_VALUE_TO_TEXT(ext.value_to_text)
                         if ext is not None and ext.value_to_text else None)
        self._to_value = (_TEXT_TO_VALUE(ext.text_to_value)
                          if ext is not None and ext.text_to_value else None)
        self._flush = _FLUSH(ext.flush) if ext is not None and ext.flush else None
        # Every id the plugin declares (hidden ones too): a value is only ever sent to, or
        # read from, one of these -- DPF indexes its arrays with the id unchecked.
        self.ids = frozenset(int(info.id) for info in self._raw())

    def _raw(self) -> list[ParamInfo]:
        if self._ext is None:
            return []
        found = []
        for index in range(int(self._ext.count(self._pointer))):
            info = ParamInfo()
            if self._ext.get_info(self._pointer, index, ctypes.byref(info)):
                found.append(info)
        return found

    def infos(self) -> list[ValidationParam]:
        """Every visible parameter, in ``get_info`` order, as the plugin reports it now."""
        return [ValidationParam(
            key=str(int(info.id)), name=_text(info.name) or str(int(info.id)),
            minimum=float(info.min_value), maximum=float(info.max_value),
            default=float(info.default_value),
            stepped=bool(info.flags & CLAP_PARAM_IS_STEPPED),
            read_only=bool(info.flags & CLAP_PARAM_IS_READONLY))
            for info in self._raw() if not info.flags & CLAP_PARAM_IS_HIDDEN]

    def param_id(self, key: str) -> int:
        """The ``clap_id`` of a key :meth:`infos` gave; KeyError for any other."""
        try:
            param_id = int(key)
        except ValueError:
            raise KeyError(f"no CLAP parameter {key!r}") from None
        if param_id not in self.ids:
            raise KeyError(f"no CLAP parameter {key!r}")
        return param_id

    def value(self, param_id: int) -> float:
        if self._get_value is None:
            raise RuntimeError("the plugin's clap.params has a null get_value()")
        value = ctypes.c_double()
        if not self._get_value(self._pointer, param_id, ctypes.byref(value)):
            raise RuntimeError(f"clap.params get_value({param_id}) returned false")
        return float(value.value)

    def convert(self, param_id: int, value: float) -> float | None:
        """``value`` to its display text and back; None when the plugin cannot do either."""
        if self._to_text is None or self._to_value is None:
            return None
        text = ctypes.create_string_buffer(TEXT_SIZE)
        if not self._to_text(self._pointer, param_id, value, text, TEXT_SIZE):
            return None
        text[TEXT_SIZE - 1] = b"\0"  # a plugin that fills the buffer may not terminate it
        back = ctypes.c_double()
        if not self._to_value(self._pointer, param_id, text.value, ctypes.byref(back)):
            return None
        return float(back.value)

    def flush(self, inputs: Any, outputs: Any) -> bool:
        """Hand ``inputs`` to the plugin without processing; False when it has no flush()."""
        if self._flush is None:
            return False
        self._flush(self._pointer, inputs, outputs)
        return True
