"""Level 3's audio checks (pluginary.validation) on Debian's real zam CLAP plugins, run through
the CLAP C API (activate, start_processing, process, stop_processing, deactivate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pluginary.validation.audio import level3
from pluginary_clap.entry import descriptors, open_factory
from pluginary_clap.host import ClapPlugin

ZAM = sorted(Path("/usr/lib/clap").glob("Zam*.clap")) + sorted(
    Path("/usr/lib/clap").glob("ZaM*.clap"))


def test_debians_zam_clap_plugins_are_there():
    assert len(ZAM) == 17, ZAM  # zam-plugins, installed by .ci/run


@pytest.mark.parametrize("binary", ZAM, ids=lambda p: p.name)
def test_every_zam_plugin_passes_at_every_rate_and_block_size(binary):
    """ZaMaximX2 reports its lookahead through the host's clap.latency on deactivate, without
    checking the host offers it: the host does."""
    with open_factory(binary, None) as factory:
        (clap_id,) = [d.id.decode() for d in descriptors(factory)]
    plugin = ClapPlugin(binary, clap_id)
    try:
        instance = plugin.instantiate(48000, 512)
        assert instance.outputs >= 1
        instance.close()
        assert level3(plugin) == [], clap_id
    finally:
        plugin.close()


def test_an_unknown_id_is_a_clear_error():
    with pytest.raises(LookupError, match=r"has no CLAP plugin 'com\.example\.none'"):
        ClapPlugin(ZAM[0], "com.example.none")
