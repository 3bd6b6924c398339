"""Linking records into products: normalisation, the id and name rules, keys that stay put."""

from __future__ import annotations

import random

import msgspec
import pytest

from pluginary.models import PluginRecord, Product
from pluginary.products import (
    clean_vendor,
    dpf_unique_id,
    link_products,
    normalise_name,
    normalise_vendor,
    product_index,
)

ZAM = "Damien Zammit"
# Real ids of Debian's zam-plugins 4.1: the VST3 class id holds the LADSPA UniqueID.
ZAMCOMP_VST3 = "2046504473616C63504D435A00000000"
ZAMCOMP_LADSPA = "1514360144"
ZAMCOMPX2_VST3 = "2046504473616C633250435A00000000"
ZAMCOMPX2_LADSPA = "1514360882"


def rec(fmt: str, uid: str, name: str, vendor: str = ZAM) -> PluginRecord:
    return PluginRecord(format=fmt, uid=uid, name=name, vendor=vendor)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Damien Zammit <damien@zamaudio.com>", "damienzammit"),
    ("Damien Zammit", "damienzammit"),
    ("Steve Harris <steve@plugin.org.uk>", "steveharris"),
    ("Andy Wingo <wingo at pobox dot com>", "andywingo"),
    ("CMT (http://www.ladspa.org/cmt, plugin by Richard W.E. Furse)",
     "cmtpluginbyrichardwefurse"),
    ("u-he GmbH", "uhe"),
    ("Valhalla DSP, LLC", "valhalladsp"),
    ("Inc", "inc"),  # a legal form alone is the vendor's whole name: kept
    ("Mélda Production", "meldaproduction"),
    ("", ""),
])
def test_normalise_vendor(raw: str, expected: str) -> None:
    assert normalise_vendor(raw) == expected


def test_clean_vendor_is_for_people() -> None:
    assert clean_vendor("Damien Zammit <damien@zamaudio.com>") == "Damien Zammit"
    assert clean_vendor("CMT (http://www.ladspa.org/cmt, plugin by Richard W.E. Furse)") == \
        "CMT (plugin by Richard W.E. Furse)"
    assert clean_vendor("  x42  ") == "x42"


@pytest.mark.parametrize(("raw", "expected"), [
    ("ZamComp", "zamcomp"),
    ("ZamComp LV2", "zamcomp"),
    ("ZamComp (LADSPA)", "zamcomp"),
    ("ZamComp [VST3]", "zamcomp"),
    ("CLAP ZamComp", "zamcomp"),
    ("Zam-Comp", "zamcomp"),
    ("ZamCompX2", "zamcompx2"),
    ("Amplifier (Mono)", "amplifiermono"),
    ("Amplifier (Stereo)", "amplifierstereo"),
    ("DJ EQ (mono)", "djeqmono"),
    ("LV2", "lv2"),  # a name that is only a format word stays
    ("Gold AU", "goldau"),  # "AU" only goes when bracketed
    ("Gold (AU)", "gold"),
    ("Sine Oscillator (Freq:audio, Amp:audio)", "sineoscillatorfreqaudioampaudio"),
])
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_dpf_unique_id_from_vst3_and_ladspa() -> None:
    assert dpf_unique_id(rec("vst3", ZAMCOMP_VST3, "ZamComp")) == int(ZAMCOMP_LADSPA)
    assert dpf_unique_id(rec("vst3", ZAMCOMP_VST3.lower(), "ZamComp")) == int(ZAMCOMP_LADSPA)
    assert dpf_unique_id(rec("ladspa", ZAMCOMP_LADSPA, "ZamComp")) == int(ZAMCOMP_LADSPA)
    # not DPF's layout: a JUCE-style id, or DPF's prefix with a non-zero last word
    assert dpf_unique_id(rec("vst3", "ABCDEF0123456789ABCDEF0123456789", "X")) is None
    assert dpf_unique_id(rec("vst3", "2046504473616C63504D435A00000001", "X")) is None
    assert dpf_unique_id(rec("lv2", "urn:zamaudio:ZamComp", "ZamComp")) is None


def zam_set() -> list[PluginRecord]:
    return [
        rec("vst3", ZAMCOMP_VST3, "ZamComp"),
        rec("ladspa", ZAMCOMP_LADSPA, "ZamComp", "Damien Zammit <damien@zamaudio.com>"),
        rec("lv2", "urn:zamaudio:ZamComp", "ZamComp"),
        rec("vst3", ZAMCOMPX2_VST3, "ZamCompX2"),
        rec("ladspa", ZAMCOMPX2_LADSPA, "ZamCompX2"),
        rec("lv2", "urn:zamaudio:ZamCompX2", "ZamCompX2"),
        rec("vst3", "2046504473616C634252565A00000000", "ZamVerb"),
    ]


def test_zamcomp_is_one_product_in_three_formats_and_zamcompx2_another() -> None:
    products = {p.key: p for p in link_products(zam_set())}
    assert set(products) == {"damienzammit/zamcomp", "damienzammit/zamcompx2",
                             "damienzammit/zamverb"}
    comp = products["damienzammit/zamcomp"]
    assert comp == Product(
        key="damienzammit/zamcomp", name="ZamComp", vendor="Damien Zammit",
        formats=("ladspa", "lv2", "vst3"),
        members=(f"ladspa:{ZAMCOMP_LADSPA}", "lv2:urn:zamaudio:ZamComp", f"vst3:{ZAMCOMP_VST3}"),
        links=("dpf-id", "name"))
    assert products["damienzammit/zamcompx2"].formats == ("ladspa", "lv2", "vst3")
    assert products["damienzammit/zamverb"].members == (
        "vst3:2046504473616C634252565A00000000",)
    assert products["damienzammit/zamverb"].links == ()


def test_the_dpf_id_links_records_whose_names_differ() -> None:
    products = link_products([rec("vst3", ZAMCOMP_VST3, "ZamComp"),
                              rec("ladspa", ZAMCOMP_LADSPA, "ZamComp Mono Compressor")])
    assert len(products) == 1
    assert products[0].links == ("dpf-id",)
    assert products[0].name == "ZamComp"  # the VST3 name wins
    assert products[0].key == "damienzammit/zamcomp"  # the smallest name key of the group


def test_the_dpf_id_needs_the_vendor_to_agree() -> None:
    products = link_products([rec("vst3", ZAMCOMP_VST3, "ZamComp"),
                              rec("ladspa", ZAMCOMP_LADSPA, "Other Thing", "Someone Else")])
    assert len(products) == 2


def test_a_ladspa_id_alone_links_nothing() -> None:
    assert len(link_products([rec("ladspa", "1044", "Sine A", "X"),
                              rec("ladspa", "1045", "Sine B", "X")])) == 2


def test_records_of_one_format_are_never_merged() -> None:
    # cmt.so and sine.so both hold "Sine Oscillator ..." from differently written vendors:
    # different vendors, so different products. With one vendor, still two LADSPA identities.
    same = [rec("ladspa", "1044", "Sine Oscillator", "R. Furse"),
            rec("ladspa", "1063", "Sine Oscillator", "R. Furse"),
            rec("vst3", "AB" * 16, "Sine Oscillator", "R. Furse")]
    products = link_products(same)
    assert len(products) == 3, "an ambiguous name group links nothing"
    assert all(len(p.members) == 1 for p in products)
    # their keys would collide: each carries its member's identity
    assert {p.key for p in products} == {
        "rfurse/sineoscillator@ladspa:1044", "rfurse/sineoscillator@ladspa:1063",
        f"rfurse/sineoscillator@vst3:{'AB' * 16}"}


def test_a_name_link_never_puts_two_records_of_one_format_together() -> None:
    # The DPF id joins the VST3 "Foo" to the LADSPA "Bar"; the LADSPA "Foo" shares a name with
    # the VST3, but joining it would make two LADSPA records one product.
    records = [rec("vst3", ZAMCOMP_VST3, "Foo"), rec("ladspa", ZAMCOMP_LADSPA, "Bar"),
               rec("ladspa", "77", "Foo")]
    products = {p.key: p for p in link_products(records)}
    assert products["damienzammit/bar"].members == (f"ladspa:{ZAMCOMP_LADSPA}",
                                                    f"vst3:{ZAMCOMP_VST3}")
    assert products["damienzammit/foo"].members == ("ladspa:77",)


def test_mono_and_stereo_variants_stay_apart() -> None:
    products = link_products([rec("ladspa", "1067", "Amplifier (Mono)", "Steve Harris"),
                              rec("ladspa", "1068", "Amplifier (Stereo)", "Steve Harris"),
                              rec("lv2", "urn:x:amp-mono", "Amplifier (Mono)", "Steve Harris")])
    assert sorted(len(p.members) for p in products) == [1, 2]


def test_empty_vendor_links_only_with_empty_vendor() -> None:
    products = link_products([rec("vst3", "CD" * 16, "Thing", ""), rec("lv2", "urn:t", "Thing", ""),
                              rec("clap", "t", "Thing", "Someone")])
    assert sorted(len(p.members) for p in products) == [1, 2]


def test_every_record_is_in_exactly_one_product() -> None:
    records = [*zam_set(), rec("ladspa", "1044", "Sine", "A"), rec("ladspa", "1045", "Sine", "A")]
    index = product_index(link_products(records))
    assert sorted(index) == sorted(r.key for r in records)


def test_the_result_does_not_depend_on_order_or_duplicates() -> None:
    records = [*zam_set(), rec("ladspa", "1044", "Sine", "A"), rec("ladspa", "1045", "Sine", "A"),
               rec("clap", "org.x.sine", "Sine", "A")]
    expected = link_products(records)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = records + rng.sample(records, 3)
        rng.shuffle(shuffled)
        assert link_products(shuffled) == expected


def test_keys_survive_a_rescan_that_changes_other_fields() -> None:
    before = link_products(zam_set())
    rescanned = [msgspec.structs.replace(r, version="4.2", description="new") for r in zam_set()]
    assert [p.key for p in link_products(rescanned)] == [p.key for p in before]


def test_unnamed_records_are_not_linked() -> None:
    assert link_products([PluginRecord(format="vst3", uid="", name="Broken.vst3")]) == []
