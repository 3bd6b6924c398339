// DPF plugin description for PlSynth (Pluginary test plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_BRAND   "Pluginary Test"
#define DISTRHO_PLUGIN_NAME    "PlSynth"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlSynth"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlSynth"

#define DISTRHO_PLUGIN_HAS_UI       0
#define DISTRHO_PLUGIN_IS_RT_SAFE   1
#define DISTRHO_PLUGIN_IS_SYNTH     1
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 1
#define DISTRHO_PLUGIN_NUM_INPUTS   0
#define DISTRHO_PLUGIN_NUM_OUTPUTS  2

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:InstrumentPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Instrument|Synth|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "instrument", "synthesizer", "stereo"

// Pluginary test-plugin extras (see common/PlCommon.hpp)
#define PL_UNIQUE_ID   'P','S','y','n'
#define PL_DESCRIPTION "Tiny MIDI synth, 4 parameters"
#define PL_TORTURE     PL_TORTURE_NONE

#endif
