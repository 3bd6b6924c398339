"""kill -9 of a scan at random moments, then a resume: the same catalogue as an uninterrupted
scan, nothing lost and nothing duplicated."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .test_scan_vst3 import copy_bundle

COPIES = 40


def scan(db: Path, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PLUGINARY_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "pluginary", "scan", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        return {
            "plugins": con.execute("SELECT format, uid, name, version FROM plugins "
                                   "ORDER BY format, uid").fetchall(),
            "installations": con.execute("SELECT path, status, tier FROM installations "
                                         "ORDER BY path").fetchall(),
            "candidates": con.execute("SELECT path, status, tier, plugins FROM candidates "
                                      "ORDER BY path").fetchall(),
        }
    finally:
        con.close()


def test_kill_9_at_random_points_then_resume(test_plugins, tmp_path):
    folder = tmp_path / "vst3"
    folder.mkdir()
    for i in range(COPIES):
        copy_bundle(test_plugins["PlDelay"].path("vst3"), folder, f"PlDelay{i}")

    began = time.monotonic()
    reference = scan(tmp_path / "reference.db", folder)
    assert reference.wait(timeout=300) == 0
    duration = time.monotonic() - began
    expected = snapshot(tmp_path / "reference.db")
    assert len(expected["installations"]) == COPIES
    assert len(expected["plugins"]) == 1  # copies share the class id: one plugin

    rng = random.Random(20261130)
    for point in range(4):
        db = tmp_path / f"killed{point}.db"
        victim = scan(db, folder)
        time.sleep(rng.uniform(0.3, max(0.4, duration * 0.9)))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        resumed = scan(db, folder)
        assert resumed.wait(timeout=300) == 0
        assert snapshot(db) == expected, f"kill point {point}"
        con = sqlite3.connect(db)
        try:
            scans = con.execute("SELECT status FROM scans").fetchall()
            done_twice = con.execute(
                "SELECT path FROM jobs WHERE state = 'done' GROUP BY scan_id, path, tiers "
                "HAVING count(*) > 1").fetchall()
        finally:
            con.close()
        assert ("running",) not in scans, "the interrupted scan was finished by the resume"
        assert done_twice == [], "no candidate was loaded twice at the same tiers"
