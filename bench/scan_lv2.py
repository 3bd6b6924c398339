"""LV2 catalogue speed: ``pluginary scan --format lv2`` against a bare in-process lilv walk, in the
same run, on every LV2 plugin of the machine (Debian's packages, see .ci/run).

- **bare**: one process loads everything on lilv's path (``lilv_world_load_all``, as lv2ls does)
  and reads every plugin's fields with the same reader the extension uses; the time is taken
  inside that process, so interpreter start-up is not counted. This is the lower bound: no
  isolation, no catalogue.
- **full**: ``pluginary scan --format lv2`` into a new SQLite catalogue, timed from outside
  (interpreter start, discovery and fingerprints, the worker pool, the journal, the catalogue
  writes and the search index all count).
- **rescan**: the same command again over the unchanged catalogue.

Goal (issue 5): full <= 1.2x bare. Usage (see bench/README.md, "LV2")::

    python3 -m venv /tmp/bench-lv2
    /tmp/bench-lv2/bin/pip install ./core ./plugins/sqlite ./plugins/lv2
    /tmp/bench-lv2/bin/python bench/scan_lv2.py --runs 5 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import json, time
began = time.perf_counter()
from pluginary_lv2.reader import World
world = World(everything=True)
uids = [world.record(plugin).uid for plugin in world.plugins()]
print(json.dumps({"seconds": time.perf_counter() - began, "plugins": len(set(uids))}))
"""


def bare() -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", BARE], check=True, capture_output=True,
                         text=True).stdout
    data = json.loads(out)
    return data["seconds"], data["plugins"]


def pluginary(db: Path, *args: str) -> tuple[float, dict]:
    exe = Path(sys.executable).parent / "pluginary"
    began = time.perf_counter()
    done = subprocess.run([str(exe), "--db", str(db), "scan", "--format", "lv2", "--json",
                           *args], check=True, capture_output=True, text=True)
    return time.perf_counter() - began, json.loads(done.stdout)


def lv2ls_count() -> int:
    return len(subprocess.run(["lv2ls"], check=True, capture_output=True,
                              text=True).stdout.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    expected = lv2ls_count()
    rows = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "catalogue.db"
            # Alternate the order so that neither side always runs on a warmer page cache.
            if run % 2:
                full, report = pluginary(db)
                bare_s, bare_n = bare()
            else:
                bare_s, bare_n = bare()
                full, report = pluginary(db)
            rescan, _ = pluginary(db)
        assert report["plugins"] == expected == bare_n, (report["plugins"], expected, bare_n)
        rows.append({"bare": bare_s, "full": full, "rescan": rescan, "ratio": full / bare_s,
                     "plugins": expected, "bundles": report["discovered"]})
        print(f"run {run + 1}: {expected} plugins in {report['discovered']} bundles: "
              f"bare {bare_s:.2f} s, full {full:.2f} s ({full / bare_s:.2f}x), "
              f"rescan {rescan:.2f} s", flush=True)
    ratios = [r["ratio"] for r in rows]
    print(f"full / bare: median {statistics.median(ratios):.2f}x, "
          f"min {min(ratios):.2f}x, max {max(ratios):.2f}x (goal <= 1.2x)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
