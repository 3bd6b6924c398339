"""The manifest of a preset sharing bundle, as msgspec structs, and its JSON Schema.

A bundle is a zip holding ``manifest.json`` (a :class:`BundleManifest`), its JSON Schema as
``manifest.schema.json``, and each preset's bytes in its native container under ``presets/``.
The schema is generated from these structs (:func:`manifest_schema`), shipped in every bundle
and published as ``docs/schema/pluginary-presets.schema.json``. See ``docs/presets-bundle.md``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from .model import ParamValue

#: The manifest's ``schema`` value: what says a zip is a Pluginary preset bundle.
SCHEMA = "pluginary-presets"
#: The manifest version this code writes and the newest it reads.
VERSION = 1
MANIFEST_NAME = "manifest.json"
SCHEMA_NAME = "manifest.schema.json"
#: The folder of the payloads inside the zip.
PAYLOAD_DIR = "presets"


def _doc(text: str, **constraints: Any) -> msgspec.Meta:
    """A field's description in the JSON Schema (with its constraints, if any)."""
    return msgspec.Meta(description=text, **constraints)


NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class FormatIdentity(msgspec.Struct, frozen=True, kw_only=True):
    """One format of a product: how the plugin is named in that format."""

    format: Annotated[str, _doc("the plugin format: vst3, lv2, clap, au, ladspa...",
                                min_length=1)]
    uid: Annotated[str, _doc("the plugin's identity in that format (a VST3 class id, an LV2 "
                             "URI...)", min_length=1)]
    key: Annotated[str, _doc("format:uid", min_length=1)]


class BundlePlugin(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin that presets of the bundle apply to, as the sender's catalogue knows it."""

    key: Annotated[str, _doc("format:uid, as the presets' plugin field names it",
                             min_length=1)]
    format: NonEmpty
    uid: NonEmpty
    name: Annotated[str, _doc("\"\" when the sender's catalogue does not hold the plugin")] = ""
    vendor: str = ""
    version: str = ""
    product: Annotated[str, _doc("the product key (damienzammit/zamcomp); \"\" when the "
                                 "plugin belongs to none")] = ""
    formats: Annotated[tuple[FormatIdentity, ...], _doc(
        "every format of the same product, this one included, so a receiver can find the "
        "format it has installed")] = ()


class BundlePreset(msgspec.Struct, frozen=True, kw_only=True):
    """One preset: its metadata, and where its payload is in the zip."""

    key: Annotated[str, _doc("12 hex digits of the sha256 of the identity",
                             pattern="^[0-9a-f]{12}$")]
    identity: Annotated[str, _doc("what names the preset in every catalogue: an LV2 preset "
                                  "URI, file:<path>, capture:<plugin>/<name>...", min_length=1)]
    name: str
    plugin: Annotated[str, _doc("format:uid of the plugin (one of plugins); \"\" when the "
                                "preset does not say")]
    container: Annotated[str, _doc("the container that reads the payload: vstpreset, "
                                   "lv2-preset...", min_length=1)]
    file: Annotated[str, _doc("the payload's path inside the zip", min_length=1)]
    sha256: Annotated[str, _doc("sha256 of the payload, 64 lower-case hex digits",
                                pattern="^[0-9a-f]{64}$")]
    size: Annotated[int, _doc("the payload's size in bytes", ge=0)]
    bank: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    meta: dict[str, str] = {}
    parameters: Annotated[tuple[ParamValue, ...] | None, _doc(
        "the parameter snapshot kept with the payload, when one was made")] = None


class BundleManifest(msgspec.Struct, frozen=True, kw_only=True):
    """manifest.json: {"schema": "pluginary-presets", "version": 1, ...}."""

    schema: Annotated[str, _doc("what makes the zip a Pluginary preset bundle",
                                extra_json_schema={"const": SCHEMA})]
    version: Annotated[int, _doc("the format version; a reader refuses a newer one", ge=1)]
    created: Annotated[datetime, _doc("when the bundle was written, ISO 8601 with a time zone",
                                      tz=True)]
    generator: Annotated[str, _doc("the tool that wrote it: pluginary <version>")]
    plugins: tuple[BundlePlugin, ...] = ()
    presets: tuple[BundlePreset, ...] = ()


class ManifestHeader(msgspec.Struct, kw_only=True):
    """The two fields read first, so a newer manifest is refused by its version rather than by
    a field this version does not know."""

    schema: str = ""
    version: int = 0


def manifest_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``manifest.json``."""
    body = msgspec.json.schema(BundleManifest)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Pluginary preset bundle manifest",
        "description": ("manifest.json of a Pluginary preset sharing bundle "
                        f"(schema '{SCHEMA}', version {VERSION}); see docs/presets-bundle.md."),
        **body,
    }


def render_schema() -> str:
    """The schema as the text shipped in bundles and published under ``docs/schema``."""
    return msgspec.json.format(msgspec.json.encode(manifest_schema(), order="sorted"),
                               indent=2).decode() + "\n"
