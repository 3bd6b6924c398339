"""Converting a preset, in three tiers, each reported with what it loses.

1. **Re-wrap**: the same state in another container of the same plugin (a ``.vstpreset`` and
   pedalboard's ``raw_state``, an FXP and a VST2-in-VST3 ``.vstpreset``). The container does it
   without loading the plugin; it is exact or it is refused.
2. **Replay**: a parameter snapshot of the preset, played into another format of the same
   product (the LV2 and the VST3 of a zam plugin, linked by :mod:`pluginary.products`) in a
   preset worker, which then saves that plugin's state. Parameters are matched by name; those
   that find no counterpart are reported, and so is any state beyond the parameters.
3. **Mapping table**: between different plugins, only through a :class:`~.maps.PresetMap` an
   extension registered; always lossy.
"""

from __future__ import annotations

import msgspec
import pluggy

from ..catalogue import Catalogue
from ..errors import NotFoundError, UsageError
from ..models import PluginRecord
from ..registry import collect_preset_containers, collect_preset_maps
from .container import PresetContainer
from .maps import PresetMap, apply_map
from .model import ParamValue, Preset, PresetInfo
from .replay import by_name, fold, named
from .runner import DEFAULT_TIMEOUT, run_worker, supported
from .store import PresetStore
from .worker import Request

#: The container a format's presets are written in when none is named.
NATIVE = {"vst3": "vstpreset", "lv2": "lv2-preset", "clap": "clap-state", "au": "aupreset"}


class ConvertReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What a conversion did and lost, for the user and ``--json``."""

    tier: int
    source: str
    target: str
    container: str
    exact: bool
    #: One line per kind of loss, in words.
    losses: list[str] = []
    #: Source parameters that found no counterpart.
    unmatched: list[str] = []
    #: Target parameters no source value reached (left at their defaults).
    untouched: list[str] = []
    clamped: list[str] = []
    map: str = ""


def containers(pm: pluggy.PluginManager) -> dict[str, PresetContainer]:
    return {name: entry.item for name, entry in collect_preset_containers(pm).items()}


def native_container(pm: pluggy.PluginManager, plugin_format: str,
                     name: str | None = None) -> PresetContainer:
    """The container presets of ``plugin_format`` are written in (``name`` to choose)."""
    found = containers(pm)
    wanted = name or NATIVE.get(plugin_format)
    if wanted and wanted in found and found[wanted].plugin_format == plugin_format:
        return found[wanted]
    for container in found.values():
        if name is None and container.plugin_format == plugin_format:
            return container
    raise UsageError(f"no preset container for {plugin_format} plugins"
                     + (f" named '{name}'" if name else ""),
                     hint="see pluginary preset containers")


def convert(pm: pluggy.PluginManager, catalogue: Catalogue, store: PresetStore,
            info: PresetInfo, target: str, *, plugin: str | None = None,
            container: str | None = None,
            timeout: float = DEFAULT_TIMEOUT) -> tuple[Preset, ConvertReport]:
    """``info`` converted to ``target``: a container name (tier 1), or a plugin key or format
    name (tier 2 within the product, tier 3 through a mapping table)."""
    with supported(f"preset {info.key} cannot be converted to {target}"):
        return _convert(pm, catalogue, store, info, target, plugin=plugin,
                        container=container, timeout=timeout)


def _convert(pm: pluggy.PluginManager, catalogue: Catalogue, store: PresetStore,
             info: PresetInfo, target: str, *, plugin: str | None,
             container: str | None, timeout: float) -> tuple[Preset, ConvertReport]:
    found = containers(pm)
    source_container = found.get(info.container)
    if source_container is None:
        raise UsageError(f"no installed extension reads '{info.container}' presets",
                         hint="install the extension of that format")
    data = store.payload(info.sha256)
    if data is None:
        raise NotFoundError(f"the payload of preset {info.key} is missing from the catalogue",
                            hint="run pluginary db check")
    if target in found:
        return _rewrap(catalogue, info, data, source_container, target, plugin)
    source = _record(catalogue, info.plugin, "the preset's plugin")
    destination = _target(catalogue, source, target)
    table = _map_for(pm, source, destination)
    if table is None and not _same_product(catalogue, source, destination):
        raise UsageError(f"{source.key} and {destination.key} are not formats of one product "
                         "and no mapping table converts between them",
                         hint="see pluginary preset containers for the registered maps")
    snapshot, has_state = _snapshot(store, info, data, source_container, source, timeout)
    losses: list[str] = []
    if has_state:
        losses.append("state beyond the parameters (the plugin's own chunk) is not carried")
    values: list[ParamValue] = list(snapshot)
    rule_misses: list[str] = []
    if table is not None:
        values, rule_misses = apply_map(table, by_name(snapshot))
        used = {fold(r.source) for r in table.rules if r.source}
        unused = [v.name or v.key for v in snapshot
                  if fold(v.name) not in used and v.key.casefold() not in used]
        losses.append(f"mapping table '{table.name}' is lossy: {table.note}".rstrip(": "))
        if unused:
            losses.append(f"no rule for the source parameters {', '.join(unused)}")
    response = run_worker(Request(record=destination, parameters=tuple(values)),
                          timeout=timeout)
    writer = native_container(pm, destination.format, container)
    payload = writer.wrap(destination, info.name, response.state, response.parameters)
    reached = {fold(v.name) for v in values} | {v.key for v in values}
    untouched = [p.name for p in response.parameters
                 if fold(p.name) not in reached and p.key not in reached]
    unmatched = list(response.unmatched) + rule_misses
    if table is None and unmatched:
        losses.append(f"{len(unmatched)} parameters found no counterpart")
    report = ConvertReport(
        tier=3 if table is not None else 2, source=info.key, target=destination.key,
        container=writer.name, exact=False, losses=losses, unmatched=unmatched,
        untouched=untouched, clamped=list(response.clamped),
        map=table.name if table is not None else "")
    preset = Preset(
        identity=f"convert:{info.identity}->{destination.key}", plugin=destination.key,
        name=info.name, container=writer.name, data=payload, bank=info.bank,
        author=info.author, tags=info.tags, parameters=response.parameters,
        meta={"converted-from": info.key, "tier": str(report.tier)})
    return preset, report


def _rewrap(catalogue: Catalogue, info: PresetInfo, data: bytes,
            source_container: PresetContainer, target: str,
            plugin: str | None) -> tuple[Preset, ConvertReport]:
    key = plugin or info.plugin
    found = catalogue.get(key) if plugin else exact_record(catalogue, key)
    # Re-wrapping loads nothing: a plugin that is not installed here can be named by its ID.
    shaped = key.partition(":")
    record = found or (PluginRecord(format=shaped[0], uid=shaped[2], name=shaped[2])
                       if shaped[1] and shaped[0] and shaped[2] else None)
    if record is None:
        raise NotFoundError(f"the plugin to re-wrap for ({key or 'unknown'}) is not in the "
                            "catalogue", hint="name it with --plugin FORMAT:UID")
    payload = source_container.rewrap(data, target, record)
    if payload is None:
        raise UsageError(f"'{info.container}' cannot be re-wrapped as '{target}' exactly",
                         hint="convert to a plugin instead (tier 2): --to FORMAT or --to ID")
    preset = Preset(
        identity=f"convert:{info.identity}->{target}", plugin=record.key, name=info.name,
        container=target, data=payload, bank=info.bank, author=info.author, tags=info.tags,
        meta={"converted-from": info.key, "tier": "1"})
    return preset, ConvertReport(tier=1, source=info.key, target=record.key,
                                 container=target, exact=True)


def exact_record(catalogue: Catalogue, key: str) -> PluginRecord | None:
    """The plugin whose key is exactly ``key`` (``Catalogue.get`` also takes a prefix, which
    for a stored preset's plugin could load another plugin: ZamCompX2 for ZamComp)."""
    record = catalogue.get(key) if key else None
    return record if record is not None and record.key.casefold() == key.casefold() else None


def _record(catalogue: Catalogue, key: str, what: str, *, exact: bool = True) -> PluginRecord:
    record = exact_record(catalogue, key) if exact else (catalogue.get(key) if key else None)
    if record is None:
        raise NotFoundError(f"{what} ({key or 'unknown'}) is not in the catalogue",
                            hint="scan it first with pluginary scan")
    return record


def _target(catalogue: Catalogue, source: PluginRecord, target: str) -> PluginRecord:
    """A plugin key, or a format name meaning the product's plugin in that format."""
    if ":" in target:
        return _record(catalogue, target, "the target plugin", exact=False)
    for product in catalogue.products(member=source.key):
        for member in product.members:
            if member.split(":", 1)[0] == target and member != source.key:
                return _record(catalogue, member, "the target plugin")
    raise NotFoundError(f"{source.name} has no {target} plugin in its product",
                        hint="name the target plugin's ID instead")


def _same_product(catalogue: Catalogue, a: PluginRecord, b: PluginRecord) -> bool:
    return any(b.key in product.members for product in catalogue.products(member=a.key))


def _map_for(pm: pluggy.PluginManager, source: PluginRecord,
             destination: PluginRecord) -> PresetMap | None:
    for entry in collect_preset_maps(pm).values():
        if entry.item.source == source.key and entry.item.target == destination.key:
            return entry.item
    return None


def _snapshot(store: PresetStore, info: PresetInfo, data: bytes,
              container: PresetContainer, record: PluginRecord,
              timeout: float) -> tuple[tuple[ParamValue, ...], bool]:
    """The preset's parameter values (made by a worker and kept when not stored yet), and
    whether it holds state beyond them."""
    unwrapped = container.unwrap(data)
    has_state = bool(unwrapped.state)
    stored = store.snapshot(info.sha256)
    if stored is not None and all(not v.normalised for v in stored):
        return named(stored, record), has_state
    response = run_worker(Request(record=record, state=unwrapped.state,
                                  parameters=unwrapped.parameters, by_key_only=True),
                          timeout=timeout)
    store.set_snapshot(info.sha256, response.parameters)
    return response.parameters, has_state
