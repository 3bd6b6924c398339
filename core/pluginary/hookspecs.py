"""The complete list of Pluginary's extension points.

An extension implements any of these hooks with ``@pluginary.hookimpl`` on a module-level function
(or a method) of the same name, and registers the module under the ``pluginary`` entry-point
group. Each spec class groups the hooks of one area; the classes exist for reading, pluggy sees
only the methods. ``docs/hooks.md`` documents every hook with the same signature, and a test keeps
the two in step.

Registration hooks receive a ``register`` callable instead of returning data, so the core can
record which extension provided what, and refuse two extensions that claim the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

from .models import (
    Candidate,
    FormatInfo,
    LoadResult,
    PluginRecord,
    ScanEvent,
    SearchQuery,
    SearchResult,
)

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .registry import (
        CategoryMapRegister,
        CommandRegister,
        ExporterRegister,
        FormatRegister,
        PresetContainerRegister,
        PresetMapRegister,
        RuleSetRegister,
        StorageRegister,
    )
    from .validation.host import AudioPlugin

PROJECT = "pluginary"
hookspec = pluggy.HookspecMarker(PROJECT)


class DiscoverySpecs:
    """Which plugin formats exist, where they live, and which files under a root are candidates."""

    @hookspec
    def register_formats(self, register: FormatRegister) -> None:
        """Declare the plugin formats this extension scans.

        Call ``register(FormatInfo(...))`` once per format. The FormatInfo carries the format's
        default roots for each OS as plain data and the environment variable that adds roots.
        """

    @hookspec
    def discover_candidates(self, format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
        """Yield the files or bundles of ``format`` under ``roots``; return None for other formats.

        Walk plain folders recursively but never into a bundle, survive symlink loops, and log a
        warning for an unreadable folder instead of raising. Do not load any code here.
        """


class LoadingSpecs:
    """Reading one candidate's metadata. Runs inside the isolated scan workers."""

    @hookspec(firstresult=True)
    def load_candidate(self, candidate: Candidate, tier: int) -> LoadResult | None:
        """Read ``candidate`` at scan ``tier`` and return what it holds; None if not yours.

        Tier 0 reads declarative metadata without running code, tier 1 asks the binary's factory
        without instantiating a plugin, tier 2 instantiates it. Return the best you can do at
        that tier; a failure is a LoadResult with a status and a cause, not an exception.
        """

    @hookspec(firstresult=True)
    def open_for_validation(self, record: PluginRecord) -> AudioPlugin | None:
        """The plugin of ``record`` ready for the shared validation checks
        (:mod:`pluginary.validation`, :class:`pluginary.validation.host.AudioPlugin`), or None
        if its format is not yours; raise :class:`pluginary.validation.host.NotSupported` for a
        plugin your glue cannot host. Called in a validation worker: a crash ends that worker,
        not the run."""


class StorageSpecs:
    """Where the catalogue lives."""

    @hookspec
    def register_storages(self, register: StorageRegister) -> None:
        """Declare the URL schemes this extension can open: ``register("sqlite", "about")``."""

    @hookspec(firstresult=True)
    def open_catalogue(self, url: str, create: bool) -> Catalogue | None:
        """Open the catalogue at ``url`` if its scheme is yours, else return None.

        ``create`` false means the catalogue must already exist (read-only commands use this so
        that a mistyped path is reported instead of silently creating an empty catalogue).
        Raise a :class:`pluginary.errors.StorageError` subclass for a catalogue that exists but
        cannot be used, and leave the file untouched.
        """


class SearchSpecs:
    """Querying the catalogue."""

    @hookspec(firstresult=True)
    def search_catalogue(self, catalogue: Catalogue, query: SearchQuery) -> SearchResult | None:
        """Answer ``query`` against ``catalogue``: one page of hits and the total; None to let
        another try.

        ``query.root`` is the parsed and resolved tree (saved searches, smart collections and
        categories expanded). The built-in implementation runs last and delegates to
        ``catalogue.search``; an extension can answer from another index.
        """

    @hookspec
    def register_category_maps(self, register: CategoryMapRegister) -> None:
        """Add to the category tree: ``register(CategoryMap.from_toml(text, source="..."))``.

        The map has the shape of ``pluginary/category-map.toml``: new nodes (under built-in
        ones or its own), raw categories of any format mapped to nodes, name keywords. It cannot
        remove a node. Extension maps are consulted before the built-in one, the last registered
        first, so a vendor can fix how its own plugins are filed. A malformed map, or one naming
        a node that does not exist, is reported as this extension's fault.
        """


class ExportSpecs:
    """Writing the catalogue into other programs' files."""

    @hookspec
    def register_exporters(self, register: ExporterRegister) -> None:
        """Declare exporters: ``register(exporter)`` with an object satisfying
        :class:`pluginary.registry.Exporter`."""


class CliSpecs:
    """The command line."""

    @hookspec
    def register_commands(self, register: CommandRegister) -> None:
        """Add commands: ``register("name", function_or_typer_app, help="...")``.

        A function becomes one command and a ``typer.Typer`` becomes a command group. Two
        extensions registering the same name stop the CLI with an error naming both.
        """


class CompatibilitySpecs:
    """Rules that say how to treat particular plugins (block, ignore, give more time)."""

    @hookspec
    def register_rule_sets(self, register: RuleSetRegister) -> None:
        """Declare rule sets: ``register(RuleSet(...))``. A vendor pack is one such extension."""


class PresetSpecs:
    """Preset files: reading them, writing them, and converting between plugins."""

    @hookspec
    def register_preset_containers(self, register: PresetContainerRegister) -> None:
        """Declare preset containers: ``register(container)`` with an object satisfying
        :class:`pluginary.presets.container.PresetContainer` (a ``.vstpreset``, an LV2 preset,
        an ``.aupreset``...). Its reading runs in the calling process and must not load plugin
        code; a container that raises is reported as this extension's fault."""

    @hookspec
    def register_preset_maps(self, register: PresetMapRegister) -> None:
        """Declare cross-plugin mapping tables: ``register(PresetMap(...))`` (see
        :mod:`pluginary.presets.maps`). Each is checked when it registers and is always
        reported to the user as lossy."""


class EventSpecs:
    """Things that happen, for progress displays, the web UI and remote agents."""

    @hookspec
    def scan_event(self, event: ScanEvent) -> None:
        """Called in the parent process for each :data:`pluginary.models.ScanEvent`.

        Implementations must return quickly; they run on the scan's critical path.
        """


SPEC_CLASSES: tuple[type, ...] = (
    DiscoverySpecs,
    LoadingSpecs,
    StorageSpecs,
    SearchSpecs,
    ExportSpecs,
    CliSpecs,
    CompatibilitySpecs,
    PresetSpecs,
    EventSpecs,
)

# Referenced by the annotations above; kept importable for typing.get_type_hints().
__all__ = ["PROJECT", "SPEC_CLASSES", "FormatInfo", "hookspec"]
