// DPF plugin description for PlForgetsState (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlForgetsState"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlForgetsState"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlForgetsState"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','F','g','t'
#define PL_DESCRIPTION "Validation: its saved state holds the defaults, not the values set (fails level 4, state-params)"
#define PL_VALIDATION  PL_VALIDATION_FORGETS_STATE

#include "../common/PlValidationInfo.h"

#endif
