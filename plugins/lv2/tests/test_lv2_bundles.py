"""LV2 bundles outside lilv's path, second installations, broken Turtle, and no liblilv at all.

The bundles here are copies of Debian's real ones (zam-plugins), some then damaged on purpose.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pluginary_lv2 import LV2

SYSTEM = Path("/usr/lib/lv2")
ZAMCOMP = "lv2:urn:zamaudio:ZamComp"


def copy_bundle(name: str, to: Path) -> Path:
    shutil.copytree(SYSTEM / name, to)
    return to


def test_a_bundle_outside_lilvs_path_and_a_second_installation(run_cli, tmp_path):
    # lilv keeps one bundle per plugin URI; each bundle is read alone, so both count.
    copy_bundle("ZamComp.lv2", tmp_path / "mine" / "zamcomp-copy")  # no .lv2 suffix
    result = run_cli("scan", str(tmp_path / "mine"), str(SYSTEM / "ZamComp.lv2"), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["plugins"] == 1
    shown = run_cli("list", "--format", "lv2", "--json").json()
    assert [r["uid"] for r in shown] == ["urn:zamaudio:ZamComp"]
    (duplicate,) = run_cli("list", "--duplicates", "--json").json()
    paths = {i["path"] for i in duplicate["installations"]}
    assert paths == {str(tmp_path / "mine" / "zamcomp-copy"), str(SYSTEM / "ZamComp.lv2")}


def test_unchanged_bundles_are_not_read_again_and_a_changed_one_is(run_cli, tmp_path):
    bundle = copy_bundle("ZamComp.lv2", tmp_path / "ZamComp.lv2")
    assert run_cli("scan", str(tmp_path)).exit_code == 0
    again = run_cli("scan", str(tmp_path), "--json").json()
    assert (again["unchanged"], again["loaded"]) == (1, 0)
    data = bundle / "ZamComp_dsp.ttl"
    data.write_text(data.read_text().replace('"Attack"', '"Attack time"'))
    changed = run_cli("scan", str(tmp_path), "--json").json()
    assert changed["loaded"] == 1
    record = run_cli("show", ZAMCOMP, "--json").json()
    assert record["parameters"][0]["name"] == "Attack time"


def test_broken_turtle_fails_with_the_parser_message_and_a_spec_bundle_is_ignored(
        run_cli, tmp_path):
    broken = copy_bundle("ZamComp.lv2", tmp_path / "broken.lv2")
    manifest = broken / "manifest.ttl"
    manifest.write_text(manifest.read_text().replace(" ;", " ;;;", 1) + "\n@@@ not turtle\n")
    copy_bundle("units.lv2", tmp_path / "units-copy.lv2")
    copy_bundle("ZamGate.lv2", tmp_path / "ZamGate.lv2")
    result = run_cli("scan", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    status = run_cli("status", "--json").json()["formats"]["lv2"]
    assert status == {"ok": 1, "failed": 1, "ignored": 1}
    failed = run_cli("show", str(broken), "--json").json()
    assert "declares a plugin that lilv could not read" in failed["cause"]
    assert "manifest.ttl" in failed["stderr"] and "error" in failed["stderr"].lower()
    ignored = run_cli("list", "--status", "ignored", "--json").json()
    assert [r["name"] for r in ignored] == ["units-copy.lv2"]
    assert "declares no plugin" in ignored[0]["cause"]


def hide_lilv_and_run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a private mount namespace where liblilv's file and the dynamic linker's
    cache are empty: the library is really absent for that process, as on a machine without
    the package."""
    libraries = sorted({os.path.realpath(p) for p in glob.glob("/usr/lib/*/liblilv-0.so*")})
    assert libraries, "liblilv is not installed: apt-get install liblilv-0-0"
    assert shutil.which("unshare"), "unshare is missing: apt-get install util-linux"
    mounts = " && ".join(f"mount --bind /dev/null {lib}" for lib in
                         [*libraries, "/etc/ld.so.cache"])
    pluginary = Path(sys.executable).parent / "pluginary"
    command = f"{mounts} && exec {pluginary} {' '.join(args)}"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PLUGINARY_DB": str(home / "c.db"),
           "XDG_CONFIG_HOME": str(home / "config")}
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           command], capture_output=True, text=True, env=env, timeout=120)


def test_without_liblilv_doctor_and_scan_say_what_to_install(tmp_path):
    doctor = hide_lilv_and_run(["doctor"], tmp_path)
    assert doctor.returncode != 0
    line = next(row for row in doctor.stdout.splitlines() if "format lv2" in row)
    assert "fail" in line and "lilv" in line, doctor.stdout
    assert "apt-get install liblilv-0-0" in doctor.stdout

    scan = hide_lilv_and_run(["scan", "--format", "lv2"], tmp_path)
    assert scan.returncode == 2
    assert scan.stderr.strip().splitlines() == [
        "error: cannot scan lv2: library lilv-0 is missing "
        f"(hint: {LV2.requirements[0].advice})"]

    everything = hide_lilv_and_run(["scan"], tmp_path)  # lv2 is the only format installed here
    assert everything.returncode == 2
    assert "skipping lv2: library lilv-0 is missing" in everything.stderr
    assert "no installed format can scan on this machine" in everything.stderr
    assert "Traceback" not in everything.stderr + scan.stderr + doctor.stderr


def test_a_symlinked_bundle_is_recorded_under_the_path_scanned_and_goes_missing_with_it(
        run_cli, tmp_path):
    link = tmp_path / "ZamGate.lv2"
    link.symlink_to(SYSTEM / "ZamGate.lv2")
    assert run_cli("scan", str(tmp_path)).exit_code == 0
    record = run_cli("show", "lv2:urn:zamaudio:ZamGate", "--json").json()
    assert record["bundle_path"] == str(link)
    assert record["file_path"] == str(link / "ZamGate_dsp.so")
    link.unlink()
    assert run_cli("scan", str(tmp_path)).exit_code == 0
    assert run_cli("status", "--json").json()["formats"]["lv2"] == {"missing": 1}


def test_an_unreadable_root_is_passed_over():
    from pluginary.testing import run_as_nobody
    from pluginary_lv2 import find_bundles

    # Not under tmp_path: pytest's base folder is root's own, so nobody could not reach it.
    base = Path(tempfile.mkdtemp(prefix="pluginary-lv2-"))
    try:
        locked, readable = base / "locked", base / "readable"
        for folder in (locked / "Hidden.lv2", readable / "Seen.lv2"):
            folder.mkdir(parents=True)
            (folder / "manifest.ttl").write_text("")
        for path in (base, readable, readable / "Seen.lv2"):
            os.chmod(path, 0o755)
        os.chmod(locked, 0o700)  # root's own: nobody cannot enter it
        found = run_as_nobody(lambda: [str(p) for p in find_bundles([locked, readable])])
    finally:
        shutil.rmtree(base)
    assert found == [str(readable / "Seen.lv2")]
