"""Timeout rules with a level: validation budgets, which the scan leaves alone."""

import pytest

from pluginary.errors import UsageError
from pluginary.models import PluginRecord
from pluginary.rules import decode_rules
from pluginary.scan.rules import Placed, RuleBook

RULES = b"""
[[rule]]
action = "timeout"
name = "ZamVerb"
seconds = 300

[[rule]]
action = "timeout"
name = "ZamVerb"
level = 3
seconds = 3600
"""


def test_a_level_rule_budgets_that_level_and_not_the_scan():
    rules = decode_rules(RULES, "rules.toml")
    book = RuleBook([Placed(rule, "user", "rules.toml", n) for n, rule in enumerate(rules, 1)])
    verb = PluginRecord(format="vst3", uid="A" * 32, name="ZamVerb", file_path="/x/ZamVerb.vst3")
    decision = book.decide(verb.file_path, "vst3", [verb])
    assert decision.timeout is not None and decision.timeout.rule.seconds == 300
    assert {level: p.rule.seconds for level, p in decision.level_budgets.items()} == {3: 3600}


@pytest.mark.parametrize(("text", "why"), [
    (b'[[rule]]\naction = "timeout"\nname = "X"\nseconds = 1\nlevel = 6\n', "from 1 to 5"),
    (b'[[rule]]\naction = "block"\nname = "X"\nlevel = 2\n', "belongs to a timeout rule"),
])
def test_a_wrong_level_is_a_located_error(text, why):
    with pytest.raises(UsageError, match=f"rules.toml: rule 1: .*{why}"):
        decode_rules(text, "rules.toml")
