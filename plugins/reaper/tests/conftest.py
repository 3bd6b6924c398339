from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def reaper_folder(tmp_path: Path) -> Path:
    """A REAPER resource folder holding the published sample files (a private copy)."""
    folder = tmp_path / "REAPER"
    folder.mkdir()
    for name in ("reaper-fxfolders.ini", "reaper-fxtags.ini"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    return folder
