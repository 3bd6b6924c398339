// PlCrashSegv: torture plugin; behaviour selected by PL_TORTURE in DistrhoPluginInfo.h.
#include "../common/PlPassThrough.cpp"
