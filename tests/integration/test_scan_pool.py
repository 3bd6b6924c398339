"""The worker pool on real plugins: a worker that dies before it is ready, and the portable
process path (psutil and the parent-death pipe) that macOS and Windows run, forced on Linux."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil

from pluginary.models import Candidate, LoadResult, Status
from pluginary.scan.budget import Budget
from pluginary.scan.pool import Failure, Pool, Work
from pluginary.scan.procstat import FORCE_PORTABLE
from pluginary.scan.walk import stat_fingerprint


def test_a_worker_that_dies_before_it_is_ready_is_started_again(test_plugins, tmp_path):
    """The first worker started exits before saying Ready (a transient failure: the machine
    was short of something); the pool starts another and the candidate still loads."""
    marker = tmp_path / "died-once"
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\n"
                      f"if [ ! -e '{marker}' ]; then touch '{marker}'; exit 3; fi\n"
                      f"exec '{sys.executable}' \"$@\"\n")
    python.chmod(0o755)
    gain = test_plugins["PlGain"].path("ladspa")
    pool = Pool(1, python=str(python))
    pool.submit(Work(job_id=1, candidate=Candidate(format="ladspa", path=str(gain),
                                                   fingerprint=stat_fingerprint(gain)),
                     tiers=(1,), budget=Budget(30, 30)))
    results: list[LoadResult] = []
    failures: list[Failure] = []
    pool.run(lambda work, result: results.append(result),
             lambda work, failure: failures.append(failure))
    assert marker.exists()
    assert failures == []
    assert [(r.status, [rec.name for rec in r.records]) for r in results] == [
        (Status.OK, ["PlGain"])]
    assert pool.spawned == 2 and pool.start_failures == 0  # the second said Ready


def _scan(db: Path, *paths: Path, extra: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    env = {**os.environ, FORCE_PORTABLE: "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "pluginary", "--db", str(db), "scan", *map(str, paths), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_portable_path_a_hung_plugin_dies_with_a_killed_scan(pluginary_env, test_plugins,
                                                              tmp_path):
    """No PR_SET_PDEATHSIG (as on macOS and Windows): the worker's own thread sees the parent
    die through its pipe and kills the worker's process group, plugin and all."""
    scan = _scan(tmp_path / "catalogue.db", test_plugins["PlSpin"].path("vst3"))
    try:
        parent = psutil.Process(scan.pid)
        deadline = time.monotonic() + 60
        spinning: list[psutil.Process] = []
        while time.monotonic() < deadline and not spinning:
            time.sleep(0.5)
            spinning = [p for p in parent.children() if busy(p)]
        assert spinning, "no worker got to the spinning constructor"
        scan.send_signal(signal.SIGKILL)
        scan.communicate()
        _, alive = psutil.wait_procs(spinning, timeout=10)
        assert alive == [], "the hung plugin outlived the killed scan"
    finally:
        if scan.poll() is None:
            scan.kill()
        scan.communicate()


def busy(process: psutil.Process) -> bool:
    """Spinning: over 20 % of a core for half a second. A worker that exits meanwhile (tiers 0
    and 1 run in workers that are then recycled) is not."""
    try:
        return process.cpu_percent(interval=0.5) > 20
    except psutil.NoSuchProcess:
        return False


def test_portable_path_measures_cpu_to_tell_a_spin_from_a_sleep(pluginary_env, test_plugins,
                                                                 tmp_path):
    """The watchdog's CPU sampling through psutil: a spinning plugin is 'still busy', a sleeping
    one makes 'no progress'. Were CPU unmeasured, both would read as no progress."""
    db = tmp_path / "catalogue.db"
    scan = _scan(db, test_plugins["PlSpin"].path("vst3"), test_plugins["PlSleep20"].path("vst3"),
                 extra=("--base-timeout", "2", "--json"))  # 2 s idle, 4 s wall, then x1.5
    _out, err = scan.communicate(timeout=120)
    assert scan.returncode == 0, err
    con = sqlite3.connect(db)
    causes = dict(con.execute("SELECT p.name, i.cause FROM installations i "
                              "JOIN plugins p ON p.id = i.plugin_id"))
    con.close()
    assert causes["PlSpin"].startswith("still busy after"), causes
    assert causes["PlSleep20"].startswith("no progress for"), causes
