"""VST3 bundle layouts: where the real binary of a bundle lives, without loading any code.

A VST3 plugin is a folder ``Foo.vst3`` (a bundle) holding one binary per platform:

* Linux: ``Contents/<uname -m>-linux/Foo.so`` (``x86_64-linux``, ``aarch64-linux``...);
* macOS: ``Contents/MacOS/<CFBundleExecutable>`` (named in ``Contents/Info.plist``, usually
  ``Foo``);
* Windows: ``Contents/<arch>-win/Foo.vst3`` (``x86_64-win``, ``arm64-win``...), or the legacy
  (pre SDK 3.6.10) single-file ``Foo.vst3`` DLL that is not a folder at all.

Everything here takes ``system``/``machine`` as parameters (defaulting to the running
platform) so the layouts of every OS can be tested on any OS.
"""

from __future__ import annotations

import platform
import plistlib
from dataclasses import dataclass
from pathlib import Path

from pluginary.models import Fingerprint
from pluginary.scan.walk import stat_fingerprint

__all__ = [
    "BinaryLocation",
    "arch_folder",
    "arch_folders",
    "find_binary",
    "fingerprint",
    "is_bundle",
    "moduleinfo_path",
    "normalize_system",
]

#: ``platform.machine()`` spellings mapped to the VST3 Linux architecture names.
_LINUX_MACHINES = {
    "amd64": "x86_64",
    "x64": "x86_64",
    "arm64": "aarch64",
    "i686": "i386",
    "i586": "i386",
    "x86": "i386",
}

#: ``platform.machine()`` spellings mapped to the VST3 Windows folder names, in the order a
#: host tries them (Steinberg ``module_win32.cpp``: native ``arm64-win`` then ``arm64x-win``).
_WINDOWS_FOLDERS: dict[str, tuple[str, ...]] = {
    "x86_64": ("x86_64-win",),
    "amd64": ("x86_64-win",),
    "x64": ("x86_64-win",),
    "arm64": ("arm64-win", "arm64x-win"),
    "aarch64": ("arm64-win", "arm64x-win"),
    "x86": ("x86-win",),
    "i386": ("x86-win",),
    "i686": ("x86-win",),
    "arm": ("arm-win",),
}


def normalize_system(system: str | None = None) -> str:
    """``linux``, ``darwin`` or ``windows`` (lower case) for ``system`` or the running OS."""
    name = (system if system is not None else platform.system()).lower()
    if name.startswith(("win", "cygwin", "msys")):
        return "windows"
    if name in ("darwin", "macos", "mac", "osx"):
        return "darwin"
    return name


def arch_folders(machine: str | None = None, system: str | None = None) -> tuple[str, ...]:
    """Every ``Contents/`` sub-folder a host on this platform would look in, preferred first."""
    sysname = normalize_system(system)
    mach = (machine if machine is not None else platform.machine()).lower()
    if sysname == "darwin":
        return ("MacOS",)
    if sysname == "windows":
        return _WINDOWS_FOLDERS.get(mach, (f"{mach}-win",))
    mach = _LINUX_MACHINES.get(mach, mach)
    if mach == "i386":
        return ("i386-linux", "i686-linux")
    return (f"{mach}-linux",)


def arch_folder(machine: str | None = None, system: str | None = None) -> str:
    """The preferred ``Contents/`` sub-folder for this platform, e.g. ``x86_64-linux``."""
    return arch_folders(machine, system)[0]


def _binary_suffix(system: str) -> str:
    return {"windows": ".vst3", "linux": ".so"}.get(system, "")


@dataclass(frozen=True)
class BinaryLocation:
    """Where the binary of one bundle is for one platform, or why there is none.

    ``binary`` is set when a loadable file was found; otherwise ``cause`` says why, in one line a
    person can act on. ``platform_folders`` lists the ``Contents/`` sub-folders holding
    binaries, for any platform.
    """

    bundle: Path
    binary: Path | None = None
    #: The ``Contents/`` sub-folder the binary was expected in (``x86_64-linux``, ``MacOS``...).
    arch: str = ""
    cause: str = ""
    platform_folders: tuple[str, ...] = ()
    #: True for a legacy single-file ``.vst3`` (the bundle path is the binary itself).
    legacy: bool = False

    @property
    def ok(self) -> bool:
        """True when a binary was found."""
        return self.binary is not None


def _is_platform_folder(name: str) -> bool:
    return name == "MacOS" or name.endswith(("-linux", "-win"))


def _platform_folders(contents: Path) -> tuple[str, ...]:
    try:
        entries = sorted(p.name for p in contents.iterdir() if p.is_dir())
    except OSError:
        return ()
    return tuple(name for name in entries if _is_platform_folder(name))


def _mac_executable(contents: Path, stem: str) -> str:
    """``CFBundleExecutable`` from ``Contents/Info.plist`` (XML or binary), else the stem."""
    plist = contents / "Info.plist"
    try:
        with plist.open("rb") as fh:
            data = plistlib.load(fh)
    except (OSError, plistlib.InvalidFileException, ValueError):
        return stem
    value = data.get("CFBundleExecutable") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else stem


def _listing(folders: tuple[str, ...]) -> str:
    names = [f"{f}/" for f in folders]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def find_binary(
    bundle: Path, machine: str | None = None, system: str | None = None
) -> BinaryLocation:
    """Resolve the binary of ``bundle`` a host on ``system``/``machine`` would load.

    Never raises for a bad layout: a missing platform folder or a binary under the wrong name
    is reported in :attr:`BinaryLocation.cause`.
    """
    sysname = normalize_system(system)
    stem = bundle.name[: -len(".vst3")] if bundle.name.lower().endswith(".vst3") else bundle.stem
    if bundle.is_file():
        if sysname == "windows":
            return BinaryLocation(bundle=bundle, binary=bundle, legacy=True)
        return BinaryLocation(
            bundle=bundle,
            legacy=True,
            cause="a single-file .vst3 is a legacy Windows plugin; it cannot load on "
            + {"darwin": "macOS"}.get(sysname, sysname.capitalize()),
        )
    if not bundle.is_dir():
        return BinaryLocation(bundle=bundle, cause="bundle does not exist")
    contents = bundle / "Contents"
    present = _platform_folders(contents)
    wanted = arch_folders(machine, sysname)
    suffix = _binary_suffix(sysname)
    expected_name = _mac_executable(contents, stem) if sysname == "darwin" else stem + suffix
    for folder in wanted:
        folder_path = contents / folder
        if not folder_path.is_dir():
            continue
        candidate = folder_path / expected_name
        if candidate.is_file():
            return BinaryLocation(
                bundle=bundle, binary=candidate, arch=folder, platform_folders=present
            )
        others = sorted(
            p.name
            for p in folder_path.iterdir()
            if p.is_file() and (p.suffix.lower() == suffix if suffix else not p.suffix)
        )
        if others:
            found = f"Contents/{folder}/{others[0]}"
            if sysname == "darwin":
                cause = (
                    f"binary is {found} but Info.plist names {expected_name} "
                    "(CFBundleExecutable); make them match"
                )
            else:
                cause = (
                    f"binary is {found} but hosts expect {expected_name} (the bundle's name); "
                    "rename one to match"
                )
        else:
            cause = f"Contents/{folder}/ holds no {expected_name}"
        return BinaryLocation(bundle=bundle, arch=folder, cause=cause, platform_folders=present)
    if present:
        cause = f"bundle has only {_listing(present)} binaries; no {wanted[0]}"
    else:
        cause = f"bundle has no platform binaries at all (no Contents/{wanted[0]}/)"
    return BinaryLocation(bundle=bundle, arch=wanted[0], cause=cause, platform_folders=present)


def moduleinfo_path(bundle: Path) -> Path | None:
    """``Contents/Resources/moduleinfo.json``, else SDK 3.7.5-3.7.7's ``Contents/moduleinfo.json``.

    None when the bundle declares nothing (most Linux bundles).
    """
    for candidate in (
        bundle / "Contents" / "Resources" / "moduleinfo.json",
        bundle / "Contents" / "moduleinfo.json",
    ):
        if candidate.is_file():
            return candidate
    return None


def is_bundle(path: Path) -> bool:
    """True for a ``.vst3`` folder holding ``Contents/``, or a legacy single-file ``.vst3``."""
    if not path.name.lower().endswith(".vst3"):
        return False
    if path.is_dir():
        return (path / "Contents").is_dir()
    return path.is_file()


def fingerprint(
    bundle: Path, machine: str | None = None, system: str | None = None
) -> Fingerprint | None:
    """(path, size, mtime_ns) of the bundle's real binary, with ``size:mtime_ns`` of its
    moduleinfo.json in ``metadata``; ``None`` when there is no binary for this platform."""
    location = find_binary(bundle, machine, system)
    if location.binary is None:
        return None
    return stat_fingerprint(location.binary,
                            moduleinfo_path(bundle) if bundle.is_dir() else None)
