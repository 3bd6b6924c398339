"""The example rule pack, installed from its wheel."""

from __future__ import annotations

from pluginary.registry import collect_rule_sets
from pluginary.rules import Action


def test_rule_set_is_registered_by_its_extension(plugin_manager):
    entry = collect_rule_sets(plugin_manager)["zam-plugins"]
    assert entry.extension == "vendor-rules-example"
    timeout, isolate, note, override = entry.item.rules
    assert (timeout.action, timeout.vendor, timeout.name, timeout.seconds) == (
        Action.TIMEOUT, "Damien Zammit", "ZamVerb", 300.0)
    assert (isolate.action, note.action, override.action) == (
        Action.ISOLATE, Action.NOTE, Action.OVERRIDE)
    assert override.set == {"category": "Spatial"}


def test_extensions_command_shows_what_it_provides(run_cli):
    extensions = {e["name"]: e for e in run_cli("extensions", "--json").json()}
    assert extensions["vendor-rules-example"]["provides"] == {"rule_sets": ["zam-plugins"]}
    assert extensions["vendor-rules-example"]["distribution"] == "pluginary-vendor-rules-example"
