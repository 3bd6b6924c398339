from __future__ import annotations

import plistlib
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
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
    for name, plist in (("FabFilter Pro-Q 3.component", "FabFilter Pro-Q 3.plist"),
                        ("Surge XT.component", "Surge XT.bplist")):
        contents = components / name / "Contents"
        (contents / "MacOS").mkdir(parents=True)
        shutil.copyfile(DATA / "au" / plist, contents / "Info.plist")
        with (contents / "Info.plist").open("rb") as fh:
            executable = plistlib.load(fh)["CFBundleExecutable"]
        (contents / "MacOS" / executable).write_bytes(b"\xcf\xfa\xed\xfe stand-in Mach-O")
    ok(run_cli("scan", str(components), "--format", "au", "--json"))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """An (empty) Ableton User Library."""
    folder = tmp_path / "User Library"
    folder.mkdir()
    return folder
