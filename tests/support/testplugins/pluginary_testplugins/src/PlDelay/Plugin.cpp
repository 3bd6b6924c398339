// PlDelay: stereo delay, 4 parameters.
#include "../common/PlCommon.hpp"

START_NAMESPACE_DISTRHO

static const PlParamSpec kDelaySpecs[] = {
    { "Time", "time", "ms", 1.0f, 1000.0f, 250.0f },
    { "Feedback", "feedback", "%", 0.0f, 95.0f, 30.0f },
    { "Mix", "mix", "%", 0.0f, 100.0f, 50.0f },
    { "Output", "output", "dB", -24.0f, 6.0f, 0.0f },
};

class PlDelay : public PlBase
{
public:
    static constexpr uint32_t kMaxFrames = 192000;

    PlDelay() : PlBase(4, kDelaySpecs), fBuf(new float[2 * kMaxFrames]()), fPos(0) {}
    ~PlDelay() override { delete[] fBuf; }

protected:
    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        uint32_t delay = static_cast<uint32_t>(param(0) * 0.001 * getSampleRate());
        if (delay < 1) delay = 1;
        if (delay >= kMaxFrames) delay = kMaxFrames - 1;
        const float fb = param(1) / 100.0f, mix = param(2) / 100.0f;
        const float out = std::pow(10.0f, param(3) / 20.0f);
        for (uint32_t i = 0; i < frames; ++i)
        {
            const uint32_t rd = (fPos + kMaxFrames - delay) % kMaxFrames;
            for (uint32_t c = 0; c < 2; ++c)
            {
                float* const line = fBuf + c * kMaxFrames;
                const float in = inputs[c][i], wet = line[rd];
                line[fPos] = in + wet * fb;
                outputs[c][i] = (in * (1.0f - mix) + wet * mix) * out;
            }
            fPos = (fPos + 1) % kMaxFrames;
        }
    }

private:
    float* const fBuf;
    uint32_t fPos;
};

Plugin* createPlugin()
{
    return new PlDelay();
}

END_NAMESPACE_DISTRHO
