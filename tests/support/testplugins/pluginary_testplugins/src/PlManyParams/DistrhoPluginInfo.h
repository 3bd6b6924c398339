// DPF plugin description for PlManyParams (Pluginary test plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_BRAND   "Pluginary Test"
#define DISTRHO_PLUGIN_NAME    "PlManyParams"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlManyParams"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlManyParams"

#define DISTRHO_PLUGIN_HAS_UI       0
#define DISTRHO_PLUGIN_IS_RT_SAFE   1
#define DISTRHO_PLUGIN_IS_SYNTH     0
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 0
#define DISTRHO_PLUGIN_NUM_INPUTS   2
#define DISTRHO_PLUGIN_NUM_OUTPUTS  2

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:UtilityPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Fx|Tools|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "audio-effect", "stereo"

// Pluginary test-plugin extras (see common/PlCommon.hpp)
#define PL_UNIQUE_ID   'P','M','n','y'
#define PL_DESCRIPTION "Pass-through effect with 5000 parameters"
#define PL_TORTURE     PL_TORTURE_NONE

#endif
