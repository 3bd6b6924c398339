// Shared helpers for the Pluginary test plugins (DPF based).
// Each plugin directory has a DistrhoPluginInfo.h that defines the DPF macros
// plus PL_UNIQUE_ID (four chars), PL_DESCRIPTION and optionally PL_TORTURE.
#ifndef PL_COMMON_HPP_INCLUDED
#define PL_COMMON_HPP_INCLUDED

#include "DistrhoPlugin.hpp"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#define PL_TORTURE_NONE          0
#define PL_TORTURE_SEGV          1
#define PL_TORTURE_ABORT         2
#define PL_TORTURE_SPIN          3
#define PL_TORTURE_SLEEP20       4
#define PL_TORTURE_EXIT0         5
#define PL_TORTURE_STDERR_FLOOD  6

#ifndef PL_TORTURE
# define PL_TORTURE PL_TORTURE_NONE
#endif

START_NAMESPACE_DISTRHO

struct PlParamSpec {
    const char* name;
    const char* symbol;
    const char* unit;
    float min, max, def;
};

// Misbehave according to PL_TORTURE. Called from the plugin constructor.
// DPF creates "dummy" instances at module-entry / descriptor / TTL-generation
// time just to read metadata; those are left alone so that the misbehaviour
// happens when a host really instantiates the plugin.
static inline void plMisbehave(const bool isDummy)
{
    if (isDummy)
        return;
#if PL_TORTURE == PL_TORTURE_SEGV
    volatile int* volatile p = nullptr;
    *p = 42;
    std::raise(SIGSEGV);
#elif PL_TORTURE == PL_TORTURE_ABORT
    std::abort();
#elif PL_TORTURE == PL_TORTURE_SPIN
    volatile unsigned long counter = 0;
    for (;;)
        counter = counter + 1;
#elif PL_TORTURE == PL_TORTURE_SLEEP20
    // once per process: VST3 hosts create several instances (component + controller)
    static bool done = false;
    if (done) return;
    done = true;
    for (int i = 0; i < 20; ++i)
        ::sleep(1);
#elif PL_TORTURE == PL_TORTURE_EXIT0
    std::exit(0);
#elif PL_TORTURE == PL_TORTURE_STDERR_FLOOD
    // once per process, like PL_TORTURE_SLEEP20
    static bool done = false;
    if (done) return;
    done = true;
    static char chunk[64 * 1024];
    std::memset(chunk, 'E', sizeof(chunk));
    chunk[sizeof(chunk) - 1] = '\n';
    const size_t total = 50u * 1024u * 1024u;
    for (size_t written = 0; written < total; written += sizeof(chunk))
        std::fwrite(chunk, 1, sizeof(chunk), stderr);
    std::fflush(stderr);
#endif
}

// Base class: identity comes from DistrhoPluginInfo.h; parameters from a table
// (or a generator when the table is null).
class PlBase : public Plugin
{
public:
    PlBase(const uint32_t nparams, const PlParamSpec* const specs, const uint32_t nstates = 0)
        : Plugin(nparams, 0, nstates),
          fSpecs(specs),
          fCount(nparams),
          fValues(new float[nparams > 0 ? nparams : 1])
    {
        for (uint32_t i = 0; i < nparams; ++i)
            fValues[i] = specs != nullptr ? specs[i].def : 0.5f;
        plMisbehave(isDummyInstance());
    }

    ~PlBase() override { delete[] fValues; }

protected:
    const char* getLabel() const override { return DISTRHO_PLUGIN_NAME; }
    const char* getDescription() const override { return PL_DESCRIPTION; }
    const char* getMaker() const override { return "Pluginary Test"; }
    const char* getHomePage() const override { return "https://pluginary.invalid/test-plugins"; }
    const char* getLicense() const override { return "ISC"; }
    uint32_t getVersion() const override { return d_version(1, 0, 0); }
    int64_t getUniqueId() const override { return d_cconst(PL_UNIQUE_ID); }

    void initParameter(const uint32_t index, Parameter& parameter) override
    {
        parameter.hints = kParameterIsAutomatable;
        if (fSpecs != nullptr)
        {
            const PlParamSpec& s(fSpecs[index]);
            parameter.name = s.name;
            parameter.symbol = s.symbol;
            parameter.unit = s.unit;
            parameter.ranges.min = s.min;
            parameter.ranges.max = s.max;
            parameter.ranges.def = s.def;
        }
        else
        {
            char name[32], symbol[32];
            std::snprintf(name, sizeof(name), "Param %u", index + 1);
            std::snprintf(symbol, sizeof(symbol), "p%u", index + 1);
            parameter.name = name;
            parameter.symbol = symbol;
            parameter.ranges.min = 0.0f;
            parameter.ranges.max = 1.0f;
            parameter.ranges.def = 0.5f;
        }
    }

    float getParameterValue(const uint32_t index) const override
    {
        return index < fCount ? fValues[index] : 0.0f;
    }

    void setParameterValue(const uint32_t index, const float value) override
    {
        if (index < fCount)
            fValues[index] = value;
    }

    float param(const uint32_t index) const { return fValues[index]; }

private:
    const PlParamSpec* const fSpecs;
    const uint32_t fCount;
    float* const fValues;
};

END_NAMESPACE_DISTRHO

#endif
