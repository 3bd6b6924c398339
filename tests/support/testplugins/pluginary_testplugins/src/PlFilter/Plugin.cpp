// PlFilter: one-pole stereo low-pass filter, 3 parameters.
#include "../common/PlCommon.hpp"

START_NAMESPACE_DISTRHO

static const PlParamSpec kFilterSpecs[] = {
    { "Cutoff", "cutoff", "Hz", 20.0f, 20000.0f, 1000.0f },
    { "Resonance", "resonance", "", 0.0f, 1.0f, 0.0f },
    { "Drive", "drive", "dB", 0.0f, 24.0f, 0.0f },
};

class PlFilter : public PlBase
{
public:
    PlFilter() : PlBase(3, kFilterSpecs), fZ{0.0f, 0.0f} {}

protected:
    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        const float a = 1.0f - std::exp(-2.0f * 3.14159265f * param(0) / static_cast<float>(getSampleRate()));
        const float drive = std::pow(10.0f, param(2) / 20.0f);
        for (uint32_t c = 0; c < 2; ++c)
            for (uint32_t i = 0; i < frames; ++i)
            {
                fZ[c] += a * (inputs[c][i] * drive - fZ[c]);
                outputs[c][i] = fZ[c];
            }
    }

private:
    float fZ[2];
};

Plugin* createPlugin()
{
    return new PlFilter();
}

END_NAMESPACE_DISTRHO
