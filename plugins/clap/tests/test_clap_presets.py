"""The ``clap-state`` container with real CLAP plugins, through the validation glue
(``open_for_validation``): a state saved by one instance is wrapped, written, read back,
unwrapped and loaded into a fresh instance, and the fresh instance reports the same values.

Debian's zam CLAPs and the stock DPF test plugins have no ``clap.state`` (DPF offers it only
with ``DISTRHO_PLUGIN_WANT_STATE``), so the round trip runs on the test plugins rebuilt with
that define by their own recipe, as ``test_clap_validation_glue.py`` does; a zam CLAP shows
what happens without the extension.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.presets.container import PresetContainer, PresetFormatError
from pluginary.presets.model import ParamValue
from pluginary.registry import collect_preset_containers
from pluginary.validation import signals
from pluginary.validation.host import NotSupported
from pluginary_clap import open_for_validation
from pluginary_clap.entry import read_entry
from pluginary_clap.presets import MAGIC, ClapStateContainer, decode, encode
from pluginary_testplugins import build as testplugins

RATE, FRAMES = 48000, 512
CONTAINER = ClapStateContainer()
STATEFUL = ("PlDelay", "PlFilter")
ZAM_DELAY = Path("/usr/lib/clap/ZamDelay.clap")


@pytest.fixture(scope="session")
def stateful(tmp_path_factory) -> dict[str, Path]:
    """PlDelay and PlFilter built as CLAP with DPF's clap.state: the test plugins' recipe plus
    ``-DDISTRHO_PLUGIN_WANT_STATE=1``. Fails without g++ or dpf-source."""
    tc = testplugins._toolchain()
    specs = {spec.name: spec for spec in testplugins.PLUGIN_SPECS}
    base = tmp_path_factory.mktemp("clap-presets")
    built = {}
    for name in STATEFUL:
        output = base / f"{name}.clap"
        testplugins._run(testplugins._Job(
            f"{name} [clap, state]",
            testplugins._dpf_argv(tc, specs[name], "clap", output,
                                  ("-DDISTRHO_PLUGIN_WANT_STATE=1",)), output))
        built[name] = output
    return built


def scanned(binary: Path) -> PluginRecord:
    """The catalogue record tier 1 makes of a one-plugin CLAP."""
    (record,) = read_entry(binary).records
    return record


def test_registered_by_the_clap_extension():
    containers = collect_preset_containers(make_plugin_manager(), strict=False)
    entry = containers["clap-state"]
    assert entry.extension == "clap"
    assert isinstance(entry.item, PresetContainer)
    assert (entry.item.plugin_format, entry.item.suffix) == ("clap", ".clap-state")
    assert entry.item.roots("linux", {}, Path.home()) == []


@pytest.mark.parametrize("name", STATEFUL)
def test_a_saved_state_restores_through_a_clap_state_file(stateful, tmp_path, name):
    record = scanned(stateful[name])
    plugin = open_for_validation(record)
    assert plugin is not None
    a, b = plugin.instantiate(RATE, FRAMES), plugin.instantiate(RATE, FRAMES)
    try:
        params = a.parameters()
        rng = random.Random(name)
        chosen = {}
        for p in params:  # well away from the default, so a load that does nothing shows
            low = p.default - p.minimum > (p.maximum - p.minimum) / 2
            share = rng.uniform(0.05, 0.35) if low else rng.uniform(0.65, 0.95)
            chosen[p.key] = p.minimum + (p.maximum - p.minimum) * share
            a.set(p.key, chosen[p.key])
        state = a.save()
        assert state.startswith(b"__dpf_parameters_begin__\0")  # DPF's own stream

        path = tmp_path / f"{name} Lead.clap-state"
        path.write_bytes(CONTAINER.wrap(record, f"{name} Lead", state, []))
        assert list(CONTAINER.discover([tmp_path])) == [path]
        (read,) = CONTAINER.read([path])
        assert read.error == ""
        (preset,) = read.presets
        assert (preset.plugin, preset.name, preset.container) == (
            f"clap:org.pluginary.test.{name}", f"{name} Lead", "clap-state")
        assert preset.identity == f"file:{path}" and preset.data == path.read_bytes()
        assert preset.meta == {"container_version": "1", "state_size": str(len(state))}

        unwrapped = CONTAINER.unwrap(preset.data)
        assert unwrapped.state == state and unwrapped.parameters == ()
        for p in params:
            assert b.get(p.key) == pytest.approx(p.default, abs=1e-6)
        b.load(unwrapped.state)
        for p in params:
            span = p.maximum - p.minimum
            assert b.get(p.key) == pytest.approx(chosen[p.key], abs=1e-3 * span), p.name
            assert b.get(p.key) == pytest.approx(a.get(p.key), abs=1e-6 * span), p.name
        noise = signals.noise(FRAMES)
        assert a.run([noise] * a.inputs, FRAMES) == b.run([noise] * b.inputs, FRAMES)
    finally:
        a.close()
        b.close()
        plugin.close()


def test_a_plugin_without_clap_state_cannot_be_wrapped():
    """ZamDelay (Debian's zam-plugins) has no clap.state: save() says so, and wrap() of no
    state says what a .clap-state would need."""
    assert ZAM_DELAY.is_file(), "apt-get install zam-plugins"
    record = scanned(ZAM_DELAY)
    plugin = open_for_validation(record)
    assert plugin is not None
    instance = plugin.instantiate(RATE, FRAMES)
    try:
        with pytest.raises(NotSupported, match=r"no clap\.state"):
            instance.save()
        with pytest.raises(NotSupported, match=r"clap:com\.zamaudio\.ZamDelay saved no state"):
            CONTAINER.wrap(record, "x", None, [ParamValue(key="0", value=1.0)])
    finally:
        instance.close()
        plugin.close()


# -- the file layout and bad files ---------------------------------------------------------------

def test_the_header_is_the_documented_layout():
    data = encode("org.example.Ünï", "Pad", b"\x00state\xff")
    ident, name = "org.example.Ünï".encode(), b"Pad"
    assert data == (b"PLGYCLAP" + struct.pack("<I", 1) + struct.pack("<I", len(ident)) + ident
                    + struct.pack("<I", 3) + name + b"\x00state\xff")
    decoded = decode(data, "x")
    assert (decoded.plugin_id, decoded.name, decoded.state) == (
        "org.example.Ünï", "Pad", b"\x00state\xff")
    assert decode(encode("a.b", "", b""), "x").state == b""


def test_an_unnamed_file_takes_its_stem_and_an_empty_state_is_kept(tmp_path):
    path = tmp_path / "Init.clap-state"
    path.write_bytes(encode("org.example.synth", "", b""))
    ((preset,),) = (r.presets for r in CONTAINER.read([path]))
    assert (preset.name, preset.plugin) == ("Init", "clap:org.example.synth")
    assert CONTAINER.unwrap(preset.data).state == b""


def test_bad_files_give_one_line_each(tmp_path):
    good = encode("org.pluginary.test.PlDelay", "Lead", b"__dpf_parameters_begin__\0" * 4)
    cases = {
        b"": "starts with b'', not b'PLGYCLAP'",
        b"<?xml version='1.0'?>": "not a .clap-state file",
        MAGIC + b"\x01\x00": "before the container version (offset 8): it is cut off",
        MAGIC + struct.pack("<I", 2) + good[12:]: "container version 2; this Pluginary reads "
                                                  "version 1",
        good[:20]: "the plugin id is 26 bytes at offset 16, but the file ends at 20",
        good[:42]: "before the length of the name (offset 42)",
        good[:47]: "the name is 4 bytes at offset 46, but the file ends at 47",
        MAGIC + struct.pack("<II", 1, 2) + b"\xff\xfe": "the plugin id at offset 16 is not UTF-8",
        MAGIC + struct.pack("<III", 1, 0, 0): "the plugin id is empty",
    }
    for index, (data, message) in enumerate(cases.items()):
        path = tmp_path / f"bad{index}.clap-state"
        path.write_bytes(data)
        (read,) = CONTAINER.read([path])
        assert read.presets == () and read.error.startswith(f"{path}: "), read
        assert message in read.error, (data, read.error)
        with pytest.raises(PresetFormatError, match=r"the \.clap-state: "):
            CONTAINER.unwrap(data)
    missing = tmp_path / "gone.clap-state"
    (read,) = CONTAINER.read([missing])
    assert (read.path, read.error) == (str(missing), "cannot read it: No such file or directory")


def test_wrap_refuses_another_format_and_rewrap_has_no_target():
    with pytest.raises(PresetFormatError, match="is not a CLAP plugin"):
        CONTAINER.wrap(PluginRecord(format="vst3", uid="ABCD", name="x"), "x", b"s", [])
    with pytest.raises(PresetFormatError, match="CLAP id, and it is empty"):
        CONTAINER.wrap(PluginRecord(format="clap", uid="", name="x"), "x", b"s", [])
    record = PluginRecord(format="clap", uid="org.example.synth", name="x")
    assert CONTAINER.rewrap(encode("org.example.synth", "x", b"s"), "vstpreset", record) is None
