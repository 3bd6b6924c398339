// DPF plugin description for PlNanOut (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlNanOut"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlNanOut"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlNanOut"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','N','a','n'
#define PL_DESCRIPTION "Validation: NaN in every output block (fails level 3, finite)"
#define PL_VALIDATION  PL_VALIDATION_NAN

#include "../common/PlValidationInfo.h"

#endif
