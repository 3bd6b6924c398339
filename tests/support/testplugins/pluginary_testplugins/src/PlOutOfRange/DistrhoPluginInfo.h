// DPF plugin description for PlOutOfRange (Pluginary validation torture plugin).
#ifndef DISTRHO_PLUGIN_INFO_H_INCLUDED
#define DISTRHO_PLUGIN_INFO_H_INCLUDED

#define DISTRHO_PLUGIN_NAME    "PlOutOfRange"
#define DISTRHO_PLUGIN_URI     "urn:pluginary-test:PlOutOfRange"
#define DISTRHO_PLUGIN_CLAP_ID "org.pluginary.test.PlOutOfRange"

// Pluginary test-plugin extras (see common/PlCommon.hpp, common/PlValidationInfo.h)
#define PL_UNIQUE_ID   'V','R','n','g'
#define PL_DESCRIPTION "Validation: parameter Level (0..1) reads back in percent (fails level 2, in-range)"
#define PL_VALIDATION  PL_VALIDATION_OUT_OF_RANGE

#include "../common/PlValidationInfo.h"

#endif
