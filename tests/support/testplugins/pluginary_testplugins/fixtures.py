"""pytest plugin (entry point ``pytest11``): the session-scoped ``test_plugins`` fixture.

The fixture builds the plugins on first use (or reuses the cache) and never
skips: a missing toolchain is an error that says what to install.
"""

from __future__ import annotations

import pytest

from pluginary_testplugins.build import TestPluginSet, build_all


@pytest.fixture(scope="session")
def test_plugins() -> TestPluginSet:
    """Every test plugin, built for VST3, CLAP, LV2 and LADSPA (see README.md)."""
    return build_all()
