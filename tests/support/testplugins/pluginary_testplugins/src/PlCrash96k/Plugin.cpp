// PlCrash96k: validation torture plugin; behaviour selected by PL_VALIDATION in DistrhoPluginInfo.h.
#include "../common/PlValidation.cpp"
