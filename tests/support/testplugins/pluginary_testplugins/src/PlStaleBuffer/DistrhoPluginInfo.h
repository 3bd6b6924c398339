// DPF plugin description for PlStaleBuffer (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlStaleBuffer"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlStaleBuffer"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlStaleBuffer"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','S','t','l'
#define PL_DESCRIPTION "Validation: output mixes a process-wide delay line never cleared (fails level 4, state-output)"
#define PL_VALIDATION  PL_VALIDATION_STALE_BUFFER

#include "../common/PlValidationInfo.h"

#endif
