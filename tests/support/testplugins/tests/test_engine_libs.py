"""The engine/ libraries, which misbehave at dlopen against the scan worker's protocol.

Each library is loaded in a child Python process, never in pytest's own: PlProtocolWrite
would write into pytest's pipes and PlCloseFds would close its files and hang.  Missing
tools fail the tests; nothing here is skipped."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pluginary_testplugins import TestPluginSet
from pluginary_testplugins.build import _plan, _toolchain

ENGINE = ["PlCloseFds", "PlProtocolWrite"]


def test_built_in_their_own_folder(test_plugins: TestPluginSet) -> None:
    folder = test_plugins.dir("engine", "ladspa")
    assert folder == test_plugins.root / "engine" / "ladspa"
    assert sorted(p.name for p in folder.iterdir()) == [f"{n}.so" for n in ENGINE]
    assert sorted(test_plugins.names("engine")) == ENGINE
    for name in ENGINE:
        plugin = test_plugins[name]
        assert plugin.category == "engine"
        assert list(plugin.formats) == ["ladspa"]
        assert plugin.path("ladspa") == plugin.binary("ladspa") == folder / f"{name}.so"
        assert plugin.path("ladspa").is_file()
        assert plugin.description.startswith("Engine: at dlopen")
    # Scans of the torture and special folders must not meet them.
    for category in ("good", "torture", "special"):
        assert not set(ENGINE) & set(test_plugins.names(category))


def test_export_ladspa_descriptor(test_plugins: TestPluginSet) -> None:
    nm = shutil.which("nm")
    if nm is None:
        pytest.fail("nm not found: apt-get install -y binutils")
    for name in ENGINE:
        out = subprocess.run(
            [nm, "-D", "--defined-only", str(test_plugins[name].binary("ladspa"))],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert {line.split()[-1] for line in out.stdout.splitlines()} == {"ladspa_descriptor"}


def test_manifest_round_trip(test_plugins: TestPluginSet) -> None:
    data = json.loads(json.dumps(test_plugins.to_manifest(absolute=False)))
    again = TestPluginSet.from_manifest(test_plugins.root, data, from_cache=True)
    for name in ENGINE:
        assert again[name] == test_plugins[name]
    assert again["PlProtocolWrite"].unique_id == int.from_bytes(b"PPwr", "big")


def test_only_planned_with_ladspa(tmp_path: Path) -> None:
    tc = _toolchain()
    for formats, expected in ((("vst3", "clap", "lv2"), []), (("ladspa",), ENGINE)):
        _, built = _plan(tc, tmp_path, tmp_path, formats)
        assert sorted(p.name for p in built if p.category == "engine") == expected


# Runs in a child: inherits pipes and files the way a scan worker holds its protocol pipe,
# dlopens the library, then reports what each one received as JSON on stdout. fd 1 is
# itself a pipe to pytest, so a frame written to it would break the JSON.
PROTOCOL_WRITE_CHILD = r"""
import ctypes, json, os, sys

class Descriptor(ctypes.Structure):  # the first fields of ladspa.h's LADSPA_Descriptor
    _fields_ = [("UniqueID", ctypes.c_ulong), ("Label", ctypes.c_char_p)]

def drain(fd):  # up to EOF: every write end is closed
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    return data.hex()

def pending(fd):  # what is buffered now; this process still holds the write side
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 4096).hex()
    except BlockingIOError:
        return ""

tmp = sys.argv[2]
r_low, w_low = os.pipe()                  # a write end at a low fd >= 3
r_high, w = os.pipe()
w_high = os.dup2(w, 1023)                 # the last fd the library looks at
os.close(w)
os.mkfifo(f"{tmp}/fifo")
rdwr = os.open(f"{tmp}/fifo", os.O_RDWR)  # a FIFO opened read-write counts too
regular = os.open(f"{tmp}/file", os.O_WRONLY | os.O_CREAT)  # not a FIFO: left alone
assert min(w_low, rdwr, regular) >= 3

lib = ctypes.CDLL(sys.argv[1])

os.close(w_low)
os.close(w_high)
entry = lib.ladspa_descriptor
entry.argtypes = [ctypes.c_ulong]
entry.restype = ctypes.POINTER(Descriptor)
first = entry(0).contents
print(json.dumps({
    "low": drain(r_low),
    "high": drain(r_high),
    "rdwr": pending(rdwr),
    "regular": os.path.getsize(f"{tmp}/file"),
    "descriptor": [first.UniqueID, first.Label.decode()],
    "second_descriptor": bool(entry(1)),
}))
"""


def test_protocol_write_writes_one_bad_frame_per_writable_pipe(
    test_plugins: TestPluginSet, tmp_path: Path
) -> None:
    lib = test_plugins["PlProtocolWrite"].path("ladspa")
    proc = subprocess.run(
        [sys.executable, "-c", PROTOCOL_WRITE_CHILD, str(lib), str(tmp_path)],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert proc.stdout.startswith(b"{"), f"fd 1 received bytes too: {proc.stdout[:20]!r}"
    report = json.loads(proc.stdout)
    frame = "00000005" + "c1" * 5  # length 5 (4 bytes, big-endian), then five 0xC1
    assert report["low"] == report["high"] == report["rdwr"] == frame
    assert report["regular"] == 0
    # Otherwise an ordinary LADSPA library with one plugin.
    assert report["descriptor"] == [int.from_bytes(b"PPwr", "big"), "PlProtocolWrite"]
    assert report["second_descriptor"] is False


# Runs in a child: keeps the inherited write end and a copy at fd 1023, then dlopens the library
# (which never returns).
CLOSE_FDS_CHILD = r"""
import ctypes, os, sys
os.dup2(int(sys.argv[2]), 1023)
ctypes.CDLL(sys.argv[1])
print("dlopen returned", file=sys.stderr)
"""


def _stat(pid: int) -> tuple[str, list[str]]:
    """(state, [utime, stime]) from /proc/<pid>/stat; the fields after the command name."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return fields[0], fields[11:13]


def test_close_fds_closes_everything_and_sleeps(test_plugins: TestPluginSet) -> None:
    lib = test_plugins["PlCloseFds"].path("ladspa")
    r, w = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-c", CLOSE_FDS_CHILD, str(lib), str(w)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(w,),
    )
    try:
        os.close(w)  # from now on only the child holds write ends
        ready, _, _ = select.select([r], [], [], 30)
        assert ready, "the child still holds the pipe's write ends after 30 s"
        assert os.read(r, 1) == b""  # EOF: both of the child's copies were closed
        assert child.poll() is None, child.communicate()[1]  # ...and it is still alive
        assert sorted(os.listdir(f"/proc/{child.pid}/fd"), key=int) == ["0", "1", "2"]
        # Sleeping in pause(), not spinning: the state stays "S" and no CPU time is added.
        _, cpu = _stat(child.pid)
        time.sleep(0.5)
        assert _stat(child.pid) == ("S", cpu)
    finally:
        os.close(r)
        child.kill()
        child.wait(timeout=30)
        if child.stderr is not None:
            child.stderr.close()
