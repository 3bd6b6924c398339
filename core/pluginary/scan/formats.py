"""Which formats a scan covers."""

from __future__ import annotations

import logging

import pluggy

from ..errors import UsageError
from ..models import FormatInfo
from ..registry import collect_formats
from ..requirements import missing_essentials

log = logging.getLogger(__name__)


def choose_formats(pm: pluggy.PluginManager, asked: tuple[str, ...]) -> dict[str, FormatInfo]:
    """The installed formats a scan covers: those ``asked`` for (all when empty). A format whose
    essential requirement is missing is skipped with a warning, or is an error when asked for
    by name."""
    installed = {name: entry.item for name, entry in collect_formats(pm).items()}
    if not installed:
        raise UsageError("no format extension is installed, so there is nothing to scan",
                         hint="pip install pluginary-vst3 (or -lv2, -ladspa, -clap, -au)")
    wanted = asked or tuple(installed)
    unknown = sorted(set(wanted) - set(installed))
    if unknown:
        raise UsageError(f"unknown format: {', '.join(unknown)}",
                         hint=f"installed formats: {', '.join(sorted(installed))}")
    chosen = {name: installed[name] for name in wanted}
    for name, info in list(chosen.items()):
        missing = missing_essentials(info)
        if not missing:
            continue
        advice = "; ".join(r.advice or f"install {r.name}" for r in missing)
        what = ", ".join(f"{r.kind} {r.name}" for r in missing)
        if asked:  # asked for by name: that is an error, not a skip
            raise UsageError(f"cannot scan {name}: {what} is missing", hint=advice)
        log.warning("skipping %s: %s is missing (%s)", name, what, advice)
        del chosen[name]
    if not chosen:
        raise UsageError("no installed format can scan on this machine",
                         hint="run 'pluginary doctor' to see what to install")
    return chosen
