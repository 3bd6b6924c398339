"""For tests, this extension's and exporters': an Audio Unit bundle from a recorded Info.plist.

A bundle is what an installer leaves in ``/Library/Audio/Plug-Ins/Components``:
``Name.component/Contents/Info.plist`` and ``Contents/MacOS/<CFBundleExecutable>``. The
executable here is a stand-in file: reading Info.plist (tier 0) never runs it, only stats it for
the fingerprint, so these bundles scan on any system.
"""

from __future__ import annotations

import plistlib
import shutil
from pathlib import Path
from xml.parsers.expat import ExpatError


def build_bundle(folder: Path, name: str, info: Path | bytes | None,
                 executable: bool = True) -> Path:
    """``folder/name`` as a bundle whose Info.plist is the file (or bytes) ``info``; None for
    a bundle without one."""
    contents = folder / name / "Contents"
    contents.mkdir(parents=True)
    if isinstance(info, Path):
        shutil.copyfile(info, contents / "Info.plist")
    elif info is not None:
        (contents / "Info.plist").write_bytes(info)
    if executable and info is not None:
        try:
            with (contents / "Info.plist").open("rb") as fh:
                exe = plistlib.load(fh)["CFBundleExecutable"]
        except (ValueError, KeyError, ExpatError, plistlib.InvalidFileException):
            exe = name.removesuffix(".component")
        (contents / "MacOS").mkdir()
        (contents / "MacOS" / exe).write_bytes(b"\xcf\xfa\xed\xfe stand-in Mach-O")
    return folder / name
