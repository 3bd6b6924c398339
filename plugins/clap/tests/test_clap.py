"""CLAP against real libraries built from dpf-source (Debian ships no CLAP plugin), a hand-written
two-plugin library, a library that crashes when loaded, and a library that is not CLAP."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from pluginary.scan.roots import roots_for
from pluginary_clap import CLAP


def by_uid(run_cli) -> dict[str, dict]:
    return {r["uid"]: r for r in run_cli("list", "--format", "clap", "--json").json()}


def test_good_plugins_are_listed_with_their_clap_ids(run_cli, test_plugins):
    result = run_cli("scan", str(test_plugins.dir("good", "clap")), "--json")
    assert result.exit_code == 0, result.stderr
    listed = by_uid(run_cli)
    for name in test_plugins.names("good", "clap"):
        (clap_id,) = test_plugins[name].clap_ids
        record = listed[clap_id]
        assert (record["name"], record["vendor"]) == (name, "Pluginary Test")
        assert record["tier"] == 1
    synth = listed["org.pluginary.test.PlSynth"]
    assert synth["role"] == "instrument" and "synthesizer" in synth["categories"]
    assert listed["org.pluginary.test.PlGain"]["role"] == "effect"


def test_one_library_with_two_plugins(run_cli, test_plugins):
    multi = test_plugins["PlMulti"]
    assert run_cli("scan", str(multi.path("clap"))).exit_code == 0
    listed = by_uid(run_cli)
    assert set(listed) == set(multi.clap_ids)
    assert {r["file_path"] for r in listed.values()} == {str(multi.path("clap"))}
    assert run_cli("status", "--json").json()["formats"]["clap"] == {"ok": 2}


def test_crash_at_load_and_not_a_clap_library(run_cli, test_plugins):
    torture = test_plugins.dir("torture", "clap")
    special = test_plugins.dir("special", "clap")
    assert run_cli("scan", str(torture), str(special)).exit_code == 0
    crashed = run_cli("list", "--status", "crashed", "--json").json()
    assert [r["name"] for r in crashed] == ["PlStaticInitCrash.clap"]
    assert "SIGSEGV" in crashed[0]["cause"]
    failed = run_cli("show", "NotAPlugin.clap", "--json").json()
    assert failed["cause"] == "not a CLAP library: it exports no clap_entry"


def test_default_roots_per_os():
    assert roots_for(CLAP, os_name="linux", env={"HOME": "/home/ana", "CLAP_PATH": "/opt/c"}) == [
        PurePosixPath(p) for p in ("/home/ana/.clap", "/usr/lib/clap", "/usr/local/lib/clap",
                                   "/opt/c")]
    assert roots_for(CLAP, os_name="windows", env={
        "COMMONPROGRAMFILES": "C:\\Common", "LOCALAPPDATA": "C:\\L",
        "CLAP_PATH": "D:\\clap;\\\\nas\\clap"}) == [
        PureWindowsPath("C:/Common/CLAP"), PureWindowsPath("C:/L/Programs/Common/CLAP"),
        PureWindowsPath("D:/clap"), PureWindowsPath("//nas/clap")]


def test_this_environment_scans_without_a_plugin_host():
    """tox installs only core, sqlite and this extension here: no pedalboard is pulled in."""
    import importlib.util

    assert importlib.util.find_spec("pedalboard") is None
