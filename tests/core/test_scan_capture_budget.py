"""The parts of the scan engine that need no plugin: the capture file's cap and the budgets."""

from __future__ import annotations

import os
import subprocess
import sys

from pluginary.models import CandidateState, Status
from pluginary.scan import capture
from pluginary.scan.budget import BASE_IDLE, BASE_WALL, BudgetPlanner
from pluginary.scan.capture import Capture

FLOOD = 3 * capture.LIMIT


def test_a_flood_is_cut_to_its_head_and_tail_while_it_is_written():
    """A real process writes through its own descriptor 2, as a plugin in a worker does; the
    parent trims the shared file under it, and the process goes on writing at the start."""
    cap = Capture()
    writer = subprocess.Popen(
        [sys.executable, "-c", (
            "import os, sys\n"
            "os.write(2, b'HEAD-MARKER ')\n"
            f"os.write(2, b'x' * {FLOOD})\n"
            "print('flooded', flush=True)\n"
            "sys.stdin.readline()\n"
            "os.write(2, b'TAIL-MARKER')\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=cap.file, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "flooded\n"
        cap.trim()
        assert os.fstat(cap.fileno()).st_size == 0, "the flood was dropped from the file"
        writer.communicate("go\n", timeout=30)
        text = cap.text()
    finally:
        cap.close()
    head, cut, tail = text.split("\n", 2)
    assert head.startswith("HEAD-MARKER x")
    assert len(head) == capture.HEAD
    written = len("HEAD-MARKER ") + FLOOD + len("TAIL-MARKER")
    assert cut == f"[{written - capture.HEAD - len('TAIL-MARKER')} bytes cut]"
    assert tail == "TAIL-MARKER"


def test_short_output_is_kept_whole():
    cap = Capture()
    try:
        cap.file.write(b"one line\n")
        cap.file.flush()
        cap.trim()  # under the limit: nothing happens
        assert cap.text() == "one line\n"
    finally:
        cap.close()


def state(path: str, status: Status, seconds: float, vendor: str = "") -> CandidateState:
    return CandidateState(format="vst3", path=path, status=status, tier=2, seconds=seconds,
                          vendor=vendor)


def test_budgets_learn_from_ok_loads_only():
    states = {
        "/slow-ok": state("/slow-ok", Status.OK, 50.0),
        "/timed-out": state("/timed-out", Status.TIMEOUT, 360.0),
        "/crashed": state("/crashed", Status.CRASHED, 200.0),
        **{f"/v{i}": state(f"/v{i}", Status.TIMEOUT, 300.0, vendor="Hangs Inc")
           for i in range(3)},
        "/new": state("/new", Status.OK, 0.1, vendor="Hangs Inc"),
    }
    planner = BudgetPlanner(states)
    ok = planner.budget("/slow-ok", 2)
    assert (ok.idle, ok.wall) == (100.0, 150.0), "an ok load's time is learned"
    for path in ("/timed-out", "/crashed", "/new"):
        budget = planner.budget(path, 2)
        assert (budget.idle, budget.wall) == (BASE_IDLE[2], BASE_WALL[2]), path
