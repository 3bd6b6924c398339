"""The project's one retry helper, for operations that can fail transiently.

Backoff is exponential with full jitter (AWS architecture blog, "Exponential Backoff And
Jitter"), so that several processes retrying the same lock do not retry in step. Retrying stops
at whichever comes first: the attempt limit or the total time budget.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger(__name__)


def retry(
    *,
    on: type[BaseException] | tuple[type[BaseException], ...],
    when: Callable[[BaseException], bool] = lambda exc: True,
    attempts: int = 5,
    base_delay: float = 0.05,
    max_delay: float = 2.0,
    total_timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Retry the decorated function when it raises one of ``on`` and ``when(exc)`` is true.

    ``attempts`` counts calls, the first included. ``total_timeout`` bounds the time spent from
    the first call; a retry that would start after it is not made and the last error is raised.
    ``sleep`` and ``clock`` exist so that tests can observe the schedule without waiting.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            started = clock()
            for attempt in range(1, attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except on as exc:
                    if not when(exc) or attempt == attempts:
                        raise
                    delay = random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))
                    if clock() - started + delay > total_timeout:
                        raise
                    log.debug(
                        "%s failed (%s); retry %d/%d in %.3fs",
                        fn.__qualname__, exc, attempt, attempts - 1, delay,
                    )
                    sleep(delay)
            raise AssertionError("unreachable")  # the loop always returns or raises

        return wrapper

    return decorate
