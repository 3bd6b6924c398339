"""The VST3 format as the extension declares it: default roots for every OS, checked on any OS."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from pluginary.manager import make_plugin_manager
from pluginary.registry import collect_formats
from pluginary.scan.roots import roots_for
from pluginary_vst3 import VST3


def test_the_extension_registers_vst3_through_its_entry_point():
    entry = collect_formats(make_plugin_manager())["vst3"]
    assert entry.extension == "vst3"
    assert entry.item == VST3
    assert entry.item.tiers == (0, 1, 2)


def test_linux_roots():
    env = {"HOME": "/home/ana", "VST3_PATH": "/opt/studio/vst3"}
    assert roots_for(VST3, os_name="linux", env=env) == [
        PurePosixPath("/home/ana/.vst3"), PurePosixPath("/usr/lib/vst3"),
        PurePosixPath("/usr/local/lib/vst3"), PurePosixPath("/opt/studio/vst3")]


def test_macos_roots():
    assert roots_for(VST3, os_name="darwin", env={"HOME": "/Users/ana"}) == [
        PurePosixPath("/Library/Audio/Plug-Ins/VST3"),
        PurePosixPath("/Users/ana/Library/Audio/Plug-Ins/VST3")]


def test_windows_roots_expand_both_variables():
    env = {"COMMONPROGRAMFILES": "C:\\Program Files\\Common Files",
           "LocalAppData": "C:\\Users\\Ana\\AppData\\Local"}
    assert roots_for(VST3, os_name="windows", env=env) == [
        PureWindowsPath("C:\\Program Files\\Common Files\\VST3"),
        PureWindowsPath("C:\\Users\\Ana\\AppData\\Local\\Programs\\Common\\VST3")]
