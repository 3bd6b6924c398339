// PlManyParams: stereo pass-through effect with 5000 parameters
// ("Param 1" .. "Param 5000", symbols p1 .. p5000, range 0..1, default 0.5).
#include "../common/PlCommon.hpp"

START_NAMESPACE_DISTRHO

class PlManyParams : public PlBase
{
public:
    PlManyParams() : PlBase(5000, nullptr) {}

protected:
    void run(const float** inputs, float** outputs, uint32_t frames) override
    {
        for (uint32_t c = 0; c < 2; ++c)
            if (outputs[c] != inputs[c])
                std::memcpy(outputs[c], inputs[c], sizeof(float) * frames);
    }
};

Plugin* createPlugin()
{
    return new PlManyParams();
}

END_NAMESPACE_DISTRHO
