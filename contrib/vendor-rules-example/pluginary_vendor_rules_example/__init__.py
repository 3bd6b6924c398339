"""A vendor compatibility-rule pack: rules only, public API only.

What a vendor (or a studio) knows about zam-plugins, measured on Debian bookworm's zam-plugins
4.1: ZamVerb builds large reverb tables when it is instantiated (100-190 s of CPU through
pedalboard, JUCE's host; 0.39 s through the VST3 interfaces alone), and ZamHeadX2, a binaural
(HRTF) panner, declares itself an equaliser.
"""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import RuleSetRegister
from pluginary.rules import Action, Rule, RuleSet

RULES = RuleSet(
    name="zam-plugins",
    description="Known load behaviour and metadata fixes of zam-plugins (Damien Zammit)",
    rules=(
        Rule(action=Action.TIMEOUT, seconds=300.0, vendor="Damien Zammit", name="ZamVerb",
             reason="instantiation takes 100-190 s of CPU while it builds its reverb tables"),
        Rule(action=Action.ISOLATE, vendor="Damien Zammit", name="ZamVerb",
             reason="its long instantiation should not hold up a shared worker"),
        Rule(action=Action.NOTE, vendor="Damien Zammit", name="ZamVerb",
             reason="the first instantiation in a JUCE-based host takes minutes",
             link="https://github.com/zamaudio/zam-plugins",
             workaround="allow it minutes when a host first loads it"),
        Rule(action=Action.OVERRIDE, vendor="Damien Zammit", name="ZamHeadX2",
             set={"category": "Spatial"},
             reason="a binaural (HRTF) panner, declared as an EQ"),
    ),
)


@hookimpl
def register_rule_sets(register: RuleSetRegister) -> None:
    register(RULES)
