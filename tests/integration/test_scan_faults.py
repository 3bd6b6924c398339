"""The scan engine's promise under faults: nothing a plugin or a user does stops a scan, loses
data or leaves a wrong answer. One test per defect found in review (issue 9), each on real
plugins or on the test kit's misbehaving libraries."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import Candidate
from pluginary.scan.walk import stat_fingerprint


def candidate(path: Path, fmt: str) -> Candidate:
    return Candidate(format=fmt, path=str(path), fingerprint=stat_fingerprint(path))


def interrupted_scan(db: Path, fmt: str, paths: list[Path], *, running: int = 1) -> int:
    """The journal a ``pluginary scan --format FMT`` killed mid-way leaves: a ``running`` scan
    row, the first ``running`` jobs dispatched, the others pending."""
    catalogue = open_catalogue(make_plugin_manager(), str(db))
    try:
        scan_id = catalogue.begin_scan(formats=[fmt], roots=[str(p.parent) for p in paths],
                                       options={})
        ids = catalogue.add_jobs(scan_id, [(candidate(p, fmt), (1,)) for p in paths])
    finally:
        catalogue.close()
    con = sqlite3.connect(db)
    with con:
        con.executemany("UPDATE jobs SET state = 'running' WHERE id = ?",
                        [(i,) for i in ids[:running]])
    con.close()
    return scan_id


def with_gain(tmp_path: Path, test_plugins, name: str) -> Path:
    """A folder holding the LADSPA library ``name`` and a good plugin beside it (copies)."""
    folder = tmp_path / "ladspa"
    folder.mkdir()
    shutil.copy(test_plugins[name].path("ladspa"), folder)
    shutil.copy(test_plugins["PlGain"].path("ladspa"), folder)
    return folder


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def by_name(listed: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in listed}


# -- 1. resuming a scan of another format ---------------------------------------------------------

def test_a_killed_scan_of_one_format_does_not_stop_a_scan_of_another(
        run_cli, pluginary_env, test_plugins):
    ladspa = [test_plugins[n].path("ladspa") for n in ("PlGain", "PlDelay")]
    scan_id = interrupted_scan(pluginary_env, "ladspa", ladspa)

    vst3 = run_cli("scan", "--format", "vst3", str(test_plugins["PlGain"].path("vst3")),
                   "--json")
    assert vst3.exit_code == 0, vst3.stderr
    assert vst3.json()["counts"] == {"ok": 1}
    # The LADSPA jobs wait for a LADSPA scan, their scan row open for them; the VST3 scan had a
    # row of its own.
    assert not vst3.json()["resumed"]
    assert rows(pluginary_env, "SELECT state FROM jobs WHERE format = 'ladspa'") == [
        ("running",), ("pending",)]
    assert rows(pluginary_env, "SELECT id, status FROM scans ORDER BY id") == [
        (scan_id, "running"), (scan_id + 1, "finished")]

    finished = run_cli("scan", "--format", "ladspa", *map(str, ladspa), "--json")
    assert finished.exit_code == 0, finished.stderr
    assert finished.json()["resumed"] and finished.json()["scan_id"] == scan_id
    assert rows(pluginary_env, "SELECT DISTINCT state FROM jobs") == [("done",)]
    assert rows(pluginary_env, "SELECT DISTINCT status FROM scans") == [("finished",)]
    listed = by_name(run_cli("list", "--format", "ladspa", "--json").json())
    assert {listed[n].get("status", "ok") for n in ("PlGain", "PlDelay")} == {"ok"}


def test_jobs_of_a_disabled_extension_stay_unfinished_not_failed(
        run_cli, pluginary_env, test_plugins):
    ladspa = test_plugins["PlGain"].path("ladspa")
    interrupted_scan(pluginary_env, "ladspa", [ladspa])
    result = run_cli("scan", str(test_plugins["PlGain"].path("vst3")), "--json",
                     env={"PLUGINARY_DISABLE": "ladspa"})
    assert result.exit_code == 0, result.stderr
    assert rows(pluginary_env, "SELECT state, status FROM jobs WHERE format = 'ladspa'") == [
        ("running", "pending")]
    assert rows(pluginary_env, "SELECT path FROM candidates WHERE format = 'ladspa'") == []


# -- 2. a malformed frame -------------------------------------------------------------------------

def test_a_plugin_that_writes_to_the_protocol_pipe_is_crashed_and_the_scan_goes_on(
        run_cli, test_plugins, tmp_path):
    folder = with_gain(tmp_path, test_plugins, "PlProtocolWrite")
    for attempt in ("first", "rescan"):
        result = run_cli("scan", str(folder), "--json")
        assert result.exit_code == 0, (attempt, result.stderr)
    shown = run_cli("show", "PlProtocolWrite.so", "--json").json()
    assert shown["status"] == "crashed"
    assert "corrupted the scan protocol" in shown["cause"]
    assert by_name(run_cli("list", "--json").json())["PlGain"].get("status", "ok") == "ok"


# -- 3. end of output is not an exit ----------------------------------------------------------

def test_a_plugin_that_closes_the_pipe_and_sleeps_is_timed_out_not_waited_for(
        run_cli, test_plugins, tmp_path):
    folder = with_gain(tmp_path, test_plugins, "PlCloseFds")
    began = time.monotonic()
    result = run_cli("scan", str(folder), "--timeout", "3", "--json")
    took = time.monotonic() - began
    assert result.exit_code == 0, result.stderr
    assert took < 15, f"the scan waited {took:.0f} s for a worker whose pipe closed"
    shown = run_cli("show", "PlCloseFds.so", "--json").json()
    assert (shown["status"], shown["tier"]) == ("timeout", 1), shown
    assert by_name(run_cli("list", "--json").json())["PlGain"].get("status", "ok") == "ok"


# -- 4. one scan per catalogue ----------------------------------------------------------------

def _scan(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pluginary", "--db", str(db), "scan", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def test_a_second_scan_does_not_take_over_a_running_one(pluginary_env, test_plugins, tmp_path):
    db = tmp_path / "catalogue.db"
    folder = with_gain(tmp_path, test_plugins, "PlCloseFds")  # holds the first scan >= 6 s
    first = _scan(db, str(folder), "--timeout", "6", "--json")
    lock = db.with_name(db.name + ".scan-lock")
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.1)

    second = _scan(db, str(folder), "--json")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 12, (out, err)
    assert err.count("error:") == 1 and f"pid {first.pid}" in err and "--wait" in err, err
    assert "Traceback" not in err
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert rows(db, "SELECT count(*) FROM scans") == [(1,)], "the second scan wrote nothing"
    assert rows(db, "SELECT path, count(*) FROM jobs GROUP BY path HAVING count(*) > 1") == []


def _hold_lock(db: Path) -> subprocess.Popen[str]:
    """A process holding the catalogue's scan lock through the public API until its stdin
    closes (released) or it is killed."""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys\n"
        "from pluginary.catalogue import open_catalogue\n"
        "from pluginary.manager import make_plugin_manager\n"
        f"c = open_catalogue(make_plugin_manager(), {str(db)!r})\n"
        "with c.scan_lock():\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    ready, _, _ = select.select([holder.stdout], [], [], 60)
    assert ready and holder.stdout.readline().strip() == "held", "the holder never got the lock"
    return holder


def test_wait_queues_behind_the_holder_and_starts_when_it_ends(
        pluginary_env, test_plugins, tmp_path):
    db = tmp_path / "catalogue.db"
    holder = _hold_lock(db)
    waiting = _scan(db, str(test_plugins["PlGain"].path("ladspa")), "--wait", "--json")
    time.sleep(3)
    assert waiting.poll() is None, "the --wait scan did not wait"
    holder.communicate("", timeout=30)  # release
    _out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "waiting for it to finish" in err
    assert rows(db, "SELECT status FROM scans") == [("finished",)]


def test_the_scan_lock_dies_with_its_process(pluginary_env, test_plugins, tmp_path):
    db = tmp_path / "catalogue.db"
    holder = _hold_lock(db)
    blocked = _scan(db, str(test_plugins["PlGain"].path("ladspa")))
    blocked.communicate(timeout=60)
    assert blocked.returncode == 12
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    after = _scan(db, str(test_plugins["PlGain"].path("ladspa")))
    _out, err = after.communicate(timeout=60)
    assert after.returncode == 0, err


# -- 5. --no-resume ---------------------------------------------------------------------------

def test_no_resume_abandons_the_old_scan_for_good(run_cli, pluginary_env, test_plugins):
    gain = test_plugins["PlGain"].path("ladspa")
    old = interrupted_scan(pluginary_env, "ladspa", [test_plugins["PlDelay"].path("ladspa")])
    fresh = run_cli("scan", str(gain), "--no-resume", "--json")
    assert fresh.exit_code == 0 and not fresh.json()["resumed"]
    assert rows(pluginary_env, "SELECT status FROM scans WHERE id = ?", old) == [("abandoned",)]
    again = run_cli("scan", str(gain), "--json")
    assert not again.json()["resumed"], "a later scan revived the abandoned one"
    assert rows(pluginary_env, "SELECT count(*) FROM candidates WHERE path LIKE '%PlDelay%'") \
        == [(0,)], "the abandoned scan's job never ran"


# -- 6. a plugin gone from a file that is still there -------------------------------------------

def test_plugins_a_rebuilt_library_no_longer_has_become_missing(run_cli, test_plugins, tmp_path):
    folder = tmp_path / "ladspa"
    folder.mkdir()
    library = folder / "effects.so"
    cmt = Path("/usr/lib/ladspa/cmt.so")
    assert cmt.is_file(), "needs Debian's cmt package (apt-get install cmt), as .ci/run installs"
    shutil.copy(cmt, library)
    assert run_cli("scan", str(folder)).exit_code == 0
    before = run_cli("list", "--json").json()
    assert len(before) > 10  # cmt holds dozens of plugins
    shutil.copy(test_plugins["PlGain"].path("ladspa"), library)  # rebuilt: one descriptor
    assert run_cli("scan", str(folder)).exit_code == 0
    listed = by_name(run_cli("list", "--json").json())
    assert listed["PlGain"].get("status", "ok") == "ok"
    gone = [r for r in listed.values() if r["name"] != "PlGain"]
    assert len(gone) == len(before)
    assert {r["status"] for r in gone} == {"missing"}
    assert all("no longer in this file" in r["cause"] for r in gone)


# -- 7. relative paths ------------------------------------------------------------------------

def test_a_relative_path_is_stored_absolute(run_cli, pluginary_env, test_plugins, monkeypatch):
    gain = test_plugins["PlGain"].path("ladspa")
    monkeypatch.chdir(gain.parent.parent)
    assert run_cli("scan", f"ladspa/{gain.name}").exit_code == 0
    assert run_cli("scan", str(gain)).exit_code == 0
    assert rows(pluginary_env, "SELECT path FROM installations") == [(str(gain),)]
    assert rows(pluginary_env, "SELECT path FROM candidates") == [(str(gain),)]
    monkeypatch.chdir("/")
    assert run_cli("scan", str(gain)).exit_code == 0  # from elsewhere: still the same file
    assert rows(pluginary_env, "SELECT status FROM installations") == [("ok",)]
