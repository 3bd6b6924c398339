"""Validation results in the compatibility database, on a real SQLite file: recorded, replaced
by newer ones, and searched with ``validated:N`` and ``failed-level:N``."""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
import pytest
from conftest import open_db
from records import hits, make_records

from pluginary.models import CompatEntry, PluginRecord, Status
from pluginary.query.parser import parse
from pluginary.query.tree import Sort
from pluginary.validation_store import (
    SOURCE,
    describe,
    passed_level,
    record_validation,
    this_machine,
    validation_entry,
    validations,
)
from pluginary_sqlite import SQLiteCatalogue
from pluginary_sqlite.search import condition


def found(catalogue: SQLiteCatalogue, text: str, **options: object) -> set[str]:
    return {h.record.name for h in hits(catalogue, text, limit=None, **options)}


def named(records: list[PluginRecord], *names: str) -> list[PluginRecord]:
    return [msgspec.structs.replace(r, name=n) for r, n in zip(records, names, strict=True)]


def test_recorded_rows_are_read_back_per_plugin_beside_the_scan_rows(
        catalogue: SQLiteCatalogue) -> None:
    one, two = make_records(2)
    catalogue.upsert([one, two])
    scan_row = CompatEntry(format=one.format, uid=one.uid, version=one.version,
                           os=this_machine()[0], arch=this_machine()[1], status=Status.OK,
                           tier=1, recorded_at=100.0)
    catalogue.merge_compat([scan_row])
    entry = validation_entry(one, status=Status.FAILED, level=3,
                             cause="finite: NaN at sample 20", seconds=2.5, recorded_at=200.0)
    assert record_validation(catalogue, [entry, validation_entry(two, status="pass", level=5)]
                             ) == 2
    assert catalogue.compat_entries(key=one.key) == [scan_row, entry]  # ordered by key
    assert (entry.source, entry.version, (entry.os, entry.arch)) == (
        SOURCE, one.version, this_machine())
    assert [e.uid for e in catalogue.compat_entries(key=two.key)] == [two.uid]
    assert len(catalogue.compat_entries()) == 3
    assert validations(catalogue, one) == [entry]
    assert describe(entry).startswith(f"failed level 3 on {entry.os} {entry.arch}, ")
    assert describe(entry).endswith(" in 2.5 s (finite: NaN at sample 20)")
    assert passed_level(entry) == 2


def test_a_newer_validation_replaces_the_previous_one_even_after_an_import(
        catalogue: SQLiteCatalogue, db_path: Path) -> None:
    (one,) = make_records(1)
    catalogue.upsert([one])
    record_validation(catalogue, [validation_entry(one, status="failed", level=2, cause="x")])
    record_validation(catalogue, [validation_entry(one, status="ok", level=4)])
    (row,) = catalogue.compat_entries(key=one.key)
    assert (row.status, row.tier, row.cause) == (Status.OK, 4, "")
    # An import whose clock is ahead lands (newer recorded_at), but this machine's next
    # validation still replaces it: local results always win.
    future = msgspec.structs.replace(row, status=Status.CRASHED, tier=1,
                                     recorded_at=time.time() + 86400)
    assert catalogue.merge_compat([future]) == 1
    assert catalogue.compat_entries(key=one.key)[0].status is Status.CRASHED
    record_validation(catalogue, [validation_entry(one, status="timeout", level=5)])
    # Of two entries for one key in a batch, the later wins; and it is on the file.
    record_validation(catalogue, [validation_entry(one, status="ok", level=1),
                                  validation_entry(one, status="ok", level=2)])
    catalogue.close()
    reopened = open_db(db_path)
    try:
        (row,) = reopened.compat_entries(key=one.key)
        assert (row.status, row.tier) == (Status.OK, 2)
    finally:
        reopened.close()


def test_only_validation_rows_with_a_known_level_are_recorded(
        catalogue: SQLiteCatalogue) -> None:
    (one,) = make_records(1)
    with pytest.raises(ValueError, match="level is 1 to 5"):
        validation_entry(one, status="ok", level=6)
    with pytest.raises(ValueError, match="not 'missing'"):
        validation_entry(one, status="missing", level=1)
    assert validation_entry(one, status="unsupported", level=3).tier == 0
    scan_row = msgspec.structs.replace(validation_entry(one, status="ok", level=1),
                                       source="scan")
    with pytest.raises(ValueError, match="not a validation row"):
        record_validation(catalogue, [scan_row])
    assert catalogue.compat_entries() == []


@pytest.fixture
def validated(catalogue: SQLiteCatalogue) -> list[PluginRecord]:
    """Ten plugins: seven with a validation row of their current version on this machine, one
    validated only on other machines, one whose validated version is not the stored one, one
    never validated."""
    records = named(make_records(10), "Ok3", "Failed2", "Crashed1", "Timeout4", "Ignored",
                    "Elsewhere", "OldVersion", "Never", "Ok5", "Failed1")
    catalogue.upsert(records)
    ok3, failed2, crashed1, timeout4, ignored, elsewhere, old, _never, ok5, failed1 = records
    here_os, here_arch = this_machine()
    record_validation(catalogue, [
        validation_entry(ok3, status="ok", level=3),
        validation_entry(failed2, status="failed", level=2, cause="round-trip: gain"),
        validation_entry(crashed1, status="crashed", level=1, cause="SIGSEGV"),
        validation_entry(timeout4, status="timeout", level=4),
        validation_entry(ignored, status="ignored", level=0, cause="requires feature X"),
        validation_entry(msgspec.structs.replace(old, version="0.0.1"), status="ok", level=5),
        validation_entry(ok5, status="ok", level=5),
        validation_entry(failed1, status="failed", level=1),
    ])
    other_os = "darwin" if here_os != "darwin" else "linux"
    catalogue.merge_compat([
        CompatEntry(format=elsewhere.format, uid=elsewhere.uid, version=elsewhere.version,
                    os=other_os, arch=here_arch, source=SOURCE, status=Status.OK, tier=5,
                    recorded_at=1.0),
        CompatEntry(format=elsewhere.format, uid=elsewhere.uid, version=elsewhere.version,
                    os=here_os, arch="riscv64", source=SOURCE, status=Status.OK, tier=5,
                    recorded_at=1.0)])
    return records


@pytest.mark.parametrize(("text", "expected"), [
    ("validated:1", {"Ok3", "Failed2", "Timeout4", "Ok5"}),
    ("validated:2", {"Ok3", "Timeout4", "Ok5"}),
    ("validated:3", {"Ok3", "Timeout4", "Ok5"}),
    ("validated:4", {"Ok5"}),
    ("validated:5", {"Ok5"}),
    ("failed-level:1", {"Crashed1", "Failed1"}),
    ("failed-level:2", {"Failed2"}),
    ("failed-level:3", set()),
    ("failed-level:4", {"Timeout4"}),
    ("failed-level:5", set()),
    ("-validated:1", {"Crashed1", "Ignored", "Elsewhere", "OldVersion", "Never", "Failed1"}),
    ("validated:1 -validated:3", {"Failed2"}),
    ("failed-level:1 OR failed-level:2", {"Crashed1", "Failed1", "Failed2"}),
    ("ok validated:3", {"Ok3", "Ok5"}),
])
def test_validated_and_failed_level_read_this_machines_row_of_the_current_version(
        catalogue: SQLiteCatalogue, validated: list[PluginRecord], text: str,
        expected: set[str]) -> None:
    assert found(catalogue, text) == expected
    assert found(catalogue, text, sort=Sort.NAME) == expected  # the browse translation too


def test_a_new_version_is_not_validated_until_validated_again(
        catalogue: SQLiteCatalogue, validated: list[PluginRecord]) -> None:
    ok3 = validated[0]
    catalogue.upsert([msgspec.structs.replace(ok3, version="9.9.9")])
    assert "Ok3" not in found(catalogue, "validated:1")
    assert validations(catalogue, catalogue.get(ok3.key) or ok3) == []
    record_validation(catalogue, [validation_entry(catalogue.get(ok3.key) or ok3,
                                                   status="failed", level=2)])
    assert "Ok3" in found(catalogue, "failed-level:2")
    assert len(catalogue.compat_entries(key=ok3.key)) == 2, "the old version's row is kept"


def test_only_other_machines_rows_are_shown_after_this_ones(
        catalogue: SQLiteCatalogue, validated: list[PluginRecord]) -> None:
    elsewhere = validated[5]
    rows = validations(catalogue, elsewhere)
    assert len(rows) == 2 and all((e.os, e.arch) != this_machine() for e in rows)
    record_validation(catalogue, [validation_entry(elsewhere, status="ok", level=1)])
    assert (validations(catalogue, elsewhere)[0].os,
            validations(catalogue, elsewhere)[0].arch) == this_machine()


@pytest.mark.parametrize("text", ["validated:3", "failed-level:2 comp", "-validated:1"])
def test_the_condition_looks_the_row_up_by_the_whole_primary_key(
        catalogue: SQLiteCatalogue, validated: list[PluginRecord], text: str) -> None:
    args: list[object] = []
    where = condition(parse(text), args)
    with catalogue._snapshot() as conn:
        plan = [row[3] for row in conn.execute(
            f"EXPLAIN QUERY PLAN SELECT p.id FROM plugins p WHERE {where}", args)]
    assert ("SEARCH c USING PRIMARY KEY (format=? AND uid=? AND version=? AND os=? AND "
            "arch=? AND source=?)") in plan, plan
    assert not any(step.startswith("SCAN c") for step in plan), plan
