"""The example exporter, installed from its wheel, driven through the CLI."""

from __future__ import annotations

import csv

from pluginary.catalogue import open_catalogue
from pluginary.testing import sample_record


def test_is_installed_and_listed(run_cli):
    result = run_cli("export", "--json")
    assert {"name": "csv", "description": "One CSV row per plugin, for spreadsheets",
            "extension": "csv-exporter"} in result.json()


def test_exports_every_plugin_and_keeps_the_previous_file(run_cli, pluginary_env, plugin_manager,
                                                          tmp_path):
    catalogue = open_catalogue(plugin_manager, str(pluginary_env))
    catalogue.upsert([sample_record(n) for n in range(5)])
    catalogue.close()
    target = tmp_path / "plugins.csv"
    target.write_text("the user's old export\n")

    result = run_cli("export", "csv", str(target))

    assert result.exit_code == 0, result.stderr
    with target.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["key"] for r in rows) == sorted(sample_record(n).key for n in range(5))
    assert rows[0]["vendor"] and rows[0]["path"].endswith(".vst3")
    assert (tmp_path / "plugins.csv.bak").read_text() == "the user's old export\n"


def test_missing_folder_is_a_clear_error(run_cli, tmp_path):
    result = run_cli("export", "csv", str(tmp_path / "nope" / "plugins.csv"))
    assert result.exit_code == 3
    assert "does not exist" in result.stderr


def test_unknown_exporter_names_the_installed_ones(run_cli, tmp_path):
    result = run_cli("export", "reaper", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "available: csv" in result.stderr
