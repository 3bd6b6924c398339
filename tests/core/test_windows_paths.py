"""Windows paths, tested on Linux through PureWindowsPath: drive letters, UNC shares, ``\\\\?\\``
long paths and case-insensitive de-duplication of roots."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest

from pluginary.models import FormatInfo
from pluginary.scan.roots import roots_for, same_place_key

INFO = FormatInfo(name="clap", description="test",
                  default_roots={"windows": ("%COMMONPROGRAMFILES%\\CLAP",
                                             "%LOCALAPPDATA%\\Programs\\Common\\CLAP"),
                                 "linux": ("/usr/lib/clap",)},
                  path_env="CLAP_PATH")
ENV = {"CommonProgramFiles": "C:\\Program Files\\Common Files",
       "LocalAppData": "C:\\Users\\Ana\\AppData\\Local"}


def windows_roots(path_var: str) -> list[PureWindowsPath]:
    roots = roots_for(INFO, os_name="windows", env={**ENV, "CLAP_PATH": path_var})
    assert all(isinstance(r, PureWindowsPath) for r in roots)
    return roots  # type: ignore[return-value]


@pytest.mark.parametrize(("first", "second"), [
    ("C:\\Program Files\\Common Files\\CLAP", "c:\\PROGRAM FILES\\common files\\clap"),
    ("C:\\Program Files\\Common Files\\CLAP", "C:/Program Files/Common Files/CLAP/"),
    ("C:\\Program Files\\Common Files\\CLAP", "\\\\?\\C:\\Program Files\\Common Files\\CLAP"),
    ("\\\\Studio\\Plugins\\CLAP", "\\\\?\\UNC\\studio\\plugins\\clap"),
    ("D:\\Audio", "d:\\audio"),
])
def test_two_spellings_of_one_place_are_one_key(first, second):
    assert same_place_key(PureWindowsPath(first), "windows") == same_place_key(
        PureWindowsPath(second), "windows")


@pytest.mark.parametrize(("first", "second"), [
    ("C:\\Audio", "D:\\Audio"),                      # another drive
    ("\\\\studio\\plugins", "\\\\studio\\presets"),  # another share
    ("C:\\Audio\\CLAP", "C:\\Audio\\CLAP2"),
])
def test_different_places_stay_different(first, second):
    assert same_place_key(PureWindowsPath(first), "windows") != same_place_key(
        PureWindowsPath(second), "windows")


def test_posix_keys_stay_case_sensitive():
    assert same_place_key(PurePosixPath("/usr/lib/CLAP"), "linux") != same_place_key(
        PurePosixPath("/usr/lib/clap"), "linux")


def test_the_path_variable_is_deduplicated_against_the_defaults():
    roots = windows_roots("\\\\?\\C:\\PROGRAM FILES\\Common Files\\CLAP;E:\\clap;e:\\CLAP\\;"
                          "\\\\nas\\audio\\clap;\\\\?\\UNC\\NAS\\Audio\\CLAP")
    assert roots == [PureWindowsPath("C:/Program Files/Common Files/CLAP"),
                     PureWindowsPath("C:/Users/Ana/AppData/Local/Programs/Common/CLAP"),
                     PureWindowsPath("E:/clap"), PureWindowsPath("//nas/audio/clap")]
    assert [r.drive for r in roots] == ["C:", "C:", "E:", "\\\\nas\\audio"]


def test_a_long_path_root_keeps_its_prefix_when_it_is_the_only_spelling():
    long = "\\\\?\\D:\\" + "\\".join(["very long folder name"] * 12) + "\\CLAP"
    assert len(long) > 260
    roots = windows_roots(long)
    assert str(roots[-1]) == long and roots[-1].drive == "\\\\?\\D:"


def test_relative_entries_are_dropped_on_every_os():
    # "CLAP", "C:CLAP" (drive-relative) and "\\CLAP" (no drive) depend on the current folder.
    assert windows_roots("CLAP;C:CLAP;\\CLAP;F:\\ok") [-1] == PureWindowsPath("F:/ok")
    assert len(windows_roots("CLAP;C:CLAP;\\CLAP")) == 2
    assert roots_for(INFO, os_name="linux", env={"CLAP_PATH": "rel/clap:/opt/clap"}) == [
        PurePosixPath("/usr/lib/clap"), PurePosixPath("/opt/clap")]
