"""The command line with only the core and the test extensions installed (no storage)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_help_lists_core_and_extension_commands(run_cli):
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("extensions", "list", "show", "search", "db", "doctor", "testext-hello"):
        assert command in result.stdout


def test_extension_command_runs(run_cli):
    result = run_cli("testext-hello", "--name", "studio")
    assert (result.exit_code, result.stdout) == (0, "hello studio\n")


def test_extensions_json_reports_distribution_hooks_and_what_is_provided(
        run_cli, broken_extensions):
    result = run_cli("extensions", "--json")
    assert result.exit_code == 0
    by_name = {e["name"]: e for e in result.json()}
    testext = by_name["testext"]
    assert testext["distribution"] == "pluginary-testext"
    assert testext["version"] == "0.0.1"
    assert testext["provides"] == {
        "commands": ["testext-hello"], "exporters": ["testext-names"],
        "formats": ["testfmt"], "rule_sets": ["testext-rules"]}
    assert by_name["core.browse"]["provides"] == {"commands": ["list", "search", "show"]}
    assert all(by_name[name]["status"] == "disabled" for name in broken_extensions)
    # The global flag works as well as the command's own.
    assert run_cli("--json", "extensions").json() == result.json()


def test_broken_extension_warns_once_and_the_cli_still_works(run_cli, broken_extensions):
    result = run_cli("extensions", "--json", env={"PLUGINARY_DISABLE": "", "PLUGINARY_STRICT": ""})
    assert result.exit_code == 0
    for name in broken_extensions:
        assert result.stderr.count(f"'{name}' from pluginary-broken 0.0.1 failed to load") == 1
    # One line per broken extension, even where pluggy's own message spans several.
    assert len(result.stderr.splitlines()) == len(broken_extensions)
    states = {e["name"]: e["status"] for e in result.json()}
    assert all(states[name] == "broken" for name in broken_extensions)


def test_strict_mode_exits_non_zero_on_a_broken_extension(run_cli):
    result = run_cli("--help", env={"PLUGINARY_DISABLE": "", "PLUGINARY_STRICT": "1"})
    assert result.exit_code == 4
    assert result.stderr.startswith("error: extension 'broken-import' from pluginary-broken")
    assert "Traceback" not in result.stderr


def test_no_storage_extension_is_a_clear_error(run_cli):
    result = run_cli("list")
    assert result.exit_code == 2
    assert result.stderr == ("error: no storage extension handles 'sqlite://' catalogues "
                             "(hint: install a storage extension, for example: "
                             "pip install pluginary-sqlite)\n")


def test_traceback_only_with_verbose(run_cli):
    assert "Traceback" not in run_cli("list").stderr
    assert "Traceback" in run_cli("-v", "list").stderr


def test_unknown_command_and_bad_option_exit_2(run_cli):
    assert run_cli("frobnicate").exit_code == 2
    assert run_cli("list", "--limit", "0").exit_code == 2


def test_doctor_reports_missing_storage_and_format_requirements(run_cli):
    result = run_cli("doctor", "--json")
    assert result.exit_code == 1  # no storage extension is a failure
    findings = {f["check"]: f for f in result.json()}
    assert findings["storage"]["verdict"] == "fail"
    assert findings["storage"]["advice"] == "pip install pluginary-sqlite"
    fmt = findings["format testfmt"]
    assert fmt["verdict"] == "warn"
    assert "library pluginary-no-such-library" in fmt["detail"]
    assert fmt["advice"] == "apt-get install nothing-at-all"


def test_version(run_cli):
    result = run_cli("--version")
    assert (result.exit_code, result.stdout) == (0, "pluginary 0.1.0\n")


@pytest.mark.parametrize("command", [["pluginary"], [sys.executable, "-m", "pluginary"]])
def test_console_script_is_installed_and_exits_with_the_code(command, broken_extensions):
    executable = str(Path(sys.executable).parent / command[0]) if len(command) == 1 else None
    result = subprocess.run([executable or command[0], *command[1:], "list"],
                            capture_output=True, text=True,
                            env={"PLUGINARY_DB": "/nonexistent/x.db",
                                 "PLUGINARY_DISABLE": ",".join(broken_extensions)})
    assert result.returncode == 2
    assert result.stderr.startswith("error: no storage extension")


def test_shell_completion_is_offered(run_cli):
    result = run_cli("--show-completion", env={"SHELL": "/bin/bash"})
    assert result.exit_code == 0
    assert "_PLUGINARY_COMPLETE" in result.stdout


def test_log_file_gets_debug_lines_and_quiet_hides_warnings(run_cli, tmp_path):
    log = tmp_path / "run.log"
    env = {"PLUGINARY_DISABLE": "broken-signature,broken-unknown-hook", "PLUGINARY_STRICT": ""}
    result = run_cli("--log-file", str(log), "extensions", "--json", env=env)
    assert result.exit_code == 0
    assert "broken-import" in log.read_text()
    quiet = run_cli("-q", "extensions", "--json", env=env)
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_unwritable_log_file_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("--log-file", str(tmp_path / "no" / "such" / "dir.log"), "extensions")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write the log file")
