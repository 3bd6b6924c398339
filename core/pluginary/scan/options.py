"""What a scan is asked to do (:class:`ScanOptions`) and what it did (:class:`ScanReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..models import Status


@dataclass(frozen=True)
class ScanOptions:
    """What ``pluginary scan`` was asked to do."""

    paths: tuple[Path, ...] = ()
    formats: tuple[str, ...] = ()
    defaults: bool = False
    quick: bool = False
    deep: bool = False
    timeout: float | None = None
    base_timeout: float | None = None
    retry: frozenset[Status] = frozenset()
    jobs: int | None = None
    resume: bool = True
    #: Wait for a scan that holds the catalogue's scan lock instead of failing.
    wait: bool = False


@dataclass
class ScanReport:
    """What a scan did, for the CLI's summary and ``--json``."""

    scan_id: int
    resumed: bool
    discovered: int = 0
    unchanged: int = 0
    missing: int = 0
    blocked_skipped: int = 0
    loaded: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    plugins: int = 0
    #: Products in the catalogue after linking (``pluginary.products``); a product in several
    #: formats counts once.
    products: int = 0
    seconds: float = 0.0
    workers_started: int = 0
    #: The plugins (``format:uid``) this scan loaded and found ok: what ``scan --validate``
    #: validates.
    changed: list[str] = field(default_factory=list)
