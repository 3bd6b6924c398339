"""The LV2 validation glue (levels 1-3) on Debian's real LV2 plugins, checked against lv2info.

zam-plugins, mda-lv2 and drumkv1-lv2 are installed by ``.ci/run``; a missing one fails here.
"""

from __future__ import annotations

import ctypes
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.validation.audio import level3
from pluginary.validation.host import NotSupported
from pluginary.validation.signals import noise, silence
from pluginary_lv2.features import UridTable
from pluginary_lv2.host import Lv2Plugin
from pluginary_lv2.reader import read_bundle

SYSTEM = Path("/usr/lib/lv2")
ZAM = sorted(SYSTEM.glob("Zam*.lv2")) + sorted(SYSTEM.glob("ZaM*.lv2"))
WORKER = "http://lv2plug.in/ns/ext/worker#schedule"
JX10 = "http://drobilla.net/plugins/mda/JX10"


def record_of(bundle: Path, uri: str | None = None) -> PluginRecord:
    """The record a scan stores for a plugin of ``bundle`` (the first, or the one at ``uri``)."""
    result = read_bundle(bundle)
    assert result.records, f"{bundle}: {result.cause}"
    if uri is None:
        return result.records[0]
    (record,) = [r for r in result.records if r.uid == uri]
    return record


def open_plugin(record: PluginRecord) -> Lv2Plugin:
    """The glue the validation worker gets, through the installed extension's hook."""
    plugin = make_plugin_manager().hook.open_for_validation(record=record)
    assert isinstance(plugin, Lv2Plugin)
    return plugin


def lv2info_ports(uri: str) -> list[dict[str, str]]:
    """lv2info's ports of one plugin: each port's fields (Type and Properties joined)."""
    assert shutil.which("lv2info"), "lv2info is missing: apt-get install lilv-utils"
    text = subprocess.run(["lv2info", uri], check=True, capture_output=True, text=True).stdout
    ports: list[dict[str, str]] = []
    field = ""
    for line in text.splitlines():
        if re.match(r"^\tPort \d+:$", line):
            ports.append({})
            continue
        match = re.match(r"^\t\t(?:(\w[\w ]*):\s+)?(.*)$", line)
        if ports and match:
            field = match.group(1) or field  # a continuation line adds to the field above
            ports[-1][field] = (ports[-1].get(field, "") + " " + match.group(2)).strip()
    return ports


def test_debians_zam_lv2_plugins_are_there():
    assert len(ZAM) == 17, ZAM  # zam-plugins, installed by .ci/run


@pytest.mark.parametrize("bundle", ZAM, ids=lambda p: p.name)
def test_every_zam_plugin_passes_level_3(bundle):
    """Silence, an impulse and noise at 44.1, 48 and 96 kHz in blocks of 32, 512 and 4096."""
    plugin = open_plugin(record_of(bundle))
    try:
        instance = plugin.instantiate(48000, 512)
        assert instance.outputs >= 1
        instance.close()
        assert level3(plugin) == [], plugin.key
    finally:
        plugin.close()


def test_a_synth_with_an_atom_midi_input_passes_level_3():
    """mda JX10 reads MIDI from an atom port: it gets an empty sequence on every run."""
    plugin = open_plugin(record_of(SYSTEM / "mda.lv2", JX10))
    try:
        assert any(p.kind == "atom" and p.is_input for p in plugin.ports)
        assert level3(plugin) == []
    finally:
        plugin.close()


def test_describe_gives_name_author_uri_and_class():
    plugin = open_plugin(record_of(SYSTEM / "ZamComp.lv2"))
    try:
        info = plugin.describe()
    finally:
        plugin.close()
    assert info["name"] == "ZamComp"
    assert info["author"] == "Damien Zammit"
    assert info["uri"] == "urn:zamaudio:ZamComp"
    assert info["class"] == "Compressor Plugin"
    assert info["library"] == "/usr/lib/lv2/ZamComp.lv2/ZamComp_dsp.so"


@pytest.mark.parametrize("bundle", ["ZamComp.lv2", "ZamDelay.lv2", "ZaMaximX2.lv2",
                                    "ZamGEQ31.lv2"])
def test_parameters_match_lv2info(bundle):
    """Every control port is a parameter keyed by its symbol, with lv2info's range; integer,
    toggled and enumeration ports are stepped; control outputs are read-only."""
    record = record_of(SYSTEM / bundle)
    plugin = open_plugin(record)
    try:
        instance = plugin.instantiate(48000, 512)
        params = {p.key: p for p in instance.parameters()}
        instance.close()
    finally:
        plugin.close()
    controls = [p for p in lv2info_ports(record.uid) if "ControlPort" in p["Type"]]
    assert controls and len(params) == len(controls)
    stepped_kinds = ("#integer", "#toggled", "#enumeration")
    for port in controls:
        param = params[port["Symbol"]]
        assert param.name == port["Name"]
        assert param.read_only == ("OutputPort" in port["Type"])
        assert param.stepped == any(k in port.get("Properties", "") for k in stepped_kinds)
        for field, value in (("Minimum", param.minimum), ("Maximum", param.maximum),
                             ("Default", param.default)):
            if field in port:
                assert math.isclose(value, float(port[field]), rel_tol=1e-6, abs_tol=1e-6), (
                    port["Symbol"], field)


def test_set_and_get_round_trip_and_take_effect_before_the_next_run():
    """ZamComp's makeup gain (``mak``, dB) is host memory the plugin reads in run()."""
    plugin = open_plugin(record_of(SYSTEM / "ZamComp.lv2"))
    try:
        instance = plugin.instantiate(48000, 512)
        signal = noise(512)
        quiet = silence(512)

        def peak() -> float:
            for _ in range(8):  # past the gain's smoothing
                (out,) = instance.run([signal, quiet], 512)
            return max(abs(x) for x in out)

        before = peak()
        instance.set("mak", 30.0)
        assert instance.get("mak") == 30.0
        assert peak() > 10 * before  # +30 dB
        with pytest.raises(KeyError, match="output port"):
            instance.set("gr", 1.0)  # the gain reduction meter: the plugin writes it
        assert instance.convert("mak", 3.0) is None
        with pytest.raises(NotSupported):
            instance.save()
        instance.close()
    finally:
        plugin.close()


def test_latency_is_read_from_the_port_that_reports_it():
    """ZaMaximX2 reports its lookahead on port 4 (lv2info: "Has latency: yes")."""
    plugin = open_plugin(record_of(SYSTEM / "ZaMaximX2.lv2"))
    try:
        instance = plugin.instantiate(48000, 512)
        instance.run([silence(512)] * instance.inputs, 512)
        latency = instance.latency()
        reported = instance.get(plugin.ports[4].symbol)
        instance.close()
    finally:
        plugin.close()
    assert plugin.ports[4].reports_latency
    assert latency == round(reported) > 0


def test_a_shorter_run_is_padded_to_the_fixed_block():
    plugin = open_plugin(record_of(SYSTEM / "ZamComp.lv2"))
    try:
        instance = plugin.instantiate(48000, 512)
        (out,) = instance.run([noise(100), silence(100)], 100)
        assert len(out) == 100
        with pytest.raises(ValueError):
            instance.run([noise(1024), silence(1024)], 1024)
        instance.close()
    finally:
        plugin.close()


def test_a_plugin_requiring_worker_schedule_is_not_supported():
    """drumkv1 loads its samples through the worker extension, which this host lacks."""
    record = record_of(SYSTEM / "drumkv1.lv2")
    assert WORKER in record.extra["required_features"].split()
    with pytest.raises(NotSupported, match=re.escape(f"requires feature {WORKER}")):
        open_plugin(record)


def test_other_formats_and_unknown_uris():
    record = record_of(SYSTEM / "ZamComp.lv2")
    hook = make_plugin_manager().hook.open_for_validation
    assert hook(record=PluginRecord(format="ladspa-nope", uid="1", name="x")) is None
    with pytest.raises(LookupError, match="no LV2 plugin urn:example:none"):
        Lv2Plugin("urn:example:none", Path(record.bundle_path))


def test_urid_map_and_unmap_through_their_c_callbacks():
    """What a plugin calls: the same URI maps to the same URID, unmap gives it back."""
    table = UridTable()
    c_map, c_unmap = table.map_struct, table.unmap_struct
    first = c_map.map(None, b"http://lv2plug.in/ns/ext/atom#Float")
    assert first > 0
    assert c_map.map(None, b"http://lv2plug.in/ns/ext/atom#Float") == first
    assert c_map.map(None, b"urn:other") == first + 1
    assert table.map("urn:other") == first + 1
    assert ctypes.string_at(c_unmap.unmap(None, first)) == b"http://lv2plug.in/ns/ext/atom#Float"
    assert c_unmap.unmap(None, 999) is None


def test_a_binary_that_cannot_load_or_lacks_the_plugin_is_a_clear_error():
    """Two real packaging faults of this Debian release (lv2bench fails on both too): swh-lv2's
    mbeq binary is not linked to FFTW, and rubberband-lv2's Turtle declares R3 plugins its
    binary does not have. If Debian fixes them, pick other examples from the measurement."""
    with pytest.raises(RuntimeError, match=r"cannot load .*undefined symbol: fftwf_execute"):
        open_plugin(record_of(SYSTEM / "mbeq-swh.lv2"))
    r3 = "http://breakfastquay.com/rdf/lv2-rubberband#r3mono"
    plugin = open_plugin(record_of(SYSTEM / "rubberband.lv2", r3))
    try:
        with pytest.raises(RuntimeError, match=re.escape(f"has no plugin {r3} (its Turtle")):
            plugin.instantiate(48000, 512)
    finally:
        plugin.close()
