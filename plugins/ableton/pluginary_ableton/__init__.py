"""Ableton Live exporter for Pluginary (``pluginary export ableton [USER_LIBRARY]``).

Writes one device preset (``.adv``) per VST3 and Audio Unit into the User Library, in folders
that mirror the category tree and the collections, and the plugins' tags as keywords in Live's
``Ableton Folder Info`` sidecars; Live's own database is never written. See
docs/exporters/ableton.md.
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import ExporterRegister

from .exporter import AbletonExporter


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(AbletonExporter())
