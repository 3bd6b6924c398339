"""What ``pluginary export reaper`` shows and accepts around the files: its typed description
in ``--help``, its options, the formats it skips, and a running REAPER."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from test_reaper import independent, ok


def test_help_shows_the_exporters_systems_formats_destinations_and_options(run_cli):
    text = ok(run_cli("export", "reaper", "--help")).stdout
    for words in ("formats: vst3, clap, lv2, au", "into a folder",
                  "on macos: ~/Library/Application Support/REAPER",
                  "developer (flag, default true)", "smart-folders (flag, default true)"):
        assert words in text, words
    plain = ok(run_cli("export", "--help")).stdout
    assert "formats: vst3" not in plain and "--option" in plain


def test_an_option_changes_what_is_written(run_cli, zam, reaper_folder):
    ok(run_cli("export", "reaper", str(reaper_folder), "--option", "developer=false"))
    tags = independent(reaper_folder / "reaper-fxtags.ini")
    ours = json.loads((reaper_folder / "pluginary-reaper.json").read_text())
    assert ours["developer"] == {} and ours["category"]
    before = independent(Path(__file__).parent / "data" / "reaper-fxtags.ini")
    assert dict(tags["developer"]) == dict(before["developer"])  # the user's, untouched


def test_a_bad_option_is_exit_2_and_nothing_is_written(run_cli, zam, reaper_folder):
    before = {p.name: p.read_bytes() for p in reaper_folder.iterdir()}
    for given, words in (("colour=red", "has no option 'colour'"),
                         ("developer=perhaps", "true or false")):
        bad = run_cli("export", "reaper", str(reaper_folder), "-O", given)
        assert bad.exit_code == 2 and words in bad.stderr, bad.stderr
    assert {p.name: p.read_bytes() for p in reaper_folder.iterdir()} == before


def test_plugins_reaper_cannot_host_are_reported_as_skipped(run_cli, zam, reaper_folder):
    result = ok(run_cli("export", "reaper", str(reaper_folder), "--json"))
    assert json.loads(result.stdout)["skipped"] == {"ladspa": 1}
    assert "skipped 1 ladspa" in result.stderr and "only vst3, clap, lv2, au" in result.stderr
    only_ladspa = run_cli("export", "reaper", str(reaper_folder), "--query", "format:ladspa")
    assert only_ladspa.exit_code == 3 and "has none (1 ladspa)" in only_ladspa.stderr


def test_a_running_reaper_is_asked_about_first(run_cli, zam, reaper_folder, tmp_path):
    """A real process named like REAPER's executable (a copy of sleep)."""
    reaper = tmp_path / "reaper"
    reaper.write_bytes(Path("/bin/sleep").read_bytes())
    reaper.chmod(0o755)
    before = (reaper_folder / "reaper-fxfolders.ini").read_bytes()
    process = subprocess.Popen([str(reaper), "60"])
    try:
        refused = run_cli("export", "reaper", str(reaper_folder))
        assert refused.exit_code == 2, refused.stderr
        assert "reaper is running" in refused.stderr and "--yes" in refused.stderr
        assert (reaper_folder / "reaper-fxfolders.ini").read_bytes() == before
        ok(run_cli("export", "reaper", str(reaper_folder), "--dry-run"))  # writes nothing
        ok(run_cli("export", "reaper", str(reaper_folder), "--yes"))
        assert (reaper_folder / "reaper-fxfolders.ini").read_bytes() != before
    finally:
        process.kill()
        process.wait()


def test_words_after_the_name_are_a_destination_then_a_query(run_cli, zam, reaper_folder,
                                                             tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    home = tmp_path / "config" / "REAPER"
    home.mkdir(parents=True)
    # not an existing folder: the query, into REAPER's own folder
    into_home = json.loads(ok(run_cli("export", "reaper", "name:ZamEQ2", "--json")).stdout)
    assert into_home["plugins"] == 2 and (home / "reaper-fxtags.ini").is_file()
    # an existing folder, then the query (and --query, both apply)
    there = json.loads(ok(run_cli("export", "reaper", str(reaper_folder), "name:ZamEQ2",
                                  "--query", "format:vst3", "--json")).stdout)
    assert there["plugins"] == 1 and there["files"][0]["path"].startswith(str(reaper_folder))
    # a path that does not exist is still a path, never a query sent to REAPER's own folder
    typo = run_cli("export", "reaper", "./REAPR")
    assert typo.exit_code == 3 and "REAPR" in typo.stderr
    # a file exporter: the first word is always the file
    manifest = tmp_path / "zam.json"
    ok(run_cli("export", "manifest", str(manifest), "name:ZamCompX2", "format:clap"))
    assert [p["name"] for p in json.loads(manifest.read_text())["plugins"]] == ["ZamCompX2"]
