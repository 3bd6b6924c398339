"""The universal manifest: the catalogue as one documented, versioned JSON file.

Every plugin with every identity it has (the VST3 class id, the AU type/subtype/manufacturer,
the LV2 URI, the CLAP id, the LADSPA id), its names, vendor, version, role (also as
DAWproject's ``deviceRole``), raw and tree categories, installations, product and tags; then
the products and the user's organisation (tags, collections, saved searches). The JSON Schema
is published with the others (``docs/schema``); ``docs/manifest.md`` maps the fields to
DAWproject's plugin elements.

``pluginary export manifest FILE`` writes it; ``pluginary import manifest FILE`` reads it into
another catalogue: plugins it lacks are added (one it has keeps its own, scanned data), the
organisation is merged, so importing twice adds nothing and a round trip is lossless.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from .errors import UsageError
from .exporter_info import ExporterInfo
from .exportfiles import FileChange, write_text
from .exporting import ExportSelection
from .models import PluginRecord, Product, Role
from .organisation import Organisation

SCHEMA = "pluginary-manifest"
VERSION = 1

#: DAWproject's ``deviceRole`` for each role (bitwig/dawproject Project.xsd).
DEVICE_ROLES = {Role.INSTRUMENT: "instrument", Role.EFFECT: "audioFX",
                Role.MIDI_EFFECT: "noteFX", Role.ANALYZER: "analyzer"}
#: The name of each format's native identity in ``ids``.
ID_NAMES = {"vst3": "vst3_cid", "au": "au", "lv2": "lv2_uri", "clap": "clap_id",
            "ladspa": "ladspa_id"}


class ManifestPlugin(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One plugin (one ``format:uid``) in the manifest."""

    key: str
    format: str
    uid: str
    #: The native identities: ``vst3_cid``, ``au`` (type:subtype:manufacturer), ``lv2_uri``,
    #: ``clap_id`` or ``ladspa_id``.
    ids: dict[str, str] = {}
    name: str
    vendor: str = ""
    version: str = ""
    role: Role = Role.UNKNOWN
    #: DAWproject's deviceRole: instrument, audioFX, noteFX or analyzer ("" when unknown).
    device_role: str = ""
    #: As the plugin declares them.
    categories: tuple[str, ...] = ()
    #: The node of Pluginary's category tree ("" uncategorised).
    category: str = ""
    category_guessed: bool = False
    description: str = ""
    audio_inputs: int | None = None
    audio_outputs: int | None = None
    #: Every installation's path (the bundle, or the file).
    paths: tuple[str, ...] = ()
    #: The product's key (``damienzammit/zamcomp``): the same plugin in other formats.
    product: str = ""
    #: Its tags, its product's included.
    tags: tuple[str, ...] = ()


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """The whole file: ``{"schema": "pluginary-manifest", "version": 1, ...}``."""

    schema: str = SCHEMA
    version: int = VERSION
    plugins: tuple[ManifestPlugin, ...] = ()
    products: tuple[Product, ...] = ()
    organisation: Organisation = Organisation()


def build(selection: ExportSelection) -> Manifest:
    """The manifest of an export selection (plugins sorted by key, so it diffs well)."""
    plugins = []
    for record in sorted(selection.records, key=lambda r: r.key):
        key = record.key
        product = selection.products.get(key)
        paths = tuple(sorted({i.path for i in selection.installations.get(key, ()) if i.path}))
        plugins.append(ManifestPlugin(
            key=key, format=record.format, uid=record.uid,
            ids={ID_NAMES[record.format]: record.uid} if record.format in ID_NAMES else {},
            name=record.name, vendor=record.vendor, version=record.version,
            role=record.role, device_role=DEVICE_ROLES.get(record.role, ""),
            categories=record.categories, category=record.category,
            category_guessed=record.category_guessed, description=record.description,
            audio_inputs=record.audio_inputs, audio_outputs=record.audio_outputs,
            paths=paths or tuple(p for p in (record.bundle_path or record.file_path,) if p),
            product=product.key if product else "", tags=selection.tags.get(key, ())))
    # A product as far as the selection goes: its members and formats among the exported
    # plugins, so that a manifest read back and written again is the same file.
    keys = {r.key for r in selection.records}
    products = []
    for product in sorted({p.key: p for p in selection.products.values()}.values(),
                          key=lambda p: p.key):
        members = tuple(m for m in product.members if m in keys)
        products.append(msgspec.structs.replace(
            product, members=members,
            formats=tuple(sorted({m.split(":", 1)[0] for m in members}))))
    return Manifest(plugins=tuple(plugins), products=tuple(products),
                    organisation=selection.organisation)


def render(manifest: Manifest) -> str:
    return msgspec.json.format(msgspec.json.encode(manifest, order="deterministic"),
                               indent=1).decode() + "\n"


def records_of(manifest: Manifest) -> list[PluginRecord]:
    """One record per installation of each plugin, as an import writes them (no parameters:
    the manifest does not carry them)."""
    out = []
    for plugin in manifest.plugins:
        if not plugin.format or not plugin.uid or plugin.key != f"{plugin.format}:{plugin.uid}":
            raise UsageError(f"manifest plugin '{plugin.key}' has format '{plugin.format}' and "
                             f"uid '{plugin.uid}'; its key must be format:uid; nothing was "
                             "imported", hint="fix the file or export it again")
        for path in plugin.paths or ("",):
            out.append(PluginRecord(
                format=plugin.format, uid=plugin.uid, name=plugin.name, vendor=plugin.vendor,
                version=plugin.version, role=plugin.role, categories=plugin.categories,
                category=plugin.category, category_guessed=plugin.category_guessed,
                description=plugin.description, audio_inputs=plugin.audio_inputs,
                audio_outputs=plugin.audio_outputs, bundle_path=path, file_path=path))
    return out


class ManifestExporter:
    """The built-in ``manifest`` exporter."""

    info = ExporterInfo(
        name="manifest",
        summary="the universal manifest: every plugin, identity, category, tag and collection "
                "as versioned JSON (docs/manifest.md)")

    def export_selection(self, selection: ExportSelection, destination: Path, *,
                         dry_run: bool = False) -> list[FileChange]:
        return [write_text(destination, render(build(selection)), dry_run=dry_run)]

