"""A scan from start to end: discover, compare with the catalogue, load in tiers, journal.

1. **Discovery**: each format extension lists candidates under the roots (its defaults for this
   OS, or the paths the user gave).
2. **Change detection**: a candidate whose fingerprint (the real binary's path, size and
   mtime_ns, plus its metadata file) matches the catalogue is not loaded again; a changed one is,
   and any crash block on it is lifted; one that disappeared is marked missing, never deleted.
3. **Phase A**, tiers 0 and 1 for every new or changed candidate, so the catalogue is complete
   and searchable in seconds; **phase B**, tier 2 (instantiation) for what is new, changed or
   never went that deep (``--deep``: everything; ``--quick``: nothing).
4. **Journal**: the scan is a row and every candidate a job. Outcomes are committed in batches,
   with the jobs they finish, so after ``kill -9`` the next scan resumes: finished jobs are not
   redone, jobs that were in flight are re-run alone as suspects.

The parent process is the only writer of the catalogue; workers only load. One scan runs per
catalogue at a time: the whole scan holds the catalogue's scan lock (``Catalogue.scan_lock``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import msgspec
import pluggy

from ..catalogue import Catalogue
from ..categories import category_map
from ..errors import NotFoundError
from ..models import (
    Candidate,
    CandidateState,
    FormatInfo,
    LoadResult,
    PluginRecord,
    PluginSummary,
    ScanEvent,
    ScanFinished,
    ScanInfo,
    ScanJob,
    ScanOutcome,
    ScanProgress,
    ScanStarted,
    Status,
)
from . import finish, rules
from .budget import BudgetPlanner
from .formats import choose_formats
from .lock import scan_lock
from .options import ScanOptions, ScanReport
from .pool import Failure, Pool, Work, default_pool_size
from .roots import absolute, pseudo_scheme, roots_for

log = logging.getLogger(__name__)

#: A candidate that took this long last time is scheduled after all the others.
SLOW_SECONDS = 5.0

#: Commit outcomes at least this often (count or seconds), whichever comes first.
BATCH_SIZE = 200
BATCH_SECONDS = 0.5


Emit = Callable[[ScanEvent], None]


class Scan:
    """One run of the engine. Use :func:`run_scan`."""

    def __init__(self, pm: pluggy.PluginManager, catalogue: Catalogue, options: ScanOptions,
                 emit: Emit) -> None:
        self.pm = pm
        self.catalogue = catalogue
        self.options = options
        self.emit = emit
        self.formats = choose_formats(pm, options.formats)
        self.book = rules.RuleBook.load(pm)
        #: What the catalogue stored per path (read once, when the rules first need it).
        self.known: dict[str, list[PluginSummary]] | None = None
        #: Candidates a rule says to load alone, in a fresh worker (with these variables).
        self.isolated: dict[str, dict[str, str]] = {}
        self.states = catalogue.candidates()
        self.planner = BudgetPlanner(self.states, fixed=options.timeout,
                                     base=options.base_timeout)
        self.pending: list[ScanOutcome] = []
        self.last_commit = time.monotonic()
        self.running: list[int] = []
        self.partial: dict[int, list[LoadResult]] = {}
        self.done = 0
        self.total = 0
        #: The latest status of each candidate this scan loaded (a candidate that went through
        #: both phases counts once, with its final status).
        self.final: dict[str, Status] = {}
        self.tally: dict[str, int] = {}  # self.final counted by status, kept up to date
        self.deep_queue: list[Candidate] = []
        #: What this scan found, by candidate path: identity, name and vendor only (for rules;
        #: the records themselves, parameters and all, are in the catalogue once committed).
        self.found: dict[str, tuple[PluginSummary, ...]] = {}
        #: Unfinished jobs of a resumed scan whose format this scan does not cover.
        self.left_for_later = 0

    # -- setup ---------------------------------------------------------------------------------

    def roots(self, info: FormatInfo) -> list[Path]:
        # Absolute, so a path typed relative to one folder means the same place to a later scan
        # or a resume from another; symlinks stay as the user gave them (abspath, not resolve).
        given = [absolute(Path(p).expanduser()) for p in self.options.paths]
        for path in given:
            if not path.exists():
                raise NotFoundError(f"{path} does not exist",
                                    hint="check the path, or run 'pluginary scan' without paths "
                                         "for the default locations")
        roots = given if given else []
        if not given or self.options.defaults:
            roots += [Path(str(p)) for p in roots_for(info)]
        return roots

    # -- discovery and planning ----------------------------------------------------------------

    def discover(self) -> tuple[list[Candidate], list[str]]:
        """Every candidate under the roots, and the roots (for the scan row)."""
        found: dict[str, Candidate] = {}
        all_roots: list[str] = []
        for name, info in self.formats.items():
            roots = self.roots(info)
            all_roots += [str(r) for r in roots]
            for listing in self.pm.hook.discover_candidates(format=name, roots=roots):
                for candidate in listing or ():
                    found.setdefault(candidate.path, candidate)
        return list(found.values()), sorted(set(all_roots))

    def vanished(self, candidates: Sequence[Candidate], roots: Sequence[str]) -> list[str]:
        """Known candidates under the scanned roots that discovery no longer finds.

        A candidate that is no file (an Audio Unit only ``auval`` lists, ``auval:…``) is under
        no root: it has vanished when discovery listed others of its format and scheme but not
        it. A listing that gave none of them at all (auval not run, or failing) proves nothing.
        """
        seen = {c.path for c in candidates}
        prefixes = [r.rstrip("/") + "/" for r in roots]
        listed = {(c.format, scheme) for c in candidates if (scheme := pseudo_scheme(c.path))}

        def gone(path: str, state: CandidateState) -> bool:
            scheme = pseudo_scheme(path)
            if scheme:
                return (state.format, scheme) in listed
            return path in roots or any(path.startswith(p) for p in prefixes)

        return [path for path, state in self.states.items()
                if state.format in self.formats and path not in seen
                and state.status is not Status.MISSING and gone(path, state)]

    def plan(self, candidates: Iterable[Candidate]) -> tuple[list[Candidate], list[Candidate], int,
                                                              int]:
        """Split candidates into phase A (tiers 0-1), phase B only (tier 2), and skipped."""
        phase_a: list[Candidate] = []
        phase_b: list[Candidate] = []
        unchanged = blocked = 0
        for candidate in candidates:
            state = self.states.get(candidate.path)
            if not self.admitted(candidate, state):
                blocked += 1
            elif state is None or state.fingerprint != candidate.fingerprint \
                    or state.status is Status.MISSING or state.status in self.options.retry \
                    or state.status is Status.PENDING or rules.ruled_out_before(state):
                phase_a.append(candidate)
            elif state.blocked:
                blocked += 1
            elif self._wants_deep(candidate.format, state):
                phase_b.append(candidate)
            else:
                unchanged += 1
        return phase_a, phase_b, unchanged, blocked

    def _wants_deep(self, fmt: str, state: CandidateState | None) -> bool:
        if self.options.quick or 2 not in self.formats[fmt].tiers:
            return False
        if state is None:
            return True
        if state.status is not Status.OK and state.status not in self.options.retry:
            return False
        return self.options.deep or state.tier < 2

    def shallow_tiers(self, fmt: str) -> tuple[int, ...]:
        return tuple(t for t in self.formats[fmt].tiers if t < 2) or (2,)

    # -- results -------------------------------------------------------------------------------

    def on_result(self, work: Work, result: LoadResult) -> None:
        results = self.partial.setdefault(work.job_id, [])
        results.append(result)
        if result.tier == work.tiers[-1]:
            self.settle(work, self.partial.pop(work.job_id))

    def on_failure(self, work: Work, failure: Failure) -> None:
        results = self.partial.pop(work.job_id, [])
        results.append(LoadResult(candidate=work.candidate, status=failure.status,
                                  cause=failure.cause, stderr=failure.stderr,
                                  seconds=round(failure.seconds, 3), tier=failure.tier))
        self.settle(work, results, blocked=failure.status is Status.CRASHED)

    def settle(self, work: Work, results: list[LoadResult], *, blocked: bool = False) -> None:
        """Merge a job's tier results into one outcome and queue it for the next commit."""
        candidate = work.candidate
        deepest = max(results, key=lambda r: r.tier)
        with_records = [r for r in results if r.records]
        # Records come from the deepest tier that produced any; when a deeper tier failed and
        # none did, the catalogue keeps the earlier records and only their status changes.
        source = max(with_records, key=lambda r: r.tier) if with_records else None
        records = source.records if source else ()
        if not records and deepest.status is Status.OK:
            deepest = msgspec.structs.replace(
                deepest, status=Status.FAILED,
                cause=deepest.cause or f"no {candidate.format} plugin found in it")
        records = tuple(self._finish_record(r, candidate, deepest) for r in records)
        ruled = self.book.decide(candidate.path, candidate.format, records) if records else None
        if ruled is not None:  # tier 0 or 1 has named the plugins: rules see them now
            # Notes and overrides are per plugin: a rule naming one plugin of a library marks
            # that one only.
            records = tuple(rules.apply_decision(
                r, self.book.decide(candidate.path, candidate.format, [r])) for r in records)
            self.note_budget(candidate.path, ruled)
            if ruled.admit is not None:
                deepest = msgspec.structs.replace(deepest, status=rules.ruled_status(ruled),
                                                  cause=ruled.cause())
                records = tuple(msgspec.structs.replace(r, status=deepest.status,
                                                        cause=deepest.cause) for r in records)
        before = self.states.get(candidate.path)
        # A deeper tier that failed leaves the earlier records in the catalogue: still counted.
        plugins = len(records) or (before.plugins if before is not None else 0)
        state = CandidateState(
            format=candidate.format, path=candidate.path, fingerprint=candidate.fingerprint,
            status=deepest.status, cause=deepest.cause, tier=deepest.tier,
            seconds=deepest.seconds,
            vendor=records[0].vendor if records else (before.vendor if before else ""),
            blocked=blocked, stderr=deepest.stderr if deepest.status is not Status.OK else "",
            plugins=plugins)
        self.pending.append(ScanOutcome(job_id=work.job_id, state=state, records=records,
                                        os=rules.os_name(), arch=rules.machine()))
        self.states[candidate.path] = state
        if records:
            self.found[candidate.path] = tuple(
                PluginSummary(format=r.format, uid=r.uid, name=r.name, vendor=r.vendor,
                              path=candidate.path) for r in records)
        self.done += 1
        self.set_final(candidate.path, state.status)
        if state.status is Status.OK and 2 not in work.tiers and self._wants_deep(
                candidate.format, None):
            self.deep_queue.append(candidate)
        self.emit(ScanProgress(scan_id=self.scan_id, done=self.done, total=self.total,
                               current=candidate.path, counts=self.counts()))
        self.maybe_commit()

    @staticmethod
    def _finish_record(record: PluginRecord, candidate: Candidate,
                       deepest: LoadResult) -> PluginRecord:
        return msgspec.structs.replace(
            record, status=deepest.status, cause=deepest.cause, tier=deepest.tier,
            fingerprint=record.fingerprint or candidate.fingerprint,
            bundle_path=record.bundle_path or (candidate.path if not record.file_path else ""),
            file_path=record.file_path or candidate.path)

    def set_final(self, path: str, status: Status) -> None:
        """Record a candidate's latest status, keeping the tally incremental (this runs once per
        finished job, so recounting everything here would be quadratic)."""
        old = self.final.get(path)
        if old is not None:
            self.tally[old.value] -= 1
            if not self.tally[old.value]:
                del self.tally[old.value]
        self.final[path] = status
        self.tally[status.value] = self.tally.get(status.value, 0) + 1

    def counts(self) -> dict[str, int]:
        """Candidates loaded so far, by their latest status."""
        return dict(self.tally)

    # -- journal -------------------------------------------------------------------------------

    def on_dispatch(self, work: Work) -> None:
        self.running.append(work.job_id)

    def maybe_commit(self, force: bool = False) -> None:
        due = len(self.pending) >= BATCH_SIZE or (
            time.monotonic() - self.last_commit >= BATCH_SECONDS)
        if not (force or due) or not (self.pending or self.running):
            return
        outcomes, self.pending = self.pending, []
        running, self.running = self.running, []
        # One transaction: a kill between marking jobs running and finishing them would turn
        # finished jobs into suspects.
        self.catalogue.record_outcomes(self.scan_id, outcomes, running=running)
        self.last_commit = time.monotonic()

    # -- running -------------------------------------------------------------------------------

    def run_jobs(self, jobs: Sequence[tuple[int, Candidate, tuple[int, ...], bool]]) -> None:
        """Load ``(job_id, candidate, tiers, suspect)`` items through a worker pool."""
        if not jobs:
            return
        pool = Pool(self.options.jobs or default_pool_size())
        ordered = sorted(jobs, key=self._dispatch_order)
        for job_id, candidate, tiers, suspect in ordered:
            budget = self.planner.budget(candidate.path, max(tiers), candidate.fingerprint)
            # A suspect (in flight when the last scan was killed) runs alone, but starts with
            # no crash against it: the scan was killed, not necessarily by this plugin.
            pool.submit(Work(job_id=job_id, candidate=candidate, tiers=tiers, budget=budget,
                             solo=suspect or candidate.path in self.isolated,
                             env=self.isolated.get(candidate.path, {})))
        try:
            pool.run(self.on_result, self.on_failure, self.on_dispatch, self.maybe_commit)
        finally:
            self.workers_started += pool.spawned
            self.maybe_commit(force=True)

    def _dispatch_order(self, job: tuple[int, Candidate, tuple[int, ...], bool]
                        ) -> tuple[bool, float]:
        """Known-slow candidates go last (slowest last), so that one slow plugin never holds up
        the rest. The others go biggest first: the cost of reading a candidate grows with its
        size, and starting the longest jobs first keeps the workers busy to the end (one LV2
        bundle can hold 130 plugins and most of a scan's work)."""
        expected = self.planner.expected(job[1].path)
        if expected >= SLOW_SECONDS:
            return (True, expected)
        fingerprint = job[1].fingerprint
        return (False, -float(fingerprint.size if fingerprint else 0))

    def journal_and_run(self, candidates: Sequence[Candidate], tiers_of: Callable[[Candidate],
                        tuple[int, ...]]) -> None:
        jobs = [(c, tiers_of(c)) for c in candidates]
        ids = self.catalogue.add_jobs(self.scan_id, jobs)
        self.total += len(jobs)
        self.run_jobs([(i, c, t, False) for i, (c, t) in zip(ids, jobs, strict=True)])

    def _previous(self) -> tuple[ScanInfo | None, list[ScanJob]]:
        """The interrupted scan to resume, and its unfinished jobs of this scan's formats.

        Under the scan lock a ``running`` row is a dead scan's. ``--no-resume`` closes every
        such row as abandoned, so no later scan revives one. A scan whose unfinished jobs are
        all of formats this scan does not cover stays open for a scan of those formats, and
        this one starts a row of its own."""
        if not self.options.resume:
            while (stale := self.catalogue.unfinished_scan()) is not None:
                self.catalogue.finish_scan(stale.id, status="abandoned")
                log.info("scan %d abandoned (--no-resume)", stale.id)
            return None, []
        previous = self.catalogue.unfinished_scan()
        if previous is None:
            return None, []
        unfinished = [j for j in self.catalogue.scan_jobs(previous.id) if j.state != "done"]
        ours = [j for j in unfinished if j.candidate.format in self.formats]
        if unfinished and not ours:
            log.info("scan %d has unfinished jobs of other formats only; it stays open for a "
                     "scan of those formats ('--no-resume' abandons it)", previous.id)
            return None, []
        # Unfinished jobs of formats this scan does not cover stay for a later scan of their
        # format, and the scan row stays open for them.
        self.left_for_later = len(unfinished) - len(ours)
        return previous, ours

    def execute(self) -> ScanReport:
        """Run the scan. The caller holds the scan lock (:func:`run_scan` does)."""
        began = time.monotonic()
        self.workers_started = 0
        candidates, roots = self.discover()  # first: a bad path ends the scan before the journal
        previous, todo = self._previous()
        if previous is not None:
            self.scan_id = previous.id
            log.info("resuming scan %d started at %s", previous.id,
                     time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(previous.started_at)))
        else:
            self.scan_id = self.catalogue.begin_scan(
                formats=list(self.formats), roots=roots,
                options={"quick": self.options.quick, "deep": self.options.deep})
        report = ScanReport(scan_id=self.scan_id, resumed=previous is not None,
                            discovered=len(candidates))
        self.emit(ScanStarted(scan_id=self.scan_id, formats=tuple(self.formats),
                              roots=tuple(roots)))
        interrupted = True
        try:
            if previous is not None:
                self.resume_jobs(todo)  # the rules see these first: a rule added since counts
            gone = self.vanished(candidates, roots)
            report.missing = self.catalogue.mark_missing(gone)
            for path in gone:
                self.states[path] = msgspec.structs.replace(self.states[path],
                                                            status=Status.MISSING)
            phase_a, phase_b, report.unchanged, report.blocked_skipped = self.plan(candidates)
            self.journal_and_run(phase_a, lambda c: self.shallow_tiers(c.format))
            # A resumed phase-A job also queued its candidate for tier 2, which planning found
            # again: each candidate goes deep once.
            deep = list({c.path: c for c in self.deep_queue + phase_b}.values())
            self.deep_queue = []
            self.journal_and_run(deep, lambda c: (2,))
            interrupted = False
        finally:
            self.maybe_commit(force=True)
            if not interrupted:
                # Before the scan row closes: a kill in between leaves the scan unfinished, and
                # its resume links again.
                changed = bool(self.found or report.missing or report.resumed)
                report.products = finish.link(self.catalogue, changed)
                # Always: a rule or category map added since the last scan applies now.
                finish.categorise(self.catalogue, category_map(self.pm), self.book)
                if self.left_for_later:
                    log.info("scan %d keeps %d unfinished jobs of other formats for a later "
                             "scan of those formats", self.scan_id, self.left_for_later)
                else:
                    self.catalogue.finish_scan(self.scan_id, status="finished")
            report.loaded = len(self.final)
            report.changed = sorted({f"{p.format}:{p.uid}" for found in self.found.values()
                                     for p in found if p.status is Status.OK})
            report.counts = self.counts()
            report.seconds = round(time.monotonic() - began, 3)
            report.workers_started = self.workers_started
            report.plugins = self.catalogue.info().plugins  # distinct identities
            self.emit(ScanFinished(scan_id=self.scan_id, counts=self.counts(),
                                   seconds=report.seconds, interrupted=interrupted))
        return report

    def resume_jobs(self, jobs: Sequence[ScanJob]) -> None:
        """Finish the journal of an interrupted scan: pending jobs as they were, jobs that were
        in flight alone, as suspects; finished ones are not redone. Only jobs of this scan's
        formats come here (``scan --format vst3`` after a killed ``scan --format lv2``, or with
        an extension now disabled, leaves the LV2 jobs for a later LV2 scan)."""
        todo = [(j.id, j.candidate, j.tiers, j.state == "running") for j in jobs
                if self.admitted(j.candidate, self.states.get(j.candidate.path), job_id=j.id)]
        self.total += len(todo)
        self.run_jobs(todo)

    # -- compatibility rules -------------------------------------------------------------------

    def admitted(self, candidate: Candidate, state: CandidateState | None, *,
                 job_id: int | None = None) -> bool:
        """Ask the rules before scheduling (or resuming ``job_id``), from the path and what an
        earlier scan stored. A skip or block rule records the candidate ``ignored`` or
        ``blocked`` (once: unchanged, it is only counted); a timeout, isolate or env rule is
        noted for its jobs."""
        if self.known is None:
            self.known = {}
            for summary in self.catalogue.summaries():
                self.known.setdefault(summary.path, []).append(summary)
        decision = self.book.decide(candidate.path, candidate.format,
                                    self.known.get(candidate.path, ()))
        self.note_budget(candidate.path, decision)
        if decision.admit is None:
            return True
        status, cause = rules.ruled_status(decision), decision.cause()
        if state is not None and (state.status, state.cause, state.fingerprint) == (
                status, cause, candidate.fingerprint):
            if job_id is not None:  # the journal's job still closes
                self.pending.append(ScanOutcome(job_id=job_id, state=state))
            return False
        ruled = CandidateState(
            format=candidate.format, path=candidate.path, fingerprint=candidate.fingerprint,
            status=status, cause=cause, tier=state.tier if state else 0,
            vendor=state.vendor if state else "", plugins=state.plugins if state else 0,
            blocked=state.blocked if state else False)  # a crash block outlives the rule
        self.pending.append(ScanOutcome(job_id=job_id, state=ruled))
        self.states[candidate.path] = ruled
        self.set_final(candidate.path, status)
        return False

    def note_budget(self, path: str, decision: rules.Decision) -> None:
        if decision.timeout is not None and decision.timeout.rule.seconds:
            self.planner.rule_seconds[path] = decision.timeout.rule.seconds
        if decision.isolate is not None or decision.env:
            self.isolated[path] = dict(decision.env)


def run_scan(pm: pluggy.PluginManager, catalogue: Catalogue, options: ScanOptions,
             emit: Emit | None = None) -> ScanReport:
    """Scan with ``options`` into ``catalogue``; events go to ``emit`` and the ``scan_event``
    hook."""

    def send(event: ScanEvent) -> None:
        pm.hook.scan_event(event=event)
        if emit is not None:
            emit(event)

    with scan_lock(catalogue, wait=options.wait):
        # Built under the lock: what it reads of the catalogue must be what the scan before it
        # left, not what it was in the middle of writing.
        return Scan(pm, catalogue, options, send).execute()
