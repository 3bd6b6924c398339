"""Run ``pluginary`` and measure the scan parent apart from its workers (used by scan_vst3.py).

``getrusage`` of the wrapper process is the parent's own CPU and peak RSS; of its reaped children,
the scan workers'. The share of the parent in the scan's CPU is the measure of issue 9.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# ``pluginary ARGS`` as the console script runs it (``sys.exit(pluginary.cli.run())``, same
# argv, same exit code, same catalogue), then the process's own resource usage and that of its
# reaped children (the scan workers: the pool waits for every one before ``run`` returns) as
# JSON into the file named by the first argument. Run with ``python -P`` so that the cwd cannot
# shadow the installed package.
RUSAGE_WRAPPER = r"""
import json, resource, sys, time
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["pluginary", *args]
t = time.monotonic()
from pluginary.cli import run
rc = run(args)
wall = time.monotonic() - t
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump({"rc": rc, "run_wall_s": wall,
               "self": {"utime": me.ru_utime, "stime": me.ru_stime, "maxrss_kb": me.ru_maxrss},
               "children": {"utime": kids.ru_utime, "stime": kids.ru_stime,
                            "maxrss_kb": kids.ru_maxrss}}, f)
sys.stdout.flush()
sys.exit(rc)
"""


def script_python(script: str) -> str:
    """The interpreter of a console script (its ``#!`` line), else this one."""
    path = shutil.which(script) or script
    try:
        with open(path, "rb") as f:
            first = f.readline().decode(errors="replace").strip()
    except OSError:
        return sys.executable
    if first.startswith("#!") and len(first.split()) == 1 and Path(first[2:]).is_file():
        return first[2:]
    return sys.executable


def cpu_fields(usage: dict | None) -> dict:
    """parent/workers CPU seconds, the parent's share of the two, peak RSS (MB)."""
    if not usage:
        return {"parent_cpu_s": None, "workers_cpu_s": None, "parent_share": None,
                "parent_peak_rss_mb": None, "workers_peak_rss_mb": None, "run_wall_s": None}
    me, kids = usage["self"], usage["children"]
    parent = me["utime"] + me["stime"]
    workers = kids["utime"] + kids["stime"]
    return {"parent_cpu_s": round(parent, 3), "parent_user_s": round(me["utime"], 3),
            "parent_sys_s": round(me["stime"], 3), "workers_cpu_s": round(workers, 3),
            "parent_share": round(parent / (parent + workers), 4) if parent + workers else None,
            "parent_peak_rss_mb": round(me["maxrss_kb"] / 1024, 1),
            "workers_peak_rss_mb": round(kids["maxrss_kb"] / 1024, 1),
            "run_wall_s": round(usage["run_wall_s"], 3)}


CPU_KEYS = ("wall_s", "run_wall_s", "parent_cpu_s", "parent_user_s", "parent_sys_s",
            "workers_cpu_s", "parent_share", "parent_peak_rss_mb", "workers_peak_rss_mb")


def cpu_line(r: dict) -> str:
    if r.get("parent_cpu_s") is None:
        return "parent CPU n/a (the wrapper wrote no usage)"
    return (f"parent CPU {r['parent_cpu_s']:.2f} s (user {r['parent_user_s']:.2f} + sys "
            f"{r['parent_sys_s']:.2f}), workers CPU {r['workers_cpu_s']:.2f} s, parent share "
            f"{r['parent_share']:.3f}, parent peak RSS {r['parent_peak_rss_mb']} MB")
