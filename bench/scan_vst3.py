"""Scan speed on real VST3 bundles: Pluginary (full, --quick, rescan) against the peer
``pedalboard-pluginary`` and a bare-pedalboard lower bound, all in the same run.

The bundles are real copies (``shutil.copytree``, never hard links: the dynamic loader dedupes
by inode) of the Debian ``zam-plugins`` VST3 bundles in /usr/lib/vst3, except ZamVerb, which
takes minutes to instantiate and is measured on its own (``--zam``). Copy ``i`` of ``ZamComp`` is
``ZamComp_<i>.vst3`` with its binary renamed ``Contents/x86_64-linux/ZamComp_<i>.so`` (pedalboard
refuses a bundle whose binary is named differently). Copies share the VST3 class id, so a
catalogue of N copies holds 16 plugins with N installations: that is expected.

Usage (see bench/README.md, "Scanning")::

    python3 -m venv /tmp/bench-scan
    /tmp/bench-scan/bin/pip install ./core ./plugins/sqlite ./plugins/vst3
    python3 -m venv /tmp/peer-venv
    /tmp/peer-venv/bin/pip install pedalboard-pluginary==1.1.6 rich click
    /tmp/bench-scan/bin/python bench/scan_vst3.py --n 100 400 [--zam] [--json out.json]
    /tmp/bench-scan/bin/python bench/scan_vst3.py --rescan-only --rescan-quick --runs 3

The rescan set's scans run the CLI in a small wrapper (:data:`RUSAGE_WRAPPER`), which reports
the scan parent's own CPU (``getrusage(RUSAGE_SELF)``) apart from its reaped workers'
(``RUSAGE_CHILDREN``), and the parent's exact peak RSS (``ru_maxrss``).

/usr/lib/vst3 is only read, never modified.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rusage import CPU_KEYS, RUSAGE_WRAPPER, cpu_fields, cpu_line, script_python  # bench/rusage.py

SYSTEM_VST3 = Path("/usr/lib/vst3")
SLOW = "ZamVerb"
ARCH_DIR = "x86_64-linux"
PEER_APP = "com.twardoch.pedalboard-pluginary"


# -- the bundles --------------------------------------------------------------------------------

def source_bundles(exclude: tuple[str, ...] = (SLOW,)) -> list[Path]:
    return sorted(p for p in SYSTEM_VST3.glob("*.vst3") if p.stem not in exclude)


def make_copies(dest: Path, n: int, sources: list[Path] | None = None) -> list[Path]:
    """N real copies of ``sources`` (cycled), each bundle and its binary renamed ``<stem>_<i>``.
    Reuses ``dest`` when it already holds exactly these N copies."""
    sources = sources or source_bundles()
    wanted = [(sources[i % len(sources)], dest / f"{sources[i % len(sources)].stem}_{i}.vst3")
              for i in range(n)]
    if dest.is_dir() and sorted(p.name for p in dest.iterdir()) == sorted(
            w.name for _, w in wanted):
        return [w for _, w in wanted]
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for src, bundle in wanted:
        shutil.copytree(src, bundle, symlinks=False)
        arch = bundle / "Contents" / ARCH_DIR
        (arch / f"{src.stem}.so").rename(arch / f"{bundle.stem}.so")
    return [w for _, w in wanted]


# -- processes ----------------------------------------------------------------------------------

def vm_hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_timed(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600,
              on_poll=None, poll: float = 0.1) -> dict:
    """Run ``cmd``; wall seconds, the parent's peak RSS (VmHWM polled from /proc), output."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - read back after the process ends
    err = tempfile.TemporaryFile()  # noqa: SIM115
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=tempfile.gettempdir())
    peak = 0
    while proc.poll() is None:
        hwm = vm_hwm_kb(proc.pid)
        if hwm:
            peak = max(peak, hwm)
        if on_poll is not None:
            on_poll(time.monotonic() - start)
        if time.monotonic() - start > timeout:
            proc.kill()
            proc.wait()
            break
        time.sleep(poll)
    seconds = time.monotonic() - start
    out.seek(0)
    err.seek(0)
    return {"seconds": round(seconds, 3), "rc": proc.returncode,
            "peak_rss_mb": round(peak / 1024, 1),
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace")}


def pluginary_scan(pluginary: str, db: Path, paths: list[Path], *extra: str,
                   timeout: float = 3600, on_poll=None, rusage: bool = False) -> dict:
    """``pluginary --db DB scan PATHS --json EXTRA``. With ``rusage`` it runs in
    :data:`RUSAGE_WRAPPER` and the result also holds :func:`cpu_fields`."""
    args = ["--db", str(db), "scan", *map(str, paths), "--json", *extra]
    if not rusage:
        r = run_timed([pluginary, *args], timeout=timeout, on_poll=on_poll)
    else:
        fd, usage_file = tempfile.mkstemp(prefix="bench-rusage-", suffix=".json")
        os.close(fd)
        try:
            r = run_timed([script_python(pluginary), "-P", "-c", RUSAGE_WRAPPER, usage_file,
                           *args], timeout=timeout, on_poll=on_poll)
            try:
                usage = json.loads(Path(usage_file).read_text())
            except ValueError:
                usage = None
        finally:
            Path(usage_file).unlink(missing_ok=True)
        r.update(cpu_fields(usage))
        r["wall_s"] = r["seconds"]
    try:
        r["report"] = json.loads(r["stdout"])
    except ValueError:
        r["report"] = None
    if r["rc"] != 0:
        sys.stderr.write(f"pluginary exited {r['rc']}: {r['stderr'][-2000:]}\n")
    return r


def catalogue_counts(db: Path) -> dict:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "plugins": q("SELECT count(*) FROM plugins")[0][0],
            "installations": q("SELECT count(*) FROM installations")[0][0],
            "candidates_by_status_tier": {f"{s}/t{t}": n for s, t, n in q(
                "SELECT status, tier, count(*) FROM candidates GROUP BY 1, 2")},
        }
    finally:
        con.close()


# -- the peer -----------------------------------------------------------------------------------

def peer_scan(peer_python: str, folder: Path, home: Path, timeout: float = 7200) -> dict:
    """``python -m pedalboard_pluginary scan --extra-folders FOLDER`` with HOME=``home``.

    The peer always adds ~/.vst3, /usr/lib/vst3 and /usr/local/lib/vst3 to its folders. To make
    it scan only the copies, its own ignore list (``ignores.json`` in its cache dir, entries
    ``vst3/<bundle stem>``) is seeded with its defaults plus the 17 system bundle stems; the
    copies have other stems (``ZamComp_3``), so none of them is ignored."""
    if home.exists():
        shutil.rmtree(home)
    cache = home / "Library" / "Application Support" / PEER_APP
    cache.mkdir(parents=True)
    defaults = json.loads(subprocess.run(
        [peer_python, "-c", "import importlib.resources as r;print(r.files("
         "'pedalboard_pluginary.resources').joinpath('default_ignores.json').read_text())"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONSAFEPATH": "1"},
        cwd=tempfile.gettempdir()).stdout)
    ignores = sorted(set(defaults) | {f"vst3/{p.stem}" for p in SYSTEM_VST3.glob("*.vst3")})
    (cache / "ignores.json").write_text(json.dumps(ignores))
    env = {**os.environ, "HOME": str(home), "PYTHONSAFEPATH": "1", "TERM": "dumb",
           "COLUMNS": "120"}
    r = run_timed([peer_python, "-m", "pedalboard_pluginary", "scan", "--extra-folders",
                   str(folder)], env=env, timeout=timeout)
    db = cache / "plugins.db"
    recorded = outside = 0
    if db.exists():
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        paths = [row[0] for row in con.execute("SELECT path FROM plugins")]
        con.close()
        recorded = sum(1 for p in paths if p.startswith(str(folder) + "/"))
        outside = len(paths) - recorded
    r["recorded"] = recorded
    r["recorded_outside_folder"] = outside
    r["summary_line"] = next((line for line in r["stdout"].splitlines()
                              if "Scan complete" in line), "")
    return r


# -- the raw lower bound ------------------------------------------------------------------------

RAW = r"""
import multiprocessing as mp, sys, time

def load(paths):
    import pedalboard
    ok = 0
    for p in paths:
        try:
            plugin = pedalboard.load_plugin(p, initialization_timeout=0)
            plugin._parameters
            ok += 1
        except Exception as e:
            print("raw: %s: %s" % (p, e), file=sys.stderr)
        finally:
            plugin = None
    return ok

if __name__ == "__main__":
    paths = sys.argv[1:]
    t = time.monotonic()
    with mp.get_context("fork").Pool(2) as pool:
        ok = sum(pool.map(load, [paths[0::2], paths[1::2]]))
    print(ok, time.monotonic() - t)
"""


def raw_load(python: str, bundles: list[Path]) -> dict:
    r = run_timed([python, "-c", RAW, *map(str, bundles)])
    ok, inner = r["stdout"].split()[:2] if r["rc"] == 0 else ("0", "nan")
    r["loaded"] = int(ok)
    r["inner_seconds"] = round(float(inner), 3)
    return r


# -- the zam set --------------------------------------------------------------------------------

def zam_set(pluginary: str, workdir: Path, timeout: float) -> dict:
    """A full scan of /usr/lib/vst3 itself (17 bundles, ZamVerb included), polling the
    catalogue every 0.5 s for when the other 16 reached tier 2 and when ZamVerb did."""
    db = workdir / "zam.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    marks: dict = {"others_done": None, "zamverb_done": None, "zamverb_status": None,
                   "samples": []}
    verb = str(SYSTEM_VST3 / f"{SLOW}.vst3")

    def poll(elapsed: float) -> None:
        if not db.exists():
            return
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
            rows = con.execute("SELECT path, status, tier FROM candidates").fetchall()
            con.close()
        except sqlite3.Error:
            return
        others = sum(1 for p, s, t in rows if p != verb and s == "ok" and t == 2)
        mine = [(s, t) for p, s, t in rows if p == verb]
        if marks["others_done"] is None and others >= 16:
            marks["others_done"] = round(elapsed, 2)
        if mine and mine[0] == ("ok", 2) and marks["zamverb_done"] is None:
            marks["zamverb_done"] = round(elapsed, 2)
        if mine:
            marks["zamverb_status"] = f"{mine[0][0]}/t{mine[0][1]}"
        marks["samples"].append((round(elapsed, 1), others, marks["zamverb_status"]))

    last = [0.0]

    def throttled(elapsed: float) -> None:
        if elapsed - last[0] >= 0.5:
            last[0] = elapsed
            poll(elapsed)

    r = pluginary_scan(pluginary, db, [SYSTEM_VST3], timeout=timeout, on_poll=throttled)
    poll(r["seconds"])
    r.update({k: v for k, v in marks.items() if k != "samples"})
    r["samples_tail"] = marks["samples"][-5:]
    r["catalogue"] = catalogue_counts(db) if db.exists() else None
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    r["zamverb_row"] = con.execute(
        "SELECT status, tier, seconds, cause FROM candidates WHERE path = ?", (verb,)).fetchone()
    r["zamverb_jobs"] = con.execute(
        "SELECT status, tier, seconds, cause FROM jobs WHERE path = ? ORDER BY id",
        (verb,)).fetchall()
    con.close()
    return r


# -- main ---------------------------------------------------------------------------------------

def fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def bench_n(args, n: int) -> dict:
    work = args.workdir
    folder = work / f"copies-{n}"
    t = time.monotonic()
    bundles = make_copies(folder, n)
    print(f"\n== N={n}: {len(bundles)} copies in {folder} ({time.monotonic() - t:.1f} s)",
          flush=True)
    res: dict = {"n": n}

    db = fresh(work / f"full-{n}.db")
    full = pluginary_scan(args.pluginary, db, [folder])
    res["full"] = {k: full[k] for k in ("seconds", "rc", "peak_rss_mb", "report")}
    res["full"]["catalogue"] = catalogue_counts(db)
    print(f"full:   {full['seconds']:.2f} s, parent peak RSS {full['peak_rss_mb']} MB, "
          f"{res['full']['catalogue']}", flush=True)

    again = pluginary_scan(args.pluginary, db, [folder])
    res["rescan"] = {k: again[k] for k in ("seconds", "rc", "peak_rss_mb", "report")}
    report = again["report"] or {}
    print(f"rescan: {again['seconds']:.2f} s (report {report.get('seconds')} s, "
          f"unchanged {report.get('unchanged')})", flush=True)

    dbq = fresh(work / f"quick-{n}.db")
    quick = pluginary_scan(args.pluginary, dbq, [folder], "--quick")
    res["quick"] = {k: quick[k] for k in ("seconds", "rc", "peak_rss_mb", "report")}
    res["quick"]["catalogue"] = catalogue_counts(dbq)
    print(f"quick:  {quick['seconds']:.2f} s, {res['quick']['catalogue']}", flush=True)

    raw = raw_load(args.raw_python, bundles)
    res["raw"] = {k: raw[k] for k in ("seconds", "rc", "loaded", "inner_seconds")}
    print(f"raw:    {raw['seconds']:.2f} s ({raw['loaded']} loaded)", flush=True)

    if not args.skip_peer:
        peer = peer_scan(args.peer_python, folder, work / f"peer-home-{n}")
        res["peer"] = {k: peer[k] for k in ("seconds", "rc", "recorded",
                                            "recorded_outside_folder", "summary_line")}
        print(f"peer:   {peer['seconds']:.2f} s, recorded {peer['recorded']} "
              f"(+{peer['recorded_outside_folder']} outside), {peer['summary_line']!r}",
              flush=True)
        if peer["rc"] != 0:
            print(peer["stderr"][-2000:])
    p = res.get("peer", {}).get("seconds")
    res["ratios"] = {
        "peer/full": ratio(p, full["seconds"]),
        "peer/quick": ratio(p, quick["seconds"]),
        "full/raw": ratio(full["seconds"], raw["seconds"]),
    }
    return res


def rescan_5000(args) -> dict:
    """5000 candidates (copies of the smallest bundle), scanned once; only the following,
    unchanged scans are the measure. With ``--rescan-quick`` every scan of this set is
    ``--quick`` (tiers 0-1), which makes the first scan ~4x cheaper; an unchanged candidate is
    skipped by the same fingerprint comparison either way."""
    smallest = min(source_bundles(), key=lambda p: sum(
        f.stat().st_size for f in p.rglob("*") if f.is_file()))
    folder = args.workdir / "copies-5000"
    t = time.monotonic()
    make_copies(folder, args.rescan_n, [smallest])
    print(f"\n== rescan set: {args.rescan_n} copies of {smallest.name} "
          f"({time.monotonic() - t:.1f} s)", flush=True)
    db = args.workdir / "rescan-5000.db"
    extra = ("--quick",) if args.rescan_quick else ()
    keys = ("seconds", "rc", "peak_rss_mb", "report", *CPU_KEYS)
    firsts = []
    for i in range(args.runs):
        # Every first scan goes into a fresh catalogue; the rescans use the last one.
        first = pluginary_scan(args.pluginary, fresh(db), [folder], *extra, rusage=True)
        firsts.append({k: first.get(k) for k in keys})
        firsts[-1]["catalogue"] = catalogue_counts(db) if db.exists() else None
        print(f"first scan{f' {i + 1}/{args.runs}' if args.runs > 1 else ''}: "
              f"{first['seconds']:.2f} s, peak RSS {first['peak_rss_mb']} MB; "
              f"{cpu_line(first)}", flush=True)
    runs = []
    for _ in range(3):
        r = pluginary_scan(args.pluginary, db, [folder], *extra, rusage=True)
        runs.append({k: r.get(k) for k in keys})
        print(f"unchanged rescan: {r['seconds']:.2f} s (report "
              f"{r['report'] and r['report']['seconds']} s, unchanged "
              f"{r['report'] and r['report']['unchanged']}, loaded "
              f"{r['report'] and r['report']['loaded']}); {cpu_line(r)}", flush=True)
    return {"n": args.rescan_n, "bundle": smallest.name, "quick": args.rescan_quick,
            "first": firsts[0], "first_runs": firsts, "first_median": median_fields(firsts),
            "rescans": runs, "catalogue": catalogue_counts(db)}


def median_fields(runs: list[dict]) -> dict:
    """The median of each CPU/wall measure over the first-scan runs."""
    out = {}
    for k in CPU_KEYS:
        vals = sorted(r[k] for r in runs if r.get(k) is not None)
        if vals:
            mid = len(vals) // 2
            out[k] = vals[mid] if len(vals) % 2 else round((vals[mid - 1] + vals[mid]) / 2, 4)
    return out


def print_table(results: list[dict]) -> None:
    print("\n| N | full s | quick s | rescan s | raw s | peer s (recorded) | peer/full | "
          "peer/quick | full/raw | parent RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        peer = r.get("peer")
        ps = f"{peer['seconds']:.1f} ({peer['recorded']})" if peer else "-"
        ra = r["ratios"]
        print(f"| {r['n']} | {r['full']['seconds']:.2f} | {r['quick']['seconds']:.2f} | "
              f"{r['rescan']['seconds']:.2f} | {r['raw']['seconds']:.2f} | {ps} | "
              f"{ra['peer/full']} | {ra['peer/quick']} | {ra['full/raw']} | "
              f"{max(r['full']['peak_rss_mb'], r['quick']['peak_rss_mb'])} |")


def print_rescan_summary(r: dict) -> None:
    print(f"\n| rescan set ({r['n']} x {r['bundle']}{', --quick' if r['quick'] else ''}) | "
          "wall s | parent CPU s | workers CPU s | parent share | parent peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- |")

    def row(name: str, x: dict) -> None:
        f = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
        print(f"| {name} | {f(x.get('wall_s'), '.2f')} | {f(x.get('parent_cpu_s'), '.2f')} | "
              f"{f(x.get('workers_cpu_s'), '.2f')} | {f(x.get('parent_share'), '.3f')} | "
              f"{f(x.get('parent_peak_rss_mb'), '')} |")

    for i, x in enumerate(r["first_runs"], 1):
        row(f"first scan {i}", x)
    if len(r["first_runs"]) > 1:
        row("first scan, median", r["first_median"])
    for i, x in enumerate(r["rescans"], 1):
        row(f"unchanged rescan {i}", x)


def main() -> None:
    here = Path(sys.executable).parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100, 400, 1000])
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--json", type=Path, help="write every measure here")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "bench-scan-vst3")
    ap.add_argument("--pluginary", default=shutil.which("pluginary", path=str(here)) or
                    shutil.which("pluginary") or "pluginary")
    ap.add_argument("--raw-python", default=sys.executable,
                    help="a Python with pedalboard, for the raw lower bound")
    ap.add_argument("--peer-python", default="/tmp/peer-venv/bin/python")
    ap.add_argument("--rescan-n", type=int, default=5000,
                    help="candidates in the unchanged-rescan set (0: skip)")
    ap.add_argument("--rescan-quick", action="store_true",
                    help="scan the rescan set with --quick (the first scan is much cheaper)")
    ap.add_argument("--rescan-only", action="store_true",
                    help="only the rescan set: no N sweep, no peer")
    ap.add_argument("--runs", type=int, default=1,
                    help="first scans of the rescan set, each into a fresh catalogue")
    ap.add_argument("--zam", action="store_true",
                    help="also scan /usr/lib/vst3 itself, ZamVerb included (minutes)")
    ap.add_argument("--zam-timeout", type=float, default=900)
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.rescan_only:
        if not args.rescan_n:
            ap.error("--rescan-only needs --rescan-n > 0")
        args.n, args.skip_peer = [], True
    args.workdir.mkdir(parents=True, exist_ok=True)

    out: dict = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cores": os.cpu_count(),
                 "python": sys.version.split()[0], "pluginary": args.pluginary, "sizes": []}
    for n in args.n:
        out["sizes"].append(bench_n(args, n))
        print_table(out["sizes"])
    if args.rescan_n:
        out["rescan_5000"] = rescan_5000(args)
    if args.zam:
        print("\n== zam set: /usr/lib/vst3 (17 bundles incl. ZamVerb)", flush=True)
        z = zam_set(args.pluginary, args.workdir, args.zam_timeout)
        out["zam"] = {k: v for k, v in z.items() if k not in ("stdout", "stderr")}
        print(json.dumps(out["zam"], indent=1, default=str))
    if out["sizes"]:
        print_table(out["sizes"])
    if "rescan_5000" in out:
        print_rescan_summary(out["rescan_5000"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
