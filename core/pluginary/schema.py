"""The JSON Schemas of the public structs and of the preset bundle manifest, generated from
msgspec.

``python -m pluginary.schema docs/schema`` rewrites the published files; a test fails when the
published files differ from what the code generates.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import msgspec

from .manifest import Manifest
from .models import PUBLIC_STRUCTS
from .organisation import Organisation
from .presets.bundle_schema import SCHEMA as PRESET_BUNDLE_SCHEMA
from .presets.bundle_schema import render_schema as render_preset_bundle
from .rules import Rule, RuleSet


def public_schema() -> dict[str, Any]:
    """One JSON Schema document whose ``$defs`` hold every public struct."""
    (_, *_rest), components = msgspec.json.schema_components(
        (*PUBLIC_STRUCTS, Rule, RuleSet, Organisation, Manifest), ref_template="#/$defs/{name}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Pluginary public structs",
        "description": ("Values that cross Pluginary's extension boundaries "
                        "(pluginary.models, pluginary.rules, pluginary.organisation, "
                        "pluginary.manifest)."),
        "$defs": components,
    }


def render() -> str:
    """The schema as the text published in ``docs/schema/pluginary.schema.json``."""
    return msgspec.json.format(msgspec.json.encode(public_schema(), order="sorted"),
                               indent=2).decode() + "\n"


def published() -> dict[str, str]:
    """Every published schema file's name and text: the public structs, and the manifest of
    a preset sharing bundle (the very text each bundle carries as ``manifest.schema.json``)."""
    return {"pluginary.schema.json": render(),
            f"{PRESET_BUNDLE_SCHEMA}.schema.json": render_preset_bundle()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "docs/schema")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in published().items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
