"""Loading extensions: entry points, built-ins, broken extensions, disabling, strict mode."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from pluginary.errors import ExtensionError
from pluginary.manager import DEFAULT_EXTENSIONS, make_plugin_manager
from pluginary.registry import collect_commands, collect_formats


def test_builtins_and_installed_extensions_are_registered_the_same_way():
    pm = make_plugin_manager()
    by_name = {e.name: e for e in pm.extensions}
    builtins = [e for e in pm.extensions if e.builtin]
    assert len(builtins) == len(DEFAULT_EXTENSIONS)
    assert all(e.distribution == "pluginary" and e.status == "ok" for e in builtins)
    testext = by_name["testext"]
    assert (testext.distribution, testext.version, testext.status) == (
        "pluginary-testext", "0.0.1", "ok")
    assert testext.module == "pluginary_testext"
    assert {"register_formats", "register_commands", "register_exporters",
            "register_rule_sets", "discover_candidates"} <= set(testext.hooks)
    assert pm.has_plugin("testext") and pm.has_plugin("core.browse")


def test_importing_pluginary_loads_no_extension():
    code = ("import sys, pluginary, pluginary.cli, pluginary.hookspecs, pluginary.manager; "
            "print(any(m.startswith('pluginary_') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_broken_extension_gives_one_warning_and_the_rest_keeps_working(
        monkeypatch, caplog, broken_extensions):
    monkeypatch.delenv("PLUGINARY_DISABLE")
    with caplog.at_level(logging.WARNING):
        pm = make_plugin_manager(strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    for name in broken_extensions:
        mine = [w for w in warnings if f"'{name}'" in w]
        assert len(mine) == 1, warnings
        assert "pluginary-broken 0.0.1" in mine[0]
    assert "ModuleNotFoundError" in next(w for w in warnings if "broken-import" in w)
    assert "colour" in next(w for w in warnings if "broken-signature" in w)
    assert "register_comands" in next(w for w in warnings if "broken-unknown-hook" in w)
    states = {e.name: e.status for e in pm.extensions}
    assert all(states[name] == "broken" for name in broken_extensions)
    assert not any(pm.has_plugin(name) for name in broken_extensions)
    assert "testext-hello" in collect_commands(pm)
    assert "testfmt" in collect_formats(pm)


def test_strict_mode_makes_a_broken_extension_fatal(monkeypatch):
    monkeypatch.setenv("PLUGINARY_DISABLE", "broken-signature,broken-unknown-hook")
    monkeypatch.setenv("PLUGINARY_STRICT", "1")
    with pytest.raises(ExtensionError, match=r"broken-import.*pluginary-broken"):
        make_plugin_manager()


def test_disable_by_extension_or_distribution_name(monkeypatch, broken_extensions):
    monkeypatch.setenv("PLUGINARY_DISABLE", "pluginary-broken,testext")
    pm = make_plugin_manager(strict=True)
    states = {e.name: e.status for e in pm.extensions}
    assert states["testext"] == "disabled"
    assert all(states[name] == "disabled" for name in broken_extensions)
    assert "testext-hello" not in collect_commands(pm)


def test_two_extensions_claiming_one_command_are_both_named():
    pm = make_plugin_manager()

    class Impostor:
        from pluginary import hookimpl

        @staticmethod
        @hookimpl
        def register_commands(register):
            register("testext-hello", print)

    pm.register(Impostor(), name="impostor")
    with pytest.raises(ExtensionError) as info:
        collect_commands(pm, strict=True)
    assert "'testext'" in str(info.value) and "'impostor'" in str(info.value)


def test_a_registration_hook_that_raises_is_a_broken_extension(caplog):
    pm = make_plugin_manager(strict=False)

    class Exploding:
        from pluginary import hookimpl

        @staticmethod
        @hookimpl
        def register_formats(register):
            raise RuntimeError("boom")

    pm.register(Exploding(), name="exploding")
    with caplog.at_level(logging.WARNING):
        formats = collect_formats(pm, strict=False)
    assert "testfmt" in formats
    assert any("exploding" in r.getMessage() and "boom" in r.getMessage()
               for r in caplog.records)
    with pytest.raises(ExtensionError, match="boom"):
        collect_formats(pm, strict=True)
