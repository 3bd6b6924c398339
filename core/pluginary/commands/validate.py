"""``pluginary validate``: levels 1 to 5 of checks over the plugins a query selects, each plugin
in its own worker process (docs/validation.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import NotFoundError, UsageError
from ..models import PluginRecord
from ..output import emit_json, emit_table
from ..query.tree import Sort
from ..registry import CommandRegister
from ..search import find
from ..validation import report as reports
from ..validation.levels import LEVELS, NAMES
from ..validation.plan import Planner
from ..validation.run import Result, run_all
from ..validation_store import record_validation, validation_entry
from .common import HiddenFlag, JsonFlag, session, wants_json

REPORT_FORMATS = ("html", "json")


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("validate", validate, help="Check plugins like pluginval, levels 1 (load) to 5 "
             "(stress), each plugin in its own process (docs/validation.md).")


def validate(
    ctx: typer.Context,
    query: Annotated[list[str] | None, typer.Argument(
        help="Only the plugins matching this query (docs/search.md); all by default.")] = None,
    level: Annotated[int, typer.Option(
        "--level", "-l", help="Run levels 1 to this one: 1 load, 2 parameters, 3 audio, "
        "4 state, 5 stress.")] = 5,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Plugins validated at once.")] = 0,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", help="Seconds each level may take, for every plugin (default: per level, "
        "from the compatibility rules).")] = None,
    report: Annotated[tuple[str, Path] | None, typer.Option(
        "--report", metavar="html|json FILE",
        help="Also write a report: --report html report.html")] = None,
    hidden: HiddenFlag = False,
    json: JsonFlag = False,
) -> None:
    if level not in LEVELS:
        raise UsageError(f"there is no level {level}", hint="--level 1 to 5")
    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be above 0", hint="--timeout 120")
    if report is not None:
        _check_report(*report)
    s = session(ctx)
    text = " ".join(query or [])
    hits = find(s.pm, s.catalogue(), text, sort=Sort.NAME, limit=None, hidden=hidden).hits
    if not hits:
        raise NotFoundError(f"no plugin matches '{text}'", hint="check it with pluginary list")
    results = validate_records(ctx, [h.record for h in hits], level, jobs=jobs,
                               timeout=timeout, quiet=wants_json(ctx, json))
    if wants_json(ctx, json):
        emit_json(results)
    else:
        show(results, level)
    if report is not None:
        kind, path = report
        built = reports.build(results, level)
        try:
            reports.write(path, reports.as_html(built) if kind == "html"
                          else reports.as_json(built))
        except OSError as exc:
            raise UsageError(f"cannot write the report {path}: {exc.strerror}",
                             hint="choose another file; the results are stored") from exc
    if any(r.failed for r in results):
        raise typer.Exit(1)  # documented: a plugin failed, crashed, hung or its worker broke


def validate_records(ctx: typer.Context, records: list[PluginRecord], level: int, *,
                     jobs: int = 0, timeout: float | None = None,
                     quiet: bool = False) -> list[Result]:
    """Validate ``records`` (levels 1 to ``level``) with a progress line on a terminal, store
    the results in the compatibility database and return them (also for ``scan --validate``)."""
    s = session(ctx)
    planner = Planner(s.pm, fixed=timeout)
    plans = {r.key: planner.plan(r) for r in records}
    blocked = [_blocked(r, level, plans[r.key].blocked) for r in records if plans[r.key].blocked]
    runnable = [r for r in records if not plans[r.key].blocked]
    shown = sys.stderr.isatty() and not quiet
    count = [0]

    def progress(result: Result) -> None:
        count[0] += 1
        if shown:
            sys.stderr.write(f"\r{count[0]}/{len(runnable)} validated ({result.name}: "
                             f"{result.status})\x1b[K")
            sys.stderr.flush()

    found = run_all(runnable, level, jobs=jobs or min(2, os.cpu_count() or 1),
                    budgets=lambda r: plans[r.key].budgets, env=lambda r: plans[r.key].env,
                    progress=progress)
    if shown:
        sys.stderr.write("\n")
    by_key = {r.key: r for r in [*found, *blocked]}
    results = [by_key[r.key] for r in records]
    # A blocked plugin was not validated, and an error is Pluginary's own failure, not the
    # plugin's: for both, whatever an earlier run found stays.
    record_validation(s.catalogue(), [
        validation_entry(record, status=result.status,
                         level=result.passed if result.status == "pass" else result.failed_level,
                         cause=result.cause or result.note, seconds=result.seconds)
        for record, result in zip(records, results, strict=True)
        if result.status not in ("blocked", "error")])
    return results


def _blocked(record: PluginRecord, level: int, cause: str) -> Result:
    return Result(key=record.key, name=record.name, format=record.format,
                  version=record.version, level=level, status="blocked", cause=cause)


def _check_report(kind: str, path: Path) -> None:
    if kind not in REPORT_FORMATS:
        raise UsageError(f"no report format {kind!r}", hint="--report html FILE or "
                                                            "--report json FILE")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write the report: no folder {path.parent}",
                         hint="create the folder, or choose another file")
    if path.is_dir() or not os.access(path.parent, os.W_OK):
        raise UsageError(f"cannot write the report {path}: "
                         + ("it is a folder" if path.is_dir() else "its folder is not writable"),
                         hint="choose another file")


def show(results: list[Result], level: int) -> None:
    def outcome(r: Result) -> str:
        if r.status == "pass":
            return f"pass (1-{r.passed})" if r.passed else "pass"
        if r.failed_level:
            return f"{r.status} at {r.failed_level} {NAMES[r.failed_level]}"
        return r.status

    emit_table(("Plugin", "Format", "Result", "Cause"),
               [(r.name, r.format, outcome(r), r.cause or r.note) for r in results],
               title=f"levels 1-{level}: {sum(not r.failed for r in results)} of "
                     f"{len(results)} without a failure")
