"""kill -9 and resume: does an interrupted scan, resumed, give the same catalogue as one that
was never interrupted?

It makes ~200 real copies of the zam VST3 bundles (as ``scan_vst3.py`` does, ZamVerb excluded),
runs one uninterrupted full scan into catalogue A, then for each of ``--points`` random delays
within A's duration: a fresh catalogue B, ``pluginary scan`` started as a subprocess and sent
SIGKILL (the parent only, like a crash; its workers must die with it through PDEATHSIG), then
``pluginary scan`` again to completion (it resumes), and B is compared with A:

- ``plugins`` (format, uid, name, vendor, version), ``installations`` (path, uid, status, tier),
  ``candidates`` (path, status, tier, plugins): rows lost, rows extra, duplicate rows;
- ``jobs``: more than one finished job for the same path and tiers within a scan, and jobs not
  finished once the resumed scan is done; ``scans`` not finished;
- workers still alive 3 s after the parent was killed (orphans).

Usage: ``/tmp/bench-scan/bin/python bench/kill_resume.py [--copies 200] [--points 20]
[--seed 1] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scan_vst3 import fresh, make_copies

QUERIES = {
    "plugins": "SELECT format, uid, name, vendor, version FROM plugins",
    "installations": "SELECT i.path, p.uid, i.status, i.tier FROM installations i "
                     "JOIN plugins p ON p.id = i.plugin_id",
    "candidates": "SELECT path, status, tier, plugins FROM candidates",
}


def rows(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {name: [tuple(r) for r in con.execute(sql)] for name, sql in QUERIES.items()}
        out["_dup_done_jobs"] = [tuple(r) for r in con.execute(
            "SELECT scan_id, path, tiers, count(*) FROM jobs WHERE state = 'done' "
            "GROUP BY scan_id, path, tiers HAVING count(*) > 1")]
        out["_unfinished_jobs"] = [tuple(r) for r in con.execute(
            "SELECT scan_id, path, tiers, state FROM jobs WHERE state != 'done'")]
        out["_scans"] = [tuple(r) for r in con.execute("SELECT id, status FROM scans")]
        out["_jobs_by_scan"] = [tuple(r) for r in con.execute(
            "SELECT scan_id, count(*) FROM jobs GROUP BY scan_id")]
        return out
    finally:
        con.close()


def compare(a: dict, b: dict) -> dict:
    out = {}
    for name in QUERIES:
        ca, cb = Counter(a[name]), Counter(b[name])
        out[name] = {
            "rows_a": len(a[name]), "rows_b": len(b[name]),
            "lost": sorted(set(ca) - set(cb))[:10], "lost_n": len(set(ca) - set(cb)),
            "extra": sorted(set(cb) - set(ca))[:10], "extra_n": len(set(cb) - set(ca)),
            "duplicates": sum(n - 1 for n in cb.values() if n > 1),
        }
    out["dup_done_jobs"] = b["_dup_done_jobs"][:10]
    out["unfinished_jobs"] = len(b["_unfinished_jobs"])
    out["scans"] = b["_scans"]
    out["jobs_by_scan"] = b["_jobs_by_scan"]
    return out


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = {int(x) for x in f.read().split()}
                todo += list(kids - found)
                found |= kids
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except OSError:
        return False


def scan_cmd(pluginary: str, db: Path, folder: Path) -> list[str]:
    return [pluginary, "--db", str(db), "scan", str(folder), "--json"]


def main() -> None:
    here = Path(sys.executable).parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--points", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path,
                    default=Path(tempfile.gettempdir()) / "bench-kill-resume")
    ap.add_argument("--pluginary", default=str(here / "pluginary"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    args.workdir.mkdir(parents=True, exist_ok=True)
    folder = args.workdir / f"copies-{args.copies}"
    make_copies(folder, args.copies)

    a_db = fresh(args.workdir / "A.db")
    t = time.monotonic()
    ref = subprocess.run(scan_cmd(args.pluginary, a_db, folder), capture_output=True, text=True,
                         cwd=tempfile.gettempdir())
    ref_seconds = time.monotonic() - t
    if ref.returncode:
        sys.exit(f"reference scan failed: {ref.stderr[-2000:]}")
    a = rows(a_db)
    print(f"reference: {ref_seconds:.2f} s, {len(a['plugins'])} plugins, "
          f"{len(a['installations'])} installations, {len(a['candidates'])} candidates, "
          f"statuses {Counter((r[1], r[2]) for r in a['candidates'])}", flush=True)

    points = []
    for i in range(args.points):
        delay = rng.uniform(0.05, ref_seconds * 0.98)
        b_db = fresh(args.workdir / f"B{i}.db")
        proc = subprocess.Popen(scan_cmd(args.pluginary, b_db, folder), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=tempfile.gettempdir())
        deadline = time.monotonic() + delay
        kids: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            kids |= descendants(proc.pid)
            time.sleep(0.02)
        finished_first = proc.poll() is not None
        if not finished_first:
            kids |= descendants(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)   # the parent only
        proc.communicate()
        time.sleep(3)
        orphans = sorted(k for k in kids if alive(k))
        before = rows(b_db) if b_db.exists() else None
        t = time.monotonic()
        again = subprocess.run(scan_cmd(args.pluginary, b_db, folder), capture_output=True,
                               text=True, cwd=tempfile.gettempdir())
        resume_seconds = time.monotonic() - t
        try:
            report = json.loads(again.stdout)
        except ValueError:
            report = None
        b = rows(b_db)
        diff = compare(a, b)
        point = {
            "point": i, "kill_after": round(delay, 2), "finished_before_kill": finished_first,
            "killed_at": (f"{len(before['candidates'])} candidates, "
                          f"{Counter((r[1], r[2]) for r in before['candidates'])}"
                          if before else "no catalogue yet"),
            "orphans": orphans, "resume_rc": again.returncode,
            "resume_seconds": round(resume_seconds, 2),
            "resumed": report and report.get("resumed"),
            "resume_loaded": report and report.get("loaded"),
            "resume_stderr": again.stderr[-500:] if again.returncode else "",
            **diff,
        }
        points.append(point)
        bad = any(diff[n]["lost_n"] or diff[n]["extra_n"] or diff[n]["duplicates"]
                  for n in QUERIES) or diff["dup_done_jobs"] or diff["unfinished_jobs"] \
            or orphans or again.returncode
        print(f"[{i:2}] kill at {delay:5.2f} s ({point['killed_at']}): resumed="
              f"{point['resumed']} loaded={point['resume_loaded']} in {resume_seconds:.2f} s; "
              + "; ".join(f"{n} lost {diff[n]['lost_n']} extra {diff[n]['extra_n']} dup "
                          f"{diff[n]['duplicates']}" for n in QUERIES)
              + f"; dup done jobs {len(diff['dup_done_jobs'])}, unfinished jobs "
              f"{diff['unfinished_jobs']}, orphans {len(orphans)}"
              + ("  <-- DIFFERENT" if bad else ""), flush=True)
        if bad:
            for n in QUERIES:
                if diff[n]["lost"] or diff[n]["extra"]:
                    print(f"     {n}: lost {diff[n]['lost'][:3]} extra {diff[n]['extra'][:3]}")
            if diff["dup_done_jobs"]:
                print(f"     dup done jobs: {diff['dup_done_jobs'][:3]}")
            if point["resume_stderr"]:
                print(f"     resume stderr: {point['resume_stderr']}")

    total = {n: {k: sum(p[n][k] for p in points) for k in ("lost_n", "extra_n", "duplicates")}
             for n in QUERIES}
    summary = {"reference_seconds": round(ref_seconds, 2), "copies": args.copies,
               "points": len(points), "totals": total,
               "points_with_dup_done_jobs": sum(1 for p in points if p["dup_done_jobs"]),
               "points_with_unfinished_jobs": sum(1 for p in points if p["unfinished_jobs"]),
               "points_with_orphans": sum(1 for p in points if p["orphans"]),
               "finished_before_kill": sum(1 for p in points if p["finished_before_kill"])}
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "points": points}, indent=1,
                                        default=str))


if __name__ == "__main__":
    main()
