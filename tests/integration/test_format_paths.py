"""Every installed format's roots for Linux, macOS and Windows, from the extensions' own data, and
paths only Windows produces (a legacy single-file .vst3) met on Linux."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.registry import collect_formats
from pluginary.scan.roots import roots_for

INSTALLED = {name: entry.item for name, entry in collect_formats(make_plugin_manager()).items()}
#: The project's format extensions (the test extension's "testfmt" is installed here too).
FORMATS = {name: info for name, info in INSTALLED.items()
           if name in {"vst3", "lv2", "ladspa", "clap", "au"}}
WINDOWS_ENV = {"COMMONPROGRAMFILES": "C:\\Program Files\\Common Files",
               "LOCALAPPDATA": "C:\\Users\\Ana\\AppData\\Local",
               "APPDATA": "C:\\Users\\Ana\\AppData\\Roaming", "USERPROFILE": "C:\\Users\\Ana"}


def test_every_format_extension_is_installed_here():
    assert set(FORMATS) == {"vst3", "lv2", "ladspa", "clap", "au"} <= set(INSTALLED)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_windows_roots_are_absolute_with_every_variable_expanded(name):
    info = FORMATS[name]
    roots = roots_for(info, os_name="windows", env=WINDOWS_ENV)
    assert len(roots) == len(info.default_roots.get("windows", ()))
    for root in roots:
        assert isinstance(root, PureWindowsPath) and root.is_absolute(), root
        assert "%" not in str(root) and root.drive == "C:", root
    variable = info.path_env
    if variable:
        extra = roots_for(info, os_name="windows",
                          env={**WINDOWS_ENV, variable: "\\\\nas\\plugins;D:\\More"})
        assert extra[-2:] == [PureWindowsPath("//nas/plugins"), PureWindowsPath("D:/More")]


@pytest.mark.parametrize("os_name", ["linux", "darwin"])
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_posix_roots_are_absolute_and_expand_home(name, os_name):
    roots = roots_for(FORMATS[name], os_name=os_name, env={"HOME": "/home/ana"})
    assert len(roots) == len(FORMATS[name].default_roots.get(os_name, ()))
    assert all(isinstance(r, PurePosixPath) and r.is_absolute() and "~" not in str(r)
               for r in roots)


def test_each_format_has_roots_where_it_exists():
    for name, info in FORMATS.items():
        oses = {"darwin"} if name == "au" else {"linux", "darwin", "windows"}
        assert {os for os, roots in info.default_roots.items() if roots} >= oses, name


def test_a_legacy_single_file_vst3_is_found_and_explained(run_cli, tmp_path):
    # Before VST SDK 3.6.10 a Windows .vst3 was one DLL; Windows spells suffixes in any case.
    legacy = tmp_path / "Old Synth.VST3"
    legacy.write_bytes(b"MZ\x90\x00" + bytes(60))
    result = run_cli("scan", str(tmp_path), "--format", "vst3", "--json")
    assert result.exit_code == 0, result.stderr
    shown = run_cli("show", str(legacy), "--json").json()
    assert shown["status"] == "failed"
    assert shown["cause"] == ("a single-file .vst3 is a legacy Windows plugin; it cannot load on "
                              "Linux")
