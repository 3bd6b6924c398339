"""Validation results in the compatibility database: what ``pluginary validate`` records, what
``show`` prints and what ``validated:N`` / ``failed-level:N`` search.

One row per plugin version, OS and architecture with ``source = "validation"``
(:class:`~pluginary.models.CompatEntry`, key ``(format, uid, version, os, arch, source)``); the
newest validation on this machine replaces the previous one. ``tier`` holds a level:

- ``ok`` and level N: it passed levels 1 to N;
- ``failed``, ``crashed`` or ``timeout`` and level N: it failed at level N (so passed 1 to N-1);
- ``ignored``: validation does not support the plugin or its format (``cause`` says why); it
  passed nothing.

``cause`` is the first problem (``finite: NaN at sample 20 ...``), ``seconds`` the run's time.

The validate command builds entries with :func:`validation_entry` and stores them with
:func:`record_validation`::

    entries = [validation_entry(record, status=result.status,
                                level=result.passed if result.status == "pass"
                                else result.failed_level,
                                cause=result.cause, seconds=result.seconds)
               for record, result in zip(records, results, strict=True)]
    record_validation(catalogue, entries)

where ``level`` is the highest level passed for ``pass``/``ok`` and the level that failed for
the others (not the level asked for, when the run stopped below it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from .catalogue import Catalogue
from .models import CompatEntry, PluginRecord, Status
from .query.fields import LEVELS

#: ``CompatEntry.source`` of a validation row (``scan`` for the scan's own outcomes).
SOURCE = "validation"
#: The statuses of a validation that stopped at a level: it failed there.
FAILURES = (Status.FAILED, Status.CRASHED, Status.TIMEOUT)
#: The statuses a validation row may have.
STATUSES = (Status.OK, *FAILURES, Status.IGNORED)
#: The spellings of ``pluginary.validation.run.Result.status``, so a result can be recorded
#: as it is: ``error`` (the worker exited without a result, not by a signal) counts as failed.
RESULT_STATUSES = {"pass": Status.OK, "fail": Status.FAILED, "error": Status.FAILED,
                   "unsupported": Status.IGNORED}


def this_machine() -> tuple[str, str]:
    """``(os, arch)`` as the scan records them (``linux``, ``x86_64``): the rows that
    ``validated:`` and ``failed-level:`` read."""
    from .scan.rules import machine, os_name  # the rules module is heavy; only when needed

    return os_name(), machine()


def validation_entry(record: PluginRecord, *, status: Status | str, level: int,
                     cause: str = "", seconds: float | None = None,
                     recorded_at: float | None = None) -> CompatEntry:
    """The row for one validation of ``record`` on this machine: its stored version (the one
    ``show`` prints, which the search matches), this machine's OS and architecture.

    ``status`` is a :class:`Status` of :data:`STATUSES` or a ``Result.status`` spelling
    (:data:`RESULT_STATUSES`); ``level`` the highest level passed (``ok``), the level that
    failed (``failed``/``crashed``/``timeout``), anything for ``ignored`` (stored as 0).
    ``ValueError`` for a status or level outside the contract."""
    try:
        value = RESULT_STATUSES.get(str(status)) or Status(status)
    except ValueError:
        value = None
    if value not in STATUSES:
        raise ValueError(f"a validation status is one of "
                         f"{', '.join([*STATUSES, *RESULT_STATUSES])}, not {status!r}")
    assert value is not None  # for mypy: STATUSES holds no None
    if value is Status.IGNORED:
        level = 0
    elif level not in LEVELS:
        raise ValueError(f"a validation level is {LEVELS[0]} to {LEVELS[-1]}, not {level!r}")
    os_, arch = this_machine()
    return CompatEntry(format=record.format, uid=record.uid, version=record.version, os=os_,
                       arch=arch, source=SOURCE, status=value, tier=level,
                       seconds=seconds, cause=cause,
                       recorded_at=time.time() if recorded_at is None else recorded_at)


def record_validation(catalogue: Catalogue, entries: Sequence[CompatEntry]) -> int:
    """Store validation rows in one transaction, each replacing the previous validation of its
    plugin version, OS and architecture (this machine's newest result always lands, whatever
    an imported row's clock said). Returns how many rows were written. ``ValueError`` for an
    entry that is not a validation row (a scan outcome has its own writer)."""
    wrong = [e for e in entries if e.source != SOURCE or e.status not in STATUSES]
    if wrong:
        raise ValueError(f"not a validation row: {wrong[0]!r} (build them with "
                         "validation_entry)")
    return catalogue.record_compat(entries) if entries else 0


def passed_level(entry: CompatEntry) -> int:
    """The highest level a validation row says the plugin passed (0: none)."""
    if entry.status is Status.OK:
        return entry.tier
    return max(0, entry.tier - 1) if entry.status in FAILURES else 0


def validations(catalogue: Catalogue, record: PluginRecord) -> list[CompatEntry]:
    """The validation rows of ``record``'s stored version, this machine's first, then the
    others' (imported) by OS and architecture."""
    here = this_machine()
    found = [e for e in catalogue.compat_entries(key=record.key)
             if e.source == SOURCE and e.version == record.version]
    return sorted(found, key=lambda e: ((e.os, e.arch) != here, e.os, e.arch))


def describe(entry: CompatEntry) -> str:
    """One line for people: ``passed level 3 on linux x86_64, 2026-12-03 18:40``, ``failed
    level 3 on linux x86_64, 2026-12-03 18:40 (finite: NaN at ...)``."""
    when = datetime.fromtimestamp(entry.recorded_at).strftime("%Y-%m-%d %H:%M")
    if entry.status is Status.OK:
        what = f"passed level {entry.tier}"
    elif entry.status is Status.IGNORED:
        what = "not supported"
    elif entry.status is Status.TIMEOUT:
        what = f"timed out at level {entry.tier}"
    else:
        what = f"{entry.status.value} at level {entry.tier}" if (
            entry.status is not Status.FAILED) else f"failed level {entry.tier}"
    took = f" in {entry.seconds:.1f} s" if entry.seconds is not None else ""
    cause = f" ({entry.cause})" if entry.cause else ""
    return f"{what} on {entry.os} {entry.arch}, {when}{took}{cause}"
