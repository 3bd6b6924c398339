"""The example mapping table, installed from its wheel."""

from __future__ import annotations

import math

from pluginary.presets.maps import apply_map
from pluginary.presets.model import ParamValue
from pluginary.presets.replay import by_name
from pluginary.registry import collect_preset_maps


def test_map_is_registered_by_its_extension(plugin_manager):
    entry = collect_preset_maps(plugin_manager)["zamcomp-to-calf-compressor"]
    assert entry.extension == "preset-map-example"
    assert entry.item.lossy
    assert entry.item.source == "lv2:urn:zamaudio:ZamComp"


def test_decibels_become_calf_gains_and_missing_sources_are_reported(plugin_manager):
    table = collect_preset_maps(plugin_manager)["zamcomp-to-calf-compressor"].item
    snapshot = [ParamValue(key="thr", name="Threshold", value=-20.0),
                ParamValue(key="rat", name="Ratio", value=4.0),
                ParamValue(key="att", name="Attack", value=12.5),
                ParamValue(key="mak", name="Makeup", value=6.0)]
    values, unmatched = apply_map(table, by_name(snapshot))
    got = {v.key: v.value for v in values}
    assert math.isclose(got["Threshold"], 0.1, rel_tol=1e-9)
    assert math.isclose(got["Makeup Gain"], 10 ** (6 / 20), rel_tol=1e-9)
    assert (got["Ratio"], got["Attack"], got["Mix"]) == (4.0, 12.5, 1.0)
    # Release and Knee were not in the snapshot: reported, not invented.
    assert sorted(unmatched) == ["Knee", "Release"]


def test_extensions_command_shows_the_map(run_cli):
    extensions = {e["name"]: e for e in run_cli("extensions", "--json").json()}
    assert extensions["preset-map-example"]["provides"] == {
        "preset_maps": ["zamcomp-to-calf-compressor"]}
