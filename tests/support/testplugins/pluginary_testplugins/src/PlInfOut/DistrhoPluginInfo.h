// DPF plugin description for PlInfOut (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlInfOut"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlInfOut"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlInfOut"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','I','n','f'
#define PL_DESCRIPTION "Validation: +Inf in every output block (fails level 3, finite)"
#define PL_VALIDATION  PL_VALIDATION_INF

#include "../common/PlValidationInfo.h"

#endif
