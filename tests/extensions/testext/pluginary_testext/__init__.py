"""A test extension that uses every registration hook once, through the public API only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import typer

from pluginary import hookimpl
from pluginary.models import Candidate, FormatInfo, PluginRecord, Requirement
from pluginary.registry import (
    CommandRegister,
    ExporterRegister,
    FormatRegister,
    Rule,
    RuleSet,
    RuleSetRegister,
)
from pluginary.rules import Action


class NamesExporter:
    """Writes one plugin name per line."""

    name = "testext-names"
    description = "Plugin names, one per line (test exporter)"

    def export(self, records: Sequence[PluginRecord], destination: Path) -> None:
        destination.write_text("".join(f"{r.name}\n" for r in records), encoding="utf-8")


@hookimpl
def register_formats(register: FormatRegister) -> None:
    register(FormatInfo(
        name="testfmt", description="Files ending in .testplugin (test format)",
        default_roots={"linux": ("~/.testplugins",), "darwin": (), "windows": ()},
        path_env="TESTFMT_PATH",
        requirements=(Requirement(kind="python", name="json"),
                      Requirement(kind="library", name="pluginary-no-such-library",
                                  advice="apt-get install nothing-at-all")),
    ))


@hookimpl
def discover_candidates(format: str, roots: Sequence[Path]) -> Iterable[Candidate] | None:
    if format != "testfmt":
        return None
    return [Candidate(format=format, path=str(p)) for root in roots
            for p in sorted(Path(root).glob("*.testplugin"))]


@hookimpl
def register_exporters(register: ExporterRegister) -> None:
    register(NamesExporter())


@hookimpl
def register_rule_sets(register: RuleSetRegister) -> None:
    register(RuleSet(name="testext-rules", description="Test rules", rules=(
        Rule(action=Action.BLOCK, reason="crashes on load", vendor="Broken Audio*"),)))


def hello(name: str = "world") -> None:
    """Say hello (a command added by an extension)."""
    typer.echo(f"hello {name}")


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("testext-hello", hello, help="Say hello (test extension).")
