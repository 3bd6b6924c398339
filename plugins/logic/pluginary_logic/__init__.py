"""Logic Pro exporter for Pluginary (``pluginary export logic [TAGS_FOLDER]``).

Writes Logic's Plug-in Manager database (``~/Music/Audio Music Apps/Databases/Tags``): one
``.tagset`` per Audio Unit with its categories, and the categories themselves in
``MusicApps.tagpool`` and ``MusicApps.properties``, merging: what the user set in Logic stays.
Audio Units only; see docs/exporters/logic.md.
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import ExporterRegister

from .exporter import LogicExporter


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(LogicExporter())
