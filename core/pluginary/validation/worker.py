"""One plugin's validation in a process of its own: ``python -m pluginary.validation.worker``.

Reads a :class:`Request` (JSON) on stdin, finds the format's glue through the
``open_for_validation`` hook, runs the checks and writes a :class:`Outcome` (JSON) on stdout.
A plugin that crashes or hangs takes this process with it, never the run: the parent reads the
exit status and the time (:mod:`pluginary.validation.run`).
"""

from __future__ import annotations

import sys

import msgspec

from ..models import PluginRecord
from .signals import Problem


class Request(msgspec.Struct, frozen=True, kw_only=True):
    record: PluginRecord
    level: int


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    #: pass, fail, unsupported (no glue for the format) or error (the glue raised).
    status: str
    problems: tuple[Problem, ...] = ()
    cause: str = ""


def validate(request: Request) -> Outcome:
    from ..manager import make_plugin_manager
    from .audio import level3

    pm = make_plugin_manager()
    try:
        plugin = pm.hook.open_for_validation(record=request.record)
        if plugin is None:
            return Outcome(status="unsupported",
                           cause=f"no validation for {request.record.format} plugins yet")
        problems = level3(plugin)
    except Exception as exc:  # the plugin's fault as its glue saw it: a result, not a crash
        return Outcome(status="error", cause=f"{type(exc).__name__}: {exc}")
    return Outcome(status="fail" if problems else "pass", problems=tuple(problems))


def main() -> int:
    request = msgspec.json.decode(sys.stdin.buffer.read(), type=Request)
    outcome = validate(request)
    # Plugins print to stdout too (DPF's convolution warnings): the outcome is the last line.
    sys.stdout.flush()
    sys.stdout.buffer.write(b"\n" + msgspec.json.encode(outcome) + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
