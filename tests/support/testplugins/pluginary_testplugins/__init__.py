"""Real DPF-built audio plugins (VST3, CLAP, LV2, LADSPA) for Pluginary's tests."""

from pluginary_testplugins.build import (
    ALL_FORMATS,
    PLUGIN_SPECS,
    BuiltFormat,
    BuiltPlugin,
    PluginSpec,
    TestPluginBuildError,
    TestPluginSet,
    build_all,
    cache_key,
)

__all__ = [
    "ALL_FORMATS",
    "PLUGIN_SPECS",
    "BuiltFormat",
    "BuiltPlugin",
    "PluginSpec",
    "TestPluginBuildError",
    "TestPluginSet",
    "build_all",
    "cache_key",
]
