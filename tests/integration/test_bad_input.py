"""Bad catalogues through the CLI: one line, a documented exit code, nothing stored lost."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

from pluginary.testing import sample_record

from .conftest import fill


def one_line_error(result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_a_file_that_is_not_sqlite(run_cli, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my studio notes, not a database\n" * 50)
    before = notes.read_bytes()
    for args in (["list"], ["db", "info"], ["db", "check"], ["db", "vacuum"]):
        one_line_error(run_cli("--db", str(notes), *args), 6, str(notes))
    assert notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "pluginary-home"]


def test_a_corrupt_page(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(i, parameters=200) for i in range(60)])
    data = bytearray(pluginary_env.read_bytes())
    page = 4096
    assert len(data) > 40 * page
    for n in range(10, 30):  # scribble over table and index pages, keep the header page
        data[n * page:(n + 1) * page] = bytes([0xA5]) * page
    pluginary_env.write_bytes(bytes(data))
    result = run_cli("db", "check")
    one_line_error(result, 6, "damaged")
    for args in (["list"], ["search", "threshold"]):
        result = run_cli(*args)
        if result.exit_code != 0:  # a read that touches a damaged page is reported, not raised
            one_line_error(result, 6)
    assert pluginary_env.read_bytes() == bytes(data), "the damaged file is left as it was"


def test_a_read_only_folder(run_cli, tmpfs, monkeypatch):
    folder = tmpfs("ro", 4 * 1024 * 1024)
    db = folder / "catalogue.db"
    records = [sample_record(i) for i in range(25)]
    fill(db, records)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    monkeypatch.setenv("PLUGINARY_DB", str(db))

    listed = run_cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.json()) == 25, "reading still works on a read-only medium"
    one_line_error(run_cli("db", "vacuum"), 9, "read-only")
    assert len(run_cli("list", "--json").json()) == 25


def test_a_locked_catalogue(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(i) for i in range(5)])
    holder = sqlite3.connect(pluginary_env, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        url = f"sqlite:///{pluginary_env}?busy_timeout=100"
        one_line_error(run_cli("--db", url, "db", "vacuum"), 8, "locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(run_cli("list", "--json").json()) == 5


def test_a_full_disk(run_cli, pluginary_env, tmpfs):
    records = [sample_record(i, parameters=300) for i in range(100)]
    fill(pluginary_env, records)
    full = tmpfs("full", 64 * 1024)
    one_line_error(run_cli("db", "backup", str(full / "copy.db")), 10, "full")
    assert not (full / "copy.db").exists(), "no half-written backup is left behind"
    assert len(run_cli("list", "--json").json()) == 100


def test_readers_are_not_blocked_by_a_writer(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(i) for i in range(10)])
    holder = sqlite3.connect(pluginary_env, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer mid-transaction (WAL: readers go on)
    holder.execute("UPDATE plugins SET name = name")
    try:
        result = run_cli("list", "--json")
        assert result.exit_code == 0 and len(result.json()) == 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_catalogue_from_a_newer_pluginary_is_refused_and_untouched(run_cli, pluginary_env):
    fill(pluginary_env, [sample_record(1)])
    con = sqlite3.connect(pluginary_env)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    before = Path(pluginary_env).read_bytes()
    one_line_error(run_cli("list"), 7, "newer")
    assert Path(pluginary_env).read_bytes() == before


def test_concurrent_cli_reads_during_writes(run_cli, pluginary_env):
    fill(pluginary_env, [])
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set() and n < 2000:
            fill(pluginary_env, [sample_record(i) for i in range(n, n + 100)])
            n += 100

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for _ in range(10):
            result = run_cli("list", "--json")
            assert result.exit_code == 0, result.stderr
            assert len(result.json()) % 100 == 0, "a reader sees whole batches only"
    finally:
        stop.set()
        thread.join()
