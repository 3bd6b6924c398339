from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pluginary_au.testing import build_bundle

DATA = Path(__file__).parent / "data"
#: Bundle name -> its recorded Info.plist.
BUNDLES = {"FabFilter Pro-Q 3.component": "FabFilter Pro-Q 3.plist",
           "Surge XT.component": "Surge XT.bplist",  # an instrument and an effect
           "Plüsch.component": "Pluesch.plist"}  # codes with a space


@pytest.fixture
def tags_folder(tmp_path: Path) -> Path:
    """Logic's Tags folder holding the published sample files (a private copy)."""
    folder = tmp_path / "Tags"
    shutil.copytree(DATA / "tags", folder)
    return folder


@pytest.fixture
def audio_units(run_cli, tmp_path: Path) -> Path:
    """The recorded Audio Units as .component bundles, scanned (tier 0 reads Info.plist)."""
    components = tmp_path / "Components"
    for name, plist in BUNDLES.items():
        build_bundle(components, name, DATA / "au" / plist)
    result = run_cli("scan", str(components), "--format", "au", "--json")
    assert result.exit_code == 0, result.stderr
    return components
