"""Running validation workers, ``jobs`` at a time: each plugin in a process of its own, each
level within its budget. A crash, a hang or an exception is that plugin's result at the level
it was in, never the end of the run.

On POSIX each job slot keeps a fork server (:func:`.worker.serve`) that forks a fresh child per
plugin; a plugin whose rules set environment variables (which the dynamic loader reads only at
start) and every plugin on Windows get a new ``python -m pluginary.validation.worker`` instead.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO

import msgspec

from ..models import PluginRecord
from .levels import NAMES, Event
from .signals import Problem
from .worker import Request

#: Seconds each level may take by default (a ``timeout`` rule with ``level = N``, or
#: ``--timeout``, replaces them): level 5 creates 64 instances and plays about 6 s of audio.
LEVEL_BUDGETS: dict[int, float] = {1: 30.0, 2: 60.0, 3: 120.0, 4: 60.0, 5: 300.0}
#: Fork servers need fork(): POSIX only.
FORKS = hasattr(os, "fork")
#: The exit status of a worker that failed on its own (Pluginary's fault, not the plugin's).
WORKER_FAILED = 70


class Result(msgspec.Struct, frozen=True, kw_only=True):
    """One plugin's validation, as ``validate --json`` prints it."""

    key: str
    name: str
    format: str
    version: str = ""
    #: The level asked for.
    level: int
    #: pass (every level asked for that the format supports), fail, crashed (a signal, or the
    #: plugin called exit()), timeout, error (Pluginary's worker failed, not the plugin: not
    #: stored), unsupported (not even level 1 can run) or blocked (a rule).
    status: str
    #: The highest level passed (0: none).
    passed: int = 0
    #: The level that failed, crashed or timed out (0: none).
    failed_level: int = 0
    cause: str = ""
    problems: tuple[Problem, ...] = ()
    #: Why the levels above ``passed`` did not run although asked for (not supported).
    note: str = ""
    #: What level 1 read: name, vendor, parameters, inputs, outputs, latency...
    info: dict[str, str] = {}
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status not in ("pass", "unsupported", "blocked")


class _Progress:
    """What one plugin's events said so far."""

    def __init__(self) -> None:
        self.current = 1
        self.passed = 0
        self.problems: tuple[Problem, ...] = ()
        self.unsupported = ""
        self.info: dict[str, str] = {}
        self.pid = 0
        #: The current level ended well: the worker is past it (closing the plugin, or about to
        #: start the next level).
        self.closing = False
        #: A timed-out child was killed; its server has yet to report the exit.
        self.killed = False

    def take(self, event: Event) -> None:
        if event.kind == "start":
            self.current = event.level
            self.closing = False
        elif event.kind == "info":
            self.info = dict(event.info)
        elif event.kind == "unsupported":
            self.unsupported = event.cause
        elif event.kind == "end":
            if event.problems:
                self.problems = event.problems
            else:
                self.passed = event.level
                self.closing = True
        elif event.kind == "forked":
            self.pid = event.pid


class _Process:
    """A worker process and its events, read on a thread of their own."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str] | None) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "pluginary.validation.worker", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env={**os.environ, **(env or {})})
        assert self.popen.stdout is not None and self.popen.stderr is not None
        self.events: queue.Queue[Event | None] = queue.Queue()
        threading.Thread(target=_read_events, args=(self.popen.stdout, self.events),
                         daemon=True).start()
        # Drained all along: a plugin that floods stderr must not block on a full pipe.
        self.stderr: list[bytes] = []
        threading.Thread(target=_drain, args=(self.popen.stderr, self.stderr),
                         daemon=True).start()

    def send(self, request: Request, *, last: bool) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(msgspec.json.encode(request) + b"\n")
        if last:
            self.popen.stdin.close()
        else:
            self.popen.stdin.flush()

    def last_error(self) -> str:
        tail = b"".join(self.stderr).decode(errors="replace").strip().splitlines()[-1:]
        return tail[0] if tail else "no output"

    def kill(self) -> None:
        """The worker and anything it started."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.popen.kill()
        self.popen.wait()
        if self.popen.stdin is not None and not self.popen.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.popen.stdin.close()


def _read_events(stream: IO[bytes], into: queue.Queue[Event | None]) -> None:
    with stream:
        for line in stream:
            try:
                into.put(msgspec.json.decode(line, type=Event))
            except msgspec.DecodeError:
                continue  # not ours: the worker's stdout carries nothing else, but be safe
    into.put(None)


def _drain(stream: IO[bytes], into: list[bytes]) -> None:
    """Keep the last 64 KiB of a stream."""
    with stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            into[:] = [(b"".join(into) + chunk)[-65536:]]


class Validator:
    """One job slot: validates plugins one after another, through its fork server where it
    can. Not thread-safe: one per thread (``close`` may come from another, to stop it)."""

    def __init__(self) -> None:
        self.server: _Process | None = None
        #: The process group of the plugin being validated (a fork server's child), if any.
        self.child = 0

    def close(self) -> None:
        """Stop the server and the plugin it is running, if any (the child leads a process
        group of its own, out of the server's)."""
        if self.child:
            kill_group(self.child)
        if self.server is not None:
            self.server.kill()
            self.server = None

    def _server(self) -> _Process:
        if self.server is None or self.server.popen.poll() is not None:
            self.server = _Process(["--serve"], None)
        return self.server

    def run(self, record: PluginRecord, level: int, budgets: Mapping[int, float],
            env: Mapping[str, str] | None = None) -> Result:
        """Levels 1 to ``level`` of one plugin; a level running past its budget is killed."""
        began = time.monotonic()
        progress = _Progress()
        request = Request(record=record, level=level)
        served = FORKS and not env
        process = self._server() if served else _Process([], env)
        process.stderr[:] = []  # the last line of an error must be this plugin's
        try:
            process.send(request, last=not served)
        except OSError:  # the server died since it was checked: one new one
            self.close()
            process = self._server()
            process.send(request, last=False)
        status, cause, code = self._follow(process, progress, budgets, served)
        self.child = 0
        if status == "error" and served:
            self.close()  # the server itself failed: a new one for the next plugin
        if status == "" and not served:
            code = process.popen.wait()
        if status == "":
            status, cause = _verdict(progress, level, code, process)
        if status in ("crashed", "timeout") and progress.closing:
            # Unloading is part of the level: a plugin that dies or hangs in its teardown has
            # not passed the level it was tearing down.
            progress.passed = progress.current - 1
            cause = cause.replace(f"({NAMES[progress.current]})",
                                  f"({NAMES[progress.current]}, while closing the plugin)")
        failed = progress.current if status in ("fail", "crashed", "timeout", "error") else 0
        return Result(key=record.key, name=record.name, format=record.format,
                      version=record.version, level=level, status=status,
                      passed=progress.passed, failed_level=failed, cause=cause,
                      problems=progress.problems, info=progress.info,
                      note=progress.unsupported if progress.passed else "",
                      seconds=round(time.monotonic() - began, 3))

    def _follow(self, process: _Process, progress: _Progress, budgets: Mapping[int, float],
                served: bool) -> tuple[str, str, int]:
        """Read one plugin's events to its end: ("", "", exit code) when it ended by itself,
        else the status and cause it ended with."""
        deadline = time.monotonic() + budgets[1]
        timed_out = ""
        while True:
            try:
                event = process.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                timed_out = timed_out or (f"level {progress.current} "
                                          f"({NAMES[progress.current]}) took over "
                                          f"{budgets[progress.current]:g} s")
                if served and progress.pid and not progress.killed:
                    kill_group(progress.pid)
                    progress.killed = True
                    deadline = time.monotonic() + 30.0  # for the server to report the exit
                    continue
                # Not a server's child, or one that the server did not see end: the lot goes.
                if progress.pid:
                    kill_group(progress.pid)
                process.kill()
                if served:
                    self.server = None
                return "timeout", timed_out, 0
            if event is None:  # the worker process ended
                if served:
                    return "error", f"the validation server ended: {process.last_error()}", 0
                return "", "", 0
            progress.take(event)
            self.child = progress.pid
            if event.kind == "start":
                deadline = time.monotonic() + budgets[event.level]
            elif event.kind == "exited":
                return ("timeout", timed_out, 0) if timed_out else ("", "", event.code)


def kill_group(pid: int) -> None:
    """Kill the process ``pid`` and its process group (what a plugin started dies with it)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # not yet its own group leader
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _verdict(progress: _Progress, level: int, code: int, process: _Process) -> tuple[str, str]:
    where = f"level {progress.current} ({NAMES[progress.current]})"
    if progress.problems:
        first = progress.problems[0]
        return "fail", f"{where}: {first.check}: {first.message}"
    if progress.unsupported and not progress.passed:
        return "unsupported", progress.unsupported
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return "crashed", f"{where}: the plugin crashed the worker ({name})"
    if code == WORKER_FAILED:
        return "error", f"the worker failed: {process.last_error()}"
    if code != 0 or (progress.passed < level and not progress.unsupported):
        # The plugin called exit() (DPF's torture PlExit0 does): its process is gone.
        return "crashed", f"{where}: the plugin ended the worker (exit status {code})"
    return "pass", ""


def run_all(records: Sequence[PluginRecord], level: int, *, jobs: int,
            budgets: Callable[[PluginRecord], Mapping[int, float]],
            env: Callable[[PluginRecord], Mapping[str, str]] | None = None,
            progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Every record's result, in the order given."""
    local = threading.local()
    validators: list[Validator] = []

    def one(record: PluginRecord) -> Result:
        validator: Validator | None = getattr(local, "validator", None)
        if validator is None:
            validator = local.validator = Validator()
            validators.append(validator)
        found = validator.run(record, level, budgets(record), env(record) if env else None)
        if progress is not None:
            progress(found)
        return found

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        return list(pool.map(one, records))
    finally:
        # On Ctrl-C too: stop the plugins running now instead of waiting out their budgets.
        pool.shutdown(wait=False, cancel_futures=True)
        for validator in validators:
            validator.close()
