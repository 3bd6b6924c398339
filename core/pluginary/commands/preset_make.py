"""``pluginary preset capture|convert|containers``: presets made by loading plugins in the
preset workers (docs/presets.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..cli import Session
from ..errors import NotFoundError, UsageError
from ..models import PluginRecord
from ..output import emit_json, emit_table
from ..presets.convert import containers, convert, exact_record, native_container
from ..presets.model import ParamValue, Preset, PresetInfo
from ..presets.runner import DEFAULT_TIMEOUT, run_worker, supported
from ..presets.store import PresetStore
from ..presets.worker import Request
from ..query.tree import Sort
from ..registry import collect_preset_maps
from ..search import find
from .common import JsonFlag, session, wants_json
from .presets import find_preset, preset_app, store_of

TimeoutOption = Annotated[float, typer.Option(
    "--timeout", min=1.0, help="Seconds the plugin may take to load and save.")]


def plugin_named(s: Session, word: str) -> PluginRecord:
    """A plugin by ID (or unique prefix), else the one plugin a query matches."""
    catalogue = s.catalogue()
    record = catalogue.get(word)
    if record is not None:
        return record
    hits = find(s.pm, catalogue, word, sort=Sort.NAME, limit=3, hidden=True).hits
    if len(hits) == 1:
        return hits[0].record
    if not hits:
        raise NotFoundError(f"no plugin '{word}' in the catalogue",
                            hint="find its ID with pluginary search")
    raise UsageError(f"'{word}' matches several plugins ({', '.join(h.record.key for h in hits)}"
                     "...)", hint="name one by its ID")


def _settings(pairs: list[str]) -> tuple[ParamValue, ...]:
    values = []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not sep or not name.strip() or value != value:
            raise UsageError(f"'{pair}' is not NAME=VALUE",
                             hint="for example --set Attack=20 (plain units, as the plugin "
                                  "shows them)")
        values.append(ParamValue(key=name.strip(), name=name.strip(), value=value))
    return tuple(values)


@preset_app.command("capture")
def preset_capture(
    ctx: typer.Context,
    plugin: Annotated[str, typer.Argument(help="The plugin: its ID or a query naming one.")],
    name: Annotated[str, typer.Option("--name", "-n", help="The preset's name.")] = "Captured",
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="NAME=VALUE: set a parameter (plain units) before capturing; repeat.")
    ] = None,
    container: Annotated[str | None, typer.Option(
        "--container", "-c", help="Write this container instead of the format's own.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why, for the history.")] = "capture",
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    json: JsonFlag = False,
) -> None:
    """Load a plugin in its own process, set parameters, and keep its state as a preset."""
    s = session(ctx)
    record = plugin_named(s, plugin)
    writer = native_container(s.pm, record.format, container)
    values = _settings(set_ or [])
    response = run_worker(Request(record=record, parameters=values), timeout=timeout)
    if response.unmatched:
        raise UsageError(f"{record.name} has no parameter {', '.join(response.unmatched)}",
                         hint=f"its parameters: pluginary show {record.key}")
    with supported(f"{record.name} ({record.key}) cannot be captured as {writer.name}"):
        data = writer.wrap(record, name, response.state, response.parameters)
    preset = Preset(identity=f"capture:{record.key}/{name}", plugin=record.key, name=name,
                    container=writer.name, data=data, parameters=response.parameters,
                    meta={"captured-with": "state" if response.state else "parameters"})
    changes = store_of(s).put([preset], note=note)
    key = changes.keys[0] if changes.keys else ""
    if wants_json(ctx, json):
        emit_json({"preset": key, "changes": changes, "clamped": response.clamped})
        return
    what = "a new preset" if changes.added else ("a new version" if changes.updated
                                                 else "unchanged")
    sys.stdout.write(f"captured {record.name} as '{name}' ({writer.name}, {len(data)} bytes): "
                     f"{what} {key}\n")
    if response.clamped:
        sys.stdout.write(f"clamped into range: {', '.join(response.clamped)}\n")


@preset_app.command("convert")
def preset_convert(
    ctx: typer.Context,
    preset: Annotated[str, typer.Argument(help="Preset ID.")],
    to: Annotated[str, typer.Option(
        "--to", help="A container (tier 1: the same state re-wrapped), a format of the same "
                     "product, or a plugin ID (tier 2, or tier 3 through a mapping table).")],
    plugin: Annotated[str | None, typer.Option(
        "--plugin", help="Tier 1: the plugin to re-wrap for, when it is not the preset's.")
    ] = None,
    container: Annotated[str | None, typer.Option("--container", "-c")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Also write the converted preset to this new file.")] = None,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    json: JsonFlag = False,
) -> None:
    """Convert a preset and store the result; the report says what the conversion lost."""
    s = session(ctx)
    store = store_of(s)
    info = find_preset(store, preset)
    if out is not None and out.exists():
        raise UsageError(f"{out} already exists; convert never overwrites a file",
                         hint="choose a new file name")
    made, report = convert(s.pm, s.catalogue(), store, info, to, plugin=plugin,
                           container=container, timeout=timeout)
    changes = store.put([made], note=f"convert (tier {report.tier}) from {info.key}")
    if out is not None:
        try:
            with out.open("xb") as file:  # never replaces a file that appeared meanwhile
                file.write(made.data)
        except FileExistsError:
            raise UsageError(f"{out} already exists; convert never overwrites a file",
                             hint="choose a new file name") from None
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}") from exc
    key = changes.keys[0] if changes.keys else ""
    if wants_json(ctx, json):
        emit_json({"preset": key, "report": report})
        return
    kind = {1: "re-wrapped (exact)", 2: "replayed through parameters",
            3: f"mapped through '{report.map}' (lossy)"}[report.tier]
    sys.stdout.write(f"tier {report.tier}: {kind}: {info.key} -> {report.target} "
                     f"as {report.container}, stored as {key}\n")
    for line in report.losses:
        sys.stdout.write(f"loss: {line}\n")
    if report.unmatched:
        sys.stdout.write(f"no counterpart: {', '.join(report.unmatched)}\n")
    if report.untouched:
        sys.stdout.write(f"left at default: {', '.join(report.untouched)}\n")
    if report.clamped:
        sys.stdout.write(f"clamped into range: {', '.join(report.clamped)}\n")


@preset_app.command("containers")
def preset_containers(ctx: typer.Context, json: JsonFlag = False) -> None:
    """The preset containers and mapping tables the installed extensions provide."""
    s = session(ctx)
    found = containers(s.pm)
    maps = [entry.item for entry in collect_preset_maps(s.pm).values()]
    if wants_json(ctx, json):
        emit_json({"containers": [{"name": c.name, "format": c.plugin_format,
                                   "suffix": c.suffix, "description": c.description}
                                  for c in found.values()], "maps": maps})
        return
    emit_table(("Container", "Format", "Suffix", "Description"),
               [[c.name, c.plugin_format, c.suffix, c.description]
                for _, c in sorted(found.items())], title="Preset containers")
    if maps:
        emit_table(("Map", "From", "To", "Note"),
                   [[m.name, m.source, m.target, m.note] for m in maps],
                   title="Mapping tables (tier 3, lossy)")


def snapshot_of(s: Session, store: PresetStore, info: PresetInfo,
                sha: str) -> tuple[ParamValue, ...] | None:
    """The snapshot of payload ``sha`` of ``info``: stored, or made by a worker when the
    plugin is in the catalogue (and then kept); None when neither is possible."""
    stored = store.snapshot(sha)
    if stored is not None:
        return stored
    record = exact_record(s.catalogue(), info.plugin)
    container = containers(s.pm).get(info.container)
    data = store.payload(sha)
    if record is None or container is None or data is None:
        return None
    with supported(f"preset {info.key} cannot be loaded to compare it"):
        unwrapped = container.unwrap(data)
    response = run_worker(Request(record=record, state=unwrapped.state,
                                  parameters=unwrapped.parameters, by_key_only=True))
    store.set_snapshot(sha, response.parameters)
    return response.parameters
