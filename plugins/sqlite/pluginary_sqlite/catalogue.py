"""The SQLite catalogue: one writer connection behind a lock, one read-only connection per thread.

Every public method turns ``sqlite3`` errors into :mod:`pluginary.errors` (see ``errors.py``), so
a damaged, locked, read-only or full catalogue gives one line and a hint, never a traceback.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from pluginary.errors import (
    CatalogueBusyError,
    CatalogueReadOnlyError,
    CatalogueTooNewError,
    NotFoundError,
    PluginaryError,
    StorageError,
    UsageError,
)
from pluginary.models import (
    CatalogueInfo,
    Installation,
    MigrationReport,
    PluginRecord,
    PluginSummary,
    Product,
)
from pluginary.presets.store import PresetStore
from pluginary.retry import retry

from . import codec, header, journal, presets_read, queries, schema
from . import products as products_module
from .catalogue_journal import JournalMethods
from .catalogue_organise import OrganisationMethods
from .connection import (
    DEFAULT_BUSY_TIMEOUT_MS,
    MINIMUM_SQLITE,
    connect_immutable,
    connect_probe,
    connect_reader,
    connect_writer,
    file_size,
    free_name,
    sqlite_version_ok,
)
from .errors import SQLITE_CANTOPEN, is_busy, primary_code, translate
from .errors import translated as _translated
from .presets import SQLitePresetStore

log = logging.getLogger(__name__)

T = TypeVar("T")


class SQLiteCatalogue(JournalMethods, OrganisationMethods):
    """A :class:`pluginary.catalogue.Catalogue` stored in one SQLite file.

    Open it with :func:`open_sqlite` (or through the ``open_catalogue`` hook). Safe to use from
    several threads: reads run on per-thread read-only connections and see a consistent snapshot
    (WAL), writes are serialised on the single writer connection.
    """

    url: str

    def __init__(self, url: str, path: Path, *, create: bool,
                 busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
        self.url = url
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._write_lock = threading.Lock()
        self._readers_lock = threading.Lock()
        self._readers: list[sqlite3.Connection] = []
        self._local = threading.local()
        self._writer: sqlite3.Connection | None = None
        self._immutable = False
        self._pending_report: MigrationReport | None = None
        self._closed = False
        self._open(create)

    # -- opening -------------------------------------------------------------------------------

    def _open(self, create: bool) -> None:
        if not sqlite_version_ok():
            raise StorageError(
                f"SQLite {'.'.join(map(str, MINIMUM_SQLITE))} or newer is needed; Python uses "
                f"{sqlite3.sqlite_version}", hint="use a Python built against a newer SQLite")
        path = self.path
        exists = path.exists()
        if path.is_dir():
            raise UsageError(f"the catalogue {path} is a folder", hint="point --db at a file")
        if not exists:
            if not create:
                raise NotFoundError(f"no catalogue at {path}",
                                    hint="run 'pluginary scan' first or check --db")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CatalogueReadOnlyError(
                    f"cannot create the folder for the catalogue {path}: {exc.strerror}") from exc
            version = 0
        else:
            version = self._probe()
        self._writable = self._can_write(exists)
        if not self._writable:
            if not exists:
                raise CatalogueReadOnlyError(f"cannot create the catalogue {path}: its folder "
                                             "is not writable")
            if version < schema.CURRENT_VERSION:
                raise CatalogueReadOnlyError(
                    f"the catalogue {path} has schema version {version} and needs migrating to "
                    f"{schema.CURRENT_VERSION}, but it cannot be written")
            return
        try:
            self._writer = connect_writer(path, self.busy_timeout_ms)
            if version < schema.CURRENT_VERSION:
                report = self._migrate_writer(version)
                if version > 0:  # a new file is created, not migrated
                    self._pending_report = report
        except sqlite3.Error as exc:
            self.close()
            raise translate(exc, str(path), "opening") from exc
        except BaseException:
            self.close()
            raise

    def _probe(self) -> int:
        """Read the schema version through a read-only connection, before anything writes."""
        header.check(self.path)
        try:
            try:
                conn = connect_probe(self.path, self.busy_timeout_ms)
                try:
                    version, foreign = self._read_version(conn)
                finally:
                    conn.close()
            except sqlite3.OperationalError as exc:
                # A WAL file on a read-only medium without its -shm cannot be opened mode=ro.
                if primary_code(exc) != SQLITE_CANTOPEN:
                    raise
                conn = connect_immutable(self.path, self.busy_timeout_ms)
                try:
                    version, foreign = self._read_version(conn)
                finally:
                    conn.close()
                self._immutable = True
        except sqlite3.Error as exc:
            raise translate(exc, str(self.path), "opening") from exc
        if version > schema.CURRENT_VERSION:
            raise header.too_new(self.path, version)
        if version == 0 and foreign:
            raise StorageError(f"{self.path} is an SQLite database but not a Pluginary catalogue",
                               hint="point --db at a catalogue file or a new file name")
        return version

    @staticmethod
    def _read_version(conn: sqlite3.Connection) -> tuple[int, bool]:
        version = schema.user_version(conn)
        return version, version == 0 and schema.has_foreign_tables(conn)

    def _can_write(self, exists: bool) -> bool:
        if self._immutable:
            return False
        folder_ok = os.access(self.path.parent, os.W_OK)
        if not exists:
            return folder_ok
        # WAL needs the -wal and -shm files next to the catalogue, so the folder must be writable.
        return folder_ok and os.access(self.path, os.W_OK)

    # -- connections ---------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError(f"the catalogue {self.path} is closed")
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = connect_reader(self.path, self.busy_timeout_ms, immutable=self._immutable)
                conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()
            except sqlite3.OperationalError as exc:
                if self._immutable or self._writable or primary_code(exc) != SQLITE_CANTOPEN:
                    raise
                # Read-only medium: no -shm can be created, and no one can write either.
                self._immutable = True
                conn = connect_reader(self.path, self.busy_timeout_ms, immutable=True)
            with self._readers_lock:
                self._readers.append(conn)
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def _require_writer(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError(f"the catalogue {self.path} is closed")
        if self._writer is None:
            raise CatalogueReadOnlyError(
                f"the catalogue {self.path} is read-only (the file or its folder cannot be "
                "written); reading still works")
        return self._writer

    def _write(self, work: Callable[[sqlite3.Connection], T], *, doing: str = "writing") -> T:
        """Run ``work`` in one IMMEDIATE transaction on the writer, retrying while locked."""
        writer = self._require_writer()
        budget = self.busy_timeout_ms / 1000

        @retry(on=sqlite3.OperationalError, when=is_busy, attempts=4, base_delay=0.05,
               max_delay=1.0, total_timeout=4 * budget + 1.0)
        def attempt() -> T:
            with self._write_lock:
                writer.execute("BEGIN IMMEDIATE")
                try:
                    result = work(writer)
                    writer.execute("COMMIT")
                except BaseException:
                    if writer.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            writer.execute("ROLLBACK")
                    raise
                return result

        try:
            return attempt()
        except sqlite3.Error as exc:
            error = translate(exc, str(self.path), doing)
            if isinstance(error, CatalogueBusyError):
                error = CatalogueBusyError(
                    f"the catalogue {self.path} stayed locked by another process for longer "
                    f"than the busy timeout ({self.busy_timeout_ms} ms, retried)")
            raise error from exc

    # -- migrations ----------------------------------------------------------------------------

    def _migrate_writer(self, version: int) -> MigrationReport:
        writer = self._require_writer()
        backup_path = ""
        if version > 0:
            target = free_name(self.path.with_name(f"{self.path.name}.v{version}.bak"))
            self._copy_to(target)
            backup_path = str(target)
            log.info("catalogue %s: schema v%d kept at %s before migrating",
                     self.path, version, target)
        with self._write_lock:
            start, end = schema.apply_migrations(writer)
        return MigrationReport(from_version=start, to_version=end, backup_path=backup_path)

    def _copy_to(self, destination: Path) -> None:
        """A consistent copy through the SQLite backup API; no partial file is left behind."""
        source = connect_probe(self.path, self.busy_timeout_ms) if not self._immutable else (
            connect_immutable(self.path, self.busy_timeout_ms))
        try:
            target = sqlite3.connect(destination, isolation_level=None)
            try:
                source.backup(target)
            finally:
                target.close()
        except BaseException:
            with contextlib.suppress(OSError):
                destination.unlink()
            raise
        finally:
            source.close()

    @_translated("migrating")
    def migrate(self) -> MigrationReport:
        """Upgrade to :data:`schema.CURRENT_VERSION` after a ``<name>.v<old>.bak`` backup. Opening
        already migrates: the first call after that reports what it did, later ones a no-op."""
        if self._pending_report is not None:
            report, self._pending_report = self._pending_report, None
            return report
        writer = self._require_writer()
        version = schema.user_version(writer)
        if version > schema.CURRENT_VERSION:
            raise CatalogueTooNewError(f"the catalogue {self.path} has schema version {version}")
        if version == schema.CURRENT_VERSION:
            return MigrationReport(from_version=version, to_version=version)
        return self._migrate_writer(version)

    # -- writing -------------------------------------------------------------------------------

    def upsert(self, records: Iterable[PluginRecord]) -> int:
        """Write ``records`` in one transaction; identity ``(format, uid)``, never duplicated.

        For each record: the plugin row is inserted or updated, the installation at its path
        (bundle_path, else file_path) is inserted or updated, and its parameters are replaced.
        """
        rows = codec.Rows(records)
        if not rows:
            return 0

        def work(conn: sqlite3.Connection) -> int:
            conn.executemany(codec.UPSERT_PLUGIN, rows.plugins)
            conn.executemany(codec.UPSERT_INSTALLATION, rows.installations)
            conn.executemany(codec.UPSERT_PARAMETERS, rows.parameters)
            return len(rows)

        return self._write(work)

    def replace_products(self, products: Sequence[Product]) -> int:
        """Link every plugin to its product, in one transaction; only changed rows are written."""
        return self._write(lambda conn: products_module.replace(conn, products))

    @_translated("compacting")
    def vacuum(self) -> None:
        """Merge the FTS index, refresh the planner's statistics, rebuild the file without
        free pages, and truncate the WAL."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO plugins_fts (plugins_fts) VALUES ('optimize')")
            journal.analyze(conn)

        self._write(work, doing="compacting")
        writer = self._require_writer()
        with self._write_lock:
            writer.execute("VACUUM")
            writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- reading -------------------------------------------------------------------------------

    @_translated("reading")
    def get(self, key: str) -> PluginRecord | None:
        """The record with ``key`` (``format:uid``), or the one whose key starts with ``key``.

        An exact key wins (case-sensitive, then case-insensitive); otherwise a case-insensitive
        prefix must match exactly one plugin, else :class:`UsageError` lists the candidates.
        """
        with self._snapshot() as conn:
            return queries.get_record(conn, key)

    @_translated("reading")
    def list(self, *, format: str | None = None, status: str | None = None,
             limit: int | None = None) -> list[PluginRecord]:
        """All records (each from its best installation), filtered, ordered by name."""
        with self._snapshot() as conn:
            return queries.list_records(conn, format=format, status=status, limit=limit)

    @_translated("reading")
    def summaries(self) -> builtins.list[PluginSummary]:
        """Every installation, light (no parameters): for product linking and rules."""
        with self._snapshot() as conn:
            return queries.summaries(conn)

    @_translated("reading")
    def installations(self, key: str | None = None) -> builtins.list[Installation]:
        """Every installation, or those of the plugin ``key`` (exact ``format:uid``)."""
        with self._snapshot() as conn:
            return queries.installations(conn, key)

    @_translated("reading")
    def products(self, *, member: str | None = None) -> builtins.list[Product]:
        """The stored products by key, or the one holding the plugin ``member``."""
        with self._snapshot() as conn:
            return products_module.read(conn, member)

    def preset_store(self) -> PresetStore:
        """The presets kept in this catalogue, on its connections (``presets.py``)."""
        return SQLitePresetStore(self)

    @_translated("reading")
    def info(self) -> CatalogueInfo:
        with self._snapshot() as conn:
            counts = queries.counts(conn) | presets_read.counts(conn)
        return CatalogueInfo(
            url=self.url, engine="sqlite", schema_version=counts.pop("schema_version"),
            plugins=counts.pop("plugins"), parameters=counts.pop("parameters"),
            scans=counts.pop("scans"), size_bytes=self.size_bytes(),
            details={"path": str(self.path), "sqlite_version": sqlite3.sqlite_version,
                     **counts, "writable": self._writer is not None})

    def size_bytes(self) -> int:
        """The file plus its write-ahead log."""
        return file_size(self.path)

    def check(self) -> builtins.list[str]:
        """``PRAGMA integrity_check``, ``foreign_key_check``, the FTS index's own check, and
        every preset payload hashed again."""
        try:
            with self._snapshot() as conn:
                problems = queries.integrity_problems(conn) + presets_read.problems(conn)
        except sqlite3.Error as exc:
            error = translate(exc, str(self.path), "checking")
            if primary_code(exc) is None and not isinstance(error, PluginaryError):
                raise
            return [error.message]
        if self._writer is not None and not problems:
            try:
                self._write(lambda conn: conn.execute(
                    "INSERT INTO plugins_fts (plugins_fts, rank) VALUES ('integrity-check', 1)"),
                    doing="checking")
            except StorageError as exc:
                problems.append(f"full-text index: {exc.message}")
        return problems

    @_translated("backing up")
    def backup(self, destination: Path) -> None:
        """Copy the catalogue to a new file ``destination`` with the SQLite backup API."""
        destination = Path(destination)
        if destination.exists():
            raise UsageError(f"{destination} already exists; backup never overwrites a file",
                             hint="choose a new file name, or delete the old backup first")
        if not destination.parent.is_dir():
            raise NotFoundError(f"the folder {destination.parent} does not exist",
                                hint="create it first, or choose another destination")
        if self._closed:
            raise StorageError(f"the catalogue {self.path} is closed")
        self._copy_to(destination)

    # -- the scan journal (see journal.py) -----------------------------------------------------

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close every reader, then the writer (which checkpoints and removes the WAL)."""
        self._closed = True
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
        with self._write_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            with contextlib.suppress(sqlite3.Error):
                writer.close()

    def __enter__(self) -> SQLiteCatalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteCatalogue({self.url!r})"
