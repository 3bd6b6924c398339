"""The values that cross extension boundaries.

Every struct here is a frozen ``msgspec.Struct``: extensions hand them to the core, scan workers
send them to the parent as msgpack, and storage extensions persist them. Keeping them immutable
means no extension can change a record another extension is still looking at.

The JSON Schema of these structs is published in ``docs/schema/`` (see
:func:`pluginary.schema.public_schema`).
"""

from __future__ import annotations

import enum
from typing import Any

import msgspec

from .query.tree import Everything, Node, Sort


class Format(enum.StrEnum):
    """The plugin formats Pluginary knows how to name. Extensions may add others by string."""

    VST3 = "vst3"
    AU = "au"
    LV2 = "lv2"
    CLAP = "clap"
    LADSPA = "ladspa"


class Role(enum.StrEnum):
    """What a plugin does in a signal chain, as the host would file it."""

    INSTRUMENT = "instrument"
    EFFECT = "effect"
    MIDI_EFFECT = "midi-effect"
    ANALYZER = "analyzer"
    UNKNOWN = "unknown"


class Status(enum.StrEnum):
    """The outcome of the deepest scan tier attempted on one installation."""

    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    BLOCKED = "blocked"
    MISSING = "missing"
    IGNORED = "ignored"
    PENDING = "pending"


class Parameter(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One automatable parameter as the plugin declares it."""

    name: str
    #: The plugin's own id: VST3 ParamID, LV2 port symbol, CLAP param id, LADSPA port index.
    id: str
    default: float | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    #: How many steps a discrete parameter has (its values minus one: VST3 ``stepCount``);
    #: None for a continuous one or when the format does not say.
    steps: int | None = None
    #: The default as the plugin's normalised 0-1 value, where the format has one (VST3).
    default_normalized: float | None = None


class Fingerprint(msgspec.Struct, frozen=True, kw_only=True):
    """What identifies one version of a binary on disk, cheaply.

    ``path`` is the real binary (the ``.so`` inside a bundle), not the bundle folder: an update
    that rewrites the binary in place must change the fingerprint.
    """

    path: str
    size: int
    mtime_ns: int
    #: Fingerprint of the declarative metadata file (moduleinfo.json, manifest.ttl), if any.
    metadata: str = ""


class PluginRecord(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Everything the catalogue knows about one plugin in one installation.

    ``(format, uid)`` is the stable identity: the VST3 class id as 32 hex digits, the AU
    ``type:subtype:manufacturer``, the LV2 URI, the CLAP id, or the LADSPA unique id. Tags,
    presets and compatibility rules hang off this identity, never off a database row id.
    """

    format: str
    uid: str
    name: str
    vendor: str = ""
    version: str = ""
    role: Role = Role.UNKNOWN
    #: Categories exactly as the plugin declares them (VST3 subcategories, LV2 classes, ...).
    categories: tuple[str, ...] = ()
    #: The node of Pluginary's one category tree (``Effect/Dynamics/Compressor``) derived from
    #: ``categories`` (and rules) by :mod:`pluginary.categories`; "" when uncategorised. Set
    #: by the catalogue at the end of each scan, never by a format extension.
    category: str = ""
    #: True when ``category`` was guessed from the name and ports (LADSPA declares none).
    category_guessed: bool = False
    description: str = ""
    audio_inputs: int | None = None
    audio_outputs: int | None = None
    midi_inputs: int | None = None
    midi_outputs: int | None = None
    parameters: tuple[Parameter, ...] = ()
    #: The file that was loaded (the binary, or the single-file plugin).
    file_path: str = ""
    #: The bundle folder for bundle formats (``Foo.vst3``, ``foo.lv2``), else equal to file_path.
    bundle_path: str = ""
    fingerprint: Fingerprint | None = None
    architecture: str = ""
    status: Status = Status.OK
    #: Why the status is not ``ok``: one line a person can act on.
    cause: str = ""
    #: The deepest scan tier attempted (0 declarative, 1 factory, 2 instantiation).
    tier: int = 0
    #: Format-specific fields that have no column of their own (SDK version, JUCE identifier...).
    extra: dict[str, str] = {}

    @property
    def key(self) -> str:
        """The identity as one string, ``format:uid``: what the CLI accepts as an ID."""
        return f"{self.format}:{self.uid}"


class PluginSummary(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One installation of a plugin, without its parameters: what the scan engine needs at the
    end of a scan and before loading (product linking, compatibility rules), read without
    unpacking thousands of parameters."""

    format: str
    uid: str
    name: str
    vendor: str = ""
    #: The installation's path: the bundle folder, or the file for single-file formats.
    path: str = ""
    fingerprint: Fingerprint | None = None
    status: Status = Status.OK
    version: str = ""
    categories: tuple[str, ...] = ()
    role: Role = Role.UNKNOWN
    audio_inputs: int | None = None
    audio_outputs: int | None = None
    #: The stored tree category (:attr:`PluginRecord.category`) and whether it was guessed.
    category: str = ""
    category_guessed: bool = False

    @property
    def key(self) -> str:
        """``format:uid``, as :attr:`PluginRecord.key`."""
        return f"{self.format}:{self.uid}"


class Product(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One product across formats: the records of ZamComp as VST3, LV2 and LADSPA, linked.

    ``key`` is derived from content, never from a row id: the normalised ``vendor/name`` of the
    group (``damienzammit/zamcomp``), with ``@format:uid`` of its first member appended only when
    two products would otherwise share it. The same records give the same key on every rescan.
    See ``docs/products.md`` for the linking rules.
    """

    key: str
    #: The name and vendor of the preferred member (VST3, CLAP, AU, LV2, LADSPA, in that order),
    #: the vendor without e-mail addresses or URLs.
    name: str
    vendor: str = ""
    #: The formats the product exists in, sorted.
    formats: tuple[str, ...] = ()
    #: The plugin keys (``format:uid``) of its records, sorted; at most one per format.
    members: tuple[str, ...] = ()
    #: What linked the members (``name``, ``dpf-id``); empty for a product of one record.
    links: tuple[str, ...] = ()


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """A file or bundle that discovery found and that one format extension can load."""

    format: str
    #: The file or bundle folder as found on disk.
    path: str
    fingerprint: Fingerprint | None = None


class LoadResult(msgspec.Struct, frozen=True, kw_only=True):
    """What loading one candidate gave: one record per plugin class it holds.

    A failure is still a result: ``records`` may be empty and ``status``/``cause`` say why.
    """

    candidate: Candidate
    records: tuple[PluginRecord, ...] = ()
    status: Status = Status.OK
    cause: str = ""
    #: The tail of what the plugin wrote to stderr while loading, kept for diagnosis.
    stderr: str = ""
    seconds: float = 0.0
    #: The tier that produced this result.
    tier: int = 0


class Requirement(msgspec.Struct, frozen=True, kw_only=True):
    """Something a format needs on the machine, checked by ``pluginary doctor``."""

    kind: str  # "python" (an importable module) or "library" (a shared library for ctypes)
    name: str
    #: What to do when it is missing, e.g. "apt-get install liblilv-0-0".
    advice: str = ""
    #: True when the format cannot scan anything without it (liblilv for LV2); the scan then
    #: skips the format with this advice instead of failing every candidate. False when only
    #: some tiers need it (pedalboard for VST3's host check).
    essential: bool = False


class FormatInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin format as a format extension declares it.

    Default roots are plain data per OS (``linux``, ``darwin``, ``windows``) so they can be
    tested for every OS on any OS. Entries may use ``~`` and ``$VAR``/``%VAR%``.
    """

    name: str
    description: str
    default_roots: dict[str, tuple[str, ...]] = {}
    #: Environment variable holding extra roots (``VST3_PATH``, ``LV2_PATH``...).
    path_env: str = ""
    #: Python packages or system libraries this format needs, for ``pluginary doctor``.
    requirements: tuple[Requirement, ...] = ()
    #: The scan tiers ``load_candidate`` implements for this format (0 declarative, 1 factory,
    #: 2 instantiation). The engine plans only these.
    tiers: tuple[int, ...] = (1,)


class CandidateState(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What the catalogue remembers about one candidate path between scans."""

    format: str
    path: str
    fingerprint: Fingerprint | None = None
    status: Status = Status.PENDING
    cause: str = ""
    #: The deepest tier attempted.
    tier: int = 0
    #: How long the deepest tier took last time, for the adaptive budget.
    seconds: float | None = None
    vendor: str = ""
    #: Crashed twice: not loaded again until its fingerprint changes.
    blocked: bool = False
    stderr: str = ""
    #: How many plugin records the candidate gave.
    plugins: int = 0


class Installation(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One place a plugin is installed. A plugin (one identity) can have several."""

    key: str
    path: str
    version: str = ""
    status: Status = Status.OK
    cause: str = ""
    tier: int = 0
    architecture: str = ""


class ScanJob(msgspec.Struct, frozen=True, kw_only=True):
    """One unit of a scan in the journal: load ``candidate`` at ``tiers``."""

    id: int
    scan_id: int
    candidate: Candidate
    tiers: tuple[int, ...]
    #: ``pending``, ``running`` (dispatched when the parent last committed) or ``done``.
    state: str = "pending"


class CompatEntry(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What happened to one plugin version on one OS and architecture: the compatibility
    database's row. Key: ``(format, uid, version, os, arch, source)``; the newest outcome of a
    key is kept (``recorded_at``, seconds since the epoch)."""

    format: str
    uid: str
    version: str = ""
    os: str
    arch: str
    #: ``scan``, or ``validation`` (then ``tier`` is a level: see pluginary.validation_store).
    source: str = "scan"
    status: Status
    tier: int = 0
    seconds: float | None = None
    cause: str = ""
    recorded_at: float


class ScanOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What the engine settled for one job: the candidate's new state and its records.

    The records already carry the status, cause and tier of the deepest tier attempted, so a
    plugin that lists at tier 1 but crashes at tier 2 is stored as crashed with its tier-1 data.
    """

    job_id: int | None
    state: CandidateState
    records: tuple[PluginRecord, ...] = ()
    #: Where it was loaded, for the compatibility database (empty: not recorded there).
    os: str = ""
    arch: str = ""


class ScanInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A scan row of the journal."""

    id: int
    started_at: float
    status: str
    formats: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    options: dict[str, Any] = {}
    finished_at: float | None = None


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A catalogue search or listing: the parsed, resolved query tree and how to page it.

    Build one with :func:`pluginary.search.prepare` (parse, expand saved searches, smart
    collections and categories), not by hand: storage translates ``root`` as it is."""

    #: The query as the user typed it (for messages only; storage never parses it).
    text: str = ""
    root: Node = Everything()
    #: At most this many hits; None for all.
    limit: int | None = 50
    offset: int = 0
    sort: Sort = Sort.RELEVANCE
    #: Include plugins tagged ``hidden`` (left out of listings, searches and exports).
    hidden: bool = False
    #: Read the hits' parameters too (``show`` and ``--json`` do; a listing does not, and
    #: unpacking them costs more than the search itself).
    parameters: bool = False


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    """One search result, best first."""

    record: PluginRecord
    #: The bm25 weight of a hit ranked by it, higher is better; 0 for a hit ranked before
    #: those by its name (the name alone holds the query's words) and for one that matched
    #: only filters or a substring.
    score: float = 0.0


class SearchResult(msgspec.Struct, frozen=True, kw_only=True):
    """One page of hits and how many plugins match in all."""

    hits: tuple[SearchHit, ...]
    total: int


class CatalogueInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A summary of an open catalogue, for ``pluginary db info``."""

    url: str
    engine: str
    schema_version: int
    plugins: int
    parameters: int
    scans: int
    size_bytes: int | None = None
    details: dict[str, Any] = {}


class MigrationReport(msgspec.Struct, frozen=True, kw_only=True):
    """What ``pluginary db migrate`` did."""

    from_version: int
    to_version: int
    backup_path: str = ""


class ScanStarted(msgspec.Struct, frozen=True, kw_only=True, tag="scan-started"):
    """Sent once when a scan begins."""

    scan_id: int
    formats: tuple[str, ...]
    roots: tuple[str, ...]


class ScanProgress(msgspec.Struct, frozen=True, kw_only=True, tag="scan-progress"):
    """Sent as candidates finish."""

    scan_id: int
    done: int
    total: int
    current: str = ""
    counts: dict[str, int] = {}


class ScanFinished(msgspec.Struct, frozen=True, kw_only=True, tag="scan-finished"):
    """Sent once when a scan ends, interrupted or not."""

    scan_id: int
    counts: dict[str, int]
    seconds: float
    interrupted: bool = False


ScanEvent = ScanStarted | ScanProgress | ScanFinished

#: The structs whose JSON Schema is published under docs/schema/.
PUBLIC_STRUCTS: tuple[type[msgspec.Struct], ...] = (
    PluginRecord,
    CompatEntry,
    PluginSummary,
    Product,
    Candidate,
    LoadResult,
    FormatInfo,
    SearchQuery,
    SearchHit,
    SearchResult,
    CatalogueInfo,
    MigrationReport,
    ScanStarted,
    ScanProgress,
    ScanFinished,
    CandidateState,
    Installation,
    ScanJob,
    ScanInfo,
)
