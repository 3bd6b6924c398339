"""Records to rows and back, with as little Python work per row as possible.

Parameters are the bulk of a catalogue (a few plugins declare thousands), so they are not one
row each: a plugin's whole parameter tuple is one msgpack array, zlib-compressed, in one
``parameters`` row. Names repeat heavily ("Cutoff", "Param 1", field names), so this is several
times smaller than a row per parameter plus its index. The parameter *names* are also kept as one
text column on ``plugins`` so that FTS5 can index them.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable
from typing import Any

import msgspec

from pluginary.models import Fingerprint, Parameter, PluginRecord, Role, Status

_json_encode = msgspec.json.Encoder().encode
_categories_decoder = msgspec.json.Decoder(tuple[str, ...])
_extra_decoder = msgspec.json.Decoder(dict[str, str])
_params_encode = msgspec.msgpack.Encoder().encode
_params_decoder = msgspec.msgpack.Decoder(tuple[Parameter, ...])

#: Columns selected for a record, in the order :func:`record_from_row` reads them.
RECORD_COLUMNS = """
    p.format, p.uid, p.name, p.vendor, p.version, p.role, p.categories, p.description,
    p.audio_inputs, p.audio_outputs, p.midi_inputs, p.midi_outputs, p.extra,
    i.file_path, i.bundle_path, i.fp_path, i.fp_size, i.fp_mtime_ns, i.fp_metadata,
    i.architecture, i.status, i.cause, i.tier, pa.data, p.category, p.category_guessed
"""

#: The installation a record is built from: status ok first, then the most recently written.
BEST_INSTALLATION = """
    LEFT JOIN installations i ON i.id = (
        SELECT j.id FROM installations j WHERE j.plugin_id = p.id
        ORDER BY j.status = 'ok' DESC, j.updated_at DESC, j.id DESC LIMIT 1)
    LEFT JOIN parameters pa ON pa.plugin_id = p.id
"""


def decode_categories(text: str | None) -> tuple[str, ...]:
    """The categories column (a JSON array) as a tuple."""
    return _categories_decoder.decode(text) if text and text != "[]" else ()


def pack_parameters(parameters: tuple[Parameter, ...]) -> bytes:
    return zlib.compress(_params_encode(parameters), 6)


def unpack_parameters(data: bytes | None) -> tuple[Parameter, ...]:
    if not data:
        return ()
    return _params_decoder.decode(zlib.decompress(data))


def installation_path(record: PluginRecord) -> str:
    """The path that identifies one installation of a plugin: the bundle, else the file."""
    return record.bundle_path or record.file_path


class Rows:
    """The rows of one upsert batch, ready for ``executemany``."""

    __slots__ = ("installations", "parameters", "plugins")

    def __init__(self, records: Iterable[PluginRecord]) -> None:
        now = time.time()
        plugins: list[tuple[Any, ...]] = []
        installations: list[tuple[Any, ...]] = []
        parameters: list[tuple[Any, ...]] = []
        for r in records:
            params = r.parameters
            names = "\n".join(dict.fromkeys(p.name for p in params)) if params else ""
            plugins.append((
                r.format, r.uid, r.name, r.vendor, r.version, r.role.value,
                _json_encode(r.categories).decode() if r.categories else "[]",
                r.description, r.audio_inputs, r.audio_outputs, r.midi_inputs, r.midi_outputs,
                _json_encode(r.extra).decode() if r.extra else "{}", names, now,
                r.category, int(r.category_guessed),
            ))
            fp = r.fingerprint
            installations.append((
                r.format, r.uid, r.bundle_path or r.file_path, r.file_path, r.bundle_path,
                fp.path if fp else None, fp.size if fp else None, fp.mtime_ns if fp else None,
                fp.metadata if fp else None, r.architecture, r.status.value, r.cause, r.tier, now,
                r.version,
            ))
            parameters.append((r.format, r.uid, len(params), pack_parameters(params)))
        self.plugins = plugins
        self.installations = installations
        self.parameters = parameters

    def __len__(self) -> int:
        return len(self.plugins)


UPSERT_PLUGIN = """
    INSERT INTO plugins (format, uid, name, vendor, version, role, categories, description,
                         audio_inputs, audio_outputs, midi_inputs, midi_outputs, extra,
                         param_names, updated_at, category, category_guessed)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (format, uid) DO UPDATE SET
        name = excluded.name, vendor = excluded.vendor, version = excluded.version,
        role = excluded.role, categories = excluded.categories,
        description = excluded.description, audio_inputs = excluded.audio_inputs,
        audio_outputs = excluded.audio_outputs, midi_inputs = excluded.midi_inputs,
        midi_outputs = excluded.midi_outputs, extra = excluded.extra,
        param_names = excluded.param_names, updated_at = excluded.updated_at,
        -- The tree category is derived over the whole catalogue at the end of each scan
        -- (pluginary.scan.finish.categorise); a record without one keeps the stored one.
        category = CASE WHEN excluded.category != '' THEN excluded.category ELSE category END,
        category_guessed = CASE WHEN excluded.category != '' THEN excluded.category_guessed
                                ELSE category_guessed END
"""

UPSERT_INSTALLATION = """
    INSERT INTO installations (plugin_id, path, file_path, bundle_path, fp_path, fp_size,
                               fp_mtime_ns, fp_metadata, architecture, status, cause, tier,
                               updated_at, version)
    VALUES ((SELECT id FROM plugins WHERE format = ? AND uid = ?),
            ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (plugin_id, path) DO UPDATE SET
        file_path = excluded.file_path, bundle_path = excluded.bundle_path,
        fp_path = excluded.fp_path, fp_size = excluded.fp_size,
        fp_mtime_ns = excluded.fp_mtime_ns, fp_metadata = excluded.fp_metadata,
        architecture = excluded.architecture, status = excluded.status,
        cause = excluded.cause, tier = excluded.tier, updated_at = excluded.updated_at,
        version = excluded.version
"""

UPSERT_PARAMETERS = """
    INSERT INTO parameters (plugin_id, count, data)
    VALUES ((SELECT id FROM plugins WHERE format = ? AND uid = ?), ?, ?)
    ON CONFLICT (plugin_id) DO UPDATE SET count = excluded.count, data = excluded.data
"""


def record_from_row(row: tuple[Any, ...] | Any) -> PluginRecord:
    """Rebuild a record from a row of :data:`RECORD_COLUMNS`."""
    (fmt, uid, name, vendor, version, role, categories, description, ai, ao, mi, mo, extra,
     file_path, bundle_path, fp_path, fp_size, fp_mtime, fp_meta, arch, status, cause, tier,
     data, category, guessed) = row
    return PluginRecord(
        format=fmt, uid=uid, name=name, vendor=vendor, version=version, role=Role(role),
        categories=decode_categories(categories),
        description=description, audio_inputs=ai, audio_outputs=ao, midi_inputs=mi,
        midi_outputs=mo, parameters=unpack_parameters(data),
        file_path=file_path or "", bundle_path=bundle_path or "",
        fingerprint=None if fp_path is None else Fingerprint(
            path=fp_path, size=fp_size, mtime_ns=fp_mtime, metadata=fp_meta or ""),
        architecture=arch or "", status=Status(status or "ok"), cause=cause or "",
        tier=tier or 0,
        extra=_extra_decoder.decode(extra) if extra != "{}" else {},
        category=category or "", category_guessed=bool(guessed),
    )
