"""The preset worker: loads one plugin in a process of its own and puts a preset into it or
takes one out of it (``python -m pluginary.presets.worker``).

It reads one :class:`Request` (JSON) on stdin and writes one :class:`Response` (JSON) on a
private copy of stdout (what plugins print goes to stderr, as in the validation workers). A
plugin that crashes or hangs takes only this process: :mod:`.runner` reports it.

Steps: instantiate at 48 kHz; load ``state`` if given; set ``parameters`` (plain values,
matched by key, then by folded name); run a few silent blocks so the plugin takes the values
(JUCE queues them for the next block); then save the state (None when the format has none) and
read the snapshot.
"""

from __future__ import annotations

import sys
import traceback

import msgspec

from ..models import PluginRecord
from .model import ParamValue

RATE = 48000
FRAMES = 512
SETTLE_BLOCKS = 4
#: Exit codes the runner tells apart.
EXIT_WORKER_FAILED = 70
EXIT_UNSUPPORTED = 3


class Request(msgspec.Struct, frozen=True, kw_only=True):
    record: PluginRecord
    state: bytes | None = None
    parameters: tuple[ParamValue, ...] = ()
    #: Match parameters by exact key only (a snapshot of the same plugin).
    by_key_only: bool = False


class Response(msgspec.Struct, frozen=True, kw_only=True):
    #: The plugin's state after the changes; None when the format or plugin has none.
    state: bytes | None = None
    parameters: tuple[ParamValue, ...] = ()
    unmatched: tuple[str, ...] = ()
    clamped: tuple[str, ...] = ()
    #: Set instead of the rest when the plugin cannot be hosted here.
    unsupported: str = ""
    #: Set instead of the rest when the plugin raised (a state it refused, a failed load).
    error: str = ""


def handle(request: Request) -> Response:
    from ..manager import make_plugin_manager
    from ..validation import signals
    from ..validation.host import NotSupported
    from .replay import apply, snapshot

    pm = make_plugin_manager()
    try:
        plugin = pm.hook.open_for_validation(record=request.record)
    except NotSupported as exc:
        return Response(unsupported=str(exc))
    except Exception as exc:
        return Response(error=f"{type(exc).__name__}: {exc}")
    if plugin is None:
        return Response(unsupported=f"no host for {request.record.format} plugins")
    try:
        instance = plugin.instantiate(RATE, FRAMES)
        try:
            if request.state is not None:
                instance.load(request.state)
            applied = apply(instance, request.record, request.parameters,
                            by_key_only=request.by_key_only)
            silence = signals.silence(FRAMES)
            for _ in range(SETTLE_BLOCKS):
                instance.run([silence] * instance.inputs, FRAMES)
            try:
                state: bytes | None = instance.save()
            except NotSupported:
                state = None
            return Response(state=state, parameters=snapshot(instance, request.record),
                            unmatched=tuple(applied.unmatched), clamped=tuple(applied.clamped))
        finally:
            instance.close()
    except NotSupported as exc:
        return Response(unsupported=str(exc))
    except Exception as exc:  # the plugin refused: its failure, reported as such
        return Response(error=f"{type(exc).__name__}: {exc}")
    finally:
        plugin.close()


def main() -> int:
    from ..validation.worker import private_stdout

    out = private_stdout()
    try:
        response = handle(msgspec.json.decode(sys.stdin.buffer.read(), type=Request))
    except Exception:
        traceback.print_exc()  # to stderr: the runner quotes its last line
        return EXIT_WORKER_FAILED
    out.write(msgspec.json.encode(response))
    out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
