"""``pluginary validate``: levels 1 to 5 over real plugins, each in its own worker process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pluginary_testplugins.validation_specs import VALIDATION_SPECS


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_the_zam_clap_and_ladspa_plugins_pass_every_level_their_format_has(run_cli):
    ok(run_cli("scan", "/usr/lib/clap", "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    results = json.loads(ok(run_cli("validate", "vendor:zam", "--json")).stdout)
    assert len(results) == 18
    assert {r["status"] for r in results} == {"pass"}
    for r in results:
        assert r["level"] == 5 and r["seconds"] > 0
        if r["format"] == "clap":
            assert r["passed"] == 5, r
        else:
            assert r["passed"] == 3 and "level 4 (state) is not supported" in r["note"], r
        assert int(r["info"]["outputs"]) >= 1 and r["info"]["parameters"].isdigit()


GOOD = ("PlGain", "PlDelay", "PlFilter", "PlManyParams")
#: The levels each format's glue reaches (docs/validation.md).
REACHES = {"vst3": 5, "clap": 5, "lv2": 3, "ladspa": 3}


def test_the_good_test_plugins_pass_every_level_their_format_supports(run_cli, test_plugins):
    """PlManyParams' VST3 is left out: JUCE takes tens of seconds per load of a plugin with
    thousands of parameters (docs/validation.md); its other formats are here."""
    paths = [str(test_plugins[name].path(fmt)) for name in GOOD for fmt in REACHES
             if (name, fmt) != ("PlManyParams", "vst3")]
    ok(run_cli("scan", *paths, "--json"))
    result = run_cli("validate", "--json", "--jobs", "2")
    results = json.loads(result.stdout)
    assert len(results) == len(paths)
    # Through pedalboard 0.9.26 a fresh VST3 instance processes about 3072 samples of
    # uninitialised input before the first block it is given; PlDelay keeps them in its delay
    # line, so two fresh instances echo different noise (docs/validation.md, "Findings").
    (delay,) = [r for r in results if (r["name"], r["format"]) == ("PlDelay", "vst3")]
    assert delay["status"] == "fail" and delay["failed_level"] == 5, delay
    assert "concurrent" in delay["cause"] and result.exit_code == 1
    for r in results:
        if r is not delay:
            assert r["status"] == "pass" and r["passed"] == REACHES[r["format"]], r


def test_zam_vst3_and_lv2_plugins_pass_levels_1_to_4(run_cli):
    """ZamVerb's VST3 is left out: each of its pedalboard loads takes minutes of CPU (its CLAP
    and LV2 builds, the same DSP, are validated here and above). ZamGrains' VST3 fails level 4
    for a reason of its own, checked below. Level 4, not 5: through pedalboard, two zam VST3
    instances running at once differ now and then by about 1e-4 (ZamTube: 1 run in 4; its CLAP
    never does), JUCE's timing rather than the plugin's (docs/validation.md, "Findings")."""
    vst3 = sorted(p for p in Path("/usr/lib/vst3").glob("Za*.vst3") if p.stem != "ZamVerb")
    lv2 = sorted(Path("/usr/lib/lv2").glob("Za*.lv2"))
    assert len(vst3) == 16 and len(lv2) == 17
    ok(run_cli("scan", *map(str, vst3 + lv2), "--json"))
    result = run_cli("validate", "--json", "--jobs", "2", "--level", "4")
    found = json.loads(result.stdout)
    assert len(found) == 33
    grains = [r for r in found if r["name"] == "ZamGrains" and r["format"] == "vst3"]
    assert grains[0]["status"] == "fail" and grains[0]["failed_level"] == 4
    assert "state-output" in grains[0]["cause"]
    for r in found:
        if r is not grains[0]:
            assert r["status"] == "pass" and r["passed"] == min(4, REACHES[r["format"]]), r


@pytest.mark.parametrize("fmt", ["clap", "vst3", "lv2", "ladspa"])
def test_every_torture_plugin_fails_exactly_its_level_with_its_check(run_cli, test_plugins, fmt):
    """The proof that each check can fail: every lower level passes, the plugin's level fails,
    and the cause names the check (or the crash). VST3 runs through pedalboard."""
    ok(run_cli("scan", str(test_plugins.dir("validation", fmt)), "--json"))
    result = run_cli("validate", "--json", "--jobs", "2")
    assert result.exit_code == 1
    found = {r["name"]: r for r in json.loads(result.stdout)}
    specs = [spec for spec in VALIDATION_SPECS if fmt in spec.formats]
    assert sorted(found) == sorted(spec.name for spec in specs)
    for spec in specs:
        r = found[spec.name]
        assert r["passed"] == spec.fails_level - 1 and r["failed_level"] == spec.fails_level, r
        if spec.fails_check == "crash":
            assert r["status"] == "crashed" and "SIGSEGV" in r["cause"], r
        else:
            assert r["status"] == "fail" and f": {spec.fails_check}: " in r["cause"], r
            assert r["problems"][0]["check"] == spec.fails_check


def test_reports_summarise_by_level_and_format_and_list_each_failure(
        run_cli, test_plugins, tmp_path):
    nan = test_plugins["PlNanOut"].path("ladspa")
    ok(run_cli("scan", str(nan), "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    page, data = tmp_path / "report.html", tmp_path / "report.json"
    assert run_cli("validate", "--level", "3", "--report", "html", str(page)).exit_code == 1
    assert run_cli("validate", "--level", "3", "--report", "json", str(data)).exit_code == 1
    report = json.loads(data.read_text())
    cells = report["summary"]["by_format"]["ladspa"]
    assert cells["1"] == {"passed": 2, "failed": 0, "not_run": 0}
    assert cells["3"] == {"passed": 1, "failed": 1, "not_run": 0}
    assert cells["4"]["not_run"] == 2
    (failure,) = [r for r in report["results"] if r["status"] != "pass"]
    assert failure["name"] == "PlNanOut" and failure["failed_level"] == 3
    text = page.read_text()
    assert "<h2>Failures (1)</h2>" in text and "PlNanOut" in text and "NaN at sample" in text
    assert "<script" not in text and "http" not in text.split("</style>")[1]  # self-contained


def test_a_hung_plugin_is_a_result_at_its_level_and_the_run_goes_on(run_cli):
    """A budget too short for any plugin: each worker is stopped, each is reported, exit 1."""
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "/usr/lib/ladspa/ZamGate-ladspa.so",
               "--json"))
    result = run_cli("validate", "--timeout", "0.01", "--json")
    assert result.exit_code == 1
    results = json.loads(result.stdout)
    assert [r["status"] for r in results] == ["timeout", "timeout"]
    assert all(r["failed_level"] == 1 and "level 1 (load)" in r["cause"] for r in results)


def test_rules_block_a_plugin_and_budget_a_level(run_cli, tmp_path, monkeypatch):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\naction = "block"\nname = "ZamGate"\nreason = "hangs here"\n\n'
                     '[[rule]]\naction = "timeout"\nname = "ZamComp"\nlevel = 3\n'
                     'seconds = 0.01\n')
    monkeypatch.setenv("PLUGINARY_RULES", str(rules))
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "/usr/lib/ladspa/ZamGate-ladspa.so",
               "/usr/lib/ladspa/ZamTube-ladspa.so", "--json"))
    result = run_cli("validate", "--level", "3", "--json")
    assert result.exit_code == 1
    found = {r["name"]: r for r in json.loads(result.stdout)}
    assert found["ZamGate"]["status"] == "blocked" and "hangs here" in found["ZamGate"]["cause"]
    assert found["ZamComp"]["status"] == "timeout" and found["ZamComp"]["passed"] == 2
    assert found["ZamTube"]["status"] == "pass" and found["ZamTube"]["passed"] == 3


def test_bad_requests_are_one_line_errors(run_cli, tmp_path: Path):
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    level = run_cli("validate", "--level", "9")
    assert level.exit_code == 2 and "there is no level 9" in level.stderr
    nothing = run_cli("validate", "name:NoSuchPlugin")
    assert nothing.exit_code == 3 and "no plugin matches" in nothing.stderr
    assert run_cli("validate", "--timeout", "0").exit_code == 2
    kind = run_cli("validate", "--report", "pdf", str(tmp_path / "r.pdf"))
    assert kind.exit_code == 2 and "no report format 'pdf'" in kind.stderr
    where = run_cli("validate", "--report", "html", str(tmp_path / "no" / "r.html"))
    assert where.exit_code == 2 and "no folder" in where.stderr
    folder = run_cli("validate", "--report", "json", str(tmp_path))
    assert folder.exit_code == 2 and "it is a folder" in folder.stderr


def test_scan_validate_checks_only_what_the_scan_loaded(run_cli):
    comp = "/usr/lib/ladspa/ZamComp-ladspa.so"
    first = json.loads(ok(run_cli("scan", comp, "--validate", "3", "--json")).stdout)
    (result,) = first["validation"]
    assert result["name"] == "ZamComp" and result["status"] == "pass" and result["passed"] == 3
    assert first["scan"]["changed"] == [result["key"]]
    again = json.loads(ok(run_cli("scan", comp, "--validate", "3", "--json")).stdout)
    assert again["validation"] == [] and again["scan"]["changed"] == []
    (hit,) = json.loads(ok(run_cli("search", "validated:3", "--json")).stdout)
    assert hit["record"]["name"] == "ZamComp"
    bad = run_cli("scan", comp, "--validate", "7")
    assert bad.exit_code == 2 and "no validation level 7" in bad.stderr
