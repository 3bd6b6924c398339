"""The events a validation instance hands its CLAP plugin (``events.h``; CLAP 1.x).

The host sends one kind: ``CLAP_EVENT_PARAM_VALUE`` (:class:`ParamValueEvent`), for the values
:meth:`pluginary_clap.host.ClapInstance.set` queues; they reach the plugin through the next
``process()`` call's ``in_events`` or through ``clap.params`` ``flush()``. What the plugin sends
back (output parameter values, gestures) is taken and dropped: the checks read values through
``params.get_value``.

Each instance owns its :class:`EventQueue` (the events and the ``clap_input_events_t`` pointing
at them). The ``size``/``get``/``try_push`` callbacks are shared by all instances because they
keep nothing: they read the list through the ``ctx`` pointer of the struct the plugin passes
back, so two instances processing on two threads never touch each other's events.
"""

from __future__ import annotations

import ctypes
from typing import Any

_vp = ctypes.c_void_p

# events.h
CLAP_CORE_EVENT_SPACE_ID = 0
#: The sixth of the core event types: NOTE_ON, NOTE_OFF, NOTE_CHOKE, NOTE_END, NOTE_EXPRESSION,
#: PARAM_VALUE.
CLAP_EVENT_PARAM_VALUE = 5


class EventHeader(ctypes.Structure):
    """``clap_event_header_t``."""

    _fields_ = [("size", ctypes.c_uint32), ("time", ctypes.c_uint32),
                ("space_id", ctypes.c_uint16), ("type", ctypes.c_uint16),
                ("flags", ctypes.c_uint32)]


class ParamValueEvent(ctypes.Structure):
    """``clap_event_param_value_t``."""

    _fields_ = [("header", EventHeader), ("param_id", ctypes.c_uint32), ("cookie", _vp),
                ("note_id", ctypes.c_int32), ("port_index", ctypes.c_int16),
                ("channel", ctypes.c_int16), ("key", ctypes.c_int16),
                ("value", ctypes.c_double)]


class InputEvents(ctypes.Structure):
    """``clap_input_events_t``."""


class OutputEvents(ctypes.Structure):
    """``clap_output_events_t``."""


_SIZE = ctypes.CFUNCTYPE(ctypes.c_uint32, ctypes.POINTER(InputEvents))
_GET = ctypes.CFUNCTYPE(_vp, ctypes.POINTER(InputEvents), ctypes.c_uint32)
_PUSH = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.POINTER(OutputEvents), _vp)
InputEvents._fields_ = [("ctx", _vp), ("size", _SIZE), ("get", _GET)]
OutputEvents._fields_ = [("ctx", _vp), ("try_push", _PUSH)]


class _EventList(ctypes.Structure):
    """What an :class:`InputEvents`' ``ctx`` points at: the events of one delivery."""

    _fields_ = [("count", ctypes.c_uint32), ("events", ctypes.POINTER(_vp))]


def _list_of(events: Any) -> Any:
    return ctypes.cast(events.contents.ctx, ctypes.POINTER(_EventList)).contents


def _size(events: Any) -> int:
    return int(_list_of(events).count)


def _get(events: Any, index: int) -> int | None:
    found = _list_of(events)
    # events.h leaves an index past the end undefined; a null answer is the safe one.
    return int(found.events[index]) if index < found.count else None


def _push(events: Any, event: Any) -> bool:
    return True  # taken: the host does not need what the plugin reports (see module doc)


# Module-wide on purpose: they keep no state (see the module docstring), and one set of
# thunks for the process is cheaper than one per instance.
_CALLBACKS = (_SIZE(_size), _GET(_get), _PUSH(_push))


class EventQueue:
    """One instance's pending parameter values and the event lists that deliver them.

    Not thread-safe by itself: an instance is driven by one thread at a time (its ``run``,
    ``set``, ``get`` are never called concurrently), as a CLAP plugin's audio thread is one.
    """

    def __init__(self) -> None:
        self._pending: dict[int, float] = {}
        self._list = _EventList(0, None)
        self.inputs = InputEvents(ctypes.addressof(self._list), _CALLBACKS[0], _CALLBACKS[1])
        #: Where the plugin's output events go (dropped).
        self.outputs = OutputEvents(None, _CALLBACKS[2])
        # The arrays of the last delivery: kept alive until the next one replaces them.
        self._kept: tuple[Any, ...] = ()

    def set(self, param_id: int, value: float) -> None:
        """Queue a value; a later one for the same parameter replaces it (only the last value
        before a block matters, and the plugin sees each parameter once)."""
        self._pending[param_id] = value

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def take(self) -> Any:
        """A ``clap_input_events_t *`` holding every queued value (at sample 0), which are no
        longer queued; an empty list when none is. Valid until the next call."""
        values = list(self._pending.items())
        self._pending.clear()
        events = (ParamValueEvent * max(1, len(values)))(*(
            ParamValueEvent(
                # cookie null: params.h lets a host not implement cookies; note/port/channel/
                # key -1: the value is global, not per note.
                EventHeader(ctypes.sizeof(ParamValueEvent), 0, CLAP_CORE_EVENT_SPACE_ID,
                            CLAP_EVENT_PARAM_VALUE, 0),
                param_id, None, -1, -1, -1, -1, value)
            for param_id, value in values))
        table = (_vp * max(1, len(values)))(*(
            ctypes.addressof(events[i]) for i in range(len(values))))
        self._kept = (events, table)
        self._list.count = len(values)
        self._list.events = ctypes.cast(table, ctypes.POINTER(_vp))
        return ctypes.pointer(self.inputs)
