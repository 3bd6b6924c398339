"""``pluginary validate``: level 3 over real plugins, each in its own worker process."""

from __future__ import annotations

import json


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_the_zam_clap_and_ladspa_plugins_pass_level_3(run_cli):
    ok(run_cli("scan", "/usr/lib/clap", "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    results = json.loads(ok(run_cli("validate", "vendor:zam", "--json")).stdout)
    assert len(results) == 18
    assert {r["status"] for r in results} == {"pass"}
    assert {r["format"] for r in results} == {"clap", "ladspa"}
    assert all(r["level"] == 3 and r["seconds"] > 0 for r in results)


def test_a_hung_plugin_is_a_result_and_the_run_goes_on(run_cli):
    """A budget too short for any plugin: each worker is stopped, each is reported, exit 1."""
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "/usr/lib/ladspa/ZamGate-ladspa.so",
               "--json"))
    result = run_cli("validate", "--timeout", "0.01", "--json")
    assert result.exit_code == 1
    statuses = [r["status"] for r in json.loads(result.stdout)]
    assert statuses == ["timeout", "timeout"]


def test_formats_without_glue_are_reported_as_unsupported(run_cli):
    ok(run_cli("scan", "/usr/lib/vst3/ZamComp.vst3", "--json"))
    (result,) = json.loads(ok(run_cli("validate", "format:vst3", "--json")).stdout)
    assert result["status"] == "unsupported" and "vst3" in result["cause"]


def test_bad_requests_are_one_line_errors(run_cli):
    ok(run_cli("scan", "/usr/lib/ladspa/ZamComp-ladspa.so", "--json"))
    level = run_cli("validate", "--level", "2")
    assert level.exit_code == 2 and "level 2 is not built yet" in level.stderr
    nothing = run_cli("validate", "name:NoSuchPlugin")
    assert nothing.exit_code == 3 and "no plugin matches" in nothing.stderr
    assert run_cli("validate", "--timeout", "0").exit_code == 2
