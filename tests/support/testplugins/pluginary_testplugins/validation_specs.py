"""The validation torture plugins: one per check of ``pluginary validate`` (issue 13).

Each is a stereo gain ("Gain" -24..12 dB, default 0; "Level" 0..1, default 1) built from
``src/common/PlValidation.cpp`` with one ``PL_VALIDATION_*`` switch (``src/<Name>/
DistrhoPluginInfo.h``), so that exactly one check fails at one level while every lower level
passes. :data:`VALIDATION_SPECS` says which, for tests to assert against; ``build.py`` turns
them into :class:`~pluginary_testplugins.build.PluginSpec` records of category ``"validation"``
(``root/validation/<format>/...``), apart from the scan torture plugins.

``fails_check`` is the name of the check that reports the problem, or ``"crash"`` for the two
that kill the process (the worker's exit status is the result). Formats: each plugin is built
for every format where its misbehaviour reaches the host through DPF's wrapper and fails that
check: the level-3 ones also as LV2 and LADSPA (audio only, no parameter read-back), the
parameter ones as CLAP only (see ``_CLAP``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VALIDATION_CATEGORY", "VALIDATION_SPECS", "ValidationSpec", "validation_spec"]

VALIDATION_CATEGORY = "validation"


@dataclass(frozen=True)
class ValidationSpec:
    """One validation torture plugin and the check it must fail."""

    name: str
    #: The manifest's ``behaviour``.
    behaviour: str
    #: Four characters, as ``PL_UNIQUE_ID`` in its ``DistrhoPluginInfo.h``.
    unique_id: str
    formats: tuple[str, ...]
    #: The level that fails (every level below it passes).
    fails_level: int
    #: The failing check's name (``Problem.check``), or ``"crash"``.
    fails_check: str
    #: The ``PL_VALIDATION_*`` switch in its ``DistrhoPluginInfo.h`` (without the prefix).
    switch: str
    description: str
    num_parameters: int = 2


_ALL = ("vst3", "clap", "lv2", "ladspa")
_PARAMS = ("vst3", "clap")
# The two parameter misreports reach only a host that reads getParameterValue() back, as CLAP's
# params.get_value does. A VST3 host reads normalised values from DPF's cache of what the host
# itself sent (clamped to 0..1); the plugin's own value gets there only as an output parameter
# change from process(), which pedalboard (JUCE) does not show either. A VST3 PlIgnoresSet would
# pass level 2 and fail level 4 (its state holds its own value), so neither is built as VST3.
_CLAP = ("clap",)

VALIDATION_SPECS: tuple[ValidationSpec, ...] = (
    ValidationSpec(
        "PlNanOut", "nan-output", "VNan", _ALL, 3, "finite", "NAN",
        "Validation: NaN in every output block (fails level 3, finite)",
    ),
    ValidationSpec(
        "PlInfOut", "inf-output", "VInf", _ALL, 3, "finite", "INF",
        "Validation: +Inf in every output block (fails level 3, finite)",
    ),
    ValidationSpec(
        "PlDenormals", "denormals-after-silence", "VDen", _ALL, 3, "denormals", "DENORMALS",
        "Validation: a denormal in every output block of silence (fails level 3, denormals)",
    ),
    ValidationSpec(
        "PlIgnoresSet", "ignores-set", "VIgn", _CLAP, 2, "round-trip", "IGNORES_SET",
        "Validation: parameter Gain ignores every set (fails level 2, round-trip)",
    ),
    ValidationSpec(
        "PlOutOfRange", "out-of-range", "VRng", _CLAP, 2, "in-range", "OUT_OF_RANGE",
        "Validation: parameter Level (0..1) reads back in percent (fails level 2, in-range)",
    ),
    ValidationSpec(
        "PlForgetsState", "forgets-state", "VFgt", _PARAMS, 4, "state-params", "FORGETS_STATE",
        "Validation: its saved state holds the defaults, not the values set"
        " (fails level 4, state-params)",
    ),
    ValidationSpec(
        "PlStaleBuffer", "stale-buffer", "VStl", _PARAMS, 4, "state-output", "STALE_BUFFER",
        "Validation: output mixes a process-wide delay line never cleared"
        " (fails level 4, state-output)",
    ),
    ValidationSpec(
        "PlCrash96k", "crash-96k", "V96k", _ALL, 3, "crash", "CRASH_96K",
        "Validation: SIGSEGV in activate() at 96 kHz (crashes level 3)",
    ),
    ValidationSpec(
        "PlCrash50", "crash-50th-instance", "V50i", _PARAMS, 5, "crash", "CRASH_50",
        "Validation: SIGSEGV at the 50th instance in a process (crashes level 5)",
    ),
)


def validation_spec(name: str) -> ValidationSpec:
    """The spec of the validation torture plugin ``name`` (``KeyError`` when there is none)."""
    for spec in VALIDATION_SPECS:
        if spec.name == name:
            return spec
    raise KeyError(name)
