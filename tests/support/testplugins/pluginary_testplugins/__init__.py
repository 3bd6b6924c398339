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
from pluginary_testplugins.validation_specs import (
    VALIDATION_CATEGORY,
    VALIDATION_SPECS,
    ValidationSpec,
    validation_spec,
)

__all__ = [
    "ALL_FORMATS",
    "PLUGIN_SPECS",
    "VALIDATION_CATEGORY",
    "VALIDATION_SPECS",
    "BuiltFormat",
    "BuiltPlugin",
    "PluginSpec",
    "TestPluginBuildError",
    "TestPluginSet",
    "ValidationSpec",
    "build_all",
    "cache_key",
    "validation_spec",
]
