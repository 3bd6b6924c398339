// DPF plugin description for PlIgnoresSet (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlIgnoresSet"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlIgnoresSet"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlIgnoresSet"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','I','g','n'
#define PL_DESCRIPTION "Validation: parameter Gain ignores every set (fails level 2, round-trip)"
#define PL_VALIDATION  PL_VALIDATION_IGNORES_SET

#include "../common/PlValidationInfo.h"

#endif
