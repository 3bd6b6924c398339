"""Integration tests: every package installed from its wheel, driven through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.testing import sample_record


def fill(db: Path, records: list[PluginRecord]) -> None:
    catalogue = open_catalogue(make_plugin_manager(), str(db))
    try:
        catalogue.upsert(records)
    finally:
        catalogue.close()


@pytest.fixture
def filled(pluginary_env: Path) -> Callable[[int], list[PluginRecord]]:
    """Put ``n`` sample records into the test's default catalogue and return them."""

    def make(n: int) -> list[PluginRecord]:
        records = [sample_record(i) for i in range(n)]
        fill(pluginary_env, records)
        return records

    return make


#: Where Debian installs the plugins the real-catalogue tests scan (the README's first command
#: scans the same defaults).
REAL_ROOTS = ("/usr/lib/vst3", "/usr/lib/lv2", "/usr/lib/ladspa", "/usr/lib/clap")


@pytest.fixture(scope="session")
def real_catalogue_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This machine's real catalogue (Debian's LV2, LADSPA, CLAP and zam VST3 packages), scanned
    once per session by the CLI in a child process; tests copy it with ``real_catalogue``."""
    import subprocess
    import sys

    for root in REAL_ROOTS:
        assert Path(root).is_dir(), f"{root} is missing: run .ci/run's apt-get install first"
    path = tmp_path_factory.mktemp("real") / "catalogue.db"
    done = subprocess.run([sys.executable, "-m", "pluginary", "--db", str(path), "scan",
                           *REAL_ROOTS, "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return path


@pytest.fixture
def real_catalogue(real_catalogue_file: Path, pluginary_env: Path) -> Path:
    """A private copy of the real catalogue as the test's default catalogue."""
    import shutil

    shutil.copyfile(real_catalogue_file, pluginary_env)
    return pluginary_env


@pytest.fixture
def tmpfs(tmp_path: Path):
    """Mount small tmpfs filesystems (size in bytes); unmounted after the test.

    Needs root, as CI has. A failed mount fails the test: the full-disk and read-only cases must
    never be skipped.
    """
    import subprocess

    mounted: list[Path] = []

    def mount(name: str, size: int) -> Path:
        point = tmp_path / name
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                       check=True)
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)
