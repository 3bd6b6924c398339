// DPF plugin description for PlSleep20 (Pluginary test plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_BRAND   "Pluginary Test"
#define DISTRHO_PLUGIN_NAME    "PlSleep20"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlSleep20"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlSleep20"

#define DISTRHO_PLUGIN_HAS_UI       0
#define DISTRHO_PLUGIN_IS_RT_SAFE   1
#define DISTRHO_PLUGIN_IS_SYNTH     0
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 0
#define DISTRHO_PLUGIN_NUM_INPUTS   2
#define DISTRHO_PLUGIN_NUM_OUTPUTS  2

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:UtilityPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Fx|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "audio-effect", "stereo"

// Pluginary test-plugin extras (see common/PlCommon.hpp)
#define PL_UNIQUE_ID   'P','S','l','p'
#define PL_DESCRIPTION "Torture: sleeps 20 s in the constructor, then works"
#define PL_TORTURE     PL_TORTURE_SLEEP20

#endif
