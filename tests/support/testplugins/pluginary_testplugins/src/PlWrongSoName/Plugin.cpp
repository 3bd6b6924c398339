// PlWrongSoName: like PlGain; its VST3 bundle holds Contents/x86_64-linux/Other.so.
#include "../common/PlCommon.hpp"

START_NAMESPACE_DISTRHO

static const PlParamSpec kGainSpecs[] = {
    { "Gain", "gain", "dB", -60.0f, 12.0f, 0.0f },
    { "Pan", "pan", "", -1.0f, 1.0f, 0.0f },
};

class PlWrongSoName : public PlBase
{
public:
    PlWrongSoName() : PlBase(2, kGainSpecs) {}

protected:
    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        const float g = std::pow(10.0f, param(0) / 20.0f);
        const float pan = param(1);
        const float gl = g * (pan > 0.0f ? 1.0f - pan : 1.0f);
        const float gr = g * (pan < 0.0f ? 1.0f + pan : 1.0f);
        for (uint32_t i = 0; i < frames; ++i)
        {
            outputs[0][i] = inputs[0][i] * gl;
            outputs[1][i] = inputs[1][i] * gr;
        }
    }
};

Plugin* createPlugin()
{
    return new PlWrongSoName();
}

END_NAMESPACE_DISTRHO
