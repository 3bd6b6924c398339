"""What a scan derives over the whole catalogue once its records are stored: products (one per
plugin across formats) and each plugin's node of the category tree.

Both run at the end of every scan that changed something, over the light summaries, so a
rule or a category map added since the last scan applies to unchanged plugins too.
"""

from __future__ import annotations

import logging
import time

from ..catalogue import Catalogue
from ..categories import CategoryMap
from ..errors import UsageError
from ..products import link_products
from .rules import Decision, RuleBook, apply_decision

log = logging.getLogger(__name__)


def link(catalogue: Catalogue, changed: bool = True) -> int:
    """Link the whole catalogue's records into products and store them; return how many.

    A scan that wrote no record and marked nothing missing keeps the stored links (reading
    every record back costs more than the rest of an unchanged rescan), unless there are
    none yet (a catalogue migrated from before products)."""
    if not changed:
        stored = catalogue.products()
        if stored or not catalogue.info().plugins:
            return len(stored)
    started = time.monotonic()
    found = link_products(catalogue.summaries())
    moved = catalogue.replace_products(found)
    log.info("linked %d products (%d plugins changed product) in %.3f s", len(found),
             moved, time.monotonic() - started)
    return len(found)


def categorise(catalogue: Catalogue, tree: CategoryMap, book: RuleBook) -> int:
    """Give every plugin its tree category: an ``override`` rule's category when one applies,
    else the one derived from its declared categories (every extension's map included); and
    the notes and role overrides of rules to plugins that were not loaded this time. Only
    changes are written; returns how many plugins changed category.

    A note whose rule is gone stays on an unchanged plugin until its next load (the light
    summaries do not carry notes)."""
    started = time.monotonic()
    wanted: dict[str, tuple[str, bool]] = {}
    stored: dict[str, tuple[str, bool]] = {}
    warned: set[str] = set()
    ruled: dict[str, Decision] = {}
    for summary in catalogue.summaries():
        if summary.key in wanted:  # one plugin, several installations
            continue
        stored[summary.key] = (summary.category, summary.category_guessed)
        decision = book.decide(summary.path, summary.format, [summary])
        if decision.notes or "role" in decision.overrides:
            ruled[summary.key] = decision
        override = decision.overrides.get("category")
        path = ""
        if override is not None:
            value, placed = override
            try:
                path = tree.resolve(value)[0]
            except UsageError:
                if placed.label() not in warned:
                    warned.add(placed.label())
                    log.warning("%s sets the category '%s', which is not in the category "
                                "tree; see pluginary categories --empty", placed.label(), value)
        if path:
            wanted[summary.key] = (path, False)
        else:
            derived = tree.derive(format=summary.format, name=summary.name,
                                  categories=summary.categories, role=summary.role.value,
                                  audio_inputs=summary.audio_inputs,
                                  audio_outputs=summary.audio_outputs)
            wanted[summary.key] = (derived.path, derived.guessed)
    changed = {key: value for key, value in wanted.items() if stored[key] != value}
    moved = catalogue.set_categories(changed) if changed else 0
    # Notes and role overrides on plugins no load touched this time (a rule added since).
    noted = [new for key, decision in ruled.items()
             if (record := catalogue.get(key)) is not None
             and (new := apply_decision(record, decision)) != record]
    if noted:
        catalogue.upsert(noted)
    log.info("categorised %d plugins (%d changed) in %.3f s", len(wanted), moved,
             time.monotonic() - started)
    return moved
