"""What the worker pool measures about processes: CPU time, memory, and free memory.

Two implementations behind one set of functions. On Linux they read ``/proc`` directly: no
dependency, and a few microseconds per read. Elsewhere (macOS, Windows) there is no ``/proc``, so
they ask psutil, which the core depends on there. ``PLUGINARY_PORTABLE_PROCESSES=1`` forces the
psutil path on Linux too, so the tests run what a Mac or a Windows machine runs.

A scan worker is the leader of its own process group (it starts a new session), so its process id
is also its group id. A plugin may fork helpers, and their CPU time is the candidate's progress
too: :func:`group_cpu` counts every process of the group (on Linux) or the worker's process tree
(elsewhere, where groups cannot be listed).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import sys
from collections.abc import Collection
from types import ModuleType

log = logging.getLogger(__name__)

#: Set to 1 to use the portable (psutil) implementation on Linux, as on macOS and Windows.
FORCE_PORTABLE = "PLUGINARY_PORTABLE_PROCESSES"

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def portable() -> bool:
    """True where ``/proc`` is not used: outside Linux, or when forced for testing."""
    return not sys.platform.startswith("linux") or os.environ.get(FORCE_PORTABLE) == "1"


@functools.cache
def _psutil() -> ModuleType | None:
    try:
        return importlib.import_module("psutil")
    except ImportError:
        log.warning("psutil is not installed, so hung plugins are caught by wall time only "
                    "(pip install psutil)")
        return None


# -- Linux --------------------------------------------------------------------------------------

def _proc_stat(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2:].split()
    return fields if len(fields) > 14 else None


def _stat_cpu(fields: list[bytes]) -> float:
    # fields[11:15] are utime, stime, cutime, cstime (children that were waited for).
    return sum(int(f) for f in fields[11:15]) / _CLOCK_TICKS


# -- the interface -----------------------------------------------------------------------------

def process_cpu(pid: int) -> float | None:
    """CPU seconds of one process (all its threads, and children it has reaped); None if it is
    gone or cannot be measured."""
    if not portable():
        fields = _proc_stat(pid)
        return None if fields is None else _stat_cpu(fields)
    psutil = _psutil()
    if psutil is None:
        return None
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return None
    return float(times.user + times.system + getattr(times, "children_user", 0.0)
                 + getattr(times, "children_system", 0.0))


def group_cpu(pgids: Collection[int]) -> dict[int, float]:
    """CPU seconds of every process in each group of ``pgids``, in one pass.

    On Linux this reads every ``/proc/*/stat`` (500+ on a desktop), which is why the pool asks
    only when a worker's own CPU time stood still (a plugin waiting on a helper it forked)."""
    totals = dict.fromkeys(pgids, 0.0)
    if not totals:
        return totals
    if not portable():
        try:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        except OSError:
            return totals
        for pid in pids:
            fields = _proc_stat(pid)
            if fields is not None and (pgrp := int(fields[2])) in totals:
                totals[pgrp] += _stat_cpu(fields)
        return totals
    for pgid in totals:
        totals[pgid] = _tree_cpu(pgid)
    return totals


def _tree_cpu(pid: int) -> float:
    psutil = _psutil()
    if psutil is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for proc in family:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total += (times.user + times.system + getattr(times, "children_user", 0.0)
                  + getattr(times, "children_system", 0.0))
    return float(total)


def rss_bytes(pid: int) -> int | None:
    """Resident memory of one process, or None."""
    if not portable():
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None
    psutil = _psutil()
    if psutil is None:
        return None
    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return None


def memory_available() -> int | None:
    """Memory the machine can still give without swapping, or None when unknown."""
    if not portable():
        try:
            with open("/proc/meminfo", "rb") as fh:
                for line in fh:
                    if line.startswith(b"MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None
    psutil = _psutil()
    return None if psutil is None else int(psutil.virtual_memory().available)
