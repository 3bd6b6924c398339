from __future__ import annotations

from pathlib import Path

import pytest

from pluginary_au.testing import build_bundle

DATA = Path(__file__).parent / "data"
#: Bundle name -> its recorded Info.plist.
BUNDLES = {"FabFilter Pro-Q 3.component": "FabFilter Pro-Q 3.plist",
           "Surge XT.component": "Surge XT.bplist"}
ZAMCOMP = "vst3:2046504473616C63504D435A00000000"


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def zam(run_cli):
    """Debian's zam VST3 plugins and one LADSPA; ZamComp tagged, in the collection Mixing/Bus."""
    ok(run_cli("scan", "/usr/lib/vst3", "--json"))
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    ok(run_cli("tag", "add", "favourite", ZAMCOMP))
    ok(run_cli("collection", "create", "Mixing/Bus"))
    ok(run_cli("collection", "add", "Mixing/Bus", ZAMCOMP))
    ok(run_cli("collection", "add", "Mixing/Bus", "name:ZamEQ2 format:vst3"))


@pytest.fixture
def audio_units(run_cli, tmp_path: Path) -> None:
    """The recorded Audio Units as .component bundles, scanned (tier 0 reads Info.plist)."""
    components = tmp_path / "Components"
    for name, plist in BUNDLES.items():
        build_bundle(components, name, DATA / "au" / plist)
    ok(run_cli("scan", str(components), "--format", "au", "--json"))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """An (empty) Ableton User Library."""
    folder = tmp_path / "User Library"
    folder.mkdir()
    return folder
