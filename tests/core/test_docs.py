"""Docs that must not drift from the code: the hook reference and the published JSON Schema."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from pluginary import hookspecs
from pluginary.schema import render

DOCS = Path(__file__).resolve().parents[2] / "docs"


def spec_signatures() -> dict[str, str]:
    found = {}
    for spec_class in hookspecs.SPEC_CLASSES:
        for name, fn in vars(spec_class).items():
            if name.startswith("_"):
                continue
            sig = inspect.signature(fn)
            params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values()
                               if p.name != "self")
            found[name] = f"def {name}({params}) -> {sig.return_annotation}"
    return found


SIGNATURES = spec_signatures()


def test_there_is_a_hook_in_every_area():
    assert len(hookspecs.SPEC_CLASSES) == 9
    assert all(any(not n.startswith("_") for n in vars(c)) for c in hookspecs.SPEC_CLASSES)


@pytest.mark.parametrize("hook", sorted(SIGNATURES))
def test_hook_is_documented_with_its_exact_signature(hook):
    text = (DOCS / "hooks.md").read_text()
    assert f"### {hook}\n" in text, f"docs/hooks.md has no section for {hook}"
    section = text.split(f"### {hook}\n", 1)[1].split("\n### ", 1)[0]
    assert SIGNATURES[hook] in section, f"docs/hooks.md documents {hook} with another signature"


def test_docs_document_no_hook_that_does_not_exist():
    documented = set(re.findall(r"^### (\w+)$", (DOCS / "hooks.md").read_text(), re.M))
    assert documented == set(SIGNATURES)


def test_published_schema_matches_the_code():
    published = (DOCS / "schema" / "pluginary.schema.json").read_text()
    assert published == render(), "run: python -m pluginary.schema docs/schema"
