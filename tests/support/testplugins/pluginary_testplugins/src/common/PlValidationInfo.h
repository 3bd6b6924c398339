// The DPF macros shared by the validation torture plugins (category "validation").
// A plugin's DistrhoPluginInfo.h defines DISTRHO_PLUGIN_NAME/URI/CLAP_ID, PL_UNIQUE_ID,
// PL_DESCRIPTION and PL_VALIDATION (one of the PL_VALIDATION_* below), then includes this.
// Each PL_VALIDATION_* makes exactly one check of `pluginary validate` fail; see
// common/PlValidation.cpp and pluginary_testplugins/validation_specs.py.
#ifndef PL_VALIDATION_INFO_H_INCLUDED
#define PL_VALIDATION_INFO_H_INCLUDED

#define PL_VALIDATION_NAN            1  // level 3 "finite": NaN in every output block
#define PL_VALIDATION_INF            2  // level 3 "finite": +Inf in every output block
#define PL_VALIDATION_DENORMALS      3  // level 3 "denormals": a denormal after silence
#define PL_VALIDATION_IGNORES_SET    4  // level 2 "round-trip": "Gain" ignores every set
#define PL_VALIDATION_OUT_OF_RANGE   5  // level 2 "in-range": "Level" read back in percent
#define PL_VALIDATION_FORGETS_STATE  6  // level 4 "state-params": saves its defaults
#define PL_VALIDATION_STALE_BUFFER   7  // level 4 "state-output": a process-wide delay line
#define PL_VALIDATION_CRASH_96K      8  // level 3 crash: SIGSEGV in activate() at 96 kHz
#define PL_VALIDATION_CRASH_50       9  // level 5 crash: SIGSEGV at the 50th instance

#define DISTRHO_PLUGIN_BRAND   "Pluginary Test"

#define DISTRHO_PLUGIN_HAS_UI       0
#define DISTRHO_PLUGIN_IS_RT_SAFE   1
#define DISTRHO_PLUGIN_IS_SYNTH     0
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 0
#define DISTRHO_PLUGIN_NUM_INPUTS   2
#define DISTRHO_PLUGIN_NUM_OUTPUTS  2

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:AmplifierPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Fx|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "audio-effect", "stereo"

// DPF's CLAP wrapper offers clap.state only to a plugin with state keys, so the plugins that
// must reach levels 4 and 5 have one.
#if PL_VALIDATION == PL_VALIDATION_FORGETS_STATE || PL_VALIDATION == PL_VALIDATION_STALE_BUFFER \
    || PL_VALIDATION == PL_VALIDATION_CRASH_50
# define DISTRHO_PLUGIN_WANT_STATE 1
#endif

// With a full state, DPF's CLAP and VST3 wrappers ask for every state key's value (getState())
// right before they read the parameters into a saved state: how PlForgetsState tells a save
// from a host reading a parameter.
#if PL_VALIDATION == PL_VALIDATION_FORGETS_STATE
# define DISTRHO_PLUGIN_WANT_FULL_STATE 1
#endif

#endif
