"""The isolated, persistent worker pool and its watchdog.

Workers are separate processes (``python -m pluginary.scan.worker``), each in its own session so
that the whole process group, helpers a plugin forked included, can be killed at once. A worker
loads many candidates in turn; it is recycled after ``recycle_after`` loads of plugin code (tier 1
or 2) or when its memory passes ``rss_limit``, because the modules it loaded stay mapped.

Failure handling lives here because it is about isolation, not about formats:

- a worker that dies mid-candidate makes that candidate a *suspect*: it is re-run alone in a fresh
  worker; if it kills that one too it is reported ``crashed``;
- a candidate that exceeds its budget (no CPU progress for ``idle`` seconds, or ``wall`` seconds
  in all) is killed and retried once, alone, with a larger budget, and only then reported
  ``timeout``.

Retries wait until the main queue is empty, so a slow or suspect candidate never holds up the
others.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from ..errors import TransientError
from ..models import Candidate, LoadResult, Status
from ..retry import retry
from .budget import Budget
from .protocol import Finished, FrameBuffer, LoadRequest, Ready, Started, Stop, frame

log = logging.getLogger(__name__)

STDERR_TAIL = 4000
TICK = 0.1  # seconds between watchdog checks
SAMPLE = 0.5  # seconds between CPU samples of a busy worker's process group (reads /proc)


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


@dataclass
class Failure:
    """Why a worker was lost while it held a candidate."""

    status: Status  # CRASHED or TIMEOUT
    tier: int
    cause: str
    stderr: str
    seconds: float


OnResult = Callable[[Work, LoadResult], None]
OnFailure = Callable[[Work, Failure], None]
OnDispatch = Callable[[Work], None]


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    capture: IO[bytes]
    solo: bool
    buffer: FrameBuffer = field(default_factory=FrameBuffer)
    ready: bool = False
    work: Work | None = None
    tier: int | None = None
    tier_started: float = 0.0
    cpu: float = 0.0
    progress_at: float = 0.0
    loads: int = 0
    retiring: bool = False
    sampled_at: float = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid


class Pool:
    """Runs :class:`Work` through workers; results and failures come back through callbacks."""

    def __init__(self, size: int, *, recycle_after: int = 64, rss_limit: int = 1536 << 20,
                 python: str = sys.executable) -> None:
        self.size = max(1, size)
        self.recycle_after = recycle_after
        self.rss_limit = rss_limit
        self.python = python
        self.queue: collections.deque[Work] = collections.deque()
        self.retries: collections.deque[Work] = collections.deque()
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self.spawned = 0

    # -- public --------------------------------------------------------------------------------

    def submit(self, work: Work) -> None:
        (self.retries if work.solo else self.queue).append(work)

    def run(self, on_result: OnResult, on_failure: OnFailure,
            on_dispatch: OnDispatch | None = None,
            on_tick: Callable[[], None] | None = None) -> None:
        """Run until every submitted candidate has a result or a failure."""
        try:
            while self.queue or self.retries or any(w.work for w in self.workers):
                self._fill(on_dispatch)
                self._poll(on_result, on_failure)
                self._watch(on_failure)
                if on_tick is not None:
                    on_tick()
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop every worker: idle ones politely, busy ones by killing their process group."""
        for worker in list(self.workers):
            if worker.work is None and worker.ready:
                self._send(worker, Stop())
            else:
                self._kill(worker)
        deadline = time.monotonic() + 2.0
        for worker in list(self.workers):
            try:
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._kill(worker)
            self._forget(worker)
        self.selector.close()

    # -- scheduling ----------------------------------------------------------------------------

    def _fill(self, on_dispatch: OnDispatch | None) -> None:
        idle = [w for w in self.workers if w.work is None and not w.solo and not w.retiring]
        while self.queue and idle:
            self._dispatch(idle.pop(), self.queue.popleft(), on_dispatch)
        while self.queue and len(self.workers) < self._target_size():
            self._dispatch(self._spawn(solo=False), self.queue.popleft(), on_dispatch)
        if not self.queue:
            # Everything in the main queue is running: idle pool workers make room for the
            # retries, each of which runs alone in a fresh worker.
            for worker in idle:
                self._retire(worker)
            while self.retries and len(self.workers) < self._target_size():
                self._dispatch(self._spawn(solo=True), self.retries.popleft(), on_dispatch)

    def _target_size(self) -> int:
        """The pool shrinks to one worker while the machine is short of memory."""
        available = memory_available()
        if available is not None and available < 512 << 20:
            return 1
        return self.size

    def _dispatch(self, worker: Worker, work: Work, on_dispatch: OnDispatch | None) -> None:
        worker.work = work
        worker.tier = None
        now = time.monotonic()
        worker.tier_started = now
        worker.progress_at = now
        worker.cpu = group_cpu_seconds(worker.pid)
        self._send(worker, LoadRequest(job=work.job_id, candidate=work.candidate,
                                       tiers=work.tiers))
        if on_dispatch is not None:
            on_dispatch(work)

    # -- processes -----------------------------------------------------------------------------

    def _spawn(self, *, solo: bool) -> Worker:
        worker = self._start_process(solo)
        self.workers.append(worker)
        assert worker.proc.stdout is not None
        os.set_blocking(worker.proc.stdout.fileno(), False)
        self.selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
        self.spawned += 1
        # Solo workers must be ready before their one candidate is sent; waiting here is short.
        self._wait_ready(worker)
        return worker

    @retry(on=TransientError, attempts=4, base_delay=0.1, total_timeout=10.0)
    def _start_process(self, solo: bool) -> Worker:
        # Closed by _forget when the worker goes: it outlives this function.
        capture = tempfile.TemporaryFile(prefix="pluginary-worker-")  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                [self.python, "-m", "pluginary.scan.worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=capture, start_new_session=True, close_fds=True)
        except OSError as exc:
            capture.close()
            if exc.errno in (errno.EAGAIN, errno.ENOMEM):
                raise TransientError(f"could not start a scan worker: {exc.strerror}") from exc
            raise
        return Worker(proc=proc, capture=capture, solo=solo)

    def _wait_ready(self, worker: Worker, timeout: float = 30.0) -> None:
        assert worker.proc.stdout is not None
        deadline = time.monotonic() + timeout
        fd = worker.proc.stdout.fileno()
        while not worker.ready and time.monotonic() < deadline:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                if worker.proc.poll() is not None:
                    break
                time.sleep(0.005)
                continue
            if not data:
                break
            for message in worker.buffer.feed(data):
                if isinstance(message, Ready):
                    worker.ready = True
        if not worker.ready:
            tail = read_tail(worker.capture)
            self._kill(worker)
            self._forget(worker)
            raise TransientError(f"a scan worker failed to start: {tail.strip()[-300:]}")

    def _send(self, worker: Worker, message: LoadRequest | Stop) -> None:
        assert worker.proc.stdin is not None
        try:
            worker.proc.stdin.write(frame(message))
            worker.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker is gone; _poll sees the end of its stdout

    def _kill(self, worker: Worker) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(worker.pid, signal.SIGKILL)
        try:
            worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
            log.warning("worker %d did not die", worker.pid)

    def _forget(self, worker: Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        assert worker.proc.stdout is not None
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(worker.proc.stdout)
        for stream in (worker.proc.stdin, worker.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        worker.capture.close()

    # -- events --------------------------------------------------------------------------------

    def _poll(self, on_result: OnResult, on_failure: OnFailure) -> None:
        for key, _ in self.selector.select(timeout=TICK):
            worker: Worker = key.data
            try:
                data = os.read(key.fd, 1 << 20)
            except BlockingIOError:
                continue
            if not data:
                self._lost(worker, on_failure)
                continue
            for message in worker.buffer.feed(data):
                self._handle(worker, message, on_result)

    def _handle(self, worker: Worker, message: object, on_result: OnResult) -> None:
        if isinstance(message, Ready):
            worker.ready = True
        elif isinstance(message, Started):
            worker.tier = message.tier
            worker.tier_started = worker.progress_at = time.monotonic()
        elif isinstance(message, Finished) and worker.work is not None:
            work = worker.work
            on_result(work, message.result)
            if message.tier == work.tiers[-1]:
                worker.work = None
                worker.tier = None
                # Tier 0 reads declarative data and maps no plugin code, so it does not wear a
                # worker out (the memory limit still applies); LV2 scans are all tier 0.
                if message.tier > 0:
                    worker.loads += 1
                self._maybe_retire(worker)
            else:  # the next tier starts: what is left to do if this worker is lost
                work.tiers = tuple(t for t in work.tiers if t > message.tier)

    def _maybe_retire(self, worker: Worker) -> None:
        if worker.solo or worker.loads >= self.recycle_after or (
                (rss_bytes(worker.pid) or 0) > self.rss_limit):
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        """Stop an idle worker and wait for it (loaded modules stay mapped until exit)."""
        worker.retiring = True
        self._send(worker, Stop())
        try:
            worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill(worker)
        self._forget(worker)

    def _lost(self, worker: Worker, on_failure: OnFailure) -> None:
        """A worker's output ended: it exited or died. Its candidate, if any, is a suspect."""
        returncode = worker.proc.wait()
        work = worker.work
        stderr = read_tail(worker.capture)
        tier = worker.tier if worker.tier is not None else (work.tiers[0] if work else 0)
        seconds = time.monotonic() - worker.tier_started
        self._forget(worker)
        if work is None:
            return
        cause = describe_exit(returncode, tier)
        work.crashes += 1
        if work.crashes < 2:
            log.info("%s: %s; re-running it alone", work.candidate.path, cause)
            work.solo = True
            self.retries.append(work)
            return
        on_failure(work, Failure(Status.CRASHED, tier, cause, stderr, seconds))

    def _watch(self, on_failure: OnFailure) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            work = worker.work
            if work is None:
                continue
            if now - worker.sampled_at >= SAMPLE:
                worker.sampled_at = now
                cpu = group_cpu_seconds(worker.pid)
                if cpu > worker.cpu + 0.01:
                    worker.cpu = cpu
                    worker.progress_at = now
            idle = now - worker.progress_at
            total = now - worker.tier_started
            if idle <= work.budget.idle and total <= work.budget.wall:
                continue
            tier = worker.tier if worker.tier is not None else work.tiers[0]
            if idle > work.budget.idle:
                cause = (f"no progress for {idle:.0f} s at tier {tier} (waiting on a dialog, a "
                         "lock or the network?)")
            else:
                cause = f"still busy after {total:.0f} s at tier {tier}"
            stderr = read_tail(worker.capture)
            worker.work = None
            self._kill(worker)
            self._forget(worker)
            work.timeouts += 1
            if work.timeouts < 2 and work.budget.adaptive:
                log.info("%s: %s; retrying it alone with a larger budget",
                         work.candidate.path, cause)
                work.budget = work.budget.retried()
                work.solo = True
                self.retries.append(work)
                continue
            on_failure(work, Failure(Status.TIMEOUT, tier, cause, stderr, total))


def describe_exit(returncode: int, tier: int) -> str:
    """One line for how a worker ended while loading at ``tier``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the plugin crashed the loader ({name}) at tier {tier}"
    return (f"the plugin ended the loading process (exit code {returncode}) at tier {tier}")


def read_tail(capture: IO[bytes], limit: int = STDERR_TAIL) -> str:
    """The last ``limit`` bytes of a worker's capture file, without moving its offset."""
    try:
        fd = capture.fileno()
        size = os.fstat(fd).st_size
        data = os.pread(fd, limit, max(0, size - limit))
    except (OSError, ValueError):
        return ""
    text = data.decode("utf-8", "replace")
    return f"[{size - limit} earlier bytes cut]\n{text}" if size > limit else text


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds used by every process in the group ``pgid`` (Linux /proc; 0 elsewhere).

    Plugins may fork helpers, so the whole group counts as the candidate's progress.
    """
    total = 0
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        # fields[2] is pgrp; fields[11:15] are utime, stime, cutime, cstime.
        if len(fields) > 14 and int(fields[2]) == pgid:
            total += sum(int(f) for f in fields[11:15])
    return total / _CLOCK_TICKS


def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def memory_available() -> int | None:
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def default_pool_size() -> int:
    """One worker per core, fewer when memory is short (about 512 MiB per worker)."""
    cores = os.cpu_count() or 1
    available = memory_available()
    if available is None:
        return cores
    return max(1, min(cores, available // (512 << 20)))
