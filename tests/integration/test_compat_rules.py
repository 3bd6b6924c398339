"""Compatibility rules on real scans: a user's rules.toml, applied before scheduling and again once
tier 0 or 1 names the plugins, in --quick too and for every format; bad rule files are one
located error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pluginary.rules import Action, Rule
from pluginary.scan.rules import Placed, RuleBook

SWH_ALIAS = Path("/usr/lib/ladspa/alias_1407.so")  # swh-plugins, by Steve Harris


def rules_file(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    monkeypatch.setenv("PLUGINARY_RULES", str(path))
    return path


def listed(run_cli, *args: str) -> dict[str, dict]:
    result = run_cli("list", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return {r["name"]: r for r in result.json()}


def test_a_vendor_block_applies_to_ladspa_in_a_quick_scan(run_cli, tmp_path, monkeypatch):
    assert SWH_ALIAS.is_file(), "needs Debian's swh-plugins (apt-get install swh-plugins)"
    rules_file(tmp_path, '[[rule]]\naction = "block"\nvendor = "Steve Harris*"\n'
                         'format = "ladspa"\nreason = "crashes our live rig"\n', monkeypatch)
    first = run_cli("scan", str(SWH_ALIAS), "--quick", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["counts"] == {"blocked": 1}
    for record in listed(run_cli).values():
        assert record["status"] == "blocked"
        assert record["cause"].startswith("rule 1 of ") and "(user)" in record["cause"]
        assert record["cause"].endswith(": crashes our live rig")
    again = run_cli("scan", str(SWH_ALIAS), "--quick", "--json").json()
    assert (again["loaded"], again["blocked_skipped"]) == (0, 1), "blocked once, then skipped"
    (tmp_path / "rules.toml").write_text("")  # the rule is gone: the plugin is loaded again
    freed = run_cli("scan", str(SWH_ALIAS), "--quick", "--json").json()
    assert freed["counts"] == {"ok": 1}
    assert {r.get("status", "ok") for r in listed(run_cli).values()} == {"ok"}


def test_a_path_rule_keeps_a_crashing_plugin_from_being_loaded_at_all(run_cli, test_plugins,
                                                                     tmp_path, monkeypatch):
    segv = test_plugins["PlStaticInitCrash"].path("ladspa")  # crashes at dlopen, tier 1
    rules_file(tmp_path, f'[[rule]]\naction = "skip"\npath = "*/{segv.name}"\n'
                         'reason = "known to crash"\n', monkeypatch)
    result = run_cli("scan", str(segv), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"] == {"ignored": 1} and result.json()["workers_started"] == 0
    shown = run_cli("show", segv.name, "--json").json()
    assert shown["status"] == "ignored" and "known to crash" in shown["cause"]


def test_note_and_override_rules_change_the_records(run_cli, tmp_path, monkeypatch):
    rules_file(tmp_path, (
        '[[rule]]\naction = "note"\nname = "ZamComp"\nreason = "clicks at high ratios"\n'
        'link = "https://example.invalid/zamcomp"\nworkaround = "keep the ratio under 10"\n'
        '[[rule]]\naction = "override"\nvendor = "Damien Zammit"\nname = "ZamTube"\n'
        'set = { category = "Distortion", role = "effect" }\n'), monkeypatch)
    assert run_cli("scan", "/usr/lib/vst3/ZamComp.vst3", "/usr/lib/vst3/ZamTube.vst3",
                   "--quick").exit_code == 0
    records = listed(run_cli)
    assert "keep the ratio under 10" in records["ZamComp"]["extra"]["note"]
    assert "rule 1 of" in records["ZamComp"]["extra"]["note"]
    # The tree category is overridden; the declared categories stay as the plugin says.
    assert records["ZamTube"]["category"] == "Effect/Distortion"
    assert records["ZamTube"]["categories"] == ["Fx", "Distortion", "Mono"]


def test_an_env_rule_reaches_the_worker_that_loads_the_plugin(run_cli, test_plugins, tmp_path,
                                                             monkeypatch):
    """PlMultiVst3 needs the pedalboard fallback at tier 2; the rule puts a trap module named
    pedalboard on that worker's path, which records its import. Only a worker started with the
    rule's variables can see it."""
    trap = tmp_path / "trap"
    trap.mkdir()
    imported = tmp_path / "imported"
    (trap / "pedalboard.py").write_text(
        f"open({str(imported)!r}, 'w').close()\nraise ImportError('trapped')\n")
    rules_file(tmp_path, f'[[rule]]\naction = "env"\nname = "PlMulti*"\n'
                         f'env = {{ PYTHONPATH = "{trap}" }}\n', monkeypatch)
    result = run_cli("scan", str(test_plugins["PlMultiVst3"].path("vst3")), "--json")
    assert result.exit_code == 0, result.stderr
    assert imported.exists(), "the worker did not get the rule's PYTHONPATH"
    assert all("pluginary-vst3[pedalboard]" in r["cause"] for r in listed(run_cli).values())


@pytest.mark.parametrize(("text", "words"), [
    ('[[rule]]\naction = "blok"\nvendor = "x"\n', "rule 1: action: Invalid enum value 'blok'"),
    ('[[rule]]\naction = "timeout"\nvendor = "x"\n', "rule 1: a timeout rule needs seconds"),
    ('[[rule]]\naction = "block"\nname = "["\n', "rule 1: name '[': '[' opens a character set"),
    ('[[rule]]\naction = "block"\nvendor = "x"\n[[rule]]\naction = "block"\nversion = "4"\n'
     'verson = "x"\n', "rule 2: Object contains unknown field `verson`"),
    ('[[rule]]\naction = "block"\n', "rule 1: the rule matches nothing"),
])
def test_a_bad_rule_file_is_one_located_error(run_cli, tmp_path, monkeypatch, text, words):
    path = rules_file(tmp_path, text, monkeypatch)
    for args in (("compat", "check", str(path)), ("scan", "/usr/lib/vst3", "--quick")):
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
        assert str(path) in line and words in line, line
        assert "Traceback" not in result.stderr


def test_compat_list_explain_and_check(run_cli, tmp_path, monkeypatch):
    path = rules_file(tmp_path, '[[rule]]\naction = "note"\nvendor = "Damien*"\n'
                                'reason = "zam"\n', monkeypatch)
    assert run_cli("scan", "/usr/lib/vst3/ZamComp.vst3", "--quick").exit_code == 0
    rules = run_cli("compat", "list", "--json").json()
    assert [r["source"] for r in rules] == sorted(
        (r["source"] for r in rules), key=("builtin", "vendor", "user").index)
    assert rules[-1]["origin"] == str(path) and rules[-1]["rule"]["reason"] == "zam"
    explained = run_cli("compat", "explain", "/usr/lib/vst3/ZamComp.vst3", "--json").json()
    (mine,) = [r for r in explained["rules"] if r["source"] == "user"]
    assert mine["matched"] == {"vendor": "Damien Zammit"}
    assert run_cli("compat", "check").stdout == f"ok: {path}: 1 rule\n"
    assert run_cli("compat", "explain", "/nowhere").exit_code == 3


def test_the_user_wins_over_a_vendor_pack_over_the_built_ins():
    """Three rules decide the same things for one plugin; the higher source wins each."""
    def rule(**kw: object) -> Rule:
        return Rule(name="ZamComp", **kw)  # type: ignore[arg-type]
    book = RuleBook([
        Placed(rule(action=Action.OVERRIDE, set={"category": "user"}), "user", "mine", 1),
        Placed(rule(action=Action.OVERRIDE, set={"category": "vendor"}), "vendor", "pack", 1),
        Placed(rule(action=Action.TIMEOUT, seconds=60), "builtin", "built-in", 1),
        Placed(rule(action=Action.TIMEOUT, seconds=600), "vendor", "pack", 2),
    ])

    class Plugin:
        key, format, name, vendor, version, categories = (
            "vst3:X", "vst3", "ZamComp", "Damien Zammit", "4.1", ("Fx",))

    decision = book.decide("/usr/lib/vst3/ZamComp.vst3", "vst3", [Plugin()])
    assert decision.overrides["category"][0] == "user"
    assert decision.timeout is not None and decision.timeout.rule.seconds == 600


def test_the_example_vendor_pack_changes_a_real_zam_scan(run_cli):
    """contrib/vendor-rules-example is installed here. Without it, ZamHeadX2 is filed as the
    plugin declares itself; with it ZamHeadX2 is under Spatial and ZamVerb carries the pack's
    note from the next scan, even one that loads nothing."""
    zam = ("/usr/lib/vst3/ZamHeadX2.vst3", "/usr/lib/vst3/ZamVerb.vst3")
    disabled = {"PLUGINARY_DISABLE": "vendor-rules-example"}
    assert run_cli("scan", *zam, "--quick", env=disabled).exit_code == 0
    without = listed(run_cli)
    assert without["ZamHeadX2"]["category"] == "Effect/EQ"
    assert "note" not in without["ZamVerb"]["extra"]

    # The pack's rules apply at the end of any scan, to unchanged plugins too.
    assert run_cli("scan", *zam, "--quick").exit_code == 0
    quick = listed(run_cli)
    assert quick["ZamHeadX2"]["category"] == "Effect/Spatial"
    assert "zam-plugins (vendor, from vendor-rules-example)" in quick["ZamVerb"]["extra"]["note"]
    assert run_cli("scan", *zam, "--deep").exit_code == 0
    with_pack = listed(run_cli)
    assert with_pack["ZamHeadX2"]["category"] == "Effect/Spatial"
    assert with_pack["ZamHeadX2"]["categories"] == ["Fx", "EQ", "Stereo"]
    note = with_pack["ZamVerb"]["extra"]["note"]
    assert "zam-plugins (vendor, from vendor-rules-example)" in note
    explained = run_cli("compat", "explain", "/usr/lib/vst3/ZamVerb.vst3", "--json").json()
    assert {r["rule"]["action"] for r in explained["rules"]} == {"timeout", "isolate", "note"}


# -- the compatibility database -----------------------------------------------------------------

def test_scan_outcomes_fill_the_compat_database_and_move_between_machines(
        run_cli, test_plugins, tmp_path, pluginary_env):
    gain, segv = test_plugins["PlGain"].path("vst3"), test_plugins["PlCrashSegv"].path("vst3")
    assert run_cli("scan", str(gain), str(segv), "--json").exit_code == 0
    report = run_cli("compat", "report", "--json").json()
    assert report["by_status"] == {"ok": 1, "crashed": 1}
    (problem,) = report["problems"]
    assert problem["uid"] == test_plugins["PlCrashSegv"].vst3_class_id
    assert (problem["os"], problem["arch"], problem["tier"]) == ("linux", "x86_64", 2)
    assert "SIGSEGV" in problem["cause"]

    exported = tmp_path / "studio.json"
    assert run_cli("compat", "export", str(exported)).exit_code == 0
    assert run_cli("compat", "export", str(exported)).exit_code == 2, "never overwrites"
    other = tmp_path / "other.db"
    first = run_cli("--db", str(other), "compat", "import", str(exported), "--json").json()
    again = run_cli("--db", str(other), "compat", "import", str(exported), "--json").json()
    assert (first["changed"], again["changed"]) == (2, 0), "merged without duplicates"
    theirs = run_cli("--db", str(other), "compat", "report", "--json").json()
    assert theirs == report

    # An older outcome from elsewhere never replaces a newer one here.
    older = exported.read_text().replace('"status": "crashed"', '"status": "ok"')
    older = re.sub(r'"recorded_at": [0-9.]+', '"recorded_at": 1.0', older)
    stale = tmp_path / "stale.json"
    stale.write_text(older)
    assert run_cli("compat", "import", str(stale), "--json").json()["changed"] == 0
    assert run_cli("compat", "report", "--json").json()["by_status"] == {"ok": 1, "crashed": 1}


@pytest.mark.parametrize(("content", "code", "words"), [
    (None, 3, "no file"),
    ("not json", 2, "is not a compatibility export"),
    ('{"schema": "pluginary-compat", "version": 9, "entries": []}', 2, "version 9"),
    ('{"schema": "pluginary-compat", "version": 1, "entries": [{"format": "vst3"}]}', 2,
     "is not a compatibility export"),
])
def test_a_bad_compat_import_is_one_line_and_changes_nothing(run_cli, tmp_path, content, code,
                                                             words):
    source = tmp_path / "in.json"
    if content is not None:
        source.write_text(content)
    result = run_cli("compat", "import", str(source))
    assert result.exit_code == code, result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert words in line and "Traceback" not in result.stderr


def test_a_rule_added_after_a_killed_scan_applies_to_its_resumed_jobs(
        run_cli, pluginary_env, test_plugins, tmp_path, monkeypatch):
    """The plugin that killed the scan is in flight in the journal; the user adds a rule for it
    before scanning again: the resume never loads it."""
    from .test_scan_faults import interrupted_scan, rows

    crash = test_plugins["PlStaticInitCrash"].path("ladspa")
    interrupted_scan(pluginary_env, "ladspa", [crash])
    rules_file(tmp_path, f'[[rule]]\naction = "block"\npath = "*/{crash.name}"\n'
                         'reason = "it killed the last scan"\n', monkeypatch)
    result = run_cli("scan", str(crash), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["resumed"] and result.json()["workers_started"] == 0
    assert rows(pluginary_env, "SELECT state FROM jobs") == [("done",)]
    assert rows(pluginary_env, "SELECT status FROM candidates") == [("blocked",)]
