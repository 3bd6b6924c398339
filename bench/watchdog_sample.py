"""What one watchdog CPU sample of a busy worker costs, with a desktop's number of processes.

Before issue 9 every sample (each dispatch, and every 0.5 s per busy worker) summed the CPU of the
worker's process group by reading every ``/proc/*/stat``: its cost grows with the processes on the
machine. Now a sample reads the worker's own ``/proc/PID/stat``, and the whole group is measured
only when the worker's own CPU stood still. This script times both reads, in the same run, with
``--procs`` extra sleeping processes started to look like a desktop (500+), and the psutil reads
that macOS and Windows use.

Usage::

    pip install ./core psutil
    python bench/watchdog_sample.py --procs 0 500 --samples 2000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from pluginary.scan import procstat


def per_call_us(fn: Callable[[], object], samples: int) -> float:
    """Median of 5 batches, microseconds per call."""
    batches = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(samples // 5):
            fn()
        batches.append((time.perf_counter() - began) / (samples // 5) * 1e6)
    return statistics.median(batches)


def measure(extra: int, samples: int) -> dict[str, float | int]:
    sleepers = [subprocess.Popen(["sleep", "600"]) for _ in range(extra)]
    try:
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                                  start_new_session=True)
        try:
            processes = sum(1 for p in os.listdir("/proc") if p.isdigit())
            os.environ.pop(procstat.FORCE_PORTABLE, None)
            whole_group = per_call_us(lambda: procstat.group_cpu([worker.pid]), samples)
            own = per_call_us(lambda: procstat.process_cpu(worker.pid), samples)
            os.environ[procstat.FORCE_PORTABLE] = "1"
            portable_own = per_call_us(lambda: procstat.process_cpu(worker.pid), samples)
            portable_tree = per_call_us(lambda: procstat.group_cpu([worker.pid]), samples)
            os.environ.pop(procstat.FORCE_PORTABLE)
        finally:
            worker.kill()
            worker.wait()
    finally:
        for s in sleepers:
            s.kill()
            s.wait()
    return {"processes": processes, "group_scan_us": round(whole_group, 1),
            "own_stat_us": round(own, 1), "ratio": round(whole_group / own, 1),
            "psutil_own_us": round(portable_own, 1), "psutil_tree_us": round(portable_tree, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--procs", type=int, nargs="+", default=[0, 500])
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    results = [measure(n, args.samples) for n in args.procs]
    print("| processes | whole-group scan µs | own stat µs | ratio | psutil own µs | "
          "psutil tree µs |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['processes']} | {r['group_scan_us']} | {r['own_stat_us']} | {r['ratio']}x | "
              f"{r['psutil_own_us']} | {r['psutil_tree_us']} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
