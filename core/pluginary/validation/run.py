"""Running validation workers: one process per plugin, ``jobs`` at a time, each within a
budget. A crash, a hang or an exception is that plugin's result, never the end of the run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import msgspec

from ..models import PluginRecord
from .signals import Problem
from .worker import Outcome, Request


class Result(msgspec.Struct, frozen=True, kw_only=True):
    """One plugin's validation, as ``validate --json`` prints it."""

    key: str
    name: str
    format: str
    level: int
    #: pass, fail, crashed, timeout, error or unsupported.
    status: str
    cause: str = ""
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


def run_one(record: PluginRecord, level: int, timeout: float) -> Result:
    began = time.monotonic()

    def result(status: str, cause: str = "", problems: tuple[Problem, ...] = ()) -> Result:
        return Result(key=record.key, name=record.name, format=record.format, level=level,
                      status=status, cause=cause, problems=problems,
                      seconds=round(time.monotonic() - began, 3))

    request = msgspec.json.encode(Request(record=record, level=level))
    try:
        done = subprocess.run([sys.executable, "-m", "pluginary.validation.worker"],
                              input=request, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return result("timeout", f"no result within {timeout:g} s (a hang, or too slow)")
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return result("crashed", f"the plugin crashed the worker ({name})")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    try:
        outcome = msgspec.json.decode(lines[-1], type=Outcome)
    except (IndexError, msgspec.DecodeError):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return result("error", f"the worker exited with {done.returncode}: {tail[0]}")
    cause = outcome.cause or "; ".join(p.message for p in outcome.problems[:1])
    return result(outcome.status, cause, outcome.problems)


def run_all(records: Sequence[PluginRecord], level: int, *, jobs: int, timeout: float,
            progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Every record's result, in the order given."""
    def one(record: PluginRecord) -> Result:
        found = run_one(record, level, timeout)
        if progress is not None:
            progress(found)
        return found

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, records))
