"""Globs in compatibility rules: an unclosed '[' is a typo, a set fnmatch closes is not."""

import pytest

from pluginary.rules import Action, Rule


@pytest.mark.parametrize("pattern", ["Zam[[]*", "[]]x", "[!]]x", "Zam[CV]*", "[!a-z]*"])
def test_sets_that_fnmatch_closes_are_accepted(pattern):
    rule = Rule(action=Action.BLOCK, name=pattern)
    assert rule.name == pattern


@pytest.mark.parametrize("pattern", ["[", "Zam[", "Zam[CV", "[!", "[]", "ok[a]then["])
def test_an_unclosed_set_is_an_error(pattern):
    with pytest.raises(ValueError, match="never closed"):
        Rule(action=Action.BLOCK, name=pattern)

