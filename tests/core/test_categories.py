"""The category tree: mapping each format's raw categories, guesses, queries, extension maps.

Raw categories below are shaped as this machine's real catalogue holds them (Debian's LV2,
LADSPA, CLAP and zam VST3 packages): VST3 subcategories split on ``|``, LV2 class labels nearest
first, CLAP features, nothing at all for LADSPA.
"""

from __future__ import annotations

import logging

import pytest

from pluginary import hookimpl
from pluginary.categories import ARROW, CategoryMap, CategoryMapError, Derived, category_map
from pluginary.errors import ExtensionError, UsageError
from pluginary.manager import make_plugin_manager
from pluginary.registry import collect_category_maps

TREE = CategoryMap.builtin()


def derive(fmt, name="Plugin", categories=(), role="effect", ins=2, outs=2, extra=None,
           tree=TREE):
    return tree.derive(format=fmt, name=name, categories=categories, role=role,
                       audio_inputs=ins, audio_outputs=outs, extra=extra)


# -- the tree ------------------------------------------------------------------------------------


def test_the_tree_has_the_documented_nodes_parents_first():
    nodes = TREE.nodes()
    assert 30 <= len(nodes) <= 45
    for path in ("Instrument/Synth", "Instrument/Sampler", "Instrument/Drums", "Instrument/Keys",
                 "Instrument/Generator", "Effect/Dynamics/Compressor", "Effect/Dynamics/Limiter",
                 "Effect/Dynamics/Gate", "Effect/Dynamics/Expander", "Effect/Reverb",
                 "Effect/Delay", "Effect/EQ", "Effect/Filter", "Effect/Distortion", "Effect/Amp",
                 "Effect/Modulation/Chorus", "Effect/Modulation/Flanger",
                 "Effect/Modulation/Phaser", "Effect/Pitch", "Effect/Spatial", "Analyzer",
                 "MIDI", "Utility/Gain"):
        assert path in nodes
    for i, path in enumerate(nodes):
        if "/" in path:
            assert path.rsplit("/", 1)[0] in nodes[:i]
    assert nodes.index("Effect/Dynamics/Compressor") < nodes.index("Effect/Reverb")


def test_labels_are_for_people():
    assert TREE.label("Effect/Dynamics/Compressor") == f"Effect {ARROW} Dynamics {ARROW} Compressor"
    assert ARROW == "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
    assert TREE.label("") == "Uncategorised"


# -- VST3 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("categories", "path"), [
    (("Fx", "Dynamics", "Mono"), "Effect/Dynamics"),
    (("Fx", "Reverb", "Stereo"), "Effect/Reverb"),
    (("Fx|Reverb|Stereo",), "Effect/Reverb"),  # not split yet
    (("Fx", "EQ", "Mono"), "Effect/EQ"),
    (("Fx", "Tools", "Mono"), "Utility"),
    (("Fx", "Analyzer"), "Analyzer"),  # Fx is only a fallback
    (("Fx", "Mono"), "Effect"),
    (("Instrument", "Synth"), "Instrument/Synth"),
    (("Instrument", "Drum"), "Instrument/Drums"),
    (("Fx", "Pitch Shift"), "Effect/Pitch"),
])
def test_vst3_subcategories(categories, path):
    assert derive("vst3", "Thing", categories) == Derived(path, False)


def test_a_declared_node_is_refined_by_the_name_only_below_it():
    assert derive("vst3", "ZamGate", ("Fx", "Dynamics", "Mono")) == Derived(
        "Effect/Dynamics/Gate", True)
    assert derive("vst3", "ZaMultiCompX2", ("Fx", "Dynamics", "Stereo")) == Derived(
        "Effect/Dynamics/Compressor", True)
    # "Delay" in the name is not below Utility: the declared node stays, not guessed
    assert derive("lv2", "Mega Delay Line", ("Utility Plugin",)) == Derived("Utility", False)


# -- LV2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("categories", "path"), [
    (("Compressor Plugin", "Dynamics Plugin"), "Effect/Dynamics/Compressor"),
    (("Reverb Plugin", "Delay Plugin"), "Effect/Reverb"),
    (("Instrument Plugin", "Generator Plugin"), "Instrument"),  # its own class, not the parent
    (("Oscillator Plugin", "Generator Plugin"), "Instrument/Generator"),
    (("Analyser Plugin", "Utility Plugin"), "Analyzer"),
    (("Parametric EQ Plugin", "Equaliser Plugin", "Filter Plugin"), "Effect/EQ"),
    (("Comb FilterPlugin", "Filter Plugin"), "Effect/Filter"),  # lv2core's label, as it is
    (("Pitch Shifter Plugin", "Spectral Plugin"), "Effect/Pitch"),
    (("Phaser Plugin", "Modulator Plugin"), "Effect/Modulation/Phaser"),
    (("Converter Plugin", "Utility Plugin"), "Utility/Converter"),
    (("MIDI Plugin",), "MIDI"),
    (("lv2:ReverbPlugin",), "Effect/Reverb"),
    (("http://lv2plug.in/ns/lv2core#CompressorPlugin",
      "http://lv2plug.in/ns/lv2core#DynamicsPlugin"), "Effect/Dynamics/Compressor"),
    (("LV2:GatePlugin",), "Effect/Dynamics/Gate"),
])
def test_lv2_classes_and_their_parents(categories, path):
    assert derive("lv2", "Thing", categories) == Derived(path, False)


def test_every_class_of_lv2core_is_mapped():
    classes = ("Generator Instrument Oscillator Utility Converter Analyser Mixer Simulator Delay "
               "Modulator Reverb Phaser Flanger Chorus Filter Lowpass Bandpass Highpass Comb "
               "Allpass EQ ParaEQ MultiEQ Spatial Spectral Pitch Amplifier Envelope Distortion "
               "Waveshaper Dynamics Compressor Expander Limiter Gate Function Constant MIDI")
    for cls in classes.split():
        assert derive("lv2", "Thing", (f"lv2:{cls}Plugin",)).path, cls


def test_role_when_nothing_is_declared():
    assert derive("lv2", "Thing", (), role="midi-effect", ins=0, outs=0) == Derived("MIDI")
    assert derive("lv2", "MDA Piano", (), role="instrument", ins=0) == Derived(
        "Instrument/Keys", True)
    assert derive("lv2", "Cycle Shifter", (), role="effect", ins=1, outs=1) == Derived("")
    assert derive("lv2", "LV2 Convolution Stereo", (), ins=2, outs=2) == Derived(
        "Effect/Reverb", True)


# -- CLAP and AU -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "features", "derived"), [
    ("ZamComp", ("audio-effect", "compressor", "mono"), Derived("Effect/Dynamics/Compressor")),
    ("ZaMaximX2", ("audio-effect", "limiter", "stereo"), Derived("Effect/Dynamics/Limiter")),
    ("ZamGrains", ("audio-effect", "delay", "granular", "mono"), Derived("Effect/Delay")),
    ("ZamPhono", ("audio-effect", "utility", "mono"), Derived("Utility")),
    ("Thing", ("audio-effect", "stereo"), Derived("Effect")),
    ("ZamAutoSat", ("audio-effect", "mono"), Derived("Effect/Distortion", True)),
    ("Surge", ("instrument", "synthesizer", "stereo"), Derived("Instrument/Synth")),
    ("Arp", ("note-effect",), Derived("MIDI")),
])
def test_clap_features(name, features, derived):
    assert derive("clap", name, features) == derived


def test_au_type_codes_and_tags():
    assert derive("au", "Thing", (), extra={"type": "aumu"}, role="instrument") == Derived(
        "Instrument")
    assert derive("au", "Thing", ("Reverb",), extra={"type": "aufx"}) == Derived("Effect/Reverb")
    assert derive("au", "Thing", (), extra={"type": "aufx"}) == Derived("Effect")
    assert derive("au", "Thing", ("aumi",), role="midi-effect") == Derived("MIDI")


def test_a_raw_category_that_is_a_tree_path_is_taken_as_it_is():
    assert derive("vst3", "Thing", (f"Effect {ARROW} Reverb",)) == Derived("Effect/Reverb")
    assert derive("somefmt", "Thing", ("effect/modulation/chorus",)) == Derived(
        "Effect/Modulation/Chorus")


# -- LADSPA: guessed from the name and the ports ------------------------------------------------


@pytest.mark.parametrize(("name", "ins", "outs", "path"), [
    ("TAP Reverberator", 2, 2, "Effect/Reverb"),
    ("GVerb", 1, 2, "Effect/Reverb"),
    ("GLAME Butterworth Lowpass", 1, 1, "Effect/Filter"),
    ("Simple Low Pass Filter", 1, 1, "Effect/Filter"),
    ("C* Compress - Compressor and saturating limiter", 1, 1, "Effect/Dynamics/Compressor"),
    ("ZaMultiCompX2", 2, 2, "Effect/Dynamics/Compressor"),
    ("C* Noisegate - Attenuating hum and noise", 1, 1, "Effect/Dynamics/Gate"),
    ("Comb delay line, linear interpolation", 1, 1, "Effect/Delay"),
    ("TAP DeEsser", 1, 1, "Effect/Dynamics"),
    ("C* Eq10X2 - Stereo 10-band equaliser", 2, 2, "Effect/EQ"),
    ("Sine Oscillator (Freq:audio, Amp:audio)", 2, 1, "Instrument/Generator"),
    ("Mono Amplifier", 1, 1, "Utility/Gain"),
    ("C* AmpVTS - Idealised guitar amplification", 1, 1, "Effect/Amp"),
    ("Valve saturation", 1, 1, "Effect/Distortion"),
    ("C* Fractal - Audio stream from deterministic chaos", 0, 1, "Instrument/Generator"),
    ("Envelope Tracker (RMS)", 1, 0, "Analyzer"),
])
def test_ladspa_is_guessed_from_name_and_ports(name, ins, outs, path):
    assert derive("ladspa", name, (), role="effect", ins=ins, outs=outs) == Derived(path, True)


def test_a_ladspa_name_without_a_keyword_is_uncategorised():
    assert derive("ladspa", "SC4", (), ins=2, outs=2) == Derived("", False)


# -- category: queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "paths"), [
    ("dynamics", ("Effect/Dynamics",)),
    ("Compressor", ("Effect/Dynamics/Compressor",)),
    ("Effect/Reverb", ("Effect/Reverb",)),
    (f"effect {ARROW} reverb", ("Effect/Reverb",)),
    ("Effect > Reverb", ("Effect/Reverb",)),
    ("EFFECT", ("Effect",)),
    ("uncategorised", ("",)),
    ("Uncategorized", ("",)),
])
def test_resolve(value, paths):
    assert TREE.resolve(value) == paths


def test_resolve_an_unknown_category_suggests_the_nearest():
    with pytest.raises(UsageError, match="unknown category 'compresor'") as info:
        TREE.resolve("compresor")
    assert info.value.hint == "did you mean 'Compressor'?"
    with pytest.raises(UsageError) as info:
        TREE.resolve("xyzzy")
    assert info.value.hint == "see pluginary categories"


# -- malformed maps ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("[tree\n", "acme: not valid TOML"),
    ("colour = 1\n", "acme: .*colour"),
    ('[format.vst3.map]\n"Effect" = "Fx"\n', "acme: Expected `array`"),
    ('[format.vst3]\norder = "random"\n', "acme: .*order"),
    ('[tree]\n"Effect/ Reverb/Plate" = ""\n', "acme: node 'Effect/ Reverb/Plate' is not a path"),
    ('[keywords]\n"Effect/Reverb" = ["de-verb"]\n', "acme: keyword 'de-verb'"),
])
def test_a_malformed_map_names_its_source(text, message):
    with pytest.raises(CategoryMapError, match=message):
        CategoryMap.from_toml(text, source="acme")


@pytest.mark.parametrize(("text", "message"), [
    ('[tree]\n"Effect/Shimmer/Deep" = ""\n',
     "node 'Effect/Shimmer/Deep' is under 'Effect/Shimmer'"),
    ('[format.vst3.map]\n"Effect/Shimmer" = ["Shimmer"]\n',
     "format.vst3 maps to 'Effect/Shimmer'"),
    ('[keywords]\n"Effect/Shimmer" = ["shimmer"]\n', "keywords map to 'Effect/Shimmer'"),
])
def test_a_map_naming_a_missing_node_fails_on_merging(text, message):
    part = CategoryMap.from_toml(text, source="acme")
    with pytest.raises(CategoryMapError, match=f"acme: {message}, which is not a node"):
        TREE.merged(part)


# -- extension maps through the hook -------------------------------------------------------------

SHIMMER = """
[tree]
"Effect/Reverb/Shimmer" = "Reverbs with pitch-shifted feedback"

[format.vst3.map]
"Effect/Reverb/Shimmer" = ["Shimmer"]
"Effect/Dynamics/Compressor" = ["Dynamics"]   # this vendor's Dynamics are all compressors

[keywords]
"Effect/Reverb/Shimmer" = ["shimmer*"]
"""


class Vendor:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source

    @hookimpl
    def register_category_maps(self, register):
        register(CategoryMap.from_toml(self.text, source=self.source))


def test_an_extension_adds_nodes_and_mappings_through_the_hook():
    pm = make_plugin_manager()
    pm.register(Vendor(SHIMMER, "acme categories"), name="acme")
    assert "acme categories" in collect_category_maps(pm)
    tree = category_map(pm)
    nodes = tree.nodes()
    assert nodes.index("Effect/Reverb/Shimmer") == nodes.index("Effect/Reverb") + 1
    assert set(TREE.nodes()) < set(nodes)  # nothing removed
    assert derive("vst3", "Thing", ("Fx", "Shimmer"), tree=tree) == Derived(
        "Effect/Reverb/Shimmer")
    assert derive("vst3", "Thing", ("Fx", "Dynamics"), tree=tree) == Derived(
        "Effect/Dynamics/Compressor")
    assert derive("ladspa", "Shimmering Hall", tree=tree) == Derived("Effect/Reverb/Shimmer", True)
    assert tree.resolve("shimmer") == ("Effect/Reverb/Shimmer",)
    assert tree.resolve("reverb") == ("Effect/Reverb",)
    assert derive("vst3", "Thing", ("Fx", "Dynamics")) == Derived("Effect/Dynamics")  # built-in


def test_the_last_registered_extension_map_is_consulted_first():
    pm = make_plugin_manager()
    pm.register(Vendor('[format.vst3.map]\n"Effect/Delay" = ["Echo"]\n', "first"), name="one")
    pm.register(Vendor('[format.vst3.map]\n"Effect/Reverb" = ["Echo"]\n', "second"), name="two")
    assert derive("vst3", "X", ("Fx", "Echo"), tree=category_map(pm)).path == "Effect/Reverb"


def test_a_broken_extension_map_is_that_extensions_fault(caplog):
    pm = make_plugin_manager(strict=False)
    pm.register(Vendor('[format.vst3.map]\n"Effect/Nope" = ["Fx"]\n', "nope map"), name="nope")
    pm.register(Vendor(SHIMMER, "acme categories"), name="acme")
    with caplog.at_level(logging.WARNING):
        maps = collect_category_maps(pm, strict=False)
    assert list(maps) == ["acme categories"]
    warning = next(r.getMessage() for r in caplog.records if "nope" in r.getMessage())
    assert "extension 'nope' failed in register_category_maps" in warning
    assert "nope map: format.vst3 maps to 'Effect/Nope'" in warning
    with pytest.raises(ExtensionError, match=r"extension 'nope'.*Effect/Nope"):
        collect_category_maps(pm, strict=True)


def test_register_takes_a_category_map_only():
    class Careless:
        @hookimpl
        def register_category_maps(self, register):
            register({"tree": {}})

    pm = make_plugin_manager()
    pm.register(Careless(), name="careless")
    with pytest.raises(ExtensionError, match=r"extension 'careless'.*CategoryMap, not dict"):
        collect_category_maps(pm, strict=True)


def test_two_extensions_claiming_one_map_name_are_both_named():
    pm = make_plugin_manager()
    pm.register(Vendor(SHIMMER, "shared"), name="one")
    pm.register(Vendor(SHIMMER, "shared"), name="two")
    with pytest.raises(ExtensionError) as info:
        collect_category_maps(pm)
    assert "'one'" in str(info.value) and "'two'" in str(info.value)
