"""An exporter's typed description: checked at registration, its destination per system and its
options parsed from ``--option NAME=VALUE``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pluginary.errors import UsageError
from pluginary.exporter_info import (
    ExporterInfo,
    ExportOption,
    default_destination,
    describe,
    parse_options,
    problems,
    this_system,
)
from pluginary.processes import running

INFO = ExporterInfo(
    name="daw",
    summary="a DAW's files",
    systems=("linux", "macos", "windows"),
    formats=("vst3", "au"),
    destination_kind="folder",
    destinations={"linux": "${XDG_CONFIG_HOME:-~/.config}/DAW",
                  "macos": "~/Library/Application Support/DAW",
                  "windows": "%APPDATA%\\DAW"},
    options=(ExportOption(name="depth", kind="number", default=2, help="levels"),
             ExportOption(name="vendors", kind="flag", default=True, help="vendors too"),
             ExportOption(name="layout", kind="choice", choices=("flat", "tree"),
                          default="tree", help="folders"),
             ExportOption(name="title", help="a title")),
    processes=("daw",),
)


def test_a_good_description_has_no_problems() -> None:
    assert problems(INFO) == []


@pytest.mark.parametrize(("info", "words"), [
    (ExporterInfo(name="Bad Name", summary="x"), "name 'Bad Name'"),
    (ExporterInfo(name="x", summary=""), "summary"),
    (ExporterInfo(name="x", summary="x", systems=("beos",)), "unknown system 'beos'"),
    (ExporterInfo(name="x", summary="x", systems=("linux",), destinations={"macos": "~"}),
     "destination for 'macos'"),
    (ExporterInfo(name="x", summary="x", formats=("VST 3",)), "format 'VST 3'"),
    (ExporterInfo(name="x", summary="x", options=(
        ExportOption(name="n", kind="number", default="many", help=""),)), "whole number"),
    (ExporterInfo(name="x", summary="x", options=(
        ExportOption(name="c", kind="choice", help=""),)), "needs choices"),
    (ExporterInfo(name="x", summary="x", options=(
        ExportOption(name="f", kind="flag", default="yes", help=""),)), "true or false"),
    (ExporterInfo(name="x", summary="x", options=(
        ExportOption(name="a", help=""), ExportOption(name="a", help=""))), "declared twice"),
    (ExporterInfo(name="x", summary="x", processes=("/usr/bin/daw",)), "a path"),
    ("not a description", "not a pluginary.exporter_info.ExporterInfo"),
])
def test_each_fault_in_a_description_is_named(info: object, words: str) -> None:
    assert any(words in p for p in problems(info)), problems(info)


def test_the_destination_is_the_daws_own_place_on_each_system() -> None:
    env = {"HOME": "/home/u", "APPDATA": "C:\\Users\\u\\AppData\\Roaming"}
    assert default_destination(INFO, system="linux", environ=env) == Path("/home/u/.config/DAW")
    assert default_destination(INFO, system="linux", environ={**env, "XDG_CONFIG_HOME": "/x"}) \
        == Path("/x/DAW")
    assert default_destination(INFO, system="macos", environ=env) == \
        Path("/home/u/Library/Application Support/DAW")
    assert str(default_destination(INFO, system="windows", environ=env)) == \
        "C:\\Users\\u\\AppData\\Roaming\\DAW"
    # an unset variable without a fallback gives no default, never a half-expanded path
    assert default_destination(INFO, system="windows", environ={"HOME": "/h"}) is None
    assert default_destination(ExporterInfo(name="x", summary="x"), system="linux") is None
    assert this_system("darwin") == "macos" and this_system("win32") == "windows"
    assert this_system("linux") == "linux"


def test_options_are_typed_and_defaults_filled_in() -> None:
    assert parse_options(INFO, []) == {"depth": 2, "vendors": True, "layout": "tree"}
    assert parse_options(INFO, ["depth=5", "vendors=no", "layout=flat", "title=A = B"]) == {
        "depth": 5, "vendors": False, "layout": "flat", "title": "A = B"}
    assert parse_options(INFO, ["vendors"])["vendors"] is True  # a bare flag is true


@pytest.mark.parametrize(("given", "words"), [
    (["colour=red"], "has no option 'colour'"),
    (["depth=deep"], "whole number"),
    (["vendors=maybe"], "true or false"),
    (["layout=spiral"], "one of flat, tree"),
    (["title"], "needs a value"),
])
def test_a_bad_option_is_a_usage_error_that_lists_what_is_accepted(given: list[str],
                                                                   words: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_options(INFO, given)
    assert words in caught.value.message
    assert caught.value.exit_code == 2


def test_the_help_shows_systems_formats_destinations_and_options() -> None:
    text = describe(INFO)
    for words in ("systems: linux, macos, windows", "formats: vst3, au", "into a folder",
                  "on windows: %APPDATA%\\DAW", "depth (number, default 2): levels",
                  "layout (flat|tree, default tree)", "vendors (flag, default true)"):
        assert words in text, words


def test_a_running_daw_is_seen_by_its_process_name(tmp_path: Path) -> None:
    """A real process whose executable is named like a DAW (a copy of sleep)."""
    daw = tmp_path / "FakeDawProgramName"  # longer than /proc's 15-character comm
    daw.write_bytes(Path("/bin/sleep").read_bytes())
    daw.chmod(0o755)
    assert running(["fakedawprogramname"]) == []
    process = subprocess.Popen([str(daw), "30"])
    try:
        assert running(["fakedawprogramname.exe", "nothing-like-it"]) == [
            "fakedawprogramname.exe"]
    finally:
        process.kill()
        process.wait()
