"""The tier-1 factory reader against real VST3 binaries (Debian's zam-plugins).

Each factory read runs in a subprocess: a plugin that crashes must not take pytest with it.
Install the plugins with ``apt-get install zam-plugins``; the tests fail without them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pluginary_vst3.bundle import arch_folder
from pluginary_vst3.factory import (
    IID_FUNKNOWN,
    IID_IPLUGINFACTORY2,
    cid_to_hex,
    inline_uid,
    juce_uid_hash,
)

HERE = Path(__file__).resolve().parent
PLUGIN_ROOT = HERE.parent
ZAM_ROOT = Path("/usr/lib/vst3")
ZAM_NAMES = (
    "ZaMaximX2",
    "ZaMultiComp",
    "ZaMultiCompX2",
    "ZamAutoSat",
    "ZamComp",
    "ZamCompX2",
    "ZamDelay",
    "ZamDynamicEQ",
    "ZamEQ2",
    "ZamGEQ31",
    "ZamGate",
    "ZamGateX2",
    "ZamGrains",
    "ZamHeadX2",
    "ZamPhono",
    "ZamTube",
    "ZamVerb",
)

# The real plugins must be there: a missing package fails the test, it never skips it.
needs_zam = pytest.mark.usefixtures("require_zam")

# Runs in the child: read every bundle given on the command line, print JSON.
_CHILD = """
import json, sys, time
import msgspec
from pathlib import Path
from pluginary_vst3.bundle import find_binary
from pluginary_vst3.factory import read_factory
out = []
start = time.perf_counter()
for arg in sys.argv[1:]:
    bundle = Path(arg)
    loc = find_binary(bundle)
    if loc.binary is None:
        out.append({"bundle": arg, "cause": loc.cause, "records": []})
        continue
    res = read_factory(loc.binary, bundle)
    out.append({"bundle": arg, "cause": res.cause, "class_count": res.class_count,
                "factory": res.factory, "records": msgspec.to_builtins(res.records)})
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "results": out}))
"""


def read_in_subprocess(*bundles: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PLUGIN_ROOT), *sys.path])}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, bundles)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, f"child died ({proc.returncode}): {proc.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@needs_zam
def test_all_zam_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    bundles = [ZAM_ROOT / f"{name}.vst3" for name in ZAM_NAMES]
    wall = time.perf_counter()
    data = read_in_subprocess(*bundles)
    wall = time.perf_counter() - wall
    uids = set()
    for name, result in zip(ZAM_NAMES, data["results"], strict=True):
        assert result["cause"] == "", (name, result["cause"])
        assert result["class_count"] == 2  # DPF: the processor and a controller class
        (rec,) = result["records"]
        assert re.fullmatch(r"[0-9A-F]{32}", rec["uid"])
        assert rec["name"] == name
        assert rec["vendor"] == "Damien Zammit"
        assert re.fullmatch(r"\d+\.\d+\.\d+", rec["version"])
        assert rec["categories"][0] == "Fx" and len(rec["categories"]) >= 2
        assert rec["role"] == "effect"
        assert rec["tier"] == 1
        assert rec["format"] == "vst3"
        assert rec["bundle_path"] == str(ZAM_ROOT / f"{name}.vst3")
        assert rec["file_path"].endswith(f"/{name}.so")
        assert rec["extra"]["sdk_version"]
        assert rec["extra"]["factory_vendor"] == "Damien Zammit"
        # DPF class ids: uint32 {'DPF ', 'clas', uniqueId, 0} in native (little-endian) order.
        assert rec["uid"].startswith("2046504473616C63") and rec["uid"].endswith("0" * 8)
        uids.add(rec["uid"])
    assert len(uids) == len(ZAM_NAMES)
    with capsys.disabled():
        print(
            f"\n[vst3] factory read of {len(ZAM_NAMES)} zam bundles: "
            f"{data['seconds']:.3f} s in the child, {wall:.3f} s with interpreter start"
        )


@needs_zam
def test_zamcomp_class_id_is_canonical() -> None:
    """The id DPF builds for ZamComp, and the hash pedalboard (JUCE) puts in its identifier.

    DPF (``distrho/src/DistrhoPluginVST3.cpp``) copies ``uint32_t[4] = {d_cconst('D','P','F',' '),
    d_cconst('c','l','a','s'), uniqueId, 0}`` into the TUID; ZamComp's uniqueId is
    ``d_cconst('Z','C','M','P')``. On little-endian Linux the memory bytes are " FPD" "salc"
    "PMCZ" 0000, and the SDK's FUID::toString prints the bytes in memory order.
    pedalboard 0.9.26 reports ``VST3-ZamComp-1c893ab4-b089a0c5`` for /usr/lib/vst3/ZamComp.vst3;
    its last field is JUCE's hash of this class id.
    """
    data = read_in_subprocess(ZAM_ROOT / "ZamComp.vst3")
    (rec,) = data["results"][0]["records"]
    # d_cconst(a, b, c, d) = a << 24 | b << 16 | c << 8 | d; stored as native uint32
    words = [int.from_bytes(w.encode(), "big") for w in ("DPF ", "clas", "ZCMP")]
    expected = b"".join(w.to_bytes(4, "little") for w in (*words, 0)).hex().upper()
    assert rec["uid"] == expected == "2046504473616C63504D435A00000000"
    assert juce_uid_hash(rec["uid"]) == "b089a0c5"


def test_uid_layouts() -> None:
    # FUnknown's IID in the Windows (COM GUID) layout is the famous 00000000-0000-0000-C000-...46
    # FUnknown is the COM IUnknown, {00000000-0000-0000-C000-000000000046}: same bytes either way
    for com in (True, False):
        funknown = inline_uid(*IID_FUNKNOWN, com_compatible=com)
        assert funknown.hex().upper() == "0000000000000000C000000000000046"
    # non-Windows: the four words big-endian, the hex string is the memory bytes
    raw = inline_uid(*IID_IPLUGINFACTORY2, com_compatible=False)
    assert raw.hex().upper() == "0007B650F24B4C0BA464EDB9F00B2ABB"
    assert cid_to_hex(raw, com_compatible=False) == "0007B650F24B4C0BA464EDB9F00B2ABB"
    # Windows: l1 little-endian, l2's halves little-endian, l3/l4 big-endian in memory ...
    win = inline_uid(*IID_IPLUGINFACTORY2, com_compatible=True)
    assert win.hex().upper() == "50B60700" + "4BF2" + "0B4C" + "A464EDB9F00B2ABB"
    # ... and toString prints the GUID fields, so the string is the same on every OS.
    assert cid_to_hex(win, com_compatible=True) == "0007B650F24B4C0BA464EDB9F00B2ABB"
    with pytest.raises(ValueError):
        cid_to_hex(b"short")


def test_juce_uid_hash() -> None:
    assert juce_uid_hash("00000000000000000000000000000001") == "1"
    with pytest.raises(ValueError):
        juce_uid_hash("ABC")


@pytest.mark.skipif(sys.platform != "linux", reason="ELF")
def test_non_plugin_library_is_reported(tmp_path: Path) -> None:
    assert shutil.which("gcc"), "apt-get install gcc"
    bundle = tmp_path / "NotAPlugin.vst3"
    folder = bundle / "Contents" / arch_folder()
    folder.mkdir(parents=True)
    (tmp_path / "ok.c").write_text("int ok(void) { return 0; }\n")
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(folder / "NotAPlugin.so"), str(tmp_path / "ok.c")],
        check=True,
    )
    data = read_in_subprocess(bundle)
    result = data["results"][0]
    assert result["cause"] == "not a VST3 module: it exports no GetPluginFactory"
    assert result["records"] == []


@pytest.mark.skipif(sys.platform != "linux", reason="ELF")
def test_unloadable_binary_is_diagnosed(tmp_path: Path) -> None:
    bundle = tmp_path / "Text.vst3"
    folder = bundle / "Contents" / arch_folder()
    folder.mkdir(parents=True)
    (folder / "Text.so").write_text("plain text pretending to be a plugin binary\n")
    result = read_in_subprocess(bundle)["results"][0]
    assert result["cause"] == "not a shared library (no ELF header)"


@needs_zam
def test_pedalboard_identifier_embeds_the_class_id_hash() -> None:
    """pedalboard's ``identifier`` is JUCE's ``VST3-<name>-<path hash>-<uid hash>``; the last
    field is :func:`juce_uid_hash` of the class id the factory reader reports."""
    code = (
        "import sys, pedalboard; "
        "print(pedalboard.load_plugin(sys.argv[1], initialization_timeout=0).identifier)"
    )
    bundle = ZAM_ROOT / "ZamComp.vst3"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    identifier = proc.stdout.strip().splitlines()[-1]
    (rec,) = read_in_subprocess(bundle)["results"][0]["records"]
    fmt, name, _path_hash, uid_hash = identifier.split("-")
    assert (fmt, name) == ("VST3", "ZamComp")
    assert uid_hash == juce_uid_hash(rec["uid"])
