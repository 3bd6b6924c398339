"""Validation results stored in the compatibility database: ``show`` prints them, ``search``
and ``list`` find plugins with ``validated:N`` and ``failed-level:N``, ``compat report``
counts them apart from the scan's outcomes. The plugins are real zam LADSPA binaries, scanned
by the CLI into a real SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import CompatEntry, PluginRecord, Status
from pluginary.validation_store import (
    SOURCE,
    record_validation,
    this_machine,
    validation_entry,
)

ZAM = {name: Path(f"/usr/lib/ladspa/{name}-ladspa.so")
       for name in ("ZamComp", "ZamDelay", "ZamGate")}


@pytest.fixture
def scanned(run_cli, pluginary_env: Path) -> dict[str, PluginRecord]:
    """The three plugins scanned into the test's catalogue, by name."""
    for path in ZAM.values():
        assert path.is_file(), f"{path} is missing: install zam-plugins (.ci/run)"
    done = run_cli("scan", *map(str, ZAM.values()), "--json")
    assert done.exit_code == 0, done.stderr
    catalogue = open_catalogue(make_plugin_manager(), str(pluginary_env))
    try:
        records = {r.name: r for r in catalogue.list()}
    finally:
        catalogue.close()
    assert set(records) == set(ZAM)
    return records


def store(db: Path, entries: list[CompatEntry]) -> None:
    catalogue = open_catalogue(make_plugin_manager(), str(db))
    try:
        assert record_validation(catalogue, entries) == len(entries)
    finally:
        catalogue.close()


def test_show_prints_and_search_finds_the_validation_of_this_machine(
        run_cli, scanned, pluginary_env):
    comp, delay, gate = scanned["ZamComp"], scanned["ZamDelay"], scanned["ZamGate"]
    here = " ".join(this_machine())
    assert re.search(r"^Validation +not validated$", run_cli("show", comp.key).stdout, re.M)
    store(pluginary_env, [
        validation_entry(comp, status="ok", level=3, seconds=0.8),
        validation_entry(delay, status="failed", level=2, seconds=0.4,
                         cause="round-trip: Delay Time set to 3 read back 1"),
    ])

    shown = run_cli("show", comp.key)
    assert shown.exit_code == 0, shown.stderr
    assert re.search(rf"^Validation +passed level 3 on {here}, \d{{4}}-\d\d-\d\d \d\d:\d\d "
                     r"in 0\.8 s$", shown.stdout, re.M), shown.stdout
    failed = run_cli("show", delay.key).stdout
    assert re.search(rf"^Validation +failed level 2 on {here}, .* \(round-trip: Delay Time "
                     r"set to 3 read back 1\)$", failed, re.M), failed
    data = run_cli("show", delay.key, "--json").json()
    (row,) = data["validation"]
    # CompatEntry omits defaults: LADSPA has no version, so "" is left out.
    assert (row["source"], row["status"], row["tier"], row.get("version", "")) == (
        SOURCE, "failed", 2, delay.version)
    assert (row["os"], row["arch"]) == this_machine()
    assert "validation" not in run_cli("show", gate.key, "--json").json()

    def names(*query: str) -> set[str]:
        result = run_cli("search", *query, "--json")
        assert result.exit_code == 0, result.stderr
        return {h["record"]["name"] for h in result.json()}

    assert names("validated:1") == {"ZamComp", "ZamDelay"}
    assert names("validated:2") == {"ZamComp"}, "a level-2 failure did not pass level 2"
    assert names("validated:3") == {"ZamComp"}
    assert names("validated:4") == set()
    assert names("failed-level:2") == {"ZamDelay"}
    assert names("failed-level:3") == set()
    assert names("zam -validated:1") == {"ZamGate"}
    listed = run_cli("list", "failed-level:2 OR validated:3", "--json").json()
    assert [r["name"] for r in listed] == ["ZamComp", "ZamDelay"]

    # A newer validation replaces the previous one.
    store(pluginary_env, [validation_entry(delay, status="ok", level=5)])
    assert names("failed-level:2") == set()
    assert names("validated:5") == {"ZamDelay"}
    assert len(run_cli("show", delay.key, "--json").json()["validation"]) == 1


def test_other_machines_results_are_shown_but_not_searched(run_cli, scanned, pluginary_env):
    gate = scanned["ZamGate"]
    theirs = CompatEntry(format=gate.format, uid=gate.uid, version=gate.version, os="darwin",
                         arch="arm64", source=SOURCE, status=Status.CRASHED, tier=4,
                         cause="SIGBUS", recorded_at=1_700_000_000.0)
    catalogue = open_catalogue(make_plugin_manager(), str(pluginary_env))
    try:
        assert catalogue.merge_compat([theirs]) == 1
    finally:
        catalogue.close()
    assert run_cli("search", "failed-level:4", "--json").json() == []
    assert run_cli("search", "validated:1", "--json").json() == []
    shown = run_cli("show", gate.key).stdout
    assert re.search(r"^Validation +crashed at level 4 on darwin arm64, .* \(SIGBUS\)$", shown,
                     re.M), shown
    store(pluginary_env, [validation_entry(gate, status="timeout", level=5)])
    lines = run_cli("show", gate.key).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Validation"))
    assert f"timed out at level 5 on {' '.join(this_machine())}" in lines[at], "this one first"
    assert "crashed at level 4 on darwin arm64" in lines[at + 1]


def test_compat_report_counts_validation_apart_from_the_scan(run_cli, scanned, pluginary_env):
    comp, delay = scanned["ZamComp"], scanned["ZamDelay"]
    store(pluginary_env, [
        validation_entry(comp, status="ok", level=3),
        validation_entry(delay, status="crashed", level=3, cause="SIGSEGV"),
        validation_entry(scanned["ZamGate"], status="unsupported", level=3, cause="no glue"),
    ])
    report = run_cli("compat", "report", "--json").json()
    assert report["entries"] == 6
    assert report["by_status"] == {"ok": 3}, "the scan's outcomes only"
    assert report["problems"] == []
    assert report["validation"]["by_status"] == {"ok": 1, "crashed": 1, "ignored": 1}
    (failure,) = report["validation"]["failures"]
    assert (failure["uid"], failure["tier"], failure["cause"]) == (delay.uid, 3, "SIGSEGV")
    text = run_cli("compat", "report").stdout
    # Piped, a table is a header line and rows: only the validation failures' table is there.
    assert "Plugin\tVersion\tWhere\tStatus\tLevel\tCause\n" in text
    assert f"ladspa:{delay.uid}\t\t{'/'.join(this_machine())}\tcrashed\t3\tSIGSEGV\n" in text
    assert "\tTier\t" not in text, "no scan problem, so no 'did not load' table"


@pytest.mark.parametrize(("query", "message"), [
    ("validated:x", "error: 'validated' needs a level from 1 to 5 at 1:1, got 'x'"),
    ("zam validated:9", "error: 'validated' needs a level from 1 to 5 at 1:5, got '9'"),
    ("failed-level>2", "error: 'failed-level' takes ':' only at 1:1"),
])
def test_a_bad_level_is_a_located_usage_error(run_cli, scanned, query, message):
    result = run_cli("search", query)
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
