"""The core stays light: importing it and running --help loads no database driver or plugin host."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
import pluginary, pluginary.hookspecs, pluginary.models
from pluginary.cli import run
code = run(["--help"])
heavy = sorted(m for m in ("sqlite3", "_sqlite3", "pedalboard") if m in sys.modules)
print(code, heavy)
"""


def test_help_imports_neither_sqlite3_nor_pedalboard():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0 []"
