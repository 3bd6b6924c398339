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


ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"


@pytest.fixture
def zam(run_cli):
    """The real zam plugins (VST3, CLAP and one LADSPA), ZamComp and ZamEQ2 in "Mixing"."""
    for args in (("/usr/lib/vst3",), ("/usr/lib/clap",), ("/usr/lib/ladspa/ZamComp-ladspa.so",)):
        result = run_cli("scan", *args, "--json")
        assert result.exit_code == 0, result.stderr
    for args in (("create", "Mixing"), ("add", "Mixing", ZAMCOMP_VST3, "clap:com.zamaudio.ZamEQ2",
                                         "ladspa:1514360144")):
        result = run_cli("collection", *args)
        assert result.exit_code == 0, result.stderr
