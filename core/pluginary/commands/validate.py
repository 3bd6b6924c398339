"""``pluginary validate``: the shared checks over the plugins a query selects, each plugin in
its own worker process (docs/validation.md)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .. import hookimpl
from ..errors import NotFoundError, UsageError
from ..output import emit_json, emit_table
from ..query.tree import Sort
from ..registry import CommandRegister
from ..search import find
from ..validation.run import Result, run_all
from .common import HiddenFlag, JsonFlag, session, wants_json

#: The levels built so far (issue 13 adds 1, 2, 4 and 5).
LEVELS = (3,)


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("validate", validate, help="Check plugins like pluginval: level 3 feeds silence, "
             "an impulse and noise at 44.1/48/96 kHz and checks the output (docs/validation.md).")


def validate(
    ctx: typer.Context,
    query: Annotated[list[str] | None, typer.Argument(
        help="Only the plugins matching this query (docs/search.md); all by default.")] = None,
    level: Annotated[int, typer.Option("--level", "-l", help="The level to run.")] = 3,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Plugins validated at once.")] = 0,
    timeout: Annotated[float, typer.Option(
        "--timeout", help="Seconds one plugin may take before it counts as hung.")] = 120.0,
    hidden: HiddenFlag = False,
    json: JsonFlag = False,
) -> None:
    if level not in LEVELS:
        raise UsageError(f"level {level} is not built yet",
                         hint=f"--level {' or '.join(map(str, LEVELS))}")
    if timeout <= 0:
        raise UsageError("--timeout must be above 0", hint="--timeout 120")
    s = session(ctx)
    text = " ".join(query or [])
    hits = find(s.pm, s.catalogue(), text, sort=Sort.NAME, limit=None, hidden=hidden).hits
    if not hits:
        raise NotFoundError(f"no plugin matches '{text}'", hint="check it with pluginary list")
    records = [h.record for h in hits]
    shown = sys.stderr.isatty() and not wants_json(ctx, json)
    count = [0]

    def progress(result: Result) -> None:
        count[0] += 1
        if shown:
            sys.stderr.write(f"\r{count[0]}/{len(records)} validated ({result.name}: "
                             f"{result.status})\x1b[K")
            sys.stderr.flush()

    results = run_all(records, level, jobs=jobs or min(2, os.cpu_count() or 1),
                      timeout=timeout, progress=progress)
    if shown:
        sys.stderr.write("\n")
    if wants_json(ctx, json):
        emit_json(results)
    else:
        emit_table(("Plugin", "Format", "Result", "Cause"),
                   [(r.name, r.format, r.status, r.cause) for r in results],
                   title=f"level {level}: {sum(r.status == 'pass' for r in results)} of "
                         f"{len(results)} pass")
    if any(r.status not in ("pass", "unsupported") for r in results):
        raise typer.Exit(1)  # documented: a plugin failed, crashed, hung or raised
