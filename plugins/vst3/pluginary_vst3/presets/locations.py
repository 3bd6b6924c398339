"""Where VST3 presets live, and what a file's place there says about it.

Steinberg's preset locations (VST3 developer portal, "Preset Locations"; Linux as the SDK's
hosts and sushi use them)::

    linux   ~/.vst3/presets  /usr/share/vst3/presets  /usr/local/share/vst3/presets
    darwin  ~/Library/Audio/Presets  /Library/Audio/Presets  /Network/Library/Audio/Presets
    win32   %USERPROFILE%\\Documents\\VST3 Presets  %APPDATA%\\VST3 Presets
            %PROGRAMDATA%\\VST3 Presets

Below each: ``<Vendor>/<Plugin>/`` and then any sub-folders, which hosts show as categories:
that sub-folder path is a preset's bank.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PureWindowsPath

#: Folder-name sequences that end a standard root (compared case-folded: macOS and Windows
#: file systems ignore case).
ROOT_ENDINGS: tuple[tuple[str, ...], ...] = (
    (".vst3", "presets"),
    ("vst3", "presets"),
    ("audio", "presets"),
    ("vst3 presets",),
)


def vst3_preset_roots(system: str, env: Mapping[str, str], home: Path) -> list[Path]:
    """The standard ``.vstpreset`` folders on ``system`` (``linux``, ``darwin``, ``win32``),
    existing or not, from ``env`` (never the process environment) and ``home``."""
    if system == "darwin":
        return [home / "Library" / "Audio" / "Presets", Path("/Library/Audio/Presets"),
                Path("/Network/Library/Audio/Presets")]
    if system in ("win32", "windows"):
        profile = env.get("USERPROFILE") or str(home)
        folders = [PureWindowsPath(profile, "Documents", "VST3 Presets")]
        folders += [PureWindowsPath(env[name], "VST3 Presets")
                    for name in ("APPDATA", "PROGRAMDATA") if env.get(name)]
        # Spelled as Windows spells them, whatever system this code runs on.
        return [Path(str(folder)) for folder in folders]
    return [home / ".vst3" / "presets", Path("/usr/share/vst3/presets"),
            Path("/usr/local/share/vst3/presets")]


def layout_bank(path: Path) -> str:
    """The sub-folder path between ``<root>/<Vendor>/<Plugin>/`` and the file (``Leads/Soft``),
    "" when the file sits directly in its plugin's folder or outside a standard layout.

    The root is the one nearest the file that still leaves ``<Vendor>/<Plugin>`` below it, so
    a home folder under ``/srv/audio/presets`` or a category named ``Audio/Presets`` does not
    pass for one."""
    original = path.parent.parts
    folders = [part.casefold() for part in original]
    for end in range(len(folders) - 2, 0, -1):
        for ending in ROOT_ENDINGS:
            start = end - len(ending)
            if start >= 0 and tuple(folders[start:end]) == ending:
                return "/".join(original[end + 2:])
    return ""
