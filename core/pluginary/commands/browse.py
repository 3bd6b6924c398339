"""``pluginary list``, ``show`` and ``search``: reading the catalogue."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from .. import hookimpl
from ..catalogue import Catalogue
from ..errors import NotFoundError, UsageError
from ..models import CandidateState, CompatEntry, Installation, PluginRecord, Product, Status
from ..output import emit_fields, emit_json, emit_table
from ..products import link_products, product_index, products_by_member
from ..query.tree import Sort
from ..registry import CommandRegister
from ..search import check_format, find
from ..validation_store import describe, validations
from .common import (
    RECORD_COLUMNS,
    HiddenFlag,
    JsonFlag,
    OffsetOption,
    record_row,
    session,
    wants_json,
)

#: What ``list --group-by`` accepts.
GROUP_BY = ("product",)


class ShownPlugin(PluginRecord, frozen=True, kw_only=True, omit_defaults=True):
    """What ``show --json`` prints: the record's fields, then its product, its validation
    results, and for a plugin that did not load the tail of what it wrote to stderr and
    whether it is blocked."""

    product: Product | None = None
    #: The compatibility database's validation rows of this version, this machine's first.
    validation: tuple[CompatEntry, ...] = ()
    stderr: str = ""
    blocked: bool = False


class ProductGroup(msgspec.Struct, frozen=True, kw_only=True):
    """One group of ``list --group-by product --json``: the product and its listed plugins."""

    product: Product | None
    plugins: tuple[PluginRecord, ...]


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("list", list_plugins, help="List the plugins in the catalogue.")
    register("show", show_plugin, help="Show everything known about one plugin.")
    register("search", search_plugins, help="Search with the query language: words, "
             "vendor:, format:, category:, tag:, params>20, OR, NOT... (docs/search.md).")


def list_plugins(
    ctx: typer.Context,
    query: Annotated[list[str] | None, typer.Argument(
        metavar="[QUERY]", help="Only plugins matching this query (docs/search.md), e.g. "
        "'vendor:zam category:dynamics'.")] = None,
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", "-s", help="Only this status: " + ", ".join(s.value for s in Status))] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most N.")] = None,
    offset: OffsetOption = 0,
    sort: Annotated[Sort, typer.Option("--sort", help="Order of the rows.")] = Sort.NAME,
    hidden: HiddenFlag = False,
    duplicates: Annotated[bool, typer.Option(
        "--duplicates", help="Only plugins installed more than once, with their "
        "installations.")] = False,
    group_by: Annotated[str | None, typer.Option(
        "--group-by", "-g", help="Group the plugins: 'product' puts the formats of one product "
        "(ZamComp as VST3, LV2 and LADSPA) together.")] = None,
    json: JsonFlag = False,
) -> None:
    if status is not None and status not in {s.value for s in Status}:
        raise UsageError(f"unknown status '{status}'",
                         hint="choose one of " + ", ".join(s.value for s in Status))
    if group_by is not None and group_by not in GROUP_BY:
        raise UsageError(f"cannot group by '{group_by}'",
                         hint="choose one of " + ", ".join(GROUP_BY))
    if group_by is not None and duplicates:
        raise UsageError("--group-by and --duplicates cannot be combined", hint="choose one")
    s = session(ctx)
    catalogue = s.catalogue()
    if format is not None:
        check_format(s.pm, catalogue, format)
    text = " ".join(query or ())
    # Files that failed before they could name a plugin have no record: with a failure status
    # (and no query) they are listed by path after the plugins, so paging covers both.
    unnamed = [unnamed_record(c) for c in catalogue.candidates(format=format).values()
               if c.plugins == 0 and c.status.value == status] if (
        status is not None and status != Status.OK.value and not query) else []
    paged = not group_by and not duplicates and not unnamed
    result = find(s.pm, catalogue, text, sort=sort, hidden=hidden,
                  also=with_filters(format=format, status=status),
                  parameters=wants_json(ctx, json),
                  limit=limit if paged else None, offset=offset if paged else 0)
    records = [h.record for h in result.hits]
    if unnamed:
        records = (records + unnamed)[offset:]
        records = records[:limit] if limit and not group_by and not duplicates else records
    if group_by is not None:
        list_products(catalogue, records, limit, wants_json(ctx, json))
        return
    installs: dict[str, list[Installation]] = {}
    for install in catalogue.installations():
        installs.setdefault(install.key, []).append(install)
    if duplicates:
        records = [r for r in records if len(installs.get(r.key, ())) > 1][:limit]
        if wants_json(ctx, json):
            emit_json([{"plugin": r, "installations": installs[r.key]} for r in records])
            return
    if wants_json(ctx, json):
        emit_json(records)
    elif not records:
        sys.stderr.write("The catalogue has no matching plugins.\n")
    else:
        shown = f"{len(records)} plugins" if len(records) >= result.total or not paged else (
            f"{len(records)} of {result.total} plugins")
        emit_table((*RECORD_COLUMNS, "Notes"),
                   [[*record_row(r), installation_notes(installs.get(r.key, []))]
                    for r in records], title=shown)


def with_filters(*, format: str | None = None, status: str | None = None) -> list[str]:
    """The --format and --status options as filters to add to the query."""
    return ([f'format:"{format}"'] if format is not None else []) + (
        [f"status:{status}"] if status is not None else [])


def show_plugin(
    ctx: typer.Context,
    plugin_id: Annotated[str, typer.Argument(
        metavar="ID", help="format:uid as 'pluginary list' shows it, or a unique prefix.")],
    json: JsonFlag = False,
) -> None:
    catalogue = session(ctx).catalogue()
    record = catalogue.get(plugin_id)
    state = None
    if record is None:
        state = find_candidate(catalogue, plugin_id)
        record = unnamed_record(state) if state is not None else None
    elif record.status is not Status.OK:
        state = catalogue.candidates(format=record.format).get(record.bundle_path
                                                                or record.file_path)
    if record is None:
        raise NotFoundError(f"no plugin '{plugin_id}' in the catalogue",
                            hint="find its ID with 'pluginary search TEXT' or 'pluginary list'")
    product = product_of(catalogue, record) if record.uid else None
    validated = validations(catalogue, record) if record.uid else []
    if wants_json(ctx, json):
        emit_json(ShownPlugin(**msgspec.structs.asdict(record), product=product,
                              validation=tuple(validated),
                              stderr=state.stderr if state is not None else "",
                              blocked=state.blocked if state is not None else False))
        return
    stderr = state.stderr if state is not None else ""
    others = [m for m in product.members if m != record.key] if product is not None else []
    channels = f"{record.audio_inputs} in / {record.audio_outputs} out"
    emit_fields([
        ("ID", record.key if record.uid else record.file_path),
        ("Name", record.name), ("Vendor", record.vendor),
        ("Version", record.version), ("Format", record.format),
        ("Product", f"{product.name} ({product.key})" if product is not None else ""),
        ("Formats", ", ".join(product.formats) if product is not None else record.format),
        ("Same product", ", ".join(others)), ("Role", record.role.value),
        ("Categories", ", ".join(record.categories)), ("Description", record.description),
        ("Audio", channels if record.audio_inputs is not None else ""),
        ("Parameters", len(record.parameters)), ("File", record.file_path),
        ("Bundle", record.bundle_path), ("Architecture", record.architecture),
        ("Status", f"{record.status.value} (tier {record.tier})"
         + (", blocked until the file changes" if state is not None and state.blocked else "")),
        ("Cause", record.cause),
        # One line per machine, this one first; the later lines have no label of their own.
        *((("Validation" if n == 0 else "", describe(e)) for n, e in enumerate(validated))
          if validated else [("Validation", "not validated" if record.uid else "")]),
        *sorted(record.extra.items()),
    ])
    if stderr:
        sys.stdout.write("Stderr (last lines):\n" + stderr.rstrip() + "\n")
    if record.parameters:
        emit_table(("Param ID", "Name", "Default", "Min", "Max", "Unit"),
                   [(p.id, p.name, p.default, p.min, p.max, p.unit) for p in record.parameters])


def product_of(catalogue: Catalogue, record: PluginRecord) -> Product | None:
    """The product holding ``record``: stored, else computed over the whole catalogue."""
    stored = catalogue.products(member=record.key)
    if stored:
        return stored[0]
    return product_index(link_products(catalogue.summaries())).get(record.key)


def list_products(catalogue: Catalogue, records: Sequence[PluginRecord], limit: int | None,
                  as_json: bool) -> None:
    """``list --group-by product``: one group per product that has a listed plugin."""
    index = products_by_member(catalogue)
    groups: dict[str, list[PluginRecord]] = {}
    loose: list[ProductGroup] = []  # files that never named a plugin: no product
    for record in records:
        product = index.get(record.key) if record.uid else None
        if product is None:
            loose.append(ProductGroup(product=None, plugins=(record,)))
        else:
            groups.setdefault(product.key, []).append(record)
    found = sorted((ProductGroup(product=index[members[0].key], plugins=tuple(members))
                    for members in groups.values()),
                   key=lambda g: (g.product.name.casefold(), g.product.vendor.casefold(),
                                  g.product.key) if g.product else ("", "", ""))
    result = [*found, *loose][:limit] if limit else [*found, *loose]
    if as_json:
        emit_json(result)
    elif not result:
        sys.stderr.write("The catalogue has no matching plugins.\n")
    else:
        shown = [g for g in result if g.product is not None]
        plugins = sum(len(g.plugins) for g in shown)
        files = len(result) - len(shown)
        title = f"{len(shown)} products ({plugins} plugins)" + (
            f", {files} files that never named a plugin" if files else "")
        emit_table(("Product", "Name", "Vendor", "Formats", "Plugins"), [
            (g.product.key, g.product.name, g.product.vendor, ", ".join(g.product.formats),
             ", ".join(r.key for r in g.plugins)) if g.product is not None else
            ("", g.plugins[0].name, g.plugins[0].vendor, g.plugins[0].format,
             g.plugins[0].file_path) for g in result],
            title=title)


def installation_notes(installs: list[Installation]) -> str:
    """Flags for a plugin installed more than once: how often, and whether versions differ."""
    if len(installs) < 2:
        return ""
    versions = sorted({i.version for i in installs if i.version})
    note = f"{len(installs)} installations"
    if len(versions) > 1:
        note += f"; versions differ: {', '.join(versions)}"
    return note


def unnamed_record(state: CandidateState) -> PluginRecord:
    """A record for a file that gave no plugin (it failed first), so it can be listed and shown:
    its ID is its path."""
    return PluginRecord(format=state.format, uid="", name=Path(state.path).name,
                        file_path=state.path, bundle_path=state.path, status=state.status,
                        cause=state.cause, tier=state.tier, fingerprint=state.fingerprint)


def find_candidate(catalogue: Catalogue, text: str) -> CandidateState | None:
    """The candidate whose path is ``text`` (or ends with it, when that is unique)."""
    states = catalogue.candidates()
    if text in states:
        return states[text]
    matches = [s for path, s in states.items() if path.endswith("/" + text.strip("/"))]
    return matches[0] if len(matches) == 1 else None


def search_plugins(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(
        metavar="QUERY", help="Words and filters, e.g. 'comp vendor:zam -side' "
        "(docs/search.md).")],
    format: Annotated[str | None, typer.Option("--format", "-f", help="Only this format.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most N hits.")] = 50,
    offset: OffsetOption = 0,
    sort: Annotated[Sort, typer.Option("--sort", help="Order of the hits.")] = Sort.RELEVANCE,
    hidden: HiddenFlag = False,
    json: JsonFlag = False,
) -> None:
    s = session(ctx)
    text = " ".join(query)
    if not text.strip():
        raise UsageError("the search query is empty",
                         hint="give words or filters, e.g. pluginary search reverb; "
                              "pluginary list shows everything")
    if format is not None:
        check_format(s.pm, s.catalogue(), format)
    result = find(s.pm, s.catalogue(), text, sort=sort, limit=limit, offset=offset,
                  hidden=hidden, also=with_filters(format=format),
                  parameters=wants_json(ctx, json))
    if wants_json(ctx, json):
        emit_json(result.hits)
    elif not result.hits:
        sys.stderr.write(f"No plugin matches '{text}'.\n" if not result.total else
                         f"{result.total} plugins match '{text}'; none after --offset {offset}.\n")
    else:
        shown = len(result.hits)
        title = f"{shown} hits for '{text}'" if shown >= result.total else (
            f"{offset + 1}-{offset + shown} of {result.total} hits for '{text}'")
        emit_table(RECORD_COLUMNS, [record_row(h.record) for h in result.hits], title=title)
