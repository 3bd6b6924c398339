"""VST3 presets for Pluginary: the preset containers this extension registers.

- ``vstpreset`` (:mod:`.vstpreset_container`): ``.vstpreset`` files in the standard folders,
  linked to ``vst3:<class id>``; exact to and from pedalboard's ``raw_state``;
- ``juce-state`` (:mod:`.juce_container`): a captured state as pedalboard's ``raw_state`` gives
  it (JUCE's ``VC2!`` XML, :mod:`.juce_state`);
- ``fxp`` and ``fxb`` (:mod:`.fx_container`): VST2 programs and banks, read and re-wrapped as
  VST2 state inside a ``.vstpreset`` (:mod:`.vst2_wrap`).

Parsing lives in :mod:`.vstpreset_file`, :mod:`.metainfo`, :mod:`.fx_file` and
:mod:`.juce_base64`; none of it loads plugin code.
"""

from __future__ import annotations

from pluginary.presets.container import PresetContainer

from .fx_container import FXB, FXP, FxContainer
from .juce_container import JuceStateContainer
from .vstpreset_container import VstPresetContainer

__all__ = ["FxContainer", "JuceStateContainer", "VstPresetContainer", "containers"]


def containers() -> list[PresetContainer]:
    """One of each container, in the order they are registered."""
    return [VstPresetContainer(), JuceStateContainer(), FxContainer(FXP), FxContainer(FXB)]
