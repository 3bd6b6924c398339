"""One scan worker process: starting it, talking to it, killing it.

The pool (:mod:`pluginary.scan.pool`) decides what runs where and when to give up; this module
only knows how a worker process is made and ended.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field

from ..errors import TransientError
from ..models import Candidate
from ..retry import retry
from .budget import Budget
from .capture import Capture
from .protocol import FrameBuffer, LoadRequest, Stop, frame

log = logging.getLogger(__name__)

#: Seconds a new worker may take to import the extensions and say Ready.
READY_TIMEOUT = 30.0


@dataclass
class Work:
    """One candidate to load at some tiers, with its budget and how it has fared so far."""

    job_id: int
    candidate: Candidate
    tiers: tuple[int, ...]
    budget: Budget
    #: Run alone in a fresh worker (a suspect, or a retry after a timeout).
    solo: bool = False
    crashes: int = 0
    timeouts: int = 0
    #: Variables for the worker that loads it (an ``env`` compatibility rule); runs solo.
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    capture: Capture
    solo: bool
    #: The write end of the pipe the worker watches for the parent's death (-1: none).
    parent_pipe: int = -1
    buffer: FrameBuffer = field(default_factory=FrameBuffer)
    ready: bool = False
    #: Its output reached end of file; it may still be running.
    closed: bool = False
    work: Work | None = None
    tier: int | None = None
    tier_started: float = 0.0
    #: CPU seconds of the worker process, and of its whole group (None: not sampled yet).
    own_cpu: float = 0.0
    group_cpu: float | None = None
    progress_at: float = 0.0
    loads: int = 0
    #: When it was started, and when it was asked to stop (0: not asked).
    started_at: float = field(default_factory=time.monotonic)
    stop_sent: float = 0.0
    rss_checked_at: float = 0.0
    #: When its whole process group was last measured.
    group_at: float = 0.0
    #: The one candidate a solo worker was started for, sent when it says Ready.
    reserved: Work | None = None
    sampled_at: float = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid


@retry(on=TransientError, attempts=4, base_delay=0.1, total_timeout=10.0)
def start_worker(python: str, solo: bool, env: dict[str, str] | None = None) -> Worker:
    """Start ``python -m pluginary.scan.worker`` in its own session, with its capture file and
    the pipe it watches for the parent's death. It says Ready on its own time: the pool goes on
    meanwhile. ``EAGAIN`` and ``ENOMEM`` are tried again: the machine may be short for a moment."""
    capture = Capture()
    watch_read, watch_write = os.pipe() if os.name == "posix" else (-1, -1)
    argv = [python, "-m", "pluginary.scan.worker"]
    if watch_read >= 0:
        argv += ["--parent-fd", str(watch_read)]
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=capture.file,
            start_new_session=True, close_fds=True, env={**os.environ, **env} if env else None,
            pass_fds=(watch_read,) if watch_read >= 0 else ())
    except OSError as exc:
        capture.close()
        if watch_write >= 0:
            os.close(watch_write)
        if exc.errno in (errno.EAGAIN, errno.ENOMEM):
            raise TransientError(f"could not start a scan worker: {exc.strerror}") from exc
        raise
    finally:
        if watch_read >= 0:
            os.close(watch_read)
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    return Worker(proc=proc, capture=capture, solo=solo, parent_pipe=watch_write)

def exited(worker: Worker) -> bool:
    """Whether the worker process has ended, without reaping it. Until :func:`kill` reaps it,
    its pid (and so its process group id) cannot be given to another process, so killing the
    group afterwards never reaches a stranger."""
    if hasattr(os, "waitid"):
        try:
            return os.waitid(os.P_PID, worker.pid,
                             os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:  # already reaped
            return True
    return worker.proc.poll() is not None


def send(worker: Worker, message: LoadRequest | Stop) -> None:
    """Send one request; a worker that is gone is noticed by its closed output, not here."""
    assert worker.proc.stdin is not None
    try:
        worker.proc.stdin.write(frame(message))
        worker.proc.stdin.flush()
    except (BrokenPipeError, OSError):
        pass  # the worker is gone; _poll sees the end of its stdout


def kill(worker: Worker) -> None:
    """Kill the worker's whole process group (helpers a plugin forked too) and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(worker.pid, signal.SIGKILL)
    try:
        worker.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        log.warning("worker %d did not die", worker.pid)


def describe_exit(returncode: int, tier: int) -> str:
    """One line for how a worker ended while loading at ``tier``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the plugin crashed the loader ({name}) at tier {tier}"
    return (f"the plugin ended the loading process (exit code {returncode}) at tier {tier}")
