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

- a worker that writes a malformed frame (a plugin wrote to the protocol's descriptor) is killed,
  and its candidate is ``crashed`` at once: the same load would corrupt the protocol again;
- the end of a worker's output is not its exit: a plugin can close the pipe and live on, so the
  worker stays under the watchdog until it exits or its budget ends.

Retries wait until the main queue is empty, so a slow or suspect candidate never holds up the
others.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import msgspec

from ..errors import TransientError
from ..models import LoadResult, Status
from . import procstat
from .protocol import Finished, LoadRequest, Ready, Started, Stop
from .workers import (
    READY_TIMEOUT,
    Work,
    Worker,
    describe_exit,
    exited,
    kill,
    send,
    start_worker,
)

__all__ = ["Failure", "Pool", "Work", "default_pool_size"]

log = logging.getLogger(__name__)

TICK = 0.1  # seconds between watchdog checks
SAMPLE = 0.5  # seconds between CPU samples of a busy worker
STATS_EVERY = 1.0  # seconds between reads of free memory, and of one worker's RSS
GROUP_EVERY = 2.0  # seconds between whole-group CPU reads of a worker that seems stalled
STALLED_FRAME = 1.0  # seconds half a frame may wait for its rest before it counts as garbage
STOP_GRACE = 5.0  # seconds a worker asked to stop may take to exit before it is killed
START_ATTEMPTS = 4  # workers in a row that may fail to start before the scan gives up
MORE_TIME = ("to give it more time: pluginary scan --retry timeout --base-timeout 60 "
             "(or a timeout rule, then --retry timeout)")


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
        #: Workers asked to stop, exiting in the background (reaped by the watchdog).
        self.exiting: list[Worker] = []
        #: Workers that failed to start since one last said Ready.
        self.start_failures = 0
        self._target: tuple[float, int] = (float("-inf"), self.size)
        self.on_result: OnResult = lambda work, result: None
        self.on_failure: OnFailure = lambda work, failure: None
        self.on_dispatch: OnDispatch | None = None

    # -- public --------------------------------------------------------------------------------

    def submit(self, work: Work) -> None:
        (self.retries if work.solo else self.queue).append(work)

    def run(self, on_result: OnResult, on_failure: OnFailure,
            on_dispatch: OnDispatch | None = None,
            on_tick: Callable[[], None] | None = None) -> None:
        """Run until every submitted candidate has a result or a failure."""
        self.on_result, self.on_failure = on_result, on_failure
        self.on_dispatch = on_dispatch
        try:
            while self.queue or self.retries or any(w.work or w.reserved for w in self.workers):
                self._fill(on_dispatch)
                self._poll()
                self._watch()
                if on_tick is not None:
                    on_tick()
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop every worker: idle ones politely, busy ones by killing their process group."""
        for worker in list(self.workers):
            if worker.work is None and worker.ready and not worker.closed:
                send(worker, Stop())
            else:
                kill(worker)
        deadline = time.monotonic() + 2.0
        for worker in [*self.workers, *self.exiting]:
            try:
                worker.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                kill(worker)
            self._forget(worker)
        self.exiting = []
        self.selector.close()

    # -- scheduling ----------------------------------------------------------------------------

    def _fill(self, on_dispatch: OnDispatch | None) -> None:
        target = self._target_size()
        ready = [w for w in self.workers if w.ready and w.work is None and not w.closed]
        idle = [w for w in ready if not w.solo]
        while self.queue and idle:
            self._dispatch(idle.pop(), self.queue.popleft(), on_dispatch)
        # New workers start in the background and take work once they say Ready: the others
        # go on meanwhile (a start costs about 0.25 s, once per 64 loads per worker).
        self._start(len(self.queue), solo=False, target=target)
        if self.queue:
            return
        # Everything in the main queue is running: idle pool workers make room for the
        # retries, each of which runs alone in a fresh worker started for it (with the
        # variables a compatibility rule gives it); it is sent once that worker is Ready.
        for worker in idle:
            self._retire(worker)
        while self.retries and len(self.workers) < target:
            worker = start_worker(self.python, True, self.retries[0].env)
            worker.reserved = self.retries.popleft()  # taken only once its worker exists
            self._add(worker)

    def _start(self, wanted: int, *, solo: bool, target: int) -> None:
        """Start workers until ``wanted`` are starting (or the pool is full)."""
        starting = sum(1 for w in self.workers if not w.ready and w.solo == solo)
        while starting < wanted and len(self.workers) < target:
            self._add(start_worker(self.python, solo))
            starting += 1

    def _add(self, worker: Worker) -> Worker:
        self.workers.append(worker)
        assert worker.proc.stdout is not None
        self.selector.register(worker.proc.stdout, selectors.EVENT_READ, worker)
        self.spawned += 1
        return worker

    def _target_size(self) -> int:
        """The pool shrinks to one worker while the machine is short of memory (read at most
        once a second: it is asked on every tick)."""
        checked, size = self._target
        now = time.monotonic()
        if now - checked >= STATS_EVERY:
            available = procstat.memory_available()
            size = 1 if available is not None and available < 512 << 20 else self.size
            self._target = (now, size)
        return size

    def _dispatch(self, worker: Worker, work: Work, on_dispatch: OnDispatch | None) -> None:
        worker.work = work
        worker.tier = None
        now = time.monotonic()
        worker.tier_started = now
        worker.progress_at = now
        worker.own_cpu = procstat.process_cpu(worker.pid) or 0.0
        worker.group_cpu = None
        send(worker, LoadRequest(job=work.job_id, candidate=work.candidate,
                                       tiers=work.tiers))
        if on_dispatch is not None:
            on_dispatch(work)

    # -- processes -----------------------------------------------------------------------------

    def _start_failed(self, worker: Worker, why: str) -> None:
        """A worker died, hung or wrote garbage before it said Ready. That can be a passing
        state of the machine, so another is started; :data:`START_ATTEMPTS` in a row is not."""
        kill(worker)
        self._forget(worker)
        if worker.reserved is not None:  # its candidate waits for the next fresh worker
            self.retries.appendleft(worker.reserved)
            worker.reserved = None
        self.start_failures += 1
        if self.start_failures >= START_ATTEMPTS:
            raise TransientError(f"scan workers failed to start {self.start_failures} times in "
                                 f"a row; the last: {why}")
        log.info("a scan worker failed to start (%s); starting another", why)

    def _forget(self, worker: Worker) -> None:
        if worker in self.workers:
            self.workers.remove(worker)
        self._unwatch(worker)
        for stream in (worker.proc.stdin, worker.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if worker.parent_pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(worker.parent_pipe)
            worker.parent_pipe = -1
        worker.capture.close()

    def _unwatch(self, worker: Worker) -> None:
        assert worker.proc.stdout is not None
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(worker.proc.stdout)

    # -- events --------------------------------------------------------------------------------

    def _poll(self) -> None:
        if not self.selector.get_map():
            time.sleep(TICK)  # every worker's output has closed; the watchdog still ticks
            return
        for key, _ in self.selector.select(timeout=TICK):
            self._read(key.data)

    def _read(self, worker: Worker) -> None:
        """Take in whatever the worker has written, without blocking."""
        if worker.closed or worker not in self.workers:
            return
        assert worker.proc.stdout is not None
        try:
            data = os.read(worker.proc.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._closed(worker)
            return
        for message in worker.buffer.feed(data):
            self._handle(worker, message)
            if worker not in self.workers:  # retired by that message: the rest is not ours
                return
        if worker.buffer.error is not None:
            self._corrupted(worker)

    def _handle(self, worker: Worker, message: object) -> None:
        if isinstance(message, Ready):
            worker.ready = True
            self.start_failures = 0
            if worker.reserved is not None:
                work, worker.reserved = worker.reserved, None
                self._dispatch(worker, work, self.on_dispatch)
        elif isinstance(message, Started):
            worker.tier = message.tier
            worker.tier_started = worker.progress_at = time.monotonic()
            worker.capture.reset()
        elif isinstance(message, Finished) and worker.work is not None:
            work = worker.work
            result = message.result
            if result.status is not Status.OK:
                result = msgspec.structs.replace(result, stderr=worker.capture.text())
            self.on_result(work, result)
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
                len(self.workers) > self._target_size()) or self._too_big(worker):
            self._retire(worker)

    def _too_big(self, worker: Worker) -> bool:
        now = time.monotonic()
        if now - worker.rss_checked_at < STATS_EVERY:
            return False
        worker.rss_checked_at = now
        return (procstat.rss_bytes(worker.pid) or 0) > self.rss_limit

    def _retire(self, worker: Worker) -> None:
        """Ask an idle worker to stop. It exits in the background (unmapping what it loaded
        takes a while) and the watchdog reaps it, so its replacement starts at once."""
        send(worker, Stop())
        worker.stop_sent = time.monotonic()
        self.workers.remove(worker)
        self._unwatch(worker)
        self.exiting.append(worker)

    def _reap(self, now: float) -> None:
        """Forget the workers that exited after Stop; kill those that take too long."""
        for worker in list(self.exiting):
            if not exited(worker) and now - worker.stop_sent < STOP_GRACE:
                continue
            kill(worker)  # reaps it, and any helper a plugin left in its group
            self.exiting.remove(worker)
            self._forget(worker)

    def _closed(self, worker: Worker) -> None:
        """The worker's output reached end of file. That is not its exit: a plugin may close the
        descriptor and go on (or hang). Until the process ends, the watchdog keeps its budget."""
        worker.closed = True
        self._unwatch(worker)
        if not worker.ready:
            self._start_failed(worker, worker.capture.text().strip()[-300:] or "it exited")
        elif exited(worker):
            self._lost(worker)
        elif worker.work is None:  # nothing of ours runs in it: no reason to wait
            kill(worker)
            self._forget(worker)

    def _lost(self, worker: Worker) -> None:
        """A worker exited or died. Its candidate, if any, is a suspect."""
        kill(worker)  # reaps it, and any helper a plugin left in its group
        returncode = worker.proc.returncode
        work = worker.work
        stderr = worker.capture.text()
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
        self.on_failure(work, Failure(Status.CRASHED, tier, cause, stderr, seconds))

    def _corrupted(self, worker: Worker) -> None:
        """The worker wrote bytes that are no frame: a plugin wrote to the protocol's descriptor.
        Nothing more it says can be trusted; the same load would do it again, so no retry."""
        error = worker.buffer.error
        if not worker.ready:
            self._start_failed(worker, f"it wrote a malformed message ({error})")
            return
        work = worker.work
        tier = worker.tier if worker.tier is not None else (work.tiers[0] if work else 0)
        seconds = time.monotonic() - worker.tier_started
        stderr = worker.capture.text()
        worker.work = None
        kill(worker)
        self._forget(worker)
        if work is None:
            log.warning("scan worker %d wrote a malformed message while idle (%s); replaced",
                        worker.pid, error)
            return
        cause = (f"the plugin corrupted the scan protocol (it wrote to the worker's private "
                 f"pipe) at tier {tier}: {error}")
        self.on_failure(work, Failure(Status.CRASHED, tier, cause, stderr, seconds))

    def _watch(self) -> None:
        now = time.monotonic()
        self._reap(now)
        unsure: list[Worker] = []
        for worker in list(self.workers):
            if worker.tier is not None:  # between tiers the worker empties the file itself
                worker.capture.trim()
            if worker.closed and exited(worker):
                self._lost(worker)
                continue
            if not worker.ready and now - worker.started_at > READY_TIMEOUT:
                self._start_failed(worker, f"it did not say Ready within {READY_TIMEOUT:.0f} s")
                continue
            if worker.work is None or now - worker.sampled_at < SAMPLE:
                continue
            worker.sampled_at = now
            own = procstat.process_cpu(worker.pid)
            if own is None or own > worker.own_cpu + 0.01:
                # Progress, or CPU time that cannot be measured: then only the wall limit holds.
                worker.own_cpu = own if own is not None else worker.own_cpu
                worker.progress_at = now
            elif now - worker.group_at >= GROUP_EVERY:
                worker.group_at = now
                unsure.append(worker)
        # A worker whose own CPU time stood still may be waiting on a helper it forked: only
        # then is the (costlier) whole group measured, for all such workers in one pass.
        if unsure:
            groups = procstat.group_cpu([w.pid for w in unsure])
            for worker in unsure:
                cpu = groups.get(worker.pid, 0.0)
                if worker.group_cpu is not None and cpu > worker.group_cpu + 0.01:
                    worker.progress_at = now
                worker.group_cpu = cpu
        for worker in list(self.workers):
            if worker.work is not None:
                self._enforce(worker, now)

    @staticmethod
    def _over_budget(worker: Worker, work: Work, now: float) -> bool:
        return (now - worker.progress_at > work.budget.idle
                or now - worker.tier_started > work.budget.wall)

    def _enforce(self, worker: Worker, now: float) -> None:
        """Kill a worker whose candidate ran out of budget, unless its result already came."""
        work = worker.work
        assert work is not None
        if not self._over_budget(worker, work, now):
            return
        self._read(worker)  # a final result may be waiting in the pipe: take it first
        if worker.work is not work or worker not in self.workers:
            return
        if not self._over_budget(worker, work, now):
            return  # what was in the pipe started a new tier, with its own budget
        stalled = worker.buffer.stalled(now, STALLED_FRAME)
        if stalled is not None:  # half a frame that never ends: garbage with a plausible length
            worker.buffer.error = stalled
            self._corrupted(worker)
            return
        idle = now - worker.progress_at
        total = now - worker.tier_started
        tier = worker.tier if worker.tier is not None else work.tiers[0]
        if idle > work.budget.idle:
            cause = (f"no progress for {idle:.0f} s at tier {tier} (waiting on a dialog, a "
                     "lock or the network?)")
        else:
            cause = f"still busy after {total:.0f} s at tier {tier}"
        cause += f"; {MORE_TIME}"
        stderr = worker.capture.text()
        worker.work = None
        kill(worker)
        self._forget(worker)
        work.timeouts += 1
        if work.timeouts < 2 and work.budget.adaptive:
            log.info("%s: %s; retrying it alone with a larger budget",
                     work.candidate.path, cause)
            work.budget = work.budget.retried()
            work.solo = True
            self.retries.append(work)
            return
        self.on_failure(work, Failure(Status.TIMEOUT, tier, cause, stderr, total))


def default_pool_size() -> int:
    """One worker per core, fewer when memory is short (about 512 MiB per worker)."""
    cores = os.cpu_count() or 1
    available = procstat.memory_available()
    if available is None:
        return cores
    return max(1, min(cores, available // (512 << 20)))
