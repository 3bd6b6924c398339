// DPF plugin description for PlFilter (Pluginary test plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_BRAND   "Pluginary Test"
#define DISTRHO_PLUGIN_NAME    "PlFilter"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlFilter"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlFilter"

#define DISTRHO_PLUGIN_HAS_UI       0
#define DISTRHO_PLUGIN_IS_RT_SAFE   1
#define DISTRHO_PLUGIN_IS_SYNTH     0
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 0
#define DISTRHO_PLUGIN_NUM_INPUTS   2
#define DISTRHO_PLUGIN_NUM_OUTPUTS  2

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:LowpassPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Fx|Filter|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "audio-effect", "stereo"

// Pluginary test-plugin extras (see common/PlCommon.hpp)
#define PL_UNIQUE_ID   'P','F','l','t'
#define PL_DESCRIPTION "One-pole stereo filter, 3 parameters"
#define PL_TORTURE     PL_TORTURE_NONE

#endif
