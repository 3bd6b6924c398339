"""Bad input and a hostile machine: each gives a pluginary error with a hint, and loses nothing.

These tests use real mounts (we run as root, where chmod blocks nothing): a bind mount remounted
read-only for a read-only file, a tmpfs remounted read-only for a read-only folder, and a tiny
tmpfs for a full disk. A failing mount fails the test; it is never skipped.
"""

from __future__ import annotations

import errno
import random
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import open_db, run
from records import hits, make_record, make_records

from pluginary.errors import (
    CatalogueBusyError,
    CatalogueCorruptError,
    CatalogueReadOnlyError,
    DiskFullError,
    PluginaryError,
    StorageError,
)
from pluginary.models import PluginRecord


def assert_one_line_with_hint(exc: PluginaryError) -> None:
    assert exc.message and "\n" not in exc.message
    assert exc.hint and "\n" not in exc.hint


def fill_catalogue(path: Path, n: int = 20, **kwargs: object) -> list[PluginRecord]:
    catalogue = open_db(path)
    try:
        records = make_records(n, **kwargs)  # type: ignore[arg-type]
        catalogue.upsert(records)
    finally:
        catalogue.close()
    return records


def test_not_an_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    for create in (True, False):
        with pytest.raises(CatalogueCorruptError) as info:
            open_db(path, create=create)
        assert_one_line_with_hint(info.value)
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["notes.db"]


def test_short_garbage_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"SQLite")
    with pytest.raises(CatalogueCorruptError):
        open_db(path)
    assert path.read_bytes() == b"SQLite"


def test_corrupt_pages(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.db"
    fill_catalogue(path, 300)
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    assert pages > 20
    rng = random.Random(7)
    for number in range(3, pages):  # keep page 1 (header, start of the schema) intact
        data[(number - 1) * page:number * page] = rng.randbytes(page)
    path.write_bytes(bytes(data))
    corrupted = path.read_bytes()

    try:
        catalogue = open_db(path, create=False)
    except CatalogueCorruptError as exc:
        assert_one_line_with_hint(exc)
    else:
        try:
            problems = catalogue.check()
            assert problems, "integrity_check must report the damage"
            for read in (catalogue.list, lambda: hits(catalogue, "reverb"),
                         lambda: catalogue.get("vst3:0"), catalogue.info):
                with pytest.raises(CatalogueCorruptError) as info:
                    read()
                assert_one_line_with_hint(info.value)
        finally:
            catalogue.close()
    assert path.read_bytes() == corrupted


@pytest.fixture
def readonly_file(tmp_path: Path) -> Iterator[tuple[Path, list[PluginRecord]]]:
    """A catalogue whose file (only) is read-only: a bind mount of it, remounted ro."""
    path = tmp_path / "catalogue.db"
    records = fill_catalogue(path)
    run("mount", "--bind", str(path), str(path))
    try:
        run("mount", "-o", "remount,ro,bind", str(path))
        with pytest.raises(OSError) as info:
            path.open("r+b")
        assert info.value.errno == errno.EROFS
        yield path, records
    finally:
        subprocess.run(["umount", str(path)], check=False)


def test_read_only_file(readonly_file: tuple[Path, list[PluginRecord]]) -> None:
    path, records = readonly_file
    before = path.read_bytes()
    catalogue = open_db(path, create=False)
    try:
        assert len(catalogue.list()) == len(records)
        assert catalogue.get(records[0].key) == records[0]
        assert hits(catalogue, "reverb")
        assert catalogue.info().details["writable"] is False
        with pytest.raises(CatalogueReadOnlyError) as info:
            catalogue.upsert([make_record(999)])
        assert_one_line_with_hint(info.value)
        with pytest.raises(CatalogueReadOnlyError):
            catalogue.vacuum()
        assert len(catalogue.list()) == len(records)
    finally:
        catalogue.close()
    assert path.read_bytes() == before


def test_read_only_folder(tmpfs: Path) -> None:
    path = tmpfs / "catalogue.db"
    records = fill_catalogue(path, 10)
    run("mount", "-o", "remount,ro", str(tmpfs))
    with pytest.raises(OSError):
        (tmpfs / "probe").write_text("x")
    catalogue = open_db(path, create=False)
    try:
        assert [r.key for r in catalogue.list()] == [r.key for r in
                                                     sorted(records, key=lambda r: r.name)]
        assert catalogue.get(records[3].key) == records[3]
        with pytest.raises(CatalogueReadOnlyError) as info:
            catalogue.upsert([make_record(999)])
        assert_one_line_with_hint(info.value)
        assert catalogue.info().plugins == 10
    finally:
        catalogue.close()
    with pytest.raises(CatalogueReadOnlyError):
        open_db(tmpfs / "new.db", create=True)
    with pytest.raises(CatalogueReadOnlyError):
        open_db(tmpfs / "sub" / "new.db", create=True)


def test_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.db"
    catalogue = open_db(path, busy_timeout=200)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        records = make_records(10)
        catalogue.upsert(records)
        other.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        with pytest.raises(CatalogueBusyError) as info:
            catalogue.upsert(make_records(10, start=10))
        waited = time.monotonic() - started
        assert waited >= 0.4, "the busy timeout and the retries must both have been used"
        assert_one_line_with_hint(info.value)
        assert "200 ms" in info.value.message
        # readers do not wait for the lock holder (WAL), and nothing was lost
        assert len(catalogue.list()) == 10
        assert catalogue.get(records[4].key) == records[4]
        other.execute("ROLLBACK")
        assert catalogue.upsert(make_records(10, start=10)) == 10
        assert catalogue.info().plugins == 20
    finally:
        other.close()
        catalogue.close()


def test_disk_full(tmpfs: Path) -> None:
    path = tmpfs / "catalogue.db"
    catalogue = open_db(path)
    filler = tmpfs / "filler"
    try:
        early = make_records(5)
        catalogue.upsert(early)
        with filler.open("wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        many = make_records(300, start=100, n_params=60)
        with pytest.raises(DiskFullError) as info:
            catalogue.upsert(many)
        assert_one_line_with_hint(info.value)
        # rolled back: the earlier records are intact, none of the new ones is there
        assert catalogue.info().plugins == 5
        for r in early:
            assert catalogue.get(r.key) == r
        assert catalogue.get(many[0].key) is None
        filler.unlink()
        assert catalogue.upsert(many[:10]) == 10
        assert catalogue.check() == []
    finally:
        filler.unlink(missing_ok=True)
        catalogue.close()


def test_closed_catalogue(tmp_path: Path) -> None:
    catalogue = open_db(tmp_path / "c.db")
    catalogue.close()
    with pytest.raises(StorageError):
        catalogue.list()
    with pytest.raises(StorageError):
        catalogue.upsert([make_record(1)])
