"""What an extension author hits: each fault is the extension's, named with its distribution,
reported with a documented exit code (never the internal-error 70), and never takes down what
the extension does not own."""

from __future__ import annotations

import logging
import subprocess
import sys
import types

import pytest

from pluginary import hookimpl
from pluginary.errors import ExtensionError
from pluginary.exporter_info import ExporterInfo, ExportOption
from pluginary.manager import _load, make_plugin_manager
from pluginary.registry import collect_commands, collect_exporters


def manager_with(name: str, plugin: object, *, strict: bool = False):
    pm = make_plugin_manager(strict=strict)
    pm.register(plugin, name=name)
    return pm


class NoDescription:
    name = "nodesc"

    def export(self, records, destination):  # pragma: no cover - never called
        raise AssertionError


class Raising:
    name = "raising"
    description = "raises inside export()"

    def export(self, records, destination):
        raise OSError("the disk said no")


def test_an_exporter_without_description_is_its_extensions_failure(run_cli, caplog):
    class Ext:
        @staticmethod
        @hookimpl
        def register_exporters(register):
            register(NoDescription())

    pm = manager_with("nodesc-ext", Ext(), strict=False)
    with caplog.at_level(logging.WARNING):
        exporters = collect_exporters(pm, strict=False)
    assert "nodesc" not in exporters and "testext-names" in exporters
    assert any("nodesc-ext" in r.getMessage() and "description" in r.getMessage()
               for r in caplog.records)
    with pytest.raises(ExtensionError, match=r"nodesc-ext.*needs description"):
        collect_exporters(pm, strict=True)
    listed = run_cli("export", "--json", pm=pm, env={"PLUGINARY_STRICT": ""})
    assert listed.exit_code == 0 and "testext-names" in listed.stdout


def test_a_faulty_exporter_description_is_its_extensions_failure(run_cli, caplog):
    """A typed description is checked when the exporter registers: the fault names the
    extension and every problem, and the other exporters stay."""
    class BadInfo:
        info = ExporterInfo(name="bad-info", summary="x", systems=("linux",),
                            destinations={"macos": "~/DAW"}, options=(
                                ExportOption(name="depth", kind="number", default="deep",
                                             help="levels"),))

        def export_selection(self, selection, destination, *, dry_run=False):
            return []

    class Ext:
        @staticmethod
        @hookimpl
        def register_exporters(register):
            register(BadInfo())

    pm = manager_with("badinfo-ext", Ext(), strict=False)
    with caplog.at_level(logging.WARNING):
        exporters = collect_exporters(pm, strict=False)
    assert "bad-info" not in exporters and "testext-names" in exporters
    with pytest.raises(ExtensionError, match=r"badinfo-ext.*destination for 'macos'.*"
                                             r"whole number"):
        collect_exporters(pm, strict=True)
    listed = run_cli("export", "--json", pm=pm, env={"PLUGINARY_STRICT": ""})
    assert listed.exit_code == 0 and "testext-names" in listed.stdout


def test_an_exception_inside_export_names_the_extension_and_exits_4(run_cli, tmp_path,
                                                                   tmp_catalogue):
    class Ext:
        @staticmethod
        @hookimpl
        def register_exporters(register):
            register(Raising())

    from pluginary.testing import sample_record

    tmp_catalogue.upsert([sample_record(1)])
    pm = manager_with("raising-ext", Ext())
    result = run_cli("export", "raising", str(tmp_path / "out.txt"), pm=pm)
    assert result.exit_code == 4, result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert "raising-ext" in line and "the disk said no" in line and "bug" not in line


def test_a_command_named_like_a_builtin_is_dropped_and_the_builtin_stays(run_cli, caplog,
                                                                         tmp_catalogue):
    class Ext:
        @staticmethod
        @hookimpl
        def register_commands(register):
            register("list", lambda: print("impostor"))
            register("clash-own", lambda: print("mine"))

    pm = manager_with("clash-ext", Ext())
    with caplog.at_level(logging.WARNING):
        commands = collect_commands(pm, strict=False)
    assert commands["list"].extension == "core.browse"
    assert commands["clash-own"].extension == "clash-ext"
    assert any("clash-ext" in r.getMessage() for r in caplog.records)
    assert run_cli("--help", pm=pm, env={"PLUGINARY_STRICT": ""}).exit_code == 0
    listed = run_cli("list", "--json", pm=pm, env={"PLUGINARY_STRICT": ""})
    assert listed.exit_code == 0 and "impostor" not in listed.stdout
    with pytest.raises(ExtensionError, match="clash-ext"):
        collect_commands(pm, strict=True)


def test_a_register_hook_that_returns_a_list_is_reported(caplog):
    class Ext:
        @staticmethod
        @hookimpl
        def register_exporters(register):
            return [Raising()]

    pm = manager_with("returning-ext", Ext())
    with caplog.at_level(logging.WARNING):
        assert "raising" not in collect_exporters(pm, strict=False)
    assert any("returning-ext" in r.getMessage() and "instead of calling register" in
               r.getMessage() for r in caplog.records)


def test_a_hook_without_hookimpl_makes_the_extension_broken():
    module = types.ModuleType("unmarked_ext")

    def register_exporters(register):  # no @hookimpl: pluggy would ignore it
        register(Raising())

    register_exporters.__module__ = module.__name__  # defined there, as in a real module
    module.register_exporters = register_exporters  # type: ignore[attr-defined]
    pm = make_plugin_manager(strict=False)
    _load(pm, "unmarked", "pluginary-unmarked", "0.1", "unmarked_ext", lambda: module, set(),
          False)
    info = pm.extension_named("unmarked")
    assert info is not None and info.status == "broken"
    assert "lacks @pluginary.hookimpl" in info.error


def test_export_help_lists_the_installed_exporters(run_cli):
    result = run_cli("export", "--help")
    assert result.exit_code == 0
    assert "testext-names" in result.stdout


def test_the_test_kit_imports_without_pytest(tmp_path):
    """sample_record is usable in a script: pluginary.testing imports where pytest is absent."""
    blocker = tmp_path / "pytest.py"
    blocker.write_text("raise ImportError('no pytest here')\n")
    code = ("from pluginary.testing import sample_record; "
            "print(sample_record(3).key)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("vst3:")


def test_run_cli_reads_the_catalogue_tmp_catalogue_fills(run_cli, tmp_catalogue):
    from pluginary.testing import sample_record

    tmp_catalogue.upsert([sample_record(1), sample_record(2)])
    assert len(run_cli("list", "--json").json()) == 2


def test_a_module_that_imports_a_function_named_like_a_hook_is_fine():
    from pluginary.catalogue import open_catalogue

    module = types.ModuleType("importing_ext")
    module.open_catalogue = open_catalogue  # type: ignore[attr-defined]
    pm = make_plugin_manager(strict=False)
    _load(pm, "importing", "pluginary-importing", "0.1", "importing_ext", lambda: module, set(),
          False)
    info = pm.extension_named("importing")
    assert info is not None and info.status == "ok", info


def test_an_exporter_with_only_export_selection_is_an_exporter():
    from pluginary.exportfiles import write_text

    class SelectionOnly:
        name = "selection-only"
        description = "writes the count"

        def export_selection(self, selection, destination, *, dry_run=False):
            return [write_text(destination, f"{len(selection.records)}\n", dry_run=dry_run)]

    class Ext:
        @staticmethod
        @hookimpl
        def register_exporters(register):
            register(SelectionOnly())

    pm = manager_with("selection-ext", Ext())
    assert "selection-only" in collect_exporters(pm, strict=True)
