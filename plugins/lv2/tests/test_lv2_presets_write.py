"""The ``lv2-preset`` container writing presets (wrap, a user's ``~/.lv2`` bundle), reading them
back through lilv, its roots, and what it says about Turtle lilv cannot read.

Bad bundles are real ones (ZamComp.lv2's Turtle from zam-plugins) copied and cut or altered.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
from pathlib import Path

import pytest

from pluginary.models import PluginRecord
from pluginary.presets.container import PresetFormatError
from pluginary.presets.model import ParamValue
from pluginary.validation.host import NotSupported
from pluginary_lv2.host import Lv2Plugin
from pluginary_lv2.preset_alone import write_bundle
from pluginary_lv2.presets import Lv2PresetContainer

SYSTEM = Path("/usr/lib/lv2")
ZAMCOMP = SYSTEM / "ZamComp.lv2"
CONTAINER = Lv2PresetContainer()
ZAM = PluginRecord(format="lv2", uid="urn:zamaudio:ZamComp", name="ZamComp",
                   bundle_path=str(ZAMCOMP))
#: Port values of ZamComp (symbols and ranges from ZamComp.lv2/ZamComp_dsp.ttl).
VALUES = (ParamValue(key="thr", value=-24.5), ParamValue(key="rat", value=2.5),
          ParamValue(key="att", value=0.1), ParamValue(key="mak", value=3.0))


def values(parameters) -> dict[str, float]:
    return {p.key: p.value for p in parameters}


# -- roots -------------------------------------------------------------------------------------

def test_roots_are_the_lv2_defaults_with_the_users_lv2_folder(tmp_path):
    roots = CONTAINER.roots("linux", {}, tmp_path)
    assert roots[:3] == [tmp_path / ".lv2", Path("/usr/local/lib/lv2"), SYSTEM]
    darwin = CONTAINER.roots("darwin", {}, tmp_path)
    assert darwin[:2] == [tmp_path / "Library/Audio/Plug-Ins/LV2", tmp_path / ".lv2"]
    windows = CONTAINER.roots("win32", {"APPDATA": "C:\\Users\\me\\AppData\\Roaming"},
                              tmp_path)
    assert [str(r) for r in windows] == ["C:\\Users\\me\\AppData\\Roaming\\LV2"]


def test_lv2_path_replaces_the_defaults_as_lilv_does(tmp_path):
    env = {"LV2_PATH": f"{tmp_path}/a:~/presets:relative/skipped"}
    assert CONTAINER.roots("linux", env, tmp_path) == [tmp_path / "a", tmp_path / "presets"]


# -- wrap and unwrap ---------------------------------------------------------------------------

def test_wrap_writes_a_preset_lilv_reads_back():
    data = CONTAINER.wrap(ZAM, 'Soft "glue"\n', None, VALUES)
    text = data.decode()
    assert "a pset:Preset" in text
    assert "lv2:appliesTo <urn:zamaudio:ZamComp>" in text
    assert 'rdfs:label "Soft \\"glue\\"\\n"' in text
    assert '[ lv2:symbol "thr" ; pset:value -24.5 ]' in text
    assert CONTAINER.wrap(ZAM, 'Soft "glue"\n', None, VALUES) == data
    unwrapped = CONTAINER.unwrap(data)
    assert unwrapped.state is None
    assert values(unwrapped.parameters) == values(VALUES)


def test_wrap_keeps_port_values_and_drops_opaque_state(caplog):
    with caplog.at_level(logging.WARNING, logger="pluginary_lv2.presets"):
        data = CONTAINER.wrap(ZAM, "x", b"opaque", VALUES[:1])
    assert "opaque state (6 bytes) is not written" in caplog.text
    assert b"opaque" not in data
    assert values(CONTAINER.unwrap(data).parameters) == {"thr": -24.5}
    assert CONTAINER.wrap(ZAM, "x", b"", ()) == CONTAINER.wrap(ZAM, "x", None, ())
    assert CONTAINER.unwrap(CONTAINER.wrap(ZAM, "x", None, ())).parameters == ()


@pytest.mark.parametrize(("plugin", "parameter", "message"), [
    (PluginRecord(format="vst3", uid="x", name="x"), ParamValue(key="a", value=1.0),
     "lv2-preset holds LV2 presets, not vst3 ones"),
    (ZAM, ParamValue(key="thr", value=0.5, normalised=True), "not normalised ones"),
    (ZAM, ParamValue(key="2nd port", value=1.0), "'2nd port' is not an LV2 port symbol"),
    (ZAM, ParamValue(key="thr", value=math.nan), "nan is not a number a port can hold"),
])
def test_wrap_refuses_what_an_lv2_preset_cannot_hold(plugin, parameter, message):
    with pytest.raises(NotSupported, match=message):
        CONTAINER.wrap(plugin, "x", None, [parameter])


def test_values_of_a_wrapped_preset_set_the_real_plugin():
    """Unwrapped values go to ZamComp's control ports through the LV2 validation host."""
    unwrapped = CONTAINER.unwrap(CONTAINER.wrap(ZAM, "x", None, VALUES))
    plugin = Lv2Plugin(ZAM.uid, ZAMCOMP)
    try:
        instance = plugin.instantiate(48000, 256)
        try:
            for p in unwrapped.parameters:
                instance.set(p.key, p.value)
            assert {p.key: instance.get(p.key) for p in unwrapped.parameters} == \
                pytest.approx(values(VALUES))
        finally:
            instance.close()
    finally:
        plugin.close()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the data is empty"),
    (b"\x00\x01binary", "holds NUL bytes"),
    (b"garbage here\n", "line 1 column 13: bad verb"),
    (b"@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n<urn:a> lv2:b <urn:c> .\n",
     "one subject that is a pset:Preset, found 0"),
    (b"@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
     b"<urn:a> a pset:Preset .\n<urn:b> a pset:Preset .\n",
     "one subject that is a pset:Preset, found 2"),
    (b"@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n<urn:a> a pset:Preset .\n",
     "State urn:a missing lv2:appliesTo property"),
])
def test_unwrap_says_what_is_wrong(data, message):
    with pytest.raises(PresetFormatError, match=message):
        CONTAINER.unwrap(data)


def test_unwrap_of_a_truncated_preset_names_the_place(capfd):
    data = CONTAINER.wrap(ZAM, "x", None, VALUES)
    with pytest.raises(PresetFormatError, match="not a readable LV2 preset: "
                                                  "line 11 column 8: expected object"):
        CONTAINER.unwrap(data[:len(data) - 40])
    assert capfd.readouterr().err == ""  # serd's messages went into the error, not stderr


# -- a user's preset bundle (~/.lv2) -----------------------------------------------------------

@pytest.fixture
def user_bundle(tmp_path: Path) -> Path:
    """A preset saved by Pluginary in a home's ``.lv2`` folder: wrap, then its bundle."""
    data = CONTAINER.wrap(ZAM, "Vocal glue", None, VALUES)
    bundle = write_bundle(data, tmp_path / "home" / ".lv2")
    assert bundle == tmp_path / "home/.lv2/ZamComp_Vocal_glue.preset.lv2"
    assert sorted(p.name for p in bundle.iterdir()) == ["Vocal_glue.ttl", "manifest.ttl"]
    assert (bundle / "Vocal_glue.ttl").read_bytes() == data
    return bundle


def test_a_user_preset_bundle_is_found_and_read_back(user_bundle, tmp_path):
    home = tmp_path / "home"
    roots = [r for r in CONTAINER.roots("linux", {}, home) if r.exists()]
    assert user_bundle in list(CONTAINER.discover(roots))
    [result] = CONTAINER.read([user_bundle])
    assert result.error == ""
    [preset] = result.presets
    assert preset.identity.startswith("urn:pluginary:lv2-preset:urn%3Azamaudio%3AZamComp:")
    assert (preset.name, preset.plugin, preset.source) == (
        "Vocal glue", "lv2:urn:zamaudio:ZamComp", str(user_bundle))
    assert values(preset.parameters) == values(VALUES)
    # Only that bundle was loaded: ZamComp's port names are not known, so symbols name them.
    assert {p.key: p.name for p in preset.parameters} == {p.key: p.key for p in VALUES}
    assert values(CONTAINER.unwrap(preset.data).parameters) == values(VALUES)


def test_port_names_come_from_the_plugin_when_its_bundle_is_in_the_batch(user_bundle):
    user, zam = CONTAINER.read([user_bundle, ZAMCOMP])
    assert len(zam.presets) == 3
    assert {p.key: p.name for p in user.presets[0].parameters} == {
        "thr": "Threshold", "rat": "Ratio", "att": "Attack", "mak": "Makeup"}


def test_write_bundle_refuses_to_replace_one(user_bundle):
    with pytest.raises(FileExistsError):
        write_bundle(CONTAINER.wrap(ZAM, "Vocal glue", None, ()), user_bundle.parent)


def test_a_jalv_style_preset_file_alone_and_in_a_bundle(tmp_path):
    """lilv and jalv write a preset's subject as ``<>``: the file's own URI."""
    text = CONTAINER.wrap(ZAM, "Here", None, VALUES[:2]).decode()
    relative = text.replace(text[text.index("<urn:pluginary"):text.index("\n    a pset")], "<>")
    lone = tmp_path / "Here.ttl"
    lone.write_text(relative)
    [result] = CONTAINER.read([lone])
    assert [(p.identity, p.name) for p in result.presets] == [(lone.as_uri(), "Here")]
    bundle = write_bundle(relative.encode(), tmp_path / "lv2")
    [read] = CONTAINER.read([bundle])
    assert [p.identity for p in read.presets] == [(bundle / "Here.ttl").as_uri()]
    assert values(read.presets[0].parameters) == {"thr": -24.5, "rat": 2.5}


# -- Turtle lilv cannot read -------------------------------------------------------------------

def copy_ttl(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for ttl in source.glob("*.ttl"):
        shutil.copy(ttl, target / ttl.name)
    return target


def test_a_truncated_preset_file_is_an_error_naming_it(tmp_path, capfd):
    bundle = copy_ttl(ZAMCOMP, tmp_path / "ZamComp.lv2")
    presets = (bundle / "presets.ttl").read_bytes()
    (bundle / "presets.ttl").write_bytes(presets[:presets.index(b"pset:value 80")])
    broken, good = CONTAINER.read([bundle, SYSTEM / "ZamGate.lv2"])
    assert broken.presets == ()
    assert broken.error.startswith("presets.ttl: line 11 column "), broken.error
    assert good.error == "" and len(good.presets) == 1
    assert capfd.readouterr().err == ""


def test_a_broken_manifest_is_an_error_naming_it(tmp_path):
    bundle = copy_ttl(ZAMCOMP, tmp_path / "ZamComp.lv2")
    manifest = (bundle / "manifest.ttl").read_text()
    (bundle / "manifest.ttl").write_text(manifest.replace('rdfs:label "PoppySnare"',
                                                          'rdfs:label "PoppySnare'))
    [result] = CONTAINER.read([bundle])
    assert result.presets == ()
    assert result.error.startswith("manifest.ttl: line 25 column "), result.error
    assert "line end in short string" in result.error


def test_an_undeclared_prefix_is_an_error_naming_the_file(tmp_path):
    bundle = copy_ttl(ZAMCOMP, tmp_path / "ZamComp.lv2")
    presets = (bundle / "presets.ttl").read_text()
    (bundle / "presets.ttl").write_text(presets.replace("@prefix pset:", "@prefix pst:"))
    [result] = CONTAINER.read([bundle])
    assert result.error == ("presets.ttl: failed to expand CURIE `pset:value'; "
                            "line 7 column 22: expected `]', not `;'")


def test_what_is_not_lilvs_still_reaches_stderr(tmp_path, capfd):
    """While lilv reads, descriptor 2 is redirected; another writer's lines are given back."""
    from pluginary_lv2.stderr_tap import StderrTap

    with StderrTap() as tap:
        start = tap.mark()
        os.write(2, b"someone else's line\nerror: /x/manifest.ttl:1:2: bad verb\n")
        messages = tap.since(start)
    assert messages.errors == ["error: /x/manifest.ttl:1:2: bad verb"]
    assert capfd.readouterr().err == "someone else's line\n"
