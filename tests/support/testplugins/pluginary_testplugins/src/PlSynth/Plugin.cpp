// PlSynth: tiny monophonic saw synth; MIDI in, no audio in, stereo out, 4 parameters.
#include "../common/PlCommon.hpp"

START_NAMESPACE_DISTRHO

static const PlParamSpec kSynthSpecs[] = {
    { "Volume", "volume", "dB", -60.0f, 0.0f, -12.0f },
    { "Detune", "detune", "ct", -100.0f, 100.0f, 0.0f },
    { "Attack", "attack", "ms", 0.0f, 1000.0f, 5.0f },
    { "Release", "release", "ms", 0.0f, 2000.0f, 100.0f },
};

class PlSynth : public PlBase
{
public:
    PlSynth() : PlBase(4, kSynthSpecs), fNote(-1), fPhase(0.0f), fEnv(0.0f) {}

protected:
    void run(const float**, float** outputs, uint32_t frames,
             const MidiEvent* events, uint32_t eventCount) override
    {
        const float sr = static_cast<float>(getSampleRate());
        const float vol = std::pow(10.0f, param(0) / 20.0f);
        const float att = 1.0f / (1.0f + param(2) * 0.001f * sr);
        const float rel = 1.0f / (1.0f + param(3) * 0.001f * sr);
        uint32_t ev = 0;
        for (uint32_t i = 0; i < frames; ++i)
        {
            for (; ev < eventCount && events[ev].frame <= i; ++ev)
            {
                if (events[ev].size != 3) continue;
                const uint8_t st = events[ev].data[0] & 0xF0, note = events[ev].data[1], vel = events[ev].data[2];
                if (st == 0x90 && vel > 0) fNote = note;
                else if ((st == 0x80 || st == 0x90) && note == fNote) fNote = -1;
            }
            const float target = fNote >= 0 ? 1.0f : 0.0f;
            fEnv += (target - fEnv) * (fNote >= 0 ? att : rel);
            float s = 0.0f;
            if (fNote >= 0 || fEnv > 1e-5f)
            {
                const int n = fNote >= 0 ? fNote : 69;
                const float freq = 440.0f * std::pow(2.0f, (n - 69 + param(1) / 100.0f) / 12.0f);
                fPhase += freq / sr;
                if (fPhase >= 1.0f) fPhase -= 1.0f;
                s = (2.0f * fPhase - 1.0f) * fEnv * vol;
            }
            outputs[0][i] = outputs[1][i] = s;
        }
    }

private:
    int fNote;
    float fPhase, fEnv;
};

Plugin* createPlugin()
{
    return new PlSynth();
}

END_NAMESPACE_DISTRHO
