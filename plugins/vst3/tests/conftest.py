"""Real parts the VST3 tests need; each fails (never skips) with what to install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ZAM_ROOT = Path("/usr/lib/vst3")


@pytest.fixture
def require_gcc() -> None:
    assert shutil.which("gcc"), "gcc is missing: apt-get install gcc"


@pytest.fixture
def require_zam() -> None:
    assert (ZAM_ROOT / "ZamComp.vst3").is_dir(), (
        "zam-plugins is missing: apt-get install zam-plugins")
