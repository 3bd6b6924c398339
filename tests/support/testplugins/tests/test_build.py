"""Build the test plugins through the ``test_plugins`` fixture and check them with
Debian's own tools (lilv-utils, ladspa-sdk, binutils).  Missing tools fail the
tests; nothing here is skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pluginary_testplugins import PLUGIN_SPECS, TestPluginBuildError, TestPluginSet, build_all
from pluginary_testplugins.build import _ARCH_DIR

GOOD = ["PlDelay", "PlFilter", "PlGain", "PlManyParams", "PlSynth"]
TORTURE = [
    "PlCrashAbort",
    "PlCrashSegv",
    "PlExit0",
    "PlSleep20",
    "PlSpin",
    "PlStaticInitCrash",
    "PlStderrFlood",
]


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: apt-get install -y {package}")
    return path


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def test_layout(test_plugins: TestPluginSet) -> None:
    root = test_plugins.root
    for spec in PLUGIN_SPECS:
        plugin = test_plugins[spec.name]
        assert tuple(plugin.formats) == spec.formats
        for fmt in spec.formats:
            base = root / spec.category / fmt
            if fmt == "vst3":
                so = "Other" if spec.name == "PlWrongSoName" else spec.name
                assert plugin.path(fmt) == base / f"{spec.name}.vst3"
                assert plugin.binary(fmt) == base / f"{spec.name}.vst3/Contents/{_ARCH_DIR}/{so}.so"
            elif fmt == "clap":
                assert plugin.path(fmt) == plugin.binary(fmt) == base / f"{spec.name}.clap"
            elif fmt == "ladspa":
                assert plugin.path(fmt) == plugin.binary(fmt) == base / f"{spec.name}.so"
            else:
                bundle = base / f"{spec.name}.lv2"
                assert plugin.path(fmt) == bundle
                assert sorted(p.name for p in bundle.iterdir()) == sorted(
                    ["manifest.ttl", f"{spec.name}.so", f"{spec.name}.ttl"]
                )
            assert plugin.binary(fmt).is_file()
    # instruments have no LADSPA build
    assert "ladspa" not in test_plugins["PlSynth"].formats
    assert sorted(test_plugins.names("good")) == GOOD
    assert sorted(test_plugins.names("torture")) == TORTURE


def test_special_files(test_plugins: TestPluginSet) -> None:
    special = test_plugins.root / "special"
    text = special / "vst3" / "NotAPlugin.vst3"
    assert text.is_file() and "not a VST3" in text.read_text()
    bundle_so = special / f"vst3/NotAPluginBundle.vst3/Contents/{_ARCH_DIR}/NotAPluginBundle.so"
    assert bundle_so.is_file()
    wrong = special / "vst3" / "PlWrongSoName.vst3" / "Contents" / _ARCH_DIR
    assert [p.name for p in wrong.iterdir()] == ["Other.so"]
    assert test_plugins["PlMulti"].clap_ids == (
        "org.pluginary.test.PlMultiA",
        "org.pluginary.test.PlMultiB",
    )
    assert test_plugins["PlParams"].clap_ids == (
        "org.pluginary.test.PlParams",
        "org.pluginary.test.PlInitFails",
    )
    assert sorted(p.name for p in (special / "clap").iterdir()) == [
        "NotAPlugin.clap",
        "PlMulti.clap",
        "PlParams.clap",
    ]
    assert sorted(test_plugins.names("special", "clap")) == ["NotAPlugin", "PlMulti", "PlParams"]


def _dynamic_symbols(path: Path) -> set[str]:
    nm = _tool("nm", "binutils")
    out = _run([nm, "-D", "--defined-only", str(path)])
    assert out.returncode == 0, out.stderr
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def test_exported_symbols(test_plugins: TestPluginSet) -> None:
    for plugin in test_plugins.plugins:
        for fmt, built in plugin.formats.items():
            if built.binary is None:
                continue
            symbols = _dynamic_symbols(built.binary)
            if plugin.behaviour == "not-a-plugin":
                assert symbols == {"pluginary_not_a_plugin"}
            elif fmt == "vst3":
                assert {"GetPluginFactory", "ModuleEntry", "ModuleExit"} <= symbols
            elif fmt == "clap":
                assert "clap_entry" in symbols
            elif fmt == "lv2":
                assert "lv2_descriptor" in symbols
            elif fmt == "ladspa":
                assert "ladspa_descriptor" in symbols


def test_identities_unique(test_plugins: TestPluginSet) -> None:
    dpf = [p for p in test_plugins.plugins if p.uri is not None]
    for attr in ("uri", "unique_id", "vst3_class_id", "clap_ids"):
        values = [getattr(p, attr) for p in dpf]
        assert len(set(values)) == len(values), attr
    assert {p.maker for p in dpf} == {"Pluginary Test"}


@pytest.mark.parametrize("category,expected", [("good", GOOD), ("torture", TORTURE)])
def test_lv2ls_sees_exactly_the_plugins(
    test_plugins: TestPluginSet, category: str, expected: list[str]
) -> None:
    lv2ls = _tool("lv2ls", "lilv-utils")
    out = _run([lv2ls], env={"LV2_PATH": str(test_plugins.dir(category, "lv2"))})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [f"urn:pluginary-test:{n}" for n in expected]


def test_lv2info_ports(test_plugins: TestPluginSet) -> None:
    lv2info = _tool("lv2info", "lilv-utils")
    env = {"LV2_PATH": str(test_plugins.dir("good", "lv2"))}
    out = _run([lv2info, "urn:pluginary-test:PlGain"], env=env)
    assert out.returncode == 0, out.stderr
    assert "Name:              PlGain" in out.stdout
    assert "Author:            Pluginary Test" in out.stdout
    assert "Symbol:      gain" in out.stdout and "Symbol:      pan" in out.stdout
    synth = _run([lv2info, "urn:pluginary-test:PlSynth"], env=env).stdout
    assert "atom#AtomPort" in synth and "lv2_audio_in" not in synth
    many = _run([lv2info, "urn:pluginary-test:PlManyParams"], env=env).stdout
    assert many.count("lv2core#ControlPort") == 5000


def test_ladspa_listplugins(test_plugins: TestPluginSet) -> None:
    listplugins = _tool("listplugins", "ladspa-sdk")
    out = _run([listplugins], env={"LADSPA_PATH": str(test_plugins.dir("good", "ladspa"))})
    assert out.returncode == 0, out.stderr
    labels = sorted(
        line.split("(")[0].strip() for line in out.stdout.splitlines() if line.startswith("\t")
    )
    assert labels == sorted(n for n in GOOD if n != "PlSynth")
    for name in ("PlGain", "PlDelay", "PlFilter", "PlManyParams"):
        spec = next(s for s in PLUGIN_SPECS if s.name == name)
        assert f"({spec.unique_id_int}/{name})" in out.stdout


def test_ladspa_analyseplugin(test_plugins: TestPluginSet) -> None:
    analyse = _tool("analyseplugin", "ladspa-sdk")
    out = _run([analyse, str(test_plugins["PlDelay"].binary("ladspa"))])
    assert out.returncode == 0, out.stderr
    assert 'Maker: "Pluginary Test"' in out.stdout
    for param in ("Time", "Feedback", "Mix", "Output"):
        assert f'"{param}" input, control' in out.stdout


def test_static_init_crash_crashes_at_dlopen(test_plugins: TestPluginSet) -> None:
    plugin = test_plugins["PlStaticInitCrash"]
    code = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    for fmt in plugin.formats:
        proc = _run([sys.executable, "-c", code, str(plugin.binary(fmt))])
        assert proc.returncode < 0, (fmt, proc.returncode)
    # the other torture plugins only misbehave when instantiated
    ok = _run([sys.executable, "-c", code, str(test_plugins["PlCrashSegv"].binary("vst3"))])
    assert ok.returncode == 0, ok.stderr


def test_cache_is_reused(test_plugins: TestPluginSet) -> None:
    again = build_all()
    assert again.from_cache
    assert again.root == test_plugins.root
    data = json.loads((test_plugins.root / "manifest.json").read_text())
    assert data["cache_key"] == test_plugins.cache_key
    assert [p["name"] for p in data["plugins"]] == [p.name for p in test_plugins.plugins]


def test_cli_prints_manifest(test_plugins: TestPluginSet) -> None:
    out = _run([sys.executable, "-m", "pluginary_testplugins"])
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["root"] == str(test_plugins.root)
    assert data["from_cache"] is True


def test_missing_toolchain_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLUGINARY_DPF_PATH", str(tmp_path / "no-dpf"))
    with pytest.raises(TestPluginBuildError, match="apt-get install dpf-source g\\+\\+"):
        build_all(tmp_path / "out")
