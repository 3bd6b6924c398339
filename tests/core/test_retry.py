"""The retry helper's schedule, observed through injected sleep and clock."""

from __future__ import annotations

import pytest

from pluginary.retry import retry


class Flaky(Exception):
    pass


def make(fail_times: int, **options):
    calls, sleeps = [], []
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    @retry(on=Flaky, sleep=sleep, clock=lambda: now[0], **options)
    def operation() -> str:
        calls.append(now[0])
        if len(calls) <= fail_times:
            raise Flaky(f"attempt {len(calls)}")
        return "done"

    return operation, calls, sleeps


def test_succeeds_after_transient_failures_with_growing_capped_jittered_delays():
    operation, calls, sleeps = make(4, attempts=5, base_delay=0.1, max_delay=0.3)
    assert operation() == "done"
    assert len(calls) == 5
    caps = [0.1, 0.2, 0.3, 0.3]
    assert all(0 <= s <= cap for s, cap in zip(sleeps, caps, strict=True))


def test_gives_up_after_the_attempt_limit():
    operation, calls, _ = make(10, attempts=3)
    with pytest.raises(Flaky, match="attempt 3"):
        operation()
    assert len(calls) == 3


def test_gives_up_when_the_total_time_would_be_exceeded():
    operation, calls, sleeps = make(100, attempts=100, base_delay=1.0, max_delay=1.0,
                                    total_timeout=3.0)
    with pytest.raises(Flaky):
        operation()
    assert sum(sleeps) <= 3.0
    assert len(calls) < 100


def test_only_matching_errors_are_retried():
    @retry(on=Flaky, when=lambda exc: "busy" in str(exc), sleep=lambda s: None)
    def operation() -> None:
        raise Flaky("corrupt")

    with pytest.raises(Flaky, match="corrupt"):
        operation()

    @retry(on=Flaky, sleep=lambda s: None)
    def other() -> None:
        raise ValueError("not retried")

    with pytest.raises(ValueError):
        other()
