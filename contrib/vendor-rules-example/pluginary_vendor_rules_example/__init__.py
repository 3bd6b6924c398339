"""A vendor compatibility-rule pack: rules only, public API only."""

from __future__ import annotations

from pluginary import hookimpl
from pluginary.registry import RuleSetRegister
from pluginary.rules import Action, Rule, RuleSet

RULES = RuleSet(
    name="zam-plugins",
    description="Known load behaviour of zam-plugins (Damien Zammit)",
    rules=(
        Rule(action=Action.TIMEOUT, seconds=300.0, vendor="Damien Zammit", name="ZamVerb",
             reason="instantiation takes 100-190 s of CPU while it builds its reverb tables"),
    ),
)


@hookimpl
def register_rule_sets(register: RuleSetRegister) -> None:
    register(RULES)
