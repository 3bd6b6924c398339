"""What a preset is, as read, as stored, and as versioned.

A preset is identified by ``identity``, a string that stays the same while its content changes:
an LV2 preset's URI, ``file:<path>`` for a file holding one preset (``file:<path>#<n>`` for the
n-th of a bank), ``capture:<plugin key>/<name>`` for a captured state. Its short handle,
:attr:`PresetInfo.key`, is derived from the identity alone (:func:`preset_key`), so it is the
same in every catalogue and on every machine; tags and collections name a preset as
``preset:<key>``. The bytes are kept in their native container (a ``.vstpreset``, an LV2 preset
TTL, an ``.aupreset``...), content-addressed by sha256: identical bytes are stored once.
"""

from __future__ import annotations

import hashlib

import msgspec

#: How tags and collections name a preset: ``preset:<key>``.
PRESET_PREFIX = "preset:"


class ParamValue(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One parameter's value in a snapshot, in plain (not normalised) units where known."""

    #: The format's handle: an LV2 port symbol, a CLAP param id, a VST3 parameter name as the
    #: validation host names it (:class:`pluginary.validation.host.ParamInfo.key`).
    key: str
    value: float
    #: The name shown to the user (matched across formats of one product, case-folded).
    name: str = ""
    #: True when ``value`` is normalised to 0..1 (an FXP program's values).
    normalised: bool = False


class Preset(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One preset as a container reads it from a file, or as a capture or conversion made it."""

    identity: str
    #: The plugin it applies to as ``format:uid`` (``vst2:<id>`` for an FXP, whose plugin
    #: Pluginary cannot host), "" when the file does not say.
    plugin: str
    name: str
    #: The registered container that can read ``data`` back (``vstpreset``, ``lv2-preset``...).
    container: str
    data: bytes
    bank: str = ""
    author: str = ""
    #: Tags the file itself carries (a ``.vstpreset``'s MusicalCategory, an LV2 bank label).
    tags: tuple[str, ...] = ()
    #: The file or bundle it was read from; "" for captures, conversions and imports.
    source: str = ""
    #: A parameter snapshot where the container holds one or a worker made one.
    parameters: tuple[ParamValue, ...] | None = None
    #: Anything else the container read (a ``.vstpreset``'s Info attributes...).
    meta: dict[str, str] = {}


class SourceRead(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a container read from one source (a file, or a bundle folder): its presets, or one
    line saying why it could not be read (the source is then read again next time)."""

    path: str
    presets: tuple[Preset, ...] = ()
    error: str = ""


class PresetInfo(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A stored preset: its metadata and current version (the bytes stay in the store)."""

    key: str
    identity: str
    plugin: str
    name: str
    container: str
    #: The current version's sha256 and size.
    sha256: str
    size: int
    bank: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""
    meta: dict[str, str] = {}
    #: How many versions its history holds.
    versions: int = 1
    #: True when its source file no longer yields it (it is kept, never deleted).
    missing: bool = False
    created_at: float = 0.0
    updated_at: float = 0.0


class PresetVersion(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One entry of a preset's history: which bytes it had from when, and why."""

    sha256: str
    size: int
    recorded_at: float
    #: ``extract``, ``capture``, ``convert (tier 2 from lv2:...)``, ``restore of <sha>``...
    note: str = ""


class PresetChanges(msgspec.Struct, kw_only=True):
    """What one write to the store did."""

    added: int = 0
    #: Presets that got a new version (their bytes changed).
    updated: int = 0
    unchanged: int = 0
    #: Presets whose source no longer yields them (kept, marked missing).
    missing: int = 0
    #: Distinct payloads newly stored, and their bytes.
    blobs_added: int = 0
    bytes_added: int = 0
    #: The keys of the presets written (added or updated), in order.
    keys: list[str] = []

    def add(self, other: PresetChanges) -> None:
        """Fold ``other`` into this one."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.missing += other.missing
        self.blobs_added += other.blobs_added
        self.bytes_added += other.bytes_added
        self.keys.extend(other.keys)


class StoredPreset(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A preset with its whole history, as a backup or a merge carries it."""

    info: PresetInfo
    history: tuple[PresetVersion, ...]


class PresetDump(msgspec.Struct, frozen=True, kw_only=True):
    """Every stored preset with its history: what ``preset backup`` writes beside the payloads
    and what ``restore --backup`` merges."""

    schema: str = "pluginary-preset-backup"
    version: int = 1
    presets: tuple[StoredPreset, ...] = ()
    #: The parameter snapshot of each payload that has one, by sha256.
    snapshots: dict[str, tuple[ParamValue, ...]] = {}


def sha256(data: bytes) -> str:
    """The content address of a payload."""
    return hashlib.sha256(data).hexdigest()


def preset_key(identity: str) -> str:
    """The short handle of a preset: 12 hex digits of the sha256 of its identity."""
    return hashlib.sha256(identity.encode()).hexdigest()[:12]
