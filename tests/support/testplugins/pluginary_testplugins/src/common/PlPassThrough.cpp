// Plugin body shared by the torture plugins; the behaviour is selected by
// PL_TORTURE in the plugin's DistrhoPluginInfo.h.
#include "PlCommon.hpp"

START_NAMESPACE_DISTRHO

// A stereo pass-through effect (used by the torture plugins).
class PlPassThrough : public PlBase
{
public:
    PlPassThrough() : PlBase(1, kSpecs) {}

protected:
    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        for (uint32_t c = 0; c < DISTRHO_PLUGIN_NUM_OUTPUTS; ++c)
            if (outputs[c] != inputs[c])
                std::memcpy(outputs[c], inputs[c], sizeof(float) * frames);
    }

private:
    static constexpr const PlParamSpec kSpecs[1] = {
        { "Mix", "mix", "", 0.0f, 1.0f, 1.0f },
    };
};

constexpr const PlParamSpec PlPassThrough::kSpecs[1];

Plugin* createPlugin()
{
    return new PlPassThrough();
}

END_NAMESPACE_DISTRHO
