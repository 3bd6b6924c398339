"""How presets are laid out in rows (schema version 7): the columns read, and the JSON and
msgpack encodings of tags, meta and parameter snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from pluginary.presets.model import ParamValue, PresetInfo, PresetVersion

_json_encode = msgspec.json.Encoder().encode
_tags_decoder = msgspec.json.Decoder(tuple[str, ...])
_meta_decoder = msgspec.json.Decoder(dict[str, str])
_identities_decoder = msgspec.json.Decoder(list[str])
_snapshot_encode = msgspec.msgpack.Encoder().encode
_snapshot_decoder = msgspec.msgpack.Decoder(tuple[ParamValue, ...])

#: What :func:`info_from_row` reads, from ``presets p``: the payload's size and the history's
#: length come from the tables that own them, so they can never disagree with them.
INFO_COLUMNS = (
    "p.key, p.identity, p.plugin, p.name, p.container, p.sha256, "
    "coalesce((SELECT size FROM preset_payloads pl WHERE pl.sha256 = p.sha256), 0), "
    "p.bank, p.author, p.tags, p.source, p.meta, "
    "(SELECT count(*) FROM preset_versions v WHERE v.identity = p.identity), "
    "p.missing, p.created_at, p.updated_at")

#: What :func:`version_from_row` reads, from ``preset_versions v``.
VERSION_COLUMNS = (
    "v.sha256, coalesce((SELECT size FROM preset_payloads pl WHERE pl.sha256 = v.sha256), 0), "
    "v.recorded_at, v.note")


def tags_text(tags: Sequence[str]) -> str:
    return _json_encode(list(tags)).decode() if tags else "[]"


def meta_text(meta: dict[str, str]) -> str:
    return _json_encode(meta).decode() if meta else "{}"


def identities_text(identities: Sequence[str]) -> str:
    return _json_encode(list(identities)).decode()


def decode_identities(text: str) -> list[str]:
    return _identities_decoder.decode(text)


def decode_tags(text: str) -> tuple[str, ...]:
    return _tags_decoder.decode(text) if text != "[]" else ()


def pack_snapshot(parameters: Sequence[ParamValue]) -> bytes:
    return _snapshot_encode(tuple(parameters))


def unpack_snapshot(blob: bytes | None) -> tuple[ParamValue, ...] | None:
    return None if blob is None else _snapshot_decoder.decode(blob)


def info_from_row(row: Sequence[Any]) -> PresetInfo:
    (key, identity, plugin, name, container, sha, size, bank, author, tags, source, meta,
     versions, missing, created_at, updated_at) = row
    return PresetInfo(key=key, identity=identity, plugin=plugin, name=name, container=container,
                      sha256=sha, size=size, bank=bank, author=author, tags=decode_tags(tags),
                      source=source, meta=_meta_decoder.decode(meta) if meta != "{}" else {},
                      versions=versions, missing=bool(missing), created_at=created_at,
                      updated_at=updated_at)


def version_from_row(row: Sequence[Any]) -> PresetVersion:
    sha, size, recorded_at, note = row
    return PresetVersion(sha256=sha, size=size, recorded_at=recorded_at, note=note)
