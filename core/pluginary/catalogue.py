"""The catalogue interface that storage extensions implement, and how the core opens one.

The core never imports a database driver: it asks the ``open_catalogue`` hook for an object that
satisfies :class:`Catalogue` and talks to it only through this protocol.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import StorageError, UsageError
from .models import (
    Candidate,
    CandidateState,
    CatalogueInfo,
    Installation,
    MigrationReport,
    PluginRecord,
    Product,
    ScanInfo,
    ScanJob,
    ScanOutcome,
    SearchHit,
    SearchQuery,
)

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

    def installations(self, key: str | None = None) -> builtins.list[Installation]:
        """Every installation (of one plugin when ``key`` is given), ordered by key and path."""
        ...

    def search(self, query: SearchQuery) -> builtins.list[SearchHit]:
        """Full-text search over name, vendor, categories, description and parameter names."""
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

    def begin_scan(self, *, formats: Sequence[str], roots: Sequence[str],
                   options: dict[str, Any]) -> int:
        """Start a scan row; returns its id."""
        ...

    def unfinished_scan(self) -> ScanInfo | None:
        """The newest scan that never finished (its parent was killed), if any."""
        ...

    def add_jobs(self, scan_id: int,
                 jobs: Sequence[tuple[Candidate, tuple[int, ...]]]) -> builtins.list[int]:
        """Journal one pending job per (candidate, tiers); returns the job ids in order."""
        ...

    def scan_jobs(self, scan_id: int) -> builtins.list[ScanJob]:
        """Every job of a scan, in the order they were added."""
        ...

    def mark_running(self, job_ids: Sequence[int]) -> None:
        """Journal that these jobs were handed to workers."""
        ...

    def record_outcomes(self, scan_id: int, outcomes: Sequence[ScanOutcome]) -> None:
        """In one transaction: upsert the records, the candidate states and finish the jobs."""
        ...

    def mark_missing(self, paths: Sequence[str]) -> int:
        """Mark candidates (and their installations) whose files are gone as missing."""
        ...

    def finish_scan(self, scan_id: int, *, status: str) -> None:
        """Close a scan row (``finished``, ``interrupted`` or ``failed``)."""
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
