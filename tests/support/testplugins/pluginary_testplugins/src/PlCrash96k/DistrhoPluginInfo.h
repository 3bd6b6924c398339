// DPF plugin description for PlCrash96k (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlCrash96k"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlCrash96k"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlCrash96k"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','9','6','k'
#define PL_DESCRIPTION "Validation: SIGSEGV in activate() at 96 kHz (crashes level 3)"
#define PL_VALIDATION  PL_VALIDATION_CRASH_96K

#include "../common/PlValidationInfo.h"

#endif
