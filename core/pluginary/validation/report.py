"""Validation reports: ``--report json FILE`` (every result and a summary) and ``--report html
FILE`` (one self-contained page: the summary by level and format, then each failure with its
cause). docs/validation.md shows how to read them."""

from __future__ import annotations

import html
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import msgspec

from .levels import LEVELS, NAMES
from .run import Result

REPORT_SCHEMA = 1


class Cell(msgspec.Struct, frozen=True, kw_only=True):
    """One format at one level: how many plugins passed it, failed it, or never ran it."""

    passed: int = 0
    failed: int = 0
    not_run: int = 0


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    plugins: int
    passed: int
    failed: int
    #: Neither passed nor failed: not supported (not even level 1), or blocked by a rule.
    not_run: int = 0
    #: format -> level (as text: JSON keys) -> cell.
    by_format: dict[str, dict[str, Cell]]


class Report(msgspec.Struct, frozen=True, kw_only=True):
    schema: int = REPORT_SCHEMA
    created: str
    machine: str
    level: int
    summary: Summary
    results: tuple[Result, ...]


def summarise(results: Sequence[Result]) -> Summary:
    by_format: dict[str, dict[str, Cell]] = {}
    for fmt in sorted({r.format for r in results}):
        mine = [r for r in results if r.format == fmt]
        by_format[fmt] = {str(level): Cell(
            passed=sum(r.passed >= level for r in mine),
            failed=sum(r.failed_level == level for r in mine),
            not_run=sum(r.passed < level and r.failed_level != level for r in mine))
            for level in LEVELS}
    passed = sum(r.status == "pass" for r in results)
    failed = sum(r.failed for r in results)
    return Summary(plugins=len(results), passed=passed, failed=failed,
                   not_run=len(results) - passed - failed, by_format=by_format)


def build(results: Sequence[Result], level: int) -> Report:
    return Report(created=time.strftime("%Y-%m-%d %H:%M:%S %z"),
                  machine=f"{platform.system().lower()} {platform.machine()}", level=level,
                  summary=summarise(results), results=tuple(results))


def as_json(report: Report) -> bytes:
    return msgspec.json.format(msgspec.json.encode(report), indent=1) + b"\n"


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n { text-align: right; }
.fail { color: #a40000; } .pass { color: #1a6e1a; }
@media (prefers-color-scheme: dark) {
  body { background: #161616; color: #ddd; } th { background: #262626; }
  th, td { border-color: #444; } .fail { color: #ff7b7b; } .pass { color: #7bd87b; } }
"""


def as_html(report: Report) -> bytes:
    e = html.escape
    s = report.summary
    head = "".join(f"<th>{level} {NAMES[level]}</th>" for level in LEVELS)
    rows = []
    for fmt, cells in s.by_format.items():
        tds = "".join(
            f"<td class=n><span class=pass>{c.passed} passed</span>"
            + (f"<br><span class=fail>{c.failed} failed</span>" if c.failed else "")
            + (f"<br>{c.not_run} not run" if c.not_run else "") + "</td>"
            for c in cells.values())
        rows.append(f"<tr><th>{e(fmt)}</th>{tds}</tr>")
    failures = [r for r in report.results if r.failed]
    failed_rows = "".join(
        f"<tr><td>{e(r.name)}</td><td>{e(r.format)}</td><td><code>{e(r.key)}</code></td>"
        f"<td>{e(r.version)}</td><td class=fail>{e(r.status)}</td><td class=n>{r.failed_level}"
        f" {e(NAMES.get(r.failed_level, ''))}</td><td>{e(r.cause)}</td></tr>"
        for r in failures)
    other = [r for r in report.results if not r.failed and (r.note or r.status != "pass")]
    other_rows = "".join(
        f"<tr><td>{e(r.name)}</td><td>{e(r.format)}</td><td>{e(r.status)}</td>"
        f"<td class=n>{r.passed}</td><td>{e(r.note or r.cause)}</td></tr>" for r in other)
    page = f"""<!doctype html>
<html lang=en><head><meta charset=utf-8><title>Pluginary validation report</title>
<style>{_STYLE}</style></head><body>
<h1>Validation report</h1>
<p>{s.plugins} plugins, levels 1 to {report.level}, on {e(report.machine)},
{e(report.created)}: <span class=pass>{s.passed} passed</span>,
<span class=fail>{s.failed} did not</span>, {s.not_run} not run (unsupported or blocked).</p>
<h2>By level and format</h2>
<table><tr><th>format</th>{head}</tr>{''.join(rows)}</table>
<h2>Failures ({len(failures)})</h2>
{'<p>None.</p>' if not failures else
 '<table><tr><th>plugin</th><th>format</th><th>id</th><th>version</th><th>result</th>'
 '<th>level</th><th>cause</th></tr>' + failed_rows + '</table>'}
{'' if not other else '<h2>Not fully validated</h2><table><tr><th>plugin</th><th>format</th>'
 '<th>result</th><th>passed up to</th><th>why</th></tr>' + other_rows + '</table>'}
</body></html>
"""
    return page.encode()


def write(path: Path, data: bytes) -> None:
    """Replace ``path`` whole or not at all: a report half written is worse than none."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide it from a web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
