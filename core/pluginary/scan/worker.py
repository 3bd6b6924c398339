"""A scan worker: ``python -m pluginary.scan.worker``. Loads candidates one after another.

It is started by :mod:`pluginary.scan.pool` in its own session (so the parent can kill the whole
process group, helpers the plugin forked included), reads requests on stdin and answers on a
private copy of stdout. File descriptors 1 and 2 both go to a capture file, so whatever a plugin
prints lands there and never in the protocol or on the user's terminal; the parent keeps its
head and tail with each result (:mod:`pluginary.scan.capture`).

A hung plugin must not outlive a killed scan. On Linux the kernel kills the worker when the
parent dies (``PR_SET_PDEATHSIG``). Everywhere, the worker also watches a pipe whose only write
end the parent holds (``--parent-fd``): end of file there means the parent is gone, and a
thread kills the worker's whole process group.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

import msgspec

from ..manager import make_plugin_manager
from ..models import LoadResult, Status
from .procstat import portable
from .protocol import Finished, LoadRequest, Ready, Started, Stop, read_request, send


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the parent dies (even by SIGKILL): a hung plugin must
    not outlive the scan."""
    if portable():
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def watch_parent(fd: int) -> None:
    """Kill this worker's process group when ``fd`` (the read end of a pipe only the parent can
    write) reaches end of file: the parent has died, whatever it died of."""

    def watch() -> None:
        try:
            while os.read(fd, 1):
                pass  # the parent never writes; a byte is no reason to stop watching
        except OSError:
            return  # a plugin closed the descriptor: the watch is over, Linux's pdeathsig stays
        if hasattr(os, "killpg"):
            os.killpg(os.getpgrp(), signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def reset_capture() -> None:
    """Empty the capture file, so the parent sees only this tier's output. The file is opened
    ``O_APPEND`` (:mod:`pluginary.scan.capture`): the next write starts it again, no hole."""
    with contextlib.suppress(OSError):
        os.ftruncate(2, 0)


def parent_fd(argv: list[str]) -> int | None:
    if "--parent-fd" in argv:
        return int(argv[argv.index("--parent-fd") + 1])
    return None


def main(argv: list[str] | None = None) -> int:
    die_with_parent()
    watched = parent_fd(sys.argv[1:] if argv is None else argv)
    if watched is not None:
        watch_parent(watched)
    out = os.dup(1)
    os.dup2(2, 1)  # a plugin's stdout goes to the capture file too
    sys.stdout = sys.stderr
    # Only installed extensions: the built-ins are CLI commands, which a worker never runs, and
    # leaving them out spares every worker importing typer.
    pm = make_plugin_manager(builtins=False)
    send(out, Ready(pid=os.getpid()))
    while True:
        request = read_request(0)
        if request is None or isinstance(request, Stop):
            return 0
        assert isinstance(request, LoadRequest)
        for tier in request.tiers:
            reset_capture()
            send(out, Started(job=request.job, tier=tier))
            began = time.monotonic()
            result = load(pm, request, tier)
            # The parent adds what the plugin printed (the capture file's head and tail).
            result = msgspec.structs.replace(
                result, seconds=round(time.monotonic() - began, 4), tier=tier)
            send(out, Finished(job=request.job, tier=tier, result=result))


def load(pm: object, request: LoadRequest, tier: int) -> LoadResult:
    hook = pm.hook  # type: ignore[attr-defined]
    try:
        result: LoadResult | None = hook.load_candidate(candidate=request.candidate, tier=tier)
    except Exception as exc:  # an extension's bug is the candidate's failure, not the worker's
        return LoadResult(candidate=request.candidate, status=Status.FAILED,
                          cause=f"the {request.candidate.format} extension raised "
                                f"{type(exc).__name__}: {exc}")
    if result is None:
        return LoadResult(candidate=request.candidate, status=Status.FAILED,
                          cause=f"no installed extension loads {request.candidate.format} "
                                "candidates")
    return result


if __name__ == "__main__":
    sys.exit(main())
