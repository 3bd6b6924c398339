"""REAPER exporter for Pluginary (``pluginary export reaper [REAPER_RESOURCE_FOLDER]``).

Writes ``reaper-fxfolders.ini`` (collections and saved searches as "My Folders") and
``reaper-fxtags.ini`` (the category tree as ``[category]``, vendors as ``[developer]``),
merging: whatever the user made in REAPER stays. See docs/exporters/reaper.md.
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import ExporterRegister

from .exporter import ReaperExporter


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(ReaperExporter())
