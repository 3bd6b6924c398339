"""Default roots for every OS (as data, tested on any OS) and the shared directory walk."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from pluginary.models import FormatInfo
from pluginary.scan.roots import current_os, roots_for
from pluginary.scan.walk import find_candidates
from pluginary.testing import run_as_nobody

INFO = FormatInfo(
    name="vst3", description="test",
    default_roots={
        "linux": ("~/.vst3", "/usr/lib/vst3", "/usr/local/lib/vst3"),
        "darwin": ("/Library/Audio/Plug-Ins/VST3", "~/Library/Audio/Plug-Ins/VST3"),
        "windows": ("%COMMONPROGRAMFILES%\\VST3", "%LOCALAPPDATA%\\Programs\\Common\\VST3"),
    },
    path_env="VST3_PATH")


def test_linux_roots_expand_home_and_append_the_path_variable():
    env = {"HOME": "/home/ana", "VST3_PATH": "/opt/vst3:/usr/lib/vst3:"}
    assert roots_for(INFO, os_name="linux", env=env) == [
        PurePosixPath(p) for p in ("/home/ana/.vst3", "/usr/lib/vst3", "/usr/local/lib/vst3",
                                   "/opt/vst3")]


def test_macos_roots():
    assert roots_for(INFO, os_name="darwin", env={"HOME": "/Users/ana"}) == [
        PurePosixPath("/Library/Audio/Plug-Ins/VST3"),
        PurePosixPath("/Users/ana/Library/Audio/Plug-Ins/VST3")]


def test_windows_roots_expand_variables_case_insensitively_and_dedupe():
    env = {"CommonProgramFiles": "C:\\Program Files\\Common Files",
           "LOCALAPPDATA": "C:\\Users\\Ana\\AppData\\Local",
           "VST3_PATH": "c:\\program files\\common files\\vst3;\\\\studio\\share\\VST3;"
                        "\\\\?\\D:\\Very\\Long\\VST3"}
    roots = roots_for(INFO, os_name="windows", env=env)
    assert roots == [PureWindowsPath("C:/Program Files/Common Files/VST3"),
                     PureWindowsPath("C:/Users/Ana/AppData/Local/Programs/Common/VST3"),
                     PureWindowsPath("//studio/share/VST3"),
                     PureWindowsPath("//?/D:/Very/Long/VST3")]
    assert roots[2].drive == "\\\\studio\\share"


def test_a_root_whose_variable_is_unset_is_dropped_not_made_relative():
    assert roots_for(INFO, os_name="windows", env={"LOCALAPPDATA": "C:\\L"}) == [
        PureWindowsPath("C:/L/Programs/Common/VST3")]
    assert current_os("win32") == "windows" and current_os("darwin") == "darwin"
    assert current_os("linux") == "linux"


def make_bundle(folder: Path, name: str) -> Path:
    bundle = folder / name
    (bundle / "Contents" / "x86_64-linux").mkdir(parents=True)
    (bundle / "Contents" / "x86_64-linux" / "inner.vst3").write_text("a file inside a bundle")
    return bundle


def test_walk_recurses_plain_folders_never_bundles_and_survives_loops(tmp_path):
    root = tmp_path / "vst3"
    a = make_bundle(root, "A.vst3")
    b = make_bundle(root / "Vendor" / "Sub", "B.VST3")
    single = root / "Legacy.vst3"
    single.write_text("legacy single-file plugin")
    (root / "Vendor" / "loop").symlink_to(root)  # a symlink loop
    (root / "alias.vst3").symlink_to(a)  # a second path to A
    found = list(find_candidates([root, root], bundle_suffixes=(".vst3",),
                                 file_suffixes=(".vst3",)))
    assert sorted(found) == sorted([a, b, single])


def test_an_unreadable_folder_is_a_warning_and_the_walk_goes_on():
    base = Path(tempfile.mkdtemp(prefix="pluginary-walk-"))
    try:
        os.chmod(base, 0o755)
        good = make_bundle(base, "Good.vst3")
        for path in (base, *base.rglob("*")):
            os.chmod(path, 0o755)
        locked = base / "locked"
        (locked / "Hidden.vst3").mkdir(parents=True)
        os.chmod(locked, 0o700)  # root's own: nobody cannot list it

        def walk():
            records = []
            handler = logging.Handler()
            handler.emit = lambda record: records.append(record.getMessage())
            logging.getLogger("pluginary.scan.walk").addHandler(handler)
            found = [str(p) for p in find_candidates([base], bundle_suffixes=(".vst3",))]
            return {"found": found, "warnings": records}

        result = run_as_nobody(walk)
    finally:
        shutil.rmtree(base)
    assert result["found"] == [str(good)]
    assert len(result["warnings"]) == 1
    assert result["warnings"][0].startswith(f"cannot read {locked}: Permission denied")


def test_walk_accepts_a_bundle_or_a_file_as_a_root(tmp_path):
    bundle = make_bundle(tmp_path, "A.vst3")
    assert list(find_candidates([bundle], bundle_suffixes=(".vst3",))) == [bundle]
    so = tmp_path / "x.so"
    so.write_text("")
    assert list(find_candidates([so, tmp_path / "missing"], file_suffixes=(".so",))) == [so]


def test_walk_never_enters_another_format_s_bundle(tmp_path):
    make_bundle(tmp_path, "A.vst3")
    (tmp_path / "A.vst3" / "Contents" / "x86_64-linux" / "A.so").write_text("")
    (tmp_path / "lib.so").write_text("")
    assert list(find_candidates([tmp_path], file_suffixes=(".so",))) == [tmp_path / "lib.so"]


def test_walk_never_enters_an_lv2_bundle_whatever_its_name_nor_a_bundle_given_as_root(tmp_path):
    # setbfree's LV2 bundle is called b_synth: its manifest.ttl is what marks it.
    for bundle in ("b_synth", "Comp.lv2"):
        (tmp_path / bundle).mkdir()
        (tmp_path / bundle / "manifest.ttl").write_text("")
        (tmp_path / bundle / "dsp.so").write_text("")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "lib.so").write_text("")
    assert list(find_candidates([tmp_path], file_suffixes=(".so",))) == [
        tmp_path / "plain" / "lib.so"]
    roots = [tmp_path / "b_synth", tmp_path / "Comp.lv2"]
    assert list(find_candidates(roots, file_suffixes=(".so",))) == []
