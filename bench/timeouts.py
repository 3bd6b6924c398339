"""How long hanging plugins hold a scan up, with the default budgets (no --timeout).

Two measures, on the test kit's real plugins (built from Debian's dpf-source):

* **torture**: a full scan of the torture folder (plugins that crash, abort, exit, spin forever,
  sleep 20 s, flood stderr, crash at dlopen), VST3 alone and all four formats;
* **one hang among 100**: a full scan of 100 copies of PlGain.vst3 (the reference, same run),
  then the same 100 plus one copy of PlSpin, then plus one copy of PlSleep20; the claim is the
  difference against the reference.

Usage::

    pip install ./core ./plugins/sqlite ./plugins/vst3 ./plugins/clap ./plugins/lv2 \\
        ./plugins/ladspa ./tests/support/testplugins
    python bench/timeouts.py --runs 2 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pluginary_testplugins import build_all


def scan(db: Path, *paths: Path) -> dict[str, object]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pluginary", "--db", str(db), "scan",
                           *map(str, paths), "--json"], capture_output=True, text=True,
                          check=True)
    report = json.loads(done.stdout)
    return {"seconds": round(time.monotonic() - began, 2), "counts": report["counts"]}


def copy_bundle(source: Path, folder: Path, stem: str) -> None:
    """A real copy (dlopen dedupes by inode), the inner .so renamed to the stem."""
    target = folder / f"{stem}.vst3"
    shutil.copytree(source, target)
    (so,) = (target / "Contents" / "x86_64-linux").glob("*.so")
    so.rename(so.with_name(f"{stem}.so"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--good", type=int, default=100)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    plugins = build_all()
    work = Path(tempfile.mkdtemp(prefix="pluginary-bench-timeouts-"))
    results: list[dict[str, object]] = []
    try:
        good = work / "good"
        good.mkdir()
        for i in range(args.good):
            copy_bundle(plugins["PlGain"].path("vst3"), good, f"PlGain{i}")
        hangs = {}
        for name in ("PlSpin", "PlSleep20"):
            hangs[name] = work / name
            hangs[name].mkdir()
            copy_bundle(plugins[name].path("vst3"), hangs[name], f"{name}Copy")
        torture_all = [plugins.dir("torture", f) for f in ("vst3", "clap", "lv2", "ladspa")]
        for run in range(args.runs):
            row: dict[str, object] = {"run": run + 1}
            row["torture vst3"] = scan(work / f"t{run}.db", plugins.dir("torture", "vst3"))
            row["torture all"] = scan(work / f"ta{run}.db", *torture_all)
            row["100 good"] = scan(work / f"g{run}.db", good)
            for name, folder in hangs.items():
                row[f"100 good + {name}"] = scan(work / f"h{name}{run}.db", good, folder)
            results.append(row)
            print(json.dumps(row))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n| run | torture VST3 | torture, 4 formats | 100 good | + PlSpin | + PlSleep20 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in results:
        base = row["100 good"]["seconds"]  # type: ignore[index]
        cells = [f"{row['torture vst3']['seconds']} s",  # type: ignore[index]
                 f"{row['torture all']['seconds']} s", f"{base} s"]  # type: ignore[index]
        for name in hangs:
            took = row[f"100 good + {name}"]["seconds"]  # type: ignore[index]
            cells.append(f"{took} s (+{took - base:.1f} s)")
        print(f"| {row['run']} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
