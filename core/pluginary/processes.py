"""Which programs are running: an export into a DAW's files asks first while that DAW runs.

Only process *names* are read (Linux ``/proc/PID/comm`` and the command line's first word,
``ps`` on macOS, ``tasklist`` on Windows); nothing is signalled or opened.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path


def running(names: Iterable[str]) -> list[str]:
    """Those of ``names`` (compared case-insensitively, without ``.exe``) that are running."""
    wanted = {_plain(n): n for n in names}
    if not wanted:
        return []
    seen = {_plain(n) for n in _process_names()}
    return sorted(wanted[n] for n in wanted if n in seen)


def _plain(name: str) -> str:
    name = name.strip().casefold()
    return name[:-4] if name.endswith(".exe") else name


def _process_names() -> set[str]:
    if sys.platform.startswith("linux"):
        return _proc_names(Path("/proc"))
    try:
        if sys.platform == "win32":
            out = subprocess.run(["tasklist", "/fo", "csv", "/nh"], capture_output=True,
                                 text=True, errors="replace", timeout=10, check=False).stdout
            return {line.split('","')[0].strip('"') for line in out.splitlines() if line}
        out = subprocess.run(["ps", "-axo", "comm="], capture_output=True, text=True,
                             errors="replace", timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()  # cannot tell: do not ask about a DAW we cannot see
    # macOS gives the executable's path ("/Applications/REAPER.app/Contents/MacOS/REAPER").
    return {line.strip().rsplit("/", 1)[-1] for line in out.splitlines() if line.strip()}


def _proc_names(proc: Path) -> set[str]:
    names: set[str] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            names.add((entry / "comm").read_bytes().decode(errors="replace").strip())
            # comm is cut at 15 characters; the command line has the whole name.
            first = (entry / "cmdline").read_bytes().split(b"\0", 1)[0]
            names.add(first.decode(errors="replace").rsplit("/", 1)[-1])
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return names
