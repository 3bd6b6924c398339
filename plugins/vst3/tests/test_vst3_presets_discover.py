"""Where the VST3 preset containers look: the standard folders per OS, the walk (symlink loops,
unreadable folders) and the bank a file's sub-folder gives it."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from pluginary_vst3.presets import FxContainer, JuceStateContainer, VstPresetContainer
from pluginary_vst3.presets.locations import layout_bank

DATA = Path(__file__).parent / "data" / "presets"
LIMITER = DATA / "uhhyou" / "BasicLimiter" / "Default.vstpreset"
AQUATIC = DATA / "uhhyou" / "EnvelopedSine" / "Multi" / "Aquatic.vstpreset"
BRUSHES = DATA / "krate" / "Jazz Brushes.vstpreset"
HOME = Path("/home/ann")


def test_linux_roots() -> None:
    assert VstPresetContainer().roots("linux", {}, HOME) == [
        HOME / ".vst3" / "presets", Path("/usr/share/vst3/presets"),
        Path("/usr/local/share/vst3/presets")]


def test_macos_roots() -> None:
    assert VstPresetContainer().roots("darwin", {"HOME": "/elsewhere"}, Path("/Users/ann")) == [
        Path("/Users/ann/Library/Audio/Presets"), Path("/Library/Audio/Presets"),
        Path("/Network/Library/Audio/Presets")]


def test_windows_roots_come_from_the_given_environment() -> None:
    env = {"USERPROFILE": r"C:\Users\ann", "APPDATA": r"C:\Users\ann\AppData\Roaming",
           "PROGRAMDATA": r"C:\ProgramData"}
    assert [str(p) for p in VstPresetContainer().roots("win32", env, HOME)] == [
        r"C:\Users\ann\Documents\VST3 Presets", r"C:\Users\ann\AppData\Roaming\VST3 Presets",
        r"C:\ProgramData\VST3 Presets"]
    # Without the variables: the home folder's Documents only.
    assert [str(p) for p in VstPresetContainer().roots("win32", {}, Path("D:/ann"))] == [
        r"D:\ann\Documents\VST3 Presets"]


def test_captured_and_vst2_containers_have_no_default_roots() -> None:
    for container in (JuceStateContainer(), FxContainer("fxp"), FxContainer("fxb")):
        for system in ("linux", "darwin", "win32"):
            assert container.roots(system, {"HOME": "/x"}, HOME) == []


@pytest.mark.parametrize(("path", "bank"), [
    ("/home/ann/.vst3/presets/Uhhyou/EnvelopedSine/Multi/Aquatic.vstpreset", "Multi"),
    ("/home/ann/.vst3/presets/Uhhyou/EnvelopedSine/Aquatic.vstpreset", ""),
    ("/usr/share/vst3/presets/Vendor/Synth/Leads/Soft/x.vstpreset", "Leads/Soft"),
    ("/Users/ann/Library/Audio/Presets/Vendor/Synth/Pads/x.vstpreset", "Pads"),
    ("/Library/Audio/Presets/Vendor/Synth/x.vstpreset", ""),
    ("/mnt/c/Users/ann/Documents/VST3 Presets/Vendor/Synth/Bass/x.vstpreset", "Bass"),
    # A home under a folder named like a root, and a category named like one.
    ("/srv/audio/presets/.vst3/presets/Vendor/Synth/Keys/x.vstpreset", "Keys"),
    ("/home/ann/.vst3/presets/Vendor/Synth/Audio/Presets/x.vstpreset", "Audio/Presets"),
    ("/home/ann/Downloads/Vendor/Synth/Multi/x.vstpreset", ""),
    ("/x.vstpreset", ""),
])
def test_layout_bank(path: str, bank: str) -> None:
    assert layout_bank(Path(path)) == bank


def _deep_folder(base: Path) -> Path:
    """A folder whose path is longer than PATH_MAX: the walk cannot open it, whoever runs the
    test (chmod does not stop root). Made one level at a time through directory fds."""
    fd = os.open(base, os.O_RDONLY)
    name = "d" * 200
    try:
        for _ in range(25):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    return base / name


def test_discover_and_read_a_standard_tree(tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    home = tmp_path / "home"
    container = VstPresetContainer()
    user, shared = container.roots("linux", {}, home)[0], tmp_path / "shared"
    for target in (user / "Uhhyou" / "EnvelopedSine" / "Multi",
                   user / "Uhhyou" / "BasicLimiter", shared / "Krate" / "Membrum" / "Kits"):
        target.mkdir(parents=True)
    shutil.copy(AQUATIC, user / "Uhhyou" / "EnvelopedSine" / "Multi")
    shutil.copy(LIMITER, user / "Uhhyou" / "BasicLimiter")
    shutil.copy(BRUSHES, shared / "Krate" / "Membrum" / "Kits")
    (user / "Uhhyou" / "BasicLimiter" / "notes.txt").write_text("not a preset")
    (user / "Uhhyou" / "loop").symlink_to(user)  # a symlink loop back to the root
    (user / "Krate").symlink_to(shared / "Krate")  # a vendor folder linked from elsewhere
    _deep_folder(user / "Uhhyou")

    with caplog.at_level(logging.WARNING):
        found = sorted(container.discover([user, tmp_path / "missing"]))
    assert found == [user / "Krate" / "Membrum" / "Kits" / "Jazz Brushes.vstpreset",
                     user / "Uhhyou" / "BasicLimiter" / "Default.vstpreset",
                     user / "Uhhyou" / "EnvelopedSine" / "Multi" / "Aquatic.vstpreset"]
    assert any("cannot read" in r.getMessage() and "File name too long" in r.getMessage()
               for r in caplog.records)

    presets = {Path(r.path).name: r.presets[0] for r in container.read(found)}
    assert (presets["Aquatic.vstpreset"].bank, presets["Aquatic.vstpreset"].name) == (
        "Multi", "Aquatic")
    assert presets["Default.vstpreset"].bank == ""
    assert presets["Jazz Brushes.vstpreset"].bank == "Kits"
    assert presets["Aquatic.vstpreset"].identity == f"file:{found[2]}"
    assert presets["Aquatic.vstpreset"].plugin == "vst3:48168B5EC1334AE88E05BFC822474464"


def test_each_container_finds_only_its_suffix(tmp_path: Path) -> None:
    for name in ("a.vstpreset", "b.FXP", "c.fxb", "d.juce-state", "e.aupreset"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in VstPresetContainer().discover([tmp_path])] == ["a.vstpreset"]
    assert [p.name for p in FxContainer("fxp").discover([tmp_path])] == ["b.FXP"]
    assert [p.name for p in FxContainer("fxb").discover([tmp_path])] == ["c.fxb"]
    assert [p.name for p in JuceStateContainer().discover([tmp_path])] == ["d.juce-state"]
    # A root that is a file is its own source.
    assert list(VstPresetContainer().discover([tmp_path / "a.vstpreset"])) == [
        tmp_path / "a.vstpreset"]
