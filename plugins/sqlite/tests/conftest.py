from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pluginary_sqlite import SQLiteCatalogue, open_sqlite


def open_db(path: Path, *, create: bool = True, busy_timeout: int | None = None
            ) -> SQLiteCatalogue:
    url = f"sqlite:///{path}"
    if busy_timeout is not None:
        url += f"?busy_timeout={busy_timeout}"
    catalogue = open_sqlite(url, create=create)
    assert catalogue is not None
    return catalogue


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "catalogue.db"


@pytest.fixture
def catalogue(db_path: Path) -> Iterator[SQLiteCatalogue]:
    c = open_db(db_path)
    try:
        yield c
    finally:
        c.close()


def run(*argv: str) -> None:
    """Run a system command (mount...); a failure fails the test, it never skips it."""
    subprocess.run(argv, check=True, capture_output=True, text=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (512 KiB) mounted in tmp_path, unmounted afterwards."""
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    run("mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(mount_point))
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
