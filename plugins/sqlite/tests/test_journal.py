"""The scan journal: candidates, scans, jobs and outcomes, on a real SQLite file."""

from __future__ import annotations

import msgspec
from records import make_record

from pluginary.models import Candidate, CandidateState, Fingerprint, ScanOutcome, Status
from pluginary_sqlite import SQLiteCatalogue


def candidate(n: int) -> Candidate:
    path = f"/usr/lib/vst3/P{n}.vst3"
    return Candidate(format="vst3", path=path, fingerprint=Fingerprint(
        path=f"{path}/Contents/x86_64-linux/P{n}.so", size=1000 + n, mtime_ns=n))


def test_scan_jobs_and_outcomes_round_trip(catalogue: SQLiteCatalogue) -> None:
    scan = catalogue.begin_scan(formats=["vst3"], roots=["/usr/lib/vst3"], options={"quick": True})
    assert catalogue.unfinished_scan().id == scan  # type: ignore[union-attr]
    ids = catalogue.add_jobs(scan, [(candidate(n), (0, 1)) for n in range(3)])
    jobs = catalogue.scan_jobs(scan)
    assert [j.id for j in jobs] == ids
    assert jobs[1].candidate == candidate(1) and jobs[1].tiers == (0, 1)
    assert {j.state for j in jobs} == {"pending"}
    catalogue.record_outcomes(scan, [], running=ids[:2])
    assert [j.state for j in catalogue.scan_jobs(scan)] == ["running", "running", "pending"]

    record = msgspec.structs.replace(make_record(1), format="vst3",
                                     bundle_path=candidate(0).path, tier=1)
    ok = ScanOutcome(job_id=ids[0], records=(record,), state=CandidateState(
        format="vst3", path=candidate(0).path, fingerprint=candidate(0).fingerprint,
        status=Status.OK, tier=1, seconds=0.01, vendor=record.vendor, plugins=1))
    crashed = ScanOutcome(job_id=ids[1], state=CandidateState(
        format="vst3", path=candidate(1).path, fingerprint=candidate(1).fingerprint,
        status=Status.CRASHED, cause="killed by SIGSEGV", tier=1, blocked=True,
        stderr="Segmentation fault"))
    catalogue.record_outcomes(scan, [ok, crashed])

    states = catalogue.candidates()
    assert states[candidate(0).path] == ok.state
    assert states[candidate(1).path] == crashed.state
    assert catalogue.get(record.key) == record
    assert [j.state for j in catalogue.scan_jobs(scan)] == ["done", "done", "pending"]
    assert catalogue.status_counts() == {"vst3": {"ok": 1, "crashed": 1}}

    catalogue.finish_scan(scan, status="finished")
    assert catalogue.unfinished_scan() is None


def test_a_failed_rescan_keeps_the_plugin_and_shows_the_status(catalogue: SQLiteCatalogue) -> None:
    scan = catalogue.begin_scan(formats=["vst3"], roots=[], options={})
    path = candidate(5).path
    record = msgspec.structs.replace(make_record(5), format="vst3", bundle_path=path, tier=2)
    state = CandidateState(format="vst3", path=path, status=Status.OK, tier=2, plugins=1)
    catalogue.record_outcomes(scan, [ScanOutcome(job_id=None, state=state, records=(record,))])
    crashed = msgspec.structs.replace(state, status=Status.CRASHED, cause="SIGSEGV", plugins=0)
    catalogue.record_outcomes(scan, [ScanOutcome(job_id=None, state=crashed)])
    kept = catalogue.get(record.key)
    assert kept is not None and kept.name == record.name
    assert (kept.status, kept.cause) == (Status.CRASHED, "SIGSEGV")


def test_missing_candidates_keep_their_plugins(catalogue: SQLiteCatalogue) -> None:
    scan = catalogue.begin_scan(formats=["vst3"], roots=[], options={})
    path = candidate(7).path
    record = msgspec.structs.replace(make_record(7), format="vst3", bundle_path=path)
    catalogue.record_outcomes(scan, [ScanOutcome(job_id=None, records=(record,), state=(
        CandidateState(format="vst3", path=path, status=Status.OK, tier=1, plugins=1)))])
    assert catalogue.mark_missing([path]) == 1
    kept = catalogue.get(record.key)
    assert kept is not None and kept.status is Status.MISSING
    assert catalogue.candidates()[path].status is Status.MISSING
    assert catalogue.status_counts() == {"vst3": {"missing": 1}}
