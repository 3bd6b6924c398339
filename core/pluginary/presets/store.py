"""The preset store a storage extension implements, reached through
:meth:`pluginary.catalogue.Catalogue.preset_store`.

Payloads are content-addressed (sha256) and stored once; metadata and history are keyed by the
preset's identity, never by a row id. Nothing here deletes: a preset whose source disappears is
marked missing, a restore appends a version, a merge only adds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import msgspec

from .model import (
    ParamValue,
    Preset,
    PresetChanges,
    PresetDump,
    PresetInfo,
    PresetVersion,
    SourceRead,
)


class SourceState(msgspec.Struct, frozen=True, kw_only=True):
    """What the store remembers of one source: its fingerprint when it was last read."""

    path: str
    container: str
    fingerprint: str


@runtime_checkable
class PresetStore(Protocol):
    """Presets, their versions and their payloads, in the catalogue."""

    def sources(self, container: str) -> dict[str, SourceState]:
        """Every source of ``container`` read before, by path."""
        ...

    def record_sources(self, container: str, reads: Sequence[tuple[SourceRead, str]],
                       gone: Sequence[str] = ()) -> PresetChanges:
        """In one transaction: store the presets of each read (a new preset, or a new version
        when its bytes changed) and remember the source's fingerprint (the ``str`` beside it);
        a read with an ``error`` keeps its old fingerprint, so it is read again next time. The
        presets a source yielded before and yields no more, and those of the ``gone`` sources,
        are marked missing (kept). Versions made here get the note ``extract``."""
        ...

    def put(self, presets: Sequence[Preset], *, note: str) -> PresetChanges:
        """Store presets made outside a source (a capture, a conversion, an import): a new
        preset, or a new version with ``note`` when its identity exists with other bytes."""
        ...

    def find(self, *, plugin: str | None = None, text: str = "", tag: str = "",
             container: str = "", missing: bool = False) -> list[PresetInfo]:
        """Stored presets by plugin key (exact), a word of the name, bank or author
        (case-insensitive substring), a user tag (on ``preset:<key>``) or a file tag, and
        container; missing ones only with ``missing``. Ordered by plugin, bank, name."""
        ...

    def get(self, key: str) -> PresetInfo | None:
        """The preset whose key is ``key`` or starts with it (4 characters at least);
        :class:`pluginary.errors.UsageError` when a prefix names several."""
        ...

    def history(self, key: str) -> list[PresetVersion]:
        """Every version of the preset ``key`` (exact), oldest first."""
        ...

    def payload(self, sha256: str) -> bytes | None:
        """The bytes stored under ``sha256``."""
        ...

    def snapshot(self, sha256: str) -> tuple[ParamValue, ...] | None:
        """The parameter snapshot kept with the payload ``sha256``, if one was made."""
        ...

    def set_snapshot(self, sha256: str, parameters: Sequence[ParamValue]) -> None:
        """Keep a snapshot made later (by a worker) with payload ``sha256``."""
        ...

    def restore(self, key: str, sha256: str, *, note: str) -> PresetVersion:
        """Make the stored version ``sha256`` (a full hash from the preset's history) current
        by appending it to the history; :class:`pluginary.errors.NotFoundError` otherwise."""
        ...

    def payload_hashes(self) -> set[str]:
        """Every stored payload's sha256."""
        ...

    def dump(self) -> PresetDump:
        """Every preset with its history, and the snapshots."""
        ...

    def merge(self, dump: PresetDump, payload: Callable[[str], bytes]) -> PresetChanges:
        """Add what ``dump`` has and the store lacks, in one transaction: presets unknown here
        with their whole history, and the versions a known preset lacks (its current version
        stays); ``payload(sha)`` gives the bytes of a payload not stored yet. Never changes or
        drops what is stored."""
        ...
