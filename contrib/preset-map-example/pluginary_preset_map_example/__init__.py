"""A worked example of a cross-plugin preset mapping table (conversion tier 3).

ZamComp (zam-plugins, LV2) and Calf Compressor (Calf Studio Gear, LV2) are both feed-forward
compressors, but they speak different units: ZamComp's threshold, makeup and knee are in
decibels, Calf's are linear gains. The table says, parameter by parameter, how a ZamComp preset
becomes a Calf Compressor one. It is lossy: the two detectors and knees differ in shape, Slew
has no counterpart, and Calf's knee cannot go below 0 dB (a gain of 1).
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.presets.maps import ParamRule, PresetMap
from pluginary.registry import PresetMapRegister

ZAMCOMP = "lv2:urn:zamaudio:ZamComp"
CALF_COMPRESSOR = "lv2:http://calf.sourceforge.net/plugins/Compressor"

ZAMCOMP_TO_CALF = PresetMap(
    name="zamcomp-to-calf-compressor",
    source=ZAMCOMP,
    target=CALF_COMPRESSOR,
    note="different detector and knee curves; Slew and the sidechain switch have no "
         "counterpart",
    rules=(
        ParamRule(target="Threshold", source="Threshold", transform="db-to-gain"),
        ParamRule(target="Ratio", source="Ratio"),
        ParamRule(target="Attack", source="Attack"),
        ParamRule(target="Release", source="Release"),
        ParamRule(target="Makeup Gain", source="Makeup", transform="db-to-gain"),
        ParamRule(target="Knee", source="Knee", transform="db-to-gain"),
        # ZamComp has no dry/wet or input gain: Calf's are set to what ZamComp does.
        ParamRule(target="Mix", value=1.0),
        ParamRule(target="Input", value=1.0),
        ParamRule(target="Bypass", value=0.0),
    ),
)


@hookimpl
def register_preset_maps(register: PresetMapRegister) -> None:
    register(ZAMCOMP_TO_CALF)
