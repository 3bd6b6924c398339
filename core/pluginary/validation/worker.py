"""Validation workers: each plugin is validated in a process of its own.

``python -m pluginary.validation.worker`` reads one :class:`Request` (JSON) on stdin, finds the
format's glue through the ``open_for_validation`` hook, runs the levels (:mod:`.levels`) and
writes each :class:`~.levels.Event` as a JSON line as it happens. A plugin that crashes or
hangs takes the process with it, never the run: the parent (:mod:`.run`) knows from the last
``start`` which level it was in.

``--serve`` (POSIX) makes a fork server of it: it imports Pluginary and its extensions once,
then reads requests line by line and forks a fresh child for each, which validates that one
plugin and exits; the server reports the child's pid (``forked``) and how it ended
(``exited``). Each plugin still runs in a new process, but without the 0.3-0.6 s a new Python
takes to import everything (docs/validation.md, bench/validate.py).

Plugins print too (DPF's convolution warnings, JUCE's debug lines): before any plugin is
loaded, stdout is moved to stderr, and events go to a private copy of the original stdout, so
nothing a plugin prints can be mistaken for an event.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import BinaryIO

import msgspec
import pluggy

from ..models import PluginRecord
from .levels import Event, run_levels
from .signals import Problem


class Request(msgspec.Struct, frozen=True, kw_only=True):
    record: PluginRecord
    #: Run levels 1 to ``level``.
    level: int


def validate(request: Request, events: BinaryIO, pm: pluggy.PluginManager | None = None) -> None:
    from ..manager import make_plugin_manager
    from .host import NotSupported

    def tell(event: Event) -> None:
        events.write(msgspec.json.encode(event) + b"\n")
        events.flush()

    pm = pm or make_plugin_manager()
    tell(Event(kind="start", level=1))
    try:
        plugin = pm.hook.open_for_validation(record=request.record)
    except NotSupported as exc:
        tell(Event(kind="unsupported", level=1, cause=str(exc)))
        return
    except Exception as exc:  # the plugin could not even be opened: level 1 fails
        tell(Event(kind="end", level=1, problems=(
            Problem(check="load", message=f"{type(exc).__name__}: {exc}"),)))
        return
    if plugin is None:
        tell(Event(kind="unsupported", level=1,
                   cause=f"no validation for {request.record.format} plugins"))
        return
    try:
        run_levels(plugin, request.level, tell, request.record.format)
    finally:
        plugin.close()


def private_stdout() -> BinaryIO:
    """A copy of stdout for events; fd 1 itself now goes to stderr (for what plugins print)."""
    events = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return events


def serve(events: BinaryIO) -> None:
    """The fork server's loop: one request per stdin line, one child per request."""
    from ..manager import make_plugin_manager

    pm = make_plugin_manager()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        request = msgspec.json.decode(line, type=Request)
        events.flush()
        pid = os.fork()
        if pid == 0:  # the child: its own process group, so a plugin's helpers die with it
            code = 0
            try:
                os.setpgid(0, 0)
                validate(request, events, pm)
            except BaseException:
                traceback.print_exc()  # to stderr: the parent quotes its last line
                code = 70  # run.WORKER_FAILED
            finally:
                os._exit(code)  # never the server's atexit handlers or buffers
        events.write(msgspec.json.encode(Event(kind="forked", pid=pid)) + b"\n")
        events.flush()
        _, status = os.waitpid(pid, 0)
        events.write(msgspec.json.encode(
            Event(kind="exited", code=os.waitstatus_to_exitcode(status))) + b"\n")
        events.flush()


def main() -> int:
    events = private_stdout()
    if sys.argv[1:] == ["--serve"]:
        serve(events)
    else:
        try:
            validate(msgspec.json.decode(sys.stdin.buffer.read(), type=Request), events)
        except Exception:
            traceback.print_exc()
            return 70  # run.WORKER_FAILED: this worker's own fault, not the plugin's
    events.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
