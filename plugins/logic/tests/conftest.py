from __future__ import annotations

import plistlib
import shutil
from pathlib import Path

import pytest

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
        contents = components / name / "Contents"
        (contents / "MacOS").mkdir(parents=True)
        shutil.copyfile(DATA / "au" / plist, contents / "Info.plist")
        with (contents / "Info.plist").open("rb") as fh:
            executable = plistlib.load(fh)["CFBundleExecutable"]
        (contents / "MacOS" / executable).write_bytes(b"\xcf\xfa\xed\xfe stand-in Mach-O")
    result = run_cli("scan", str(components), "--format", "au", "--json")
    assert result.exit_code == 0, result.stderr
    return components
