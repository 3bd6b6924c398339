"""Taking the catalogue's scan lock: one scan per catalogue at a time (see ADR 0005)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from ..catalogue import Catalogue
from ..errors import ScanRunningError

log = logging.getLogger(__name__)


@contextlib.contextmanager
def scan_lock(catalogue: Catalogue, *, wait: bool) -> Iterator[None]:
    """Hold the catalogue's scan lock; with ``wait``, say so and wait when another scan has it,
    else raise :class:`ScanRunningError` (exit 12)."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(catalogue.scan_lock(wait=False))
        except ScanRunningError as exc:
            if not wait:
                raise
            log.warning("%s; waiting for it to finish", exc.message)
            stack.enter_context(catalogue.scan_lock(wait=True))
        yield
