"""Searching this machine's real catalogue (945 plugins on Debian bookworm's packages) with the
query language, through the CLI: what a new user types, filters, operators, errors, paging."""

from __future__ import annotations

import sqlite3

import pytest


def names(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [h["record"]["name"] for h in result.json()]


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [h["record"] for h in result.json()]


def error_line(result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "sqlite" not in result.stderr.lower()
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    return line


# -- what a new user hit before ----------------------------------------------------------------

def test_verb_finds_zamverb_and_the_dragonfly_reverbs(run_cli, real_catalogue):
    found = names(run_cli("search", "verb", "--limit", "200", "--json"))
    assert "ZamVerb" in found
    every = {r["name"] for r in run_cli("list", "--json").json()}
    dragonfly = {n for n in every if n.startswith("Dragonfly") and "Reverb" in n}
    assert len(dragonfly) >= 3 and dragonfly <= set(found), (dragonfly, found)


def test_a_vendor_filter_finds_the_zam_plugins(run_cli, real_catalogue):
    found = records(run_cli("search", "vendor:zam", "--limit", "500", "--json"))
    assert len(found) >= 17 * 3
    assert all("zam" in r["vendor"].casefold() for r in found)
    assert {r["format"] for r in found} >= {"vst3", "lv2", "ladspa", "clap"}


def test_a_dangling_operator_is_a_located_error(run_cli, real_catalogue):
    line = error_line(run_cli("search", "reverb AND"))
    assert "'AND' needs something after it at 1:8" in line


def test_an_unknown_format_names_the_known_ones(run_cli, real_catalogue):
    line = error_line(run_cli("list", "--format", "nope"))
    assert "unknown format 'nope'" in line
    for fmt in ("vst3", "lv2", "ladspa", "clap"):
        assert fmt in line


@pytest.mark.parametrize("command", [("status",), ("list",), ("search", "comp")])
def test_tables_in_a_pipe_start_with_a_header_line(run_cli, real_catalogue, command):
    result = run_cli(*command)
    assert result.exit_code == 0, result.stderr
    header, first = result.stdout.splitlines()[:2]
    assert header.split("\t")[0] in ("ID", "Format")
    assert len(header.split("\t")) == len(first.split("\t"))


# -- the query language ------------------------------------------------------------------------

def test_comp_vendor_zam_puts_zamcomp_first(run_cli, real_catalogue):
    found = names(run_cli("search", "comp vendor:zam", "--json"))
    assert found and set(found[:4]) == {"ZamComp"}, found[:6]


def test_words_and_a_format_filter(run_cli, real_catalogue):
    found = records(run_cli("search", "reverb format:lv2 stereo", "--json"))
    assert len(found) >= 3
    assert all(r["format"] == "lv2" for r in found)


def test_numeric_filters_agree_with_the_records(run_cli, real_catalogue):
    every = run_cli("list", "--json").json()
    expected = {r["format"] + ":" + r["uid"] for r in every
                if len(r.get("parameters", [])) > 20 and r.get("audio_outputs", 0) >= 2}
    found = records(run_cli("search", "params>20 outputs>=2", "--limit", "1000", "--json"))
    assert {r["format"] + ":" + r["uid"] for r in found} == expected and expected
    two_in = records(run_cli("search", "inputs:2 format:ladspa", "--limit", "500", "--json"))
    assert two_in and all(r["audio_inputs"] == 2 for r in two_in)


def test_or_not_minus_phrases_and_parentheses(run_cli, real_catalogue):
    either = {r["name"] for r in records(run_cli(
        "search", "(name:ZamComp OR name:ZamGate) -format:lv2", "--limit", "50", "--json"))}
    assert either == {"ZamComp", "ZamCompX2", "ZamGate", "ZamGateX2"}
    same = records(run_cli("search", "name:ZamComp NOT format:lv2", "--json"))
    assert same and all(r["format"] != "lv2" for r in same)
    phrase = names(run_cli("search", '"hall reverb"', "--json"))
    assert phrase and all("hall" in n.casefold() for n in phrase[:3]), phrase


def test_role_status_path_and_product_filters(run_cli, real_catalogue):
    synths = records(run_cli("search", "role:instrument", "--limit", "500", "--json"))
    assert len(synths) >= 5 and all(r["role"] == "instrument" for r in synths)
    paths = records(run_cli("search", "path:/usr/lib/vst3/*", "--limit", "100", "--json"))
    assert {r["format"] for r in paths} == {"vst3"} and len(paths) == 17
    product = {r["format"] for r in records(run_cli(
        "search", "product:damienzammit/zamcomp", "--json"))}
    assert product == {"vst3", "lv2", "ladspa", "clap"}
    assert records(run_cli("search", "status:ok vendor:zam", "--limit", "500", "--json"))


def test_category_takes_everything_under_it(run_cli, real_catalogue):
    dynamics = records(run_cli("search", "category:dynamics", "--limit", "1000", "--json"))
    assert {r["category"] for r in dynamics} > {"Effect/Dynamics/Compressor"}
    assert all(r["category"].startswith("Effect/Dynamics") for r in dynamics)
    tree = run_cli("categories", "--json").json()
    node = {row["path"]: row for row in tree}
    assert node["Effect/Dynamics"]["plugins"] == len(dynamics)


@pytest.mark.parametrize(("query", "words"), [
    ("vnedor:zam", "unknown field 'vnedor' at 1:1, did you mean 'vendor'?"),
    ('"hall reverb', "unbalanced quote at 1:1"),
    ("(reverb", "unbalanced parenthesis at 1:1"),
    ("params>lots", "'params' needs a whole number at 1:1"),
    ("category:dynamcs", "unknown category 'dynamcs'"),
    ("saved:nothing", "no saved search 'nothing' at 1:1"),
])
def test_bad_queries_are_located_errors(run_cli, real_catalogue, query, words):
    assert words in error_line(run_cli("search", query))


def test_sort_limit_and_offset_page_through_the_same_order(run_cli, real_catalogue):
    whole = names(run_cli("search", "vendor:zam", "--sort", "name", "--limit", "200", "--json"))
    assert whole == sorted(whole, key=str.casefold)
    pages = [names(run_cli("search", "vendor:zam", "--sort", "name", "--limit", "10",
                           "--offset", str(o), "--json")) for o in range(0, len(whole), 10)]
    assert [n for page in pages for n in page] == whole
    vendors = run_cli("list", "--sort", "vendor", "--limit", "300", "--json").json()
    keys = [r.get("vendor", "").casefold() for r in vendors]
    assert keys == sorted(keys)


def test_list_takes_a_query_too(run_cli, real_catalogue):
    listed = run_cli("list", "vendor:zam", "format:vst3", "--json").json()
    assert len(listed) == 17 and {r["format"] for r in listed} == {"vst3"}


def test_search_is_correct_while_a_scan_writes(run_cli, real_catalogue, tmp_path):
    """WAL readers: a search during a scan that rewrites every LV2 record sees a consistent
    catalogue (never an error, never a half-written count)."""
    import subprocess
    import sys

    before = len(names(run_cli("search", "vendor:zam", "--limit", "1000", "--json")))
    log = tmp_path / "scan.log"
    with log.open("w") as stderr:
        scan = subprocess.Popen([sys.executable, "-m", "pluginary", "--db", str(real_catalogue),
                                 "scan", "/usr/lib/lv2", "--retry", "ok", "--json"],
                                stdout=subprocess.DEVNULL, stderr=stderr)
        counts = []
        while scan.poll() is None:
            counts.append(len(names(run_cli("search", "vendor:zam", "--limit", "1000",
                                            "--json"))))
    assert scan.wait() == 0, log.read_text()
    assert len(counts) >= 3 and set(counts) == {before}, counts
    with sqlite3.connect(real_catalogue) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_text_filters_fold_every_script_and_globs_take_brackets_literally(
        run_cli, real_catalogue):
    upper_mu = "\N{GREEK CAPITAL LETTER MU}"  # the upper case of the name's first letter
    assert names(run_cli("search", f"name:{upper_mu}-LAW", "--json")) == ["μ-Law Compressor"]
    assert names(run_cli("search", "name:*Tuner[Spectrum]", "--json")) == [
        "x42 Instrument Tuner[Spectrum]"]

