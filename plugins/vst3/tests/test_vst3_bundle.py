"""Bundle layouts for every OS, built as real folders with dummy files (no code is loaded)."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from pluginary_vst3.bundle import (
    arch_folder,
    arch_folders,
    find_binary,
    fingerprint,
    is_bundle,
)


def make(root: Path, *files: str) -> Path:
    """A bundle ``root`` with each relative path in ``files`` created as a small file."""
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"dummy " + rel.encode())
    return root


@pytest.mark.parametrize(
    ("machine", "system", "folder"),
    [
        ("x86_64", "Linux", "x86_64-linux"),
        ("aarch64", "Linux", "aarch64-linux"),
        ("arm64", "Linux", "aarch64-linux"),
        ("armv7l", "Linux", "armv7l-linux"),
        ("i686", "Linux", "i386-linux"),
        ("x86_64", "Darwin", "MacOS"),
        ("arm64", "Darwin", "MacOS"),
        ("AMD64", "Windows", "x86_64-win"),
        ("ARM64", "Windows", "arm64-win"),
        ("x86", "Windows", "x86-win"),
    ],
)
def test_arch_folder(machine: str, system: str, folder: str) -> None:
    assert arch_folder(machine, system) == folder


def test_arch_folder_defaults_to_this_machine() -> None:
    assert arch_folder()  # whatever this machine is, it names something
    assert arch_folders("ARM64", "Windows") == ("arm64-win", "arm64x-win")


def test_linux_layout(tmp_path: Path) -> None:
    bundle = make(tmp_path / "ZamComp.vst3", "Contents/x86_64-linux/ZamComp.so")
    loc = find_binary(bundle, "x86_64", "Linux")
    assert loc.ok and loc.cause == ""
    assert loc.binary == bundle / "Contents" / "x86_64-linux" / "ZamComp.so"
    assert loc.arch == "x86_64-linux"
    assert loc.platform_folders == ("x86_64-linux",)


def test_macos_layout_uses_cfbundleexecutable(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/MacOS/FooBinary")
    with (bundle / "Contents" / "Info.plist").open("wb") as fh:
        plistlib.dump({"CFBundleExecutable": "FooBinary"}, fh, fmt=plistlib.FMT_BINARY)
    loc = find_binary(bundle, "arm64", "Darwin")
    assert loc.binary == bundle / "Contents" / "MacOS" / "FooBinary"


def test_macos_layout_without_plist_uses_stem(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/MacOS/Foo")
    assert find_binary(bundle, "x86_64", "Darwin").binary == bundle / "Contents" / "MacOS" / "Foo"


def test_macos_plist_names_a_missing_executable(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/MacOS/Foo")
    (bundle / "Contents" / "Info.plist").write_bytes(plistlib.dumps({"CFBundleExecutable": "Bar"}))
    loc = find_binary(bundle, "x86_64", "Darwin")
    assert not loc.ok
    assert loc.cause == (
        "binary is Contents/MacOS/Foo but Info.plist names Bar (CFBundleExecutable); "
        "make them match"
    )


def test_windows_layout(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/x86_64-win/Foo.vst3")
    loc = find_binary(bundle, "AMD64", "Windows")
    assert loc.binary == bundle / "Contents" / "x86_64-win" / "Foo.vst3"
    assert not loc.legacy


def test_windows_arm64_falls_back_to_arm64x(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/arm64x-win/Foo.vst3")
    assert find_binary(bundle, "ARM64", "Windows").arch == "arm64x-win"
    assert not find_binary(bundle, "AMD64", "Windows").ok


def test_legacy_single_file(tmp_path: Path) -> None:
    legacy = tmp_path / "Old.vst3"
    legacy.write_bytes(b"MZ dummy dll")
    loc = find_binary(legacy, "AMD64", "Windows")
    assert loc.legacy and loc.binary == legacy
    on_linux = find_binary(legacy, "x86_64", "Linux")
    assert on_linux.legacy and not on_linux.ok
    assert on_linux.cause == (
        "a single-file .vst3 is a legacy Windows plugin; it cannot load on Linux"
    )
    assert "macOS" in find_binary(legacy, "arm64", "Darwin").cause


def test_missing_platform_folder(tmp_path: Path) -> None:
    bundle = make(
        tmp_path / "Merged.vst3", "Contents/MacOS/Merged", "Contents/x86_64-win/Merged.vst3"
    )
    loc = find_binary(bundle, "x86_64", "Linux")
    assert not loc.ok
    assert loc.platform_folders == ("MacOS", "x86_64-win")
    assert loc.cause == "bundle has only MacOS/ and x86_64-win/ binaries; no x86_64-linux"


def test_other_linux_arch_only(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Pi.vst3", "Contents/aarch64-linux/Pi.so")
    loc = find_binary(bundle, "x86_64", "Linux")
    assert loc.cause == "bundle has only aarch64-linux/ binaries; no x86_64-linux"
    assert find_binary(bundle, "aarch64", "Linux").ok


def test_no_platform_folders(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Empty.vst3", "Contents/Resources/moduleinfo.json")
    loc = find_binary(bundle, "x86_64", "Linux")
    assert loc.cause == "bundle has no platform binaries at all (no Contents/x86_64-linux/)"


def test_wrong_binary_name(tmp_path: Path) -> None:
    bundle = make(tmp_path / "ZamComp.vst3", "Contents/x86_64-linux/Other.so")
    loc = find_binary(bundle, "x86_64", "Linux")
    assert not loc.ok
    assert loc.arch == "x86_64-linux"
    assert loc.cause == (
        "binary is Contents/x86_64-linux/Other.so but hosts expect ZamComp.so "
        "(the bundle's name); rename one to match"
    )


def test_wrong_binary_name_windows(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/x86_64-win/Foo_x64.vst3")
    assert find_binary(bundle, "AMD64", "Windows").cause == (
        "binary is Contents/x86_64-win/Foo_x64.vst3 but hosts expect Foo.vst3 "
        "(the bundle's name); rename one to match"
    )


def test_platform_folder_without_binary(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/x86_64-linux/readme.txt")
    assert find_binary(bundle, "x86_64", "Linux").cause == "Contents/x86_64-linux/ holds no Foo.so"


def test_missing_bundle(tmp_path: Path) -> None:
    assert find_binary(tmp_path / "Gone.vst3", "x86_64", "Linux").cause == "bundle does not exist"


def test_is_bundle(tmp_path: Path) -> None:
    good = make(tmp_path / "A.vst3", "Contents/x86_64-linux/A.so")
    legacy = make(tmp_path / "files", "B.vst3") / "B.vst3"
    no_contents = tmp_path / "C.vst3"
    no_contents.mkdir()
    other = make(tmp_path / "D.lv2", "Contents/x")
    assert is_bundle(good)
    assert is_bundle(legacy)
    assert not is_bundle(no_contents)
    assert not is_bundle(other)
    assert not is_bundle(tmp_path / "missing.vst3")


def test_fingerprint_uses_the_binary_and_moduleinfo(tmp_path: Path) -> None:
    bundle = make(
        tmp_path / "Foo.vst3",
        "Contents/x86_64-linux/Foo.so",
        "Contents/Resources/moduleinfo.json",
    )
    fp = fingerprint(bundle, "x86_64", "Linux")
    assert fp is not None
    binary = bundle / "Contents" / "x86_64-linux" / "Foo.so"
    info = bundle / "Contents" / "Resources" / "moduleinfo.json"
    assert fp.path == str(binary)
    assert (fp.size, fp.mtime_ns) == (binary.stat().st_size, binary.stat().st_mtime_ns)
    assert fp.metadata == f"{info.stat().st_size}:{info.stat().st_mtime_ns}"
    binary.write_bytes(b"an update rewrote the binary in place")
    assert fingerprint(bundle, "x86_64", "Linux") != fp


def test_fingerprint_without_moduleinfo_or_binary(tmp_path: Path) -> None:
    bundle = make(tmp_path / "Foo.vst3", "Contents/x86_64-linux/Foo.so")
    fp = fingerprint(bundle, "x86_64", "Linux")
    assert fp is not None and fp.metadata == ""
    assert fingerprint(bundle, "x86_64", "Darwin") is None
