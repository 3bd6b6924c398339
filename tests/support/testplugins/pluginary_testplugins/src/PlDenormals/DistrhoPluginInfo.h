// DPF plugin description for PlDenormals (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlDenormals"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlDenormals"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlDenormals"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','D','e','n'
#define PL_DESCRIPTION "Validation: a denormal in every output block of silence (fails level 3, denormals)"
#define PL_VALIDATION  PL_VALIDATION_DENORMALS

#include "../common/PlValidationInfo.h"

#endif
