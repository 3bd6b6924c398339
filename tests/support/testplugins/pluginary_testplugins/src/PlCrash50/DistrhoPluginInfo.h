// DPF plugin description for PlCrash50 (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlCrash50"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlCrash50"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlCrash50"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','5','0','i'
#define PL_DESCRIPTION "Validation: SIGSEGV at the 50th instance in a process (crashes level 5)"
#define PL_VALIDATION  PL_VALIDATION_CRASH_50

#include "../common/PlValidationInfo.h"

#endif
