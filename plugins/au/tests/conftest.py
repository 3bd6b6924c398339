"""Building ``.component`` bundles from the Info.plist files under ``data/``.

A bundle is what an installer leaves in ``/Library/Audio/Plug-Ins/Components``:
``Name.component/Contents/Info.plist`` and ``Contents/MacOS/<CFBundleExecutable>``. The
executable here is a stand-in file: tier 0 never runs it, only stats it for the fingerprint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pluginary_au.testing import build_bundle

DATA = Path(__file__).parent / "data"

#: Bundle folder name -> the Info.plist it is built from.
BUNDLES = {
    "FabFilter Pro-Q 3.component": "FabFilter Pro-Q 3.plist",
    "Surge XT.component": "Surge XT.bplist",  # a binary plist with two Audio Units
    "TAL-NoiseMaker.component": "TAL-NoiseMaker.plist",  # a name without "Vendor: "
    "Plüsch.component": "Pluesch.plist",  # codes with spaces, a non-ASCII name
    "Scaler 2.component": "Scaler 2.plist",  # a MIDI processor
}
BROKEN = {
    "Legacy Verb.component": "Legacy Verb.plist",  # no AudioComponents
    "Broken.component": "Broken.plist",  # cut off mid-element
}


@pytest.fixture
def components(tmp_path: Path) -> Path:
    """A Components folder holding the good bundles."""
    folder = tmp_path / "Components"
    folder.mkdir()
    for name, data in BUNDLES.items():
        build_bundle(folder, name, DATA / data)
    return folder


@pytest.fixture
def make_bundle():
    """``make_bundle(folder, "X.component", info)``: ``info`` is a file under ``data/``
    (by name), plist bytes, or None for a bundle without Info.plist."""
    def make(folder: Path, name: str, info: str | bytes | None, executable: bool = True) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return build_bundle(folder, name, DATA / info if isinstance(info, str) else info,
                            executable)
    return make


@pytest.fixture
def data_dir() -> Path:
    return DATA
