"""A scan worker: ``python -m pluginary.scan.worker``. Loads candidates one after another.

It is started by :mod:`pluginary.scan.pool` in its own session (so the parent can kill the whole
process group, helpers the plugin forked included), reads requests on stdin and answers on a
private copy of stdout. File descriptors 1 and 2 both go to a capture file, so whatever a plugin
prints lands there and never in the protocol or on the user's terminal; the tail of it is kept
with each result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import time

import msgspec

from ..manager import make_plugin_manager
from ..models import LoadResult, Status
from .protocol import Finished, LoadRequest, Ready, Started, Stop, frame, read_request

STDERR_TAIL = 4000


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the parent dies (even by SIGKILL): a hung plugin must
    not outlive the scan."""
    if not sys.platform.startswith("linux"):
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def stderr_tail() -> str:
    """The last bytes written to the capture file since the current request began."""
    try:
        size = os.lseek(2, 0, os.SEEK_END)
        os.lseek(2, max(0, size - STDERR_TAIL), os.SEEK_SET)
        data = os.read(2, STDERR_TAIL)
        os.lseek(2, 0, os.SEEK_END)
    except OSError:
        return ""
    text = data.decode("utf-8", "replace")
    if size > STDERR_TAIL:
        text = f"[{size - STDERR_TAIL} earlier bytes cut]\n" + text
    return text


def reset_capture() -> None:
    try:
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
    except OSError:
        pass


def main() -> int:
    die_with_parent()
    out = os.dup(1)
    os.dup2(2, 1)  # a plugin's stdout goes to the capture file too
    sys.stdout = sys.stderr
    # Only installed extensions: the built-ins are CLI commands, which a worker never runs, and
    # leaving them out spares every worker importing typer.
    pm = make_plugin_manager(builtins=False)
    os.write(out, frame(Ready(pid=os.getpid())))
    while True:
        request = read_request(0)
        if request is None or isinstance(request, Stop):
            return 0
        assert isinstance(request, LoadRequest)
        for tier in request.tiers:
            reset_capture()
            os.write(out, frame(Started(job=request.job, tier=tier)))
            began = time.monotonic()
            result = load(pm, request, tier)
            result = msgspec.structs.replace(
                result, stderr=stderr_tail(), seconds=round(time.monotonic() - began, 4),
                tier=tier)
            os.write(out, frame(Finished(job=request.job, tier=tier, result=result)))


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
