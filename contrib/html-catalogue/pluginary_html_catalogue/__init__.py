"""The catalogue as one static HTML page: a third-party exporter written against Pluginary's
public API only (``pluginary export html PLUGINS.html``).

It receives an :class:`~pluginary.exporting.ExportSelection` (the selected plugins with their
installations, products, tags and collections) and writes through
:func:`pluginary.exportfiles.write_text`, which gives it atomic writes, backups and
``--dry-run`` for free. docs/writing-an-exporter.md walks through this file.
"""

from __future__ import annotations

import html
from pathlib import Path

from pluginary import hookimpl
from pluginary.categories import CategoryMap
from pluginary.exporter_info import ExporterInfo, ExportOption
from pluginary.exportfiles import FileChange, write_text
from pluginary.exporting import ExportSelection
from pluginary.models import PluginRecord
from pluginary.registry import ExporterRegister

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.2em .6em;text-align:left}}
.tag{{background:#eef;border-radius:.3em;padding:0 .3em;margin-right:.2em}}</style></head>
<body><h1>{title}</h1>
<p><input id="q" type="search" placeholder="Filter" autofocus> {count} plugins</p>
{sections}
<script>
document.getElementById("q").addEventListener("input", e => {{
  const q = e.target.value.toLowerCase();
  for (const row of document.querySelectorAll("tr[data-text]"))
    row.hidden = !row.dataset.text.includes(q);
}});
</script></body></html>
"""


class HtmlCatalogue:
    #: Checked when the extension registers it; shown by ``pluginary export html --help``.
    info = ExporterInfo(
        name="html",
        summary="one static HTML page: plugins by category, with tags, collections and a filter",
        options=(ExportOption(name="title", help="the page's title",
                              default="Plugin catalogue"),))

    def export_selection(self, selection: ExportSelection, destination: Path, *,
                         dry_run: bool = False) -> list[FileChange]:
        return [write_text(destination, render(selection), dry_run=dry_run)]


def render(selection: ExportSelection) -> str:
    """The page: one table per category-tree node, plugins by name."""
    member_of: dict[str, list[str]] = {}
    for collection in selection.collections:
        for key in collection.members:
            member_of.setdefault(key, []).append(collection.name)
    groups: dict[str, list[PluginRecord]] = {}
    for record in selection.records:
        groups.setdefault(record.category, []).append(record)
    sections = []
    for path in sorted(groups, key=lambda p: (p == "", p)):
        rows = []
        for r in sorted(groups[path], key=lambda r: (r.name.casefold(), r.format)):
            labels = [*selection.tags.get(r.key, ()), *member_of.get(r.key, ())]
            text = " ".join((r.name, r.vendor, r.format, *labels)).lower()
            rows.append(
                f'<tr data-text="{html.escape(text)}"><td>{html.escape(r.name)}</td>'
                f"<td>{html.escape(r.vendor)}</td><td>{html.escape(r.format)}</td><td>"
                + "".join(f'<span class="tag">{html.escape(t)}</span>' for t in labels)
                + "</td></tr>")
        sections.append(f"<h2>{html.escape(CategoryMap.label(path))}</h2>\n<table>"
                        "<tr><th>Name</th><th>Vendor</th><th>Format</th><th>Tags</th></tr>\n"
                        + "\n".join(rows) + "\n</table>")
    title = html.escape(str(selection.options.get("title", "Plugin catalogue")))
    return PAGE.format(title=title, count=len(selection.records),
                       sections="\n".join(sections))


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(HtmlCatalogue())
