"""Export the catalogue as CSV: the smallest useful exporter, public API only."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.models import PluginRecord
from pluginary.registry import ExporterRegister

COLUMNS = ("key", "name", "vendor", "format", "version", "role", "categories", "status", "path")


class CsvExporter:
    name = "csv"
    description = "One CSV row per plugin, for spreadsheets"

    def export(self, records: Sequence[PluginRecord], destination: Path) -> None:
        # Write beside the destination and rename, so a failure never leaves half a file, and
        # keep the previous file as .bak: an exporter never loses what the user had.
        destination = Path(destination)
        fd, tmp = tempfile.mkstemp(dir=destination.parent, prefix=".csv-export-")
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(COLUMNS)
                for r in records:
                    writer.writerow((r.key, r.name, r.vendor, r.format, r.version, r.role.value,
                                     "|".join(r.categories), r.status.value,
                                     r.bundle_path or r.file_path))
            if destination.exists():
                shutil.copy2(destination, destination.with_name(destination.name + ".bak"))
            os.replace(tmp, destination)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(CsvExporter())
