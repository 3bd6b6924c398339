"""The catalogue interface that storage extensions implement, and how the core opens one.

The core never imports a database driver: it asks the ``open_catalogue`` hook for an object that
satisfies :class:`Catalogue` and talks to it only through this protocol.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import StorageError, UsageError
from .models import (
    Candidate,
    CandidateState,
    CatalogueInfo,
    CompatEntry,
    Installation,
    MigrationReport,
    PluginRecord,
    PluginSummary,
    Product,
    ScanInfo,
    ScanJob,
    ScanOutcome,
    SearchQuery,
    SearchResult,
)
from .organisation import Collection, Organisation, SavedSearch, Tagging
from .presets.store import PresetStore

if TYPE_CHECKING:
    import pluggy


@runtime_checkable
class Catalogue(Protocol):
    """An open catalogue. Implementations must be safe to read from several threads."""

    url: str

    def upsert(self, records: Iterable[PluginRecord]) -> int:
        """Insert or update records keyed by ``(format, uid)`` in one transaction per batch.

        Returns how many records were written. A rescan updates rows; it never duplicates them.
        """
        ...

    def get(self, key: str) -> PluginRecord | None:
        """The record whose key (``format:uid``) or unique key prefix is ``key``, or None."""
        ...

    def list(
        self, *, format: str | None = None, status: str | None = None, limit: int | None = None
    ) -> builtins.list[PluginRecord]:
        """All records, optionally filtered, ordered by name."""
        ...

    def summaries(self) -> builtins.list[PluginSummary]:
        """Every installation of every plugin, light: identity, name, vendor, path, fingerprint
        and status, no parameters. What the scan engine reads at the end of a scan, so its cost
        does not grow with the parameters stored."""
        ...

    def installations(self, key: str | None = None) -> builtins.list[Installation]:
        """Every installation (of one plugin when ``key`` is given), ordered by key and path."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """One page of the plugins matching ``query.root`` (a resolved tree: see
        :mod:`pluginary.query.tree`) in ``query.sort`` order, and how many match in all.

        Free text matches name, vendor, categories, the tree category, description and
        parameter names as word prefixes, and names and vendors as substrings from 3
        characters; relevance ranks a name hit first. Plugins tagged ``hidden`` are left out
        unless ``query.hidden``. Build SQL (or any query) from the tree only, with parameters.
        """
        ...

    # -- the user's organisation (pluginary.organisation): keyed by identities, never row ids

    def organisation(self) -> Organisation:
        """Every tag, collection and saved search."""
        ...

    def add_tags(self, taggings: Sequence[Tagging]) -> int:
        """Add taggings (tag names already normalised); returns how many were new."""
        ...

    def remove_tags(self, taggings: Sequence[Tagging]) -> int:
        """Remove taggings; returns how many were there."""
        ...

    def put_collection(self, collection: Collection) -> None:
        """Create a collection, or replace its members and definition."""
        ...

    def delete_collection(self, name: str) -> int:
        """Delete a collection and those nested in it; returns how many went."""
        ...

    def rename_collection(self, old: str, new: str) -> None:
        """Rename a collection and its nested ones; NotFoundError or UsageError (name taken)."""
        ...

    def put_saved_search(self, saved: SavedSearch) -> None:
        """Create or replace a saved search."""
        ...

    def delete_saved_search(self, name: str) -> int:
        """Delete a saved search; returns 1 if it existed, else 0."""
        ...

    def merge_organisation(self, organisation: Organisation) -> int:
        """Add what ``organisation`` has and this catalogue lacks, in one transaction; never
        drop or change what is here. Returns how many things were added."""
        ...

    def set_categories(self, categories: Mapping[str, tuple[str, bool]]) -> int:
        """Store tree categories ``{format:uid: (path, guessed)}``; the scan engine calls this
        at the end of each scan. Returns how many plugins changed category."""
        ...

    def info(self) -> CatalogueInfo:
        """Counts, schema version and size."""
        ...

    def replace_products(self, products: Sequence[Product]) -> int:
        """Make ``products`` the catalogue's products, in one transaction.

        Each plugin named in a product's ``members`` is linked to it; a plugin named by none is
        unlinked, and products no longer given are removed. Members that are not in the
        catalogue are ignored. Returns how many plugins changed product. The scan engine calls
        this at the end of every scan that changed records, with
        :func:`pluginary.products.link_products` over the whole catalogue.
        """
        ...

    def products(self, *, member: str | None = None) -> builtins.list[Product]:
        """The stored products ordered by key, members read from the plugins linked to each;
        with ``member`` (an exact ``format:uid``), only the product holding that plugin."""
        ...

    def preset_store(self) -> PresetStore:
        """The presets kept in this catalogue (:mod:`pluginary.presets.store`)."""
        ...

    def check(self) -> builtins.list[str]:
        """Integrity problems found; an empty list means the catalogue is sound."""
        ...

    def backup(self, destination: Path) -> None:
        """Write a consistent copy to ``destination`` while the catalogue stays usable."""
        ...

    def vacuum(self) -> None:
        """Reclaim free space."""
        ...

    def migrate(self) -> MigrationReport:
        """Upgrade the schema to the version this code writes. A no-op when already current."""
        ...

    def close(self) -> None:
        """Release connections and locks."""
        ...

    # -- the scan journal: used by pluginary.scan.engine, the only writer during a scan --------

    def candidates(self, *, format: str | None = None) -> dict[str, CandidateState]:
        """What is remembered about every candidate path (for change detection and budgets)."""
        ...

    def compat_entries(self, *, key: str | None = None) -> builtins.list[CompatEntry]:
        """The compatibility database: the newest outcome per plugin version, OS, architecture
        and source (of the one plugin ``key``, an exact ``format:uid``, when given), ordered by
        key. ``record_outcomes`` adds to it the plugins of every outcome that says where it was
        loaded (``ScanOutcome.os``/``arch``); :meth:`record_compat` adds validation results."""
        ...

    def record_compat(self, entries: Sequence[CompatEntry]) -> int:
        """Upsert entries this machine produced (validation results: see
        :mod:`pluginary.validation_store`) in one transaction: per key the entry given replaces
        what is stored, whatever its ``recorded_at`` (an imported row with a clock ahead must
        not hide a new local result); of two entries for one key, the later in the sequence
        wins. Returns how many rows were written."""
        ...

    def merge_compat(self, entries: Sequence[CompatEntry]) -> int:
        """Merge entries from another machine in one transaction, without duplicates: per key
        the newer ``recorded_at`` wins. Returns how many rows were added or changed."""
        ...

    def scan_lock(self, *, wait: bool = False) -> AbstractContextManager[None]:
        """Hold the catalogue's one scan lock for the ``with`` block.

        One scan writes a catalogue at a time, whoever starts it (the CLI, the web UI, a remote
        agent). The lock dies with its process, so a scan killed with ``kill -9`` never leaves
        it held. When another process holds it: with ``wait`` block until it is free, else
        raise :class:`pluginary.errors.ScanRunningError` naming the holder. SQLite uses an OS
        file lock beside the catalogue; a server database can use an advisory lock.
        """
        ...

    def begin_scan(self, *, formats: Sequence[str], roots: Sequence[str],
                   options: dict[str, Any]) -> int:
        """Start a scan row; returns its id."""
        ...

    def unfinished_scan(self) -> ScanInfo | None:
        """The newest scan that never finished (its parent was killed), if any. Only meaningful
        while holding :meth:`scan_lock`: then no scan is running, so a ``running`` row is a dead
        one."""
        ...

    def add_jobs(self, scan_id: int,
                 jobs: Sequence[tuple[Candidate, tuple[int, ...]]]) -> builtins.list[int]:
        """Journal one pending job per (candidate, tiers); returns the job ids in order."""
        ...

    def scan_jobs(self, scan_id: int) -> builtins.list[ScanJob]:
        """Every job of a scan, in the order they were added."""
        ...

    def record_outcomes(self, scan_id: int, outcomes: Sequence[ScanOutcome], *,
                        running: Sequence[int] = ()) -> None:
        """In one transaction: mark the jobs in ``running`` as handed to workers, upsert the
        records and candidate states, and finish the outcomes' jobs. An installation at an
        outcome's path whose plugin the outcome's records no longer name (a class id changed, a
        bundle dropped a plugin) becomes ``missing``. One transaction, so after ``kill -9`` a job
        is never finished without being stored, nor stored as running after it finished."""
        ...

    def mark_missing(self, paths: Sequence[str]) -> int:
        """Mark candidates (and their installations) whose files are gone as missing."""
        ...

    def finish_scan(self, scan_id: int, *, status: str) -> None:
        """Close a scan row: ``finished``, or ``abandoned`` (a new scan started with
        ``--no-resume`` instead of resuming it)."""
        ...

    def status_counts(self) -> dict[str, dict[str, int]]:
        """``{format: {status: count}}`` over installations, plus candidates that gave no
        plugin (a file that crashed before it could name one)."""
        ...


def normalise_url(value: str) -> str:
    """Turn a ``--db`` value into a catalogue URL: a bare path means an SQLite file."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def url_scheme(url: str) -> str:
    """The engine part of a catalogue URL (``sqlite`` for ``sqlite:///x.db``)."""
    return url.split("://", 1)[0].split("+", 1)[0]


def open_catalogue(pm: pluggy.PluginManager, url: str, *, create: bool = True) -> Catalogue:
    """Open the catalogue at ``url`` through whichever storage extension claims it.

    Raises :class:`UsageError` naming the installed engines when none claims the scheme.
    """
    from .registry import collect_storages

    url = normalise_url(url)
    catalogue = pm.hook.open_catalogue(url=url, create=create)
    if catalogue is None:
        engines = sorted(collect_storages(pm))
        scheme = url_scheme(url)
        if engines:
            hint = f"installed engines: {', '.join(engines)}"
        else:
            hint = "install a storage extension, for example: pip install pluginary-sqlite"
        raise UsageError(f"no storage extension handles '{scheme}://' catalogues", hint=hint)
    if not isinstance(catalogue, Catalogue):
        raise StorageError(f"the storage extension for {url} returned {type(catalogue).__name__}, "
                           "which is not a Catalogue")
    return catalogue


def sort_records(records: Sequence[PluginRecord]) -> list[PluginRecord]:
    """The one ordering every listing uses: by name, then vendor, then key."""
    return sorted(records, key=lambda r: (r.name.casefold(), r.vendor.casefold(), r.key))
