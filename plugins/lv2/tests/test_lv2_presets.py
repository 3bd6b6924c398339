"""The ``lv2-preset`` container on this machine's real LV2 packages (Debian's calf, x42, zam,
mda, ZynAddSubFX... in /usr/lib/lv2; ``.ci/run`` installs them, a missing one fails here).

Expected values are the ones written in the packages' Turtle files (quoted beside each
check); the full count is checked against lilv's own listing of each plugin's presets.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.presets.container import PresetContainer
from pluginary.presets.model import Preset, SourceRead
from pluginary.registry import collect_preset_containers
from pluginary_lv2 import find_bundles
from pluginary_lv2.presets import Lv2PresetContainer
from pluginary_lv2.reader import World

SYSTEM = Path("/usr/lib/lv2")
CONTAINER = Lv2PresetContainer()
PRESET_CLASS = "http://lv2plug.in/ns/ext/presets#Preset"


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[SourceRead], float]:
    """Every bundle of the machine's default LV2 roots read in one batch, and how long that
    took (an empty home: the machine's packages only)."""
    home = tmp_path_factory.mktemp("home")
    roots = [r for r in CONTAINER.roots("linux", {}, home) if r.exists()]
    bundles = list(CONTAINER.discover(roots))
    assert SYSTEM / "ZamComp.lv2" in bundles, "zam-plugins is not installed"
    started = time.perf_counter()
    reads = list(CONTAINER.read(bundles))
    return reads, time.perf_counter() - started


def presets_of(reads: list[SourceRead]) -> dict[str, Preset]:
    return {p.identity: p for r in reads for p in r.presets}


def read_one(bundle: str) -> SourceRead:
    [result] = CONTAINER.read([SYSTEM / bundle])
    assert not result.error, result.error
    return result


def lilv_listing() -> set[str]:
    """What lilv itself lists: every plugin's related ``pset:Preset``s, in a world holding
    lilv's whole default path (as ``lv2info`` does)."""
    world = World(everything=True)
    try:
        found: set[str] = set()
        for plugin in world.plugins():
            related = world.lib.lilv_plugin_get_related(plugin, world.uri(PRESET_CLASS))
            found.update(world.text(n) for n in world.nodes(related))
            world.lib.lilv_nodes_free(related)
        return found
    finally:
        world.close()


def test_registered_by_the_lv2_extension():
    entry = collect_preset_containers(make_plugin_manager(), strict=False)["lv2-preset"]
    assert entry.extension == "lv2"
    assert isinstance(entry.item, PresetContainer)
    assert (entry.item.plugin_format, entry.item.suffix) == ("lv2", ".ttl")
    zam = PluginRecord(format="lv2", uid="urn:zamaudio:ZamComp", name="ZamComp")
    assert entry.item.rewrap(entry.item.wrap(zam, "x", None, ()), "vstpreset", zam) is None


def test_every_preset_of_the_machine_is_read(machine, record_property):
    reads, seconds = machine
    found = presets_of(reads)
    record_property("lv2_presets", len(found))
    record_property("lv2_read_seconds", round(seconds, 2))
    print(f"\n{len(found)} LV2 presets from {len(reads)} bundles in {seconds:.2f} s")
    assert [r.error for r in reads if r.error] == []
    assert set(found) == lilv_listing()
    assert len(found) > 1400  # Debian's packages declare about 1500
    # One SourceRead per bundle, in the order given, and each preset once.
    assert sum(len(r.presets) for r in reads) == len(found)
    by_bundle = {Path(r.path).name: len(r.presets) for r in reads}
    assert by_bundle["ZynAddSubFX.lv2presets"] == 1149  # grep -c "a pset:Preset" manifest.ttl
    assert by_bundle["core.lv2"] == 0  # a specification: no presets, no error


def test_calf_filter_disco(machine):
    # calf.lv2/presets-Filter.ttl: rdfs:label "Disco"; lv2:appliesTo <.../plugins/Filter>;
    # [ lv2:symbol "freq" ; lv2p:value 193.821 ], res 1.37956, mode 0.0, inertia 74.0
    preset = presets_of(machine[0])["http://calf.sourceforge.net/factory_presets#filter_Disco"]
    assert (preset.name, preset.plugin, preset.container) == (
        "Disco", "lv2:http://calf.sourceforge.net/plugins/Filter", "lv2-preset")
    assert preset.source == str(SYSTEM / "calf.lv2")
    values = {p.key: (p.name, p.value) for p in preset.parameters}
    # Port names come from the plugin's own data (its bundle is in the batch).
    assert values == {"freq": ("Frequency", 193.821), "res": ("Resonance", 1.37956),
                      "mode": ("Mode", 0.0), "inertia": ("Inertia", 74.0)}


def test_zamcomp_poppy_snare():
    # ZamComp.lv2/manifest.ttl: <urn:zamaudio:ZamComp#preset002> rdfs:label "PoppySnare";
    # presets.ttl: att 10, rel 10, kn 1, rat 5, thr -18, mak 6, slew 20
    result = read_one("ZamComp.lv2")
    presets = {p.identity: p for p in result.presets}
    assert sorted(presets) == [f"urn:zamaudio:ZamComp#preset00{i}" for i in (1, 2, 3)]
    snare = presets["urn:zamaudio:ZamComp#preset002"]
    assert (snare.name, snare.plugin) == ("PoppySnare", "lv2:urn:zamaudio:ZamComp")
    values = {p.key: p.value for p in snare.parameters}
    assert {k: values[k] for k in ("att", "rel", "kn", "rat", "thr", "mak", "slew")} == {
        "att": 10, "rel": 10, "kn": 1, "rat": 5, "thr": -18, "mak": 6, "slew": 20}
    assert {p.key: p.name for p in snare.parameters}["thr"] == "Threshold"


def test_mda_jx10_preset_from_a_see_also_file():
    # mda.lv2/JX10-presets.ttl: <.../presets#JX10-5th-sweep-pad> rdfs:label "5th Sweep Pad";
    # lv2:appliesTo <http://drobilla.net/plugins/mda/JX10>; osc_tune 0.37, gld_rate 0.32
    result = read_one("mda.lv2")
    assert len(result.presets) == 115  # grep -c "a pset:Preset" mda.lv2/manifest.ttl
    pad = {p.identity: p for p in result.presets}[
        "http://drobilla.net/plugins/mda/presets#JX10-5th-sweep-pad"]
    assert (pad.name, pad.plugin) == ("5th Sweep Pad", "lv2:http://drobilla.net/plugins/mda/JX10")
    values = {p.key: p.value for p in pad.parameters}
    assert (values["osc_tune"], values["gld_rate"], values["vcf_freq"]) == (0.37, 0.32, 0.9)


def test_x42_fat1_live_and_its_comment_free_label():
    # fat1.lv2/presets.ttl: a pset:Preset ; lv2:appliesTo <http://gareus.org/oss/lv2/fat1> ;
    # rdfs:label "Live" ; [ lv2:symbol "bias" ; pset:value 0.5 ]
    result = read_one("fat1.lv2")
    live = [p for p in result.presets if p.plugin == "lv2:http://gareus.org/oss/lv2/fat1"
            and p.name == "Live"]
    assert len(live) == 1
    assert {p.key: p.value for p in live[0].parameters}["bias"] == 0.5


def test_zynaddsubfx_presets_in_a_bundle_of_their_own():
    """ZynAddSubFX.lv2presets holds no plugin: its presets are read with only that bundle
    loaded, with their bank and their opaque state (the instrument's XML)."""
    result = read_one("ZynAddSubFX.lv2presets")
    assert len(result.presets) == 1149
    arp = {p.identity: p for p in result.presets}[
        "http://zynaddsubfx.sourceforge.net#preset_Arpeggios_0001-Arpeggio1"]
    # manifest.ttl: rdfs:label "Arpeggios: 0001-Arpeggio1.xiz" ; pset:bank <...#bank_Arpeggios>
    # whose rdfs:label is "Arpeggios"; Arpeggios.ttl: state:state [ <urn:distrho:state> """...
    assert (arp.name, arp.plugin, arp.bank, arp.tags) == (
        "Arpeggios: 0001-Arpeggio1.xiz", "lv2:http://zynaddsubfx.sourceforge.net",
        "Arpeggios", ("Arpeggios",))
    assert arp.parameters is None  # no port values, only state
    assert b"<urn:distrho:state>" in arp.data
    assert b'<string name="name">Arpeggio1</string>' in arp.data
    assert len({p.bank for p in result.presets}) == 31  # 31 pset:Bank in its manifest.ttl


def test_state_with_a_file_path(machine):
    # zeroconvo.lv2/presets.ttl: the "No-OP Mono" preset's state names its impulse response.
    preset = presets_of(machine[0])["http://gareus.org/oss/lv2/zeroconvolv/pset#noopMono"]
    assert preset.name == "No-OP Mono"
    assert b"<file:///usr/lib/lv2/zeroconvo.lv2/ir/delta-48k.wav>" in preset.data


def test_reading_twice_gives_the_same_bytes(machine):
    first = presets_of(machine[0])
    again = presets_of(list(CONTAINER.read([SYSTEM / "calf.lv2", SYSTEM / "mda.lv2",
                                            SYSTEM / "ZynAddSubFX.lv2presets",
                                            SYSTEM / "zeroconvo.lv2"])))
    assert len(again) == 77 + 115 + 1149 + 3
    assert {k: p.data for k, p in again.items()} == {k: first[k].data for k in again}
    assert {k: p for k, p in again.items()} == {k: first[k] for k in again}


def test_each_bundle_read_alone_gives_what_the_batch_gave(machine):
    """The incremental property: a bundle read on its own gives exactly its presets, the same
    bytes as in the whole batch, and nothing of any other bundle."""
    reads = machine[0]
    with_presets = [r for r in reads if r.presets]
    assert len(with_presets) > 30
    for batch_read in with_presets:
        [alone] = CONTAINER.read([Path(batch_read.path)])
        assert {p.identity: p.data for p in alone.presets} == \
            {p.identity: p.data for p in batch_read.presets}, batch_read.path
        assert {p.source for p in alone.presets} == {batch_read.path}


def test_a_bundle_read_alone_does_not_load_the_others():
    """ZamComp.lv2's presets, read without calf.lv2 in the batch, bring no calf preset; and the
    user bundle of test_lv2_presets_write names ports by symbol when ZamComp.lv2 is absent,
    which shows that bundle was not loaded (see there)."""
    [zam] = CONTAINER.read([SYSTEM / "ZamComp.lv2"])
    assert {p.plugin for p in zam.presets} == {"lv2:urn:zamaudio:ZamComp"}
    [calf, zam_again] = CONTAINER.read([SYSTEM / "calf.lv2", SYSTEM / "ZamComp.lv2"])
    assert len(calf.presets) == 77
    assert [p.identity for p in zam_again.presets] == [p.identity for p in zam.presets]


def test_every_preset_loads_back_alone_with_the_same_values(machine):
    """``data`` is a standalone preset: lilv reads it alone (unwrap) to the same values."""
    for preset in presets_of(machine[0]).values():
        unwrapped = CONTAINER.unwrap(preset.data)
        assert {p.key: p.value for p in unwrapped.parameters} == \
            {p.key: p.value for p in preset.parameters or ()}, preset.identity


def test_bundles_without_presets_and_missing_ones():
    reads = list(CONTAINER.read([SYSTEM / "core.lv2", SYSTEM / "amp-swh.lv2",
                                 SYSTEM / "no-such.lv2"]))
    assert [(Path(r.path).name, r.presets) for r in reads[:2]] == [
        ("core.lv2", ()), ("amp-swh.lv2", ())]
    assert [r.error for r in reads[:2]] == ["", ""]
    assert reads[2].error == f"{SYSTEM / 'no-such.lv2'}: not an LV2 bundle (it has no " \
        "manifest.ttl)"


def test_discover_finds_the_bundles_the_scan_finds(tmp_path):
    assert list(CONTAINER.discover([SYSTEM])) == list(find_bundles([SYSTEM]))
    assert list(CONTAINER.discover([tmp_path / "missing"])) == []
