"""Preset extraction speed: every LV2 preset of the machine into a fresh catalogue, then the same
command again with nothing changed, against references measured in the same run (issue 14).

- **first pass**: ``python -m pluginary --db FRESH preset extract --container lv2-preset
  --json`` with ``LV2_PATH=/usr/lib/lv2`` and ``HOME`` (and the XDG folders) in an empty
  temporary folder, so ``~/.lv2`` and any user configuration are out of the way. Timed from
  outside: interpreter start-up, loading the extensions, discovery, fingerprints, lilv reading
  every bundle and the SQLite writes all count.
- **unchanged pass**: the same command again, ``--again`` times (median reported). Goal: < 1 s,
  and the catalogue grows by nothing (file plus WAL, payload rows; the file's sha256 too).
- **in-process**: the unchanged pass through ``pluginary.cli.run`` in a fresh interpreter, timed
  after ``import pluginary.cli``: how much of the wall time is interpreter start-up and imports.
- **no preset file read**: one more unchanged pass under ``strace -f -e trace=openat`` (or, when
  strace is missing, ``sys.addaudithook`` on "open" in-process, which cannot see opens made
  from C): opens of non-directories under /usr/lib/lv2 are counted (expected 0). The same probe
  on a first pass into another fresh catalogue shows that it does see the reads.

References, each one process timed inside it (interpreter start-up not counted) and from outside:

- **walk**: ``os.walk`` + ``os.stat`` of every file of every bundle, the least that fingerprinting
  the sources must do (the lower bound of the unchanged pass);
- **read ttl**: the bytes of every ``.ttl`` file under /usr/lib/lv2 read once, the least that
  reading the presets must do without parsing them (the lower bound of the first pass);
- **python**: ``python -c pass``, the interpreter's own start-up.

The first pass creates the catalogue, as a user's first ``preset extract`` does. Usage (see
bench/README.md)::

    python3 -m venv /tmp/bench-presets
    /tmp/bench-presets/bin/pip install ./core ./plugins/sqlite ./plugins/lv2
    /tmp/bench-presets/bin/python bench/presets.py [--runs 3] [--again 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LV2 = Path("/usr/lib/lv2")
CONTAINER = "lv2-preset"

# Every bundle under the root (a child folder with a manifest.ttl, as lilv and the container's
# discovery find them), then os.walk + os.stat of each file in it, as fingerprinting does.
WALK = r"""
import json, os, sys, time
began = time.perf_counter()
root = sys.argv[1]
files = 0
with os.scandir(root) as entries:
    bundles = sorted(e.path for e in entries if e.is_dir())
bundles = [b for b in bundles if os.path.isfile(os.path.join(b, "manifest.ttl"))]
for bundle in bundles:
    for folder, dirs, names in os.walk(bundle):
        for name in names:
            try:
                os.stat(os.path.join(folder, name))
            except OSError:
                continue
            files += 1
print(json.dumps({"seconds": time.perf_counter() - began, "bundles": len(bundles),
                  "files": files}))
"""

READ_TTL = r"""
import json, os, sys, time
began = time.perf_counter()
count = size = 0
for folder, dirs, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".ttl"):
            with open(os.path.join(folder, name), "rb") as f:
                size += len(f.read())
            count += 1
print(json.dumps({"seconds": time.perf_counter() - began, "files": count, "bytes": size}))
"""

# The CLI in-process: the time of ``import pluginary.cli`` and of ``run`` (extensions loaded,
# catalogue opened, the command) apart. With "--audit" first, every "open" audit event naming a
# non-directory under the LV2 root is recorded (Python-level opens only).
IN_PROCESS = r"""
import io, json, os, sys, time
args = sys.argv[1:]
audit = args[0] == "--audit"
if audit:
    args = args[1:]
root = os.environ["LV2_PATH"].rstrip("/") + "/"
opened = []

def hook(event, details):
    if event == "open" and isinstance(details[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(details[0])
        if path.startswith(root) and not os.path.isdir(path):
            opened.append(path)

if audit:
    sys.addaudithook(hook)
began = time.perf_counter()
import pluginary.cli
imported = time.perf_counter()
real, sys.stdout = sys.stdout, io.StringIO()
code = pluginary.cli.run(args)
ran = time.perf_counter()
out, sys.stdout = sys.stdout.getvalue(), real
report = json.loads(out) if code == 0 else {}
print(json.dumps({"code": code, "import": imported - began, "run": ran - imported,
                  "engine": report.get("seconds"), "opened": opened}))
"""

OPENAT = re.compile(r'openat\((AT_FDCWD|\d+)(?:<([^>]*)>)?, "((?:[^"\\]|\\.)*)", ([A-Z0-9_|]+)'
                    r'(?:.*= (-?\d+))?')


def environment(home: Path) -> dict[str, str]:
    """The environment of every pluginary run: the LV2 root only, an empty home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLUGINARY_", "XDG_"))}
    for name in ("config", "data", "cache", "state"):
        (home / name).mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name.upper()}_HOME"] = str(home / name)
    env.update(HOME=str(home), LV2_PATH=str(LV2))
    return env


def extract_args(db: Path) -> list[str]:
    return ["--db", str(db), "preset", "extract", "--container", CONTAINER, "--json"]


def cli(db: Path, env: dict[str, str],
        prefix: tuple[str, ...] = ()) -> tuple[float, dict[str, Any]]:
    """One extraction through the CLI (what a user runs): wall seconds and its JSON report."""
    command = [*prefix, sys.executable, "-m", "pluginary", *extract_args(db)]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=db.parent)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    for part in report["containers"]:
        part["changes"].pop("keys", None)  # one key per preset: not a measure
    return seconds, report


def child(code: str, *args: str, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> tuple[float, dict[str, Any]]:
    """Run ``python -c code args``: wall seconds from outside and the JSON it prints."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, cwd=cwd)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"reference failed: {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout or "{}")


def storage(db: Path) -> dict[str, Any]:
    """The catalogue on disk (file, WAL, shared memory; the file's sha256) and its preset rows.
    Sizes and the hash are taken before the rows are read, so reading cannot change them."""
    sizes = {suffix or "db": (Path(f"{db}{suffix}").stat().st_size
                              if Path(f"{db}{suffix}").exists() else 0)
             for suffix in ("", "-wal", "-shm")}
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    # immutable=1 reads without locks or -shm, so the catalogue is left exactly as it is; with
    # frames still in the WAL a normal read-only connection is needed to see them.
    uri = f"file:{db}?immutable=1" if sizes["-wal"] == 0 else f"file:{db}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0] or 0)

        rows = {"presets": one("SELECT count(*) FROM presets"),
                "payloads": one("SELECT count(*) FROM preset_payloads"),
                "payload_bytes": one("SELECT sum(size) FROM preset_payloads"),
                "versions": one("SELECT count(*) FROM preset_versions"),
                "sources": one("SELECT count(*) FROM preset_sources"),
                "free_pages": one("PRAGMA freelist_count")}
    finally:
        conn.close()
    return {**sizes, "on_disk": sizes["db"] + sizes["-wal"], "sha256": digest, **rows}


def strace_opens(db: Path, env: dict[str, str], strace: str) -> dict[str, Any]:
    """One extraction under ``strace -f -e trace=openat``: its opens under the LV2 root."""
    log = db.parent / "openat.log"
    # -s: whole paths (strace cuts strings at 32 characters); -y: the folder of a relative open.
    cli(db, env, (strace, "-f", "-qq", "-y", "-s", "4096", "-e", "trace=openat", "-o",
                  str(log)))
    root = str(LV2).rstrip("/") + "/"
    files: list[str] = []
    folders = failed = 0
    for line in log.read_text(errors="replace").splitlines():
        match = OPENAT.search(line)
        if match is None:
            continue
        _, base, raw, flags, result = match.groups()
        path = raw.encode().decode("unicode_escape")
        if base and not path.startswith("/"):
            path = os.path.join(base, path)
        if not (path + "/").startswith(root):
            continue
        if result is not None and int(result) < 0:
            failed += 1
        elif "O_DIRECTORY" in flags or os.path.isdir(path):
            folders += 1
        else:
            files.append(path)
    log.unlink()
    return {"probe": "strace", "files": len(files), "folders": folders, "failed": failed,
            "ttl": sum(p.endswith(".ttl") for p in files), "examples": sorted(files)[:5]}


def audit_opens(db: Path, env: dict[str, str]) -> dict[str, Any]:
    """One extraction in-process with an audit hook on "open" (no strace on this machine)."""
    _, data = child(IN_PROCESS, "--audit", *extract_args(db), env=env, cwd=db.parent)
    files = data["opened"]
    return {"probe": "audit hook (Python opens only)", "files": len(files), "folders": None,
            "failed": None, "ttl": sum(p.endswith(".ttl") for p in files),
            "examples": sorted(files)[:5]}


def opens(db: Path, env: dict[str, str]) -> dict[str, Any]:
    strace = shutil.which("strace")
    return strace_opens(db, env, strace) if strace else audit_opens(db, env)


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def references(repeat: int) -> dict[str, Any]:
    """The three references, ``repeat`` times each; medians of the inside and outside times."""
    walks = [child(WALK, str(LV2)) for _ in range(repeat)]
    reads = [child(READ_TTL, str(LV2)) for _ in range(repeat)]
    python = [child("print('{}')")[0] for _ in range(repeat)]
    return {"walk_inside": median_of([w[1]["seconds"] for w in walks]),
            "walk_wall": median_of([w[0] for w in walks]),
            "walk_bundles": walks[0][1]["bundles"], "walk_files": walks[0][1]["files"],
            "ttl_inside": median_of([r[1]["seconds"] for r in reads]),
            "ttl_wall": median_of([r[0] for r in reads]),
            "ttl_files": reads[0][1]["files"], "ttl_bytes": reads[0][1]["bytes"],
            "python_wall": median_of(python)}


def one_run(run: int, again: int, control: bool) -> dict[str, Any]:
    """A fresh catalogue: the first pass, ``again`` unchanged passes, the in-process passes, the
    open probe; the references before or after (alternating between runs)."""
    with tempfile.TemporaryDirectory(prefix="bench-presets-") as tmp:
        env = environment(Path(tmp) / "home")
        db = Path(tmp) / "catalogue.db"
        refs = references(again) if run % 2 == 0 else {}
        first_s, first = cli(db, env)
        after_first = storage(db)
        passes = []
        for _ in range(again):
            seconds, report = cli(db, env)
            passes.append({"wall": seconds, "engine": report["seconds"],
                           "container": report["containers"][0]})
        after_again = storage(db)
        inside = [child(IN_PROCESS, *extract_args(db), env=env, cwd=db.parent)[1]
                  for _ in range(again)]
        probe = opens(db, env)
        after_probe = storage(db)
        if not refs:
            refs = references(again)
        positive = None
        if control:
            fresh = Path(tmp) / "control.db"
            positive = opens(fresh, env)
    part = first["containers"][0]
    return {"first": {"wall": first_s, "engine": first["seconds"],
                                      "container": part},
            "after_first": after_first, "again": passes, "after_again": after_again,
            "in_process": inside, "probe": probe, "after_probe": after_probe,
            "control": positive, "references": refs,
            "unchanged_wall": median_of([p["wall"] for p in passes]),
            "unchanged_engine": median_of([p["engine"] for p in passes])}


def show(run: int, r: dict[str, Any]) -> None:
    first, refs, part = r["first"], r["references"], r["first"]["container"]
    changes = part["changes"]
    grew = r["after_again"]["on_disk"] - r["after_first"]["on_disk"]
    same = r["after_again"]["sha256"] == r["after_first"]["sha256"] == r["after_probe"]["sha256"]
    inside = r["in_process"]
    print(f"run {run + 1}: {part['sources']} bundles, {changes['added']} presets added, "
          f"{changes['blobs_added']} payloads ({changes['bytes_added'] / 1e6:.1f} MB), "
          f"{len(part['errors'])} errors", flush=True)
    print(f"  first pass {first['wall']:.2f} s wall ({first['engine']:.2f} s in the engine); "
          f"read ttl {refs['ttl_wall']:.3f} s wall, {refs['ttl_inside']:.3f} s inside "
          f"({refs['ttl_files']} files, {refs['ttl_bytes'] / 1e6:.1f} MB): "
          f"{first['wall'] / refs['ttl_wall']:.0f}x wall, "
          f"{first['engine'] / refs['ttl_inside']:.0f}x inside")
    walls = ", ".join(f"{p['wall']:.3f}" for p in r["again"])
    print(f"  unchanged pass {walls} s wall (median {r['unchanged_wall']:.3f} s, goal < 1 s), "
          f"engine median {r['unchanged_engine'] * 1000:.0f} ms; read "
          f"{[p['container']['read'] for p in r['again']]} sources")
    print(f"  walk+stat {refs['walk_wall']:.3f} s wall, {refs['walk_inside'] * 1000:.1f} ms "
          f"inside ({refs['walk_bundles']} bundles, {refs['walk_files']} files): "
          f"{r['unchanged_wall'] / refs['walk_wall']:.1f}x wall, "
          f"{r['unchanged_engine'] / refs['walk_inside']:.1f}x engine/inside; "
          f"python -c pass {refs['python_wall']:.3f} s")
    print(f"  in-process: import pluginary.cli "
          f"{median_of([i['import'] for i in inside]) * 1000:.0f} ms, run "
          f"{median_of([i['run'] for i in inside]) * 1000:.0f} ms (engine "
          f"{median_of([i['engine'] for i in inside]) * 1000:.0f} ms)")
    print(f"  on disk: after the first pass "
          f"{r['after_first']['on_disk']:,} B, after {len(r['again'])} unchanged "
          f"{r['after_again']['on_disk']:,} B (grew {grew:+,} B; file unchanged: {same}); "
          f"payloads {r['after_first']['payloads']} -> {r['after_again']['payloads']}, "
          f"versions {r['after_first']['versions']} -> {r['after_again']['versions']}")
    probe, control = r["probe"], r["control"]
    print(f"  {probe['probe']}: unchanged pass opened {probe['files']} files under {LV2} "
          f"(folders {probe['folders']}, failed {probe['failed']})"
          + (f"; a first pass opened {control['files']} ({control['ttl']} .ttl)"
             if control else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh catalogues (default 1)")
    parser.add_argument("--again", type=int, default=3,
                        help="unchanged passes per catalogue, and repetitions of each "
                             "reference (default 3)")
    parser.add_argument("--no-control", action="store_true",
                        help="skip the probe of a first pass (it shows the probe sees reads)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    if not LV2.is_dir():
        raise SystemExit(f"{LV2} is missing: install Debian's LV2 packages (see .ci/run)")
    rows = []
    for run in range(args.runs):
        rows.append(one_run(run, args.again, not args.no_control))
        show(run, rows[-1])
    unchanged = ", ".join(f"{r['unchanged_wall']:.3f}" for r in rows)
    first = ", ".join(f"{r['first']['wall']:.2f}" for r in rows)
    print(f"unchanged pass, medians per run: {unchanged} s (goal < 1 s); first pass {first} s")
    if args.json:
        args.json.write_text(json.dumps({"python": sys.version.split()[0],
                                         "sqlite": sqlite3.sqlite_version,
                                         "cpus": os.cpu_count(), "runs": rows}, indent=1))


if __name__ == "__main__":
    main()
