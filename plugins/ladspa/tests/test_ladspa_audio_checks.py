"""Level 3's audio checks (pluginary.validation) on real LADSPA plugins from Debian, run through
the LADSPA C API: every zam plugin passes at every sample rate and block size. (That each check
can fail is shown on output blocks in tests/core/test_validation_signals.py; the torture
plugins of issue 13 will show it through a real plugin.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from pluginary.validation.audio import level3
from pluginary_ladspa.host import LadspaPlugin

LADSPA = Path("/usr/lib/ladspa")
ZAM = sorted(LADSPA.glob("Zam*-ladspa.so"))


def test_debians_zam_ladspa_plugins_are_there():
    assert len(ZAM) >= 11, ZAM  # zam-plugins, installed by .ci/run


@pytest.mark.parametrize("library", ZAM, ids=lambda p: p.name)
def test_every_zam_plugin_passes_at_every_rate_and_block_size(library):
    plugin = LadspaPlugin(library, 0)
    assert level3(plugin) == [], plugin.key


def test_an_index_past_the_library_is_a_clear_error():
    with pytest.raises(LookupError, match="has no plugin number 99"):
        LadspaPlugin(ZAM[0], 99)
