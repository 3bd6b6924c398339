// Plugin body shared by the validation torture plugins: a stereo gain ("Gain" in dB times
// "Level") that misbehaves in exactly one way, selected by PL_VALIDATION (see
// PlValidationInfo.h), so that one check of `pluginary validate` fails at one level while every
// lower level passes. The misbehaviour is aimed at the check, not at DPF: anything that would
// also trip an earlier check (a NaN read from a stale buffer, a denormal in a decaying delay
// line) is kept out on purpose.
#include "PlCommon.hpp"

#include <cstdint>
#include <limits>

START_NAMESPACE_DISTRHO

#if PL_VALIDATION == PL_VALIDATION_STALE_BUFFER
// One delay line for the whole process, never cleared and shared by every instance: a fresh
// instance reads what earlier ones left there. Values under kFlush are dropped so that silence
// decays to zero, never into denormals (level 3 must pass).
static constexpr uint32_t kStaleFrames = 1u << 16;
static constexpr float kFlush = 1e-20f;
static float gStale[DISTRHO_PLUGIN_NUM_OUTPUTS][kStaleFrames];
#endif

#if PL_VALIDATION == PL_VALIDATION_CRASH_50
// The count of real instances in this process. It lives in the environment rather than in a
// static so that it survives the host unloading and reloading the library; the variable is named
// after the pid so that a child process the host starts does not inherit the count.
static void plCountInstance()
{
    static constexpr long kCrashAt = 50;
    char name[64], value[32];
    std::snprintf(name, sizeof(name), "PLUGINARY_PL_CRASH50_%ld", static_cast<long>(::getpid()));
    const char* const old = std::getenv(name);
    const long count = (old != nullptr ? std::atol(old) : 0) + 1;
    std::snprintf(value, sizeof(value), "%ld", count);
    ::setenv(name, value, 1);
    if (count >= kCrashAt)
    {
        volatile int* volatile p = nullptr;
        *p = 50;
        std::raise(SIGSEGV);
    }
}
#endif

class PlValidation : public PlBase
{
public:
    PlValidation()
        : PlBase(kParams, kSpecs, kStates)
    {
#if PL_VALIDATION == PL_VALIDATION_CRASH_50
        if (! isDummyInstance())
            plCountInstance();
#endif
    }

protected:
#if DISTRHO_PLUGIN_WANT_STATE
    void initState(const uint32_t, State& state) override
    {
        state.key = "restored";
        state.label = "Restored";
        // non-empty: DPF's state reader skips a key whose value is empty
        state.defaultValue = "1";
    }

    void setState(const char*, const char*) override {}
#endif

#if DISTRHO_PLUGIN_WANT_FULL_STATE
    String getState(const char*) const override
    {
        // DPF saves a state by calling this, then getParameterValue() for each parameter in
        // order: those calls answer the defaults (see getParameterValue)
        fSaving = true;
        return String("1");
    }
#endif

#if PL_VALIDATION == PL_VALIDATION_CRASH_96K
    void activate() override
    {
        if (getSampleRate() > 90000.0)
        {
            volatile int* volatile p = nullptr;
            *p = 96;
            std::raise(SIGSEGV);
        }
    }
#endif

    float getParameterValue(const uint32_t index) const override
    {
#if PL_VALIDATION == PL_VALIDATION_FORGETS_STATE
        // a state that holds the defaults, not the values set: a restore gives the defaults
        if (fSaving && index < kParams)
        {
            if (index == kParams - 1)
                fSaving = false;
            return kSpecs[index].def;
        }
#endif
#if PL_VALIDATION == PL_VALIDATION_OUT_OF_RANGE
        // "Level" (0..1) read back in percent: 0 round-trips, 1 reads 100
        if (index == 1)
            return PlBase::getParameterValue(index) * 100.0f;
#endif
        return PlBase::getParameterValue(index);
    }

    void setParameterValue(const uint32_t index, const float value) override
    {
#if PL_VALIDATION == PL_VALIDATION_IGNORES_SET
        if (index == 0)
            return;  // "Gain" stays at its default
#endif
        PlBase::setParameterValue(index, value);
    }

    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        const float gain = std::pow(10.0f, param(0) / 20.0f) * param(1);
        bool silent = true;
        for (uint32_t c = 0; c < DISTRHO_PLUGIN_NUM_OUTPUTS; ++c)
        {
            for (uint32_t i = 0; i < frames; ++i)
            {
                const float x = inputs[c][i];  // read before writing: buffers may be shared
                silent = silent && x == 0.0f;
                float y = x * gain;
#if PL_VALIDATION == PL_VALIDATION_STALE_BUFFER
                float& stale(gStale[c][(fPos + i) % kStaleFrames]);
                y += 0.25f * stale;
                stale = x + 0.5f * stale;
                if (std::fabs(stale) < kFlush)
                    stale = 0.0f;
#endif
                outputs[c][i] = y;
            }
        }
#if PL_VALIDATION == PL_VALIDATION_STALE_BUFFER
        fPos = (fPos + frames) % kStaleFrames;
#endif
        if (frames == 0)
            return;
#if PL_VALIDATION == PL_VALIDATION_NAN
        outputs[0][0] = std::numeric_limits<float>::quiet_NaN();
#elif PL_VALIDATION == PL_VALIDATION_INF
        outputs[0][0] = std::numeric_limits<float>::infinity();
#elif PL_VALIDATION == PL_VALIDATION_DENORMALS
        if (silent)
        {
            // the bit pattern, not arithmetic: a host running with flush-to-zero would turn
            // a computed denormal into 0, but a copied one stays what it is
            const uint32_t bits = 0x00000400u;  // about 1.4e-42
            for (uint32_t c = 0; c < DISTRHO_PLUGIN_NUM_OUTPUTS; ++c)
                std::memcpy(&outputs[c][frames - 1], &bits, sizeof(bits));
        }
#endif
        (void)silent;
    }

private:
    static constexpr uint32_t kParams = 2;
#if DISTRHO_PLUGIN_WANT_STATE
    static constexpr uint32_t kStates = 1;
#else
    static constexpr uint32_t kStates = 0;
#endif
    static constexpr const PlParamSpec kSpecs[kParams] = {
        { "Gain", "gain", "dB", -24.0f, 12.0f, 0.0f },
        { "Level", "level", "", 0.0f, 1.0f, 1.0f },
    };
#if PL_VALIDATION == PL_VALIDATION_FORGETS_STATE
    mutable bool fSaving = false;  // set and cleared from const methods DPF calls
#endif
#if PL_VALIDATION == PL_VALIDATION_STALE_BUFFER
    uint32_t fPos = 0;  // per instance, so a fresh one walks over what the last one wrote
#endif
};

constexpr const PlParamSpec PlValidation::kSpecs[PlValidation::kParams];

Plugin* createPlugin()
{
    return new PlValidation();
}

END_NAMESPACE_DISTRHO
