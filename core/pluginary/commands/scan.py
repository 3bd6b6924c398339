"""``pluginary scan`` and ``pluginary status``: fill the catalogue, and summarise it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import hookimpl
from ..errors import UsageError
from ..models import ScanEvent, ScanFinished, ScanProgress, ScanStarted, Status
from ..output import emit_json, emit_table
from ..registry import CommandRegister
from ..scan.engine import run_scan
from ..scan.options import ScanOptions, ScanReport
from ..validation.levels import LEVELS
from .common import JsonFlag, session, wants_json
from .validate import show as show_validation
from .validate import validate_records

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("scan", scan, help="Find plugins and record them in the catalogue; resumes an "
             "interrupted scan.")
    register("status", status, help="Count the catalogue's installations by format and status.")


def parse_statuses(value: str | None) -> frozenset[Status]:
    if not value:
        return frozenset()
    names = [v.strip() for v in value.split(",") if v.strip()]
    known = {s.value for s in Status}
    bad = [n for n in names if n not in known]
    if bad:
        raise UsageError(f"unknown status: {', '.join(bad)}",
                         hint="choose from " + ", ".join(sorted(known)))
    return frozenset(Status(n) for n in names)


def scan(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Folders, bundles or files to scan instead of the default locations.")] = None,
    format: Annotated[list[str] | None, typer.Option(
        "--format", "-f", help="Only this format (repeatable).")] = None,
    defaults: Annotated[bool, typer.Option(
        "--defaults", help="Scan the default locations as well as PATHS.")] = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Stop after tiers 0 and 1 (metadata and factory; nothing is "
        "instantiated).")] = False,
    deep: Annotated[bool, typer.Option(
        "--deep", help="Instantiate every plugin (tier 2), changed or not.")] = False,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.1, help="Seconds each plugin may take, instead of the learned, "
        "adaptive budgets.")] = None,
    base_timeout: Annotated[float | None, typer.Option(
        "--base-timeout", min=0.1, help="The starting budget in seconds of no progress, before "
        "anything is learned (default 5; twice that in all); a timed-out plugin is retried "
        "once, alone, with 1.5 times more.")] = None,
    retry: Annotated[str | None, typer.Option(
        "--retry", help="Load again the plugins with these statuses, e.g. failed,timeout "
        "(lifts crash blocks).")] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: one per core, fewer when "
        "memory is short).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume/--no-resume", help="Continue an interrupted scan (the default); "
        "--no-resume closes it as abandoned and starts afresh.")] = True,
    wait: Annotated[bool, typer.Option(
        "--wait", help="If another scan is running on this catalogue, wait for it to finish "
        "instead of exiting with code 12.")] = False,
    validate: Annotated[int | None, typer.Option(
        "--validate", metavar="LEVEL", help="Then validate the plugins this scan loaded (new "
        "or changed), levels 1 to LEVEL (see 'pluginary validate').")] = None,
    json: JsonFlag = False,
) -> None:
    if validate is not None and validate not in LEVELS:
        raise UsageError(f"there is no validation level {validate}", hint="--validate 1 to 5")
    if quick and deep:
        raise UsageError("--quick and --deep contradict each other", hint="choose one")
    s = session(ctx)
    options = ScanOptions(
        paths=tuple(paths or ()), formats=tuple(format or ()), defaults=defaults, quick=quick,
        deep=deep, timeout=timeout, base_timeout=base_timeout, retry=parse_statuses(retry),
        jobs=jobs, resume=resume, wait=wait)
    as_json = wants_json(ctx, json)
    display = Progress(enabled=not as_json and s.verbosity >= 0)
    try:
        report = run_scan(s.pm, s.catalogue(create=True), options, display.event)
    finally:
        display.close()
    if validate is None:
        if as_json:
            emit_json(report)
        else:
            print_summary(report)
        return
    catalogue = s.catalogue()
    records = [r for r in map(catalogue.get, report.changed) if r is not None]
    if not as_json:
        print_summary(report)
        sys.stdout.write(f"validating the {len(records)} plugins this scan loaded, levels 1-"
                         f"{validate}\n")
    results = validate_records(ctx, records, validate, jobs=jobs or 0, quiet=as_json)
    if as_json:
        emit_json({"scan": report, "validation": results})
    elif results:
        show_validation(results, validate)
    if any(r.failed for r in results):
        raise typer.Exit(1)  # documented: a validated plugin failed


def print_summary(report: ScanReport) -> None:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items())) or "none"
    lines = [
        f"scan {report.scan_id}{' (resumed)' if report.resumed else ''}: "
        f"{report.discovered} candidates in {report.seconds:.1f} s",
        f"  loaded {report.loaded}: {counts}",
        f"  unchanged {report.unchanged}, blocked {report.blocked_skipped}, "
        f"missing {report.missing}; {report.plugins} plugins in the catalogue",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    if any(report.counts.get(s.value) for s in (Status.FAILED, Status.CRASHED, Status.TIMEOUT)):
        sys.stdout.write("  see why with: pluginary list --status crashed (or failed, timeout); "
                         "pluginary show ID\n")


class Progress:
    """A rich progress bar on a terminal; a line every few seconds otherwise."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.bar: RichProgress | None = None
        self.task: TaskID | None = None
        self.last_line = 0.0

    def event(self, event: ScanEvent) -> None:
        if not self.enabled:
            return
        if isinstance(event, ScanStarted):
            self.start(event)
        elif isinstance(event, ScanProgress):
            self.update(event)
        elif isinstance(event, ScanFinished) and event.interrupted:
            sys.stderr.write("scan interrupted; run 'pluginary scan' again to resume it\n")

    def start(self, event: ScanStarted) -> None:
        if not self.tty:
            sys.stderr.write(f"scan {event.scan_id}: {', '.join(event.formats)} under "
                             f"{len(event.roots)} roots\n")
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self.bar = Bar(TextColumn("[bold]scan"), BarColumn(), MofNCompleteColumn(),
                       TimeRemainingColumn(), TextColumn("{task.fields[counts]}"),
                       TextColumn("[dim]{task.fields[current]}"), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("scan", total=None, counts="", current="")

    def update(self, event: ScanProgress) -> None:
        counts = " ".join(f"{k}={v}" for k, v in sorted(event.counts.items()))
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=event.done, total=event.total or None,
                            counts=counts, current=Path(event.current).name)
            return
        now = time.monotonic()
        if now - self.last_line >= 2.0 or event.done == event.total:
            self.last_line = now
            sys.stderr.write(f"scan: {event.done}/{event.total} {counts}\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    counts = session(ctx).catalogue().status_counts()
    if wants_json(ctx, json):
        totals: dict[str, int] = {}
        for by_status in counts.values():
            for st, n in by_status.items():
                totals[st] = totals.get(st, 0) + n
        emit_json({"formats": counts, "totals": totals})
        return
    statuses = sorted({st for by in counts.values() for st in by})
    if not counts:
        sys.stderr.write("The catalogue is empty: run 'pluginary scan'.\n")
        return
    rows = [[fmt, *(str(by.get(st, 0)) for st in statuses), str(sum(by.values()))]
            for fmt, by in sorted(counts.items())]
    emit_table(("Format", *statuses, "Total"), rows, title="installations by status")
