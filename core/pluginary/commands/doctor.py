"""``pluginary doctor``: is this machine ready to scan, and what to install if not."""

from __future__ import annotations

import platform
import sys
from typing import Literal

import msgspec
import typer

from .. import hookimpl
from ..errors import PluginaryError
from ..output import emit_json, emit_table
from ..registry import CommandRegister, collect_formats, collect_storages
from ..requirements import requirement_met
from .common import JsonFlag, session, wants_json

Verdict = Literal["ok", "warn", "fail"]


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the doctor's report."""

    check: str
    verdict: Verdict
    detail: str
    advice: str = ""


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("doctor", doctor, help="Check Python, extensions, the catalogue and the system "
             "libraries each format needs, with advice.")


def examine(ctx: typer.Context) -> list[Finding]:
    s = session(ctx)
    findings = [Finding(
        check="python", verdict="ok" if sys.version_info >= (3, 11) else "fail",
        detail=f"{platform.python_implementation()} {platform.python_version()} on "
               f"{platform.system()} {platform.machine()}",
        advice="" if sys.version_info >= (3, 11) else "Pluginary needs Python 3.11 or newer")]

    for info in s.pm.extensions:
        if info.status == "broken":
            findings.append(Finding(check=f"extension {info.name}", verdict="fail",
                                    detail=f"{info.distribution} {info.version}: {info.error}",
                                    advice=f"reinstall or uninstall {info.distribution}"))
    loaded = sum(1 for i in s.pm.extensions if i.status == "ok")
    findings.append(Finding(check="extensions", verdict="ok",
                            detail=f"{loaded} loaded, {len(s.pm.extensions) - loaded} not"))

    storages = collect_storages(s.pm)
    if not storages:
        findings.append(Finding(check="storage", verdict="fail", detail="no storage extension",
                                advice="pip install pluginary-sqlite"))
    else:
        findings.append(_catalogue_finding(ctx))

    formats = collect_formats(s.pm)
    if not formats:
        findings.append(Finding(check="formats", verdict="warn",
                                detail="no format extension is installed, so nothing can be "
                                       "scanned", advice="pip install pluginary-vst3 (or -lv2, "
                                       "-ladspa, -clap, -au)"))
    for name, entry in sorted(formats.items()):
        missing = [r for r in entry.item.requirements if not requirement_met(r)]
        essential = any(r.essential for r in missing)
        findings.append(Finding(
            check=f"format {name}", verdict="fail" if essential else "warn" if missing else "ok",
            detail=("missing " + ", ".join(f"{r.kind} {r.name}" for r in missing)) if missing
            else f"ready ({entry.extension})",
            advice="; ".join(r.advice for r in missing if r.advice)))
    return findings


def _catalogue_finding(ctx: typer.Context) -> Finding:
    s = session(ctx)
    try:
        summary = s.catalogue().info()
        problems = s.catalogue().check()
    except PluginaryError as exc:
        return Finding(check="catalogue", verdict="fail", detail=exc.message, advice=exc.hint)
    if problems:
        return Finding(check="catalogue", verdict="fail", detail=problems[0],
                       advice="restore a backup, or rescan into a new --db")
    return Finding(check="catalogue", verdict="ok",
                   detail=f"{summary.url}: schema {summary.schema_version}, "
                          f"{summary.plugins} plugins")


def doctor(ctx: typer.Context, json: JsonFlag = False) -> None:
    findings = examine(ctx)
    if wants_json(ctx, json):
        emit_json(findings)
    else:
        emit_table(("Check", "Verdict", "Detail", "Advice"),
                   [(f.check, f.verdict, f.detail, f.advice) for f in findings])
    if any(f.verdict == "fail" for f in findings):
        raise typer.Exit(1)
