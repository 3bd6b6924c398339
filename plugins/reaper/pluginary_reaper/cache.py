"""REAPER's own plugin cache, read to name a plugin inside a VST3 bundle that holds several.

``reaper-vstplugins64.ini`` (and its ``_arm64`` and 32-bit siblings) in the resource path lists
every VST REAPER has scanned, one per line (a real one: tests/data, sources in SOURCES.md;
the lines are cut here at ``…``)::

    Addictive_Keys.vst3=801A37B2DAB2D801,1585584104{565354584C4E43616464696374697665,Addic…
    WaveShell1_VST3_13.0.vst3<2060298040=004568936FB1D801,2060298040{56535447413…2032,GTR …

A bundle with several plugins gets ``<id`` after its file name, and REAPER names each of them
that way in its FX folders (``Item1=/…/WaveShell1-VST3 13.0.vst3<2060298040``) and tags. The text
between ``{`` and ``,`` is the VST3 class id, which is how a catalogue record finds its entry.
"""

from __future__ import annotations

from pathlib import Path

#: REAPER's plugin caches, for each build it runs as.
CACHES = ("reaper-vstplugins64.ini", "reaper-vstplugins_arm64.ini", "reaper-vstplugins.ini")


def shell_ids(folder: Path) -> dict[tuple[str, str], str]:
    """(the bundle's file name as REAPER keys it, VST3 class id in upper-case hex) -> REAPER's
    id of that plugin inside the bundle, for the plugins of bundles that hold several (two
    versions of a bundle may hold one class); empty when REAPER has not scanned here."""
    found: dict[tuple[str, str], str] = {}
    for name in CACHES:
        try:
            text = (folder / name).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue  # only a help to name plugins: without it, the bundle's path is the item
        for line in text.splitlines():
            key, sep, value = line.partition("=")
            if not sep or "<" not in key or "{" not in value:
                continue
            bundle, _, plugin_id = key.rpartition("<")
            class_id = value.partition("{")[2].partition(",")[0].strip().upper()
            if plugin_id.isdigit() and len(class_id) == 32:
                found.setdefault((bundle, class_id), plugin_id)
    return found
