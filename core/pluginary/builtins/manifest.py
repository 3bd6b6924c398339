"""The built-in ``manifest`` exporter, registered like any exporter extension's."""

from __future__ import annotations

from .. import hookimpl
from ..manifest import ManifestExporter
from ..registry import ExporterRegister


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(ManifestExporter())
