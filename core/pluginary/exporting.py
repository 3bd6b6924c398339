"""What an exporter receives: the selected plugins with everything the catalogue knows of them.

``pluginary export NAME`` selects plugins (a query, collections, hidden ones only when asked),
then builds one :class:`ExportSelection` through the public Catalogue API and hands it to the
exporter. Smart collections arrive evaluated, so an exporter treats smart and static ones alike.

An exporter implements either ``export(records, destination)`` (the plain form) or
``export_selection(selection, destination, dry_run=...)`` returning the
:class:`~pluginary.exportfiles.FileChange` of each file it wrote (or would write), for which
:mod:`pluginary.exportfiles` does the safe writing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pluggy

from .catalogue import Catalogue
from .errors import NotFoundError, UsageError
from .exporter_info import OptionValue
from .models import Installation, PluginRecord, Product
from .organisation import PRODUCT_PREFIX, Collection, Organisation
from .products import products_by_member
from .query.tree import Sort
from .search import find


@dataclass(frozen=True)
class ExportSelection:
    """The plugins to export and what the catalogue knows of each, keyed by ``format:uid``."""

    records: tuple[PluginRecord, ...]
    installations: dict[str, tuple[Installation, ...]] = field(default_factory=dict)
    #: The product of each plugin that has one.
    products: dict[str, Product] = field(default_factory=dict)
    #: The tags of each plugin: its own and its product's, sorted.
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Every collection with the selected plugins it holds, in its order (smart ones
    #: evaluated); collections holding none of them are left out.
    collections: tuple[Collection, ...] = ()
    #: The whole organisation as stored (tags on products, saved searches), for exporters
    #: that carry it over, such as the manifest.
    organisation: Organisation = field(default_factory=Organisation)
    #: True when nothing narrowed the selection (no query, collection or format): an exporter
    #: may then remove what it wrote before and no longer exports; after a partial export it
    #: must leave its other entries alone.
    complete: bool = True
    #: The values of the exporter's typed options (:class:`~pluginary.exporter_info.
    #: ExportOption`), defaults filled in.
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    #: How many selected plugins of each format were left out because the exporter does not
    #: write that format (its ``info.formats``); the command reports them.
    skipped: Mapping[str, int] = field(default_factory=dict)


def select(pm: pluggy.PluginManager, catalogue: Catalogue, *, query: str = "",
           collections: Sequence[str] = (), hidden: bool = False,
           format: str | None = None, formats: Sequence[str] = (),
           options: Mapping[str, OptionValue] | None = None) -> ExportSelection:
    """The selection for an export: plugins matching ``query`` (and in any of
    ``collections``), hidden ones only with ``hidden``; of ``formats`` only when given (the
    others are counted in ``skipped``). An empty selection is an error."""
    also = [f'format:"{format}"'] if format is not None else []
    known = {c.name.casefold() for c in catalogue.organisation().collections}
    for name in collections:
        if name.casefold() not in known and not any(k.startswith(name.casefold() + "/")
                                                    for k in known):
            raise NotFoundError(f"no collection '{name}'", hint="see pluginary collection list")
    if collections:
        also.append(" OR ".join(f'collection:"{name}"' for name in collections))
    hits = find(pm, catalogue, query, sort=Sort.NAME, limit=None, hidden=hidden, also=also,
                parameters=True).hits
    if not hits:
        raise NotFoundError("nothing to export: no plugin matches the selection",
                            hint="check it with pluginary list QUERY (hidden plugins need "
                                 "--hidden)")
    skipped = Counter(h.record.format for h in hits if formats and h.record.format not in formats)
    records = tuple(h.record for h in hits if not formats or h.record.format in formats)
    if not records:
        raise NotFoundError(f"nothing to export: the exporter writes only {', '.join(formats)} "
                            f"plugins and the selection has none ({_counted(skipped)})",
                            hint="select plugins of those formats")
    keys = {r.key for r in records}
    installations: dict[str, list[Installation]] = {}
    for install in catalogue.installations():
        if install.key in keys:
            installations.setdefault(install.key, []).append(install)
    by_member = products_by_member(catalogue)
    products = {key: by_member[key] for key in keys if key in by_member}
    organisation = catalogue.organisation()
    tags: dict[str, set[str]] = {}
    for tagging in organisation.tags:
        if tagging.target.startswith(PRODUCT_PREFIX):
            product_key = tagging.target[len(PRODUCT_PREFIX):]
            for key, product in products.items():
                if product.key == product_key:
                    tags.setdefault(key, set()).add(tagging.tag)
        elif tagging.target in keys:
            tags.setdefault(tagging.target, set()).add(tagging.tag)
    return ExportSelection(
        records=records,
        installations={k: tuple(v) for k, v in installations.items()},
        products=products,
        tags={k: tuple(sorted(v)) for k, v in tags.items()},
        collections=_collections(pm, catalogue, organisation, keys),
        organisation=organisation,
        complete=not (query.strip() or collections or format),
        options=dict(options or {}),
        skipped=dict(skipped))


def _counted(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {fmt}" for fmt, n in sorted(counts.items()))


def _collections(pm: pluggy.PluginManager, catalogue: Catalogue, organisation: Organisation,
                 keys: set[str]) -> tuple[Collection, ...]:
    out = []
    for collection in organisation.collections:
        if collection.saved:
            try:
                found = find(pm, catalogue, f"saved:{collection.saved}", sort=Sort.NAME,
                             limit=None, hidden=True).hits
            except UsageError:
                continue  # a broken smart collection is reported by 'collection show'
            members = tuple(h.record.key for h in found)
        else:
            members = collection.members
        selected = tuple(m for m in members if m in keys)
        if selected:
            out.append(Collection(name=collection.name, members=selected,
                                  saved=collection.saved))
    return tuple(out)
