"""The fields a query can filter on, and what each accepts.

One table for the parser (which names exist, which operators and values they take), the
resolver, the storage extensions (what each field means in their schema) and the docs
(``docs/search.md`` lists the same fields; a test keeps them in step).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..models import Role, Status


class Kind(enum.StrEnum):
    #: Case-insensitive substring; ``*`` and ``?`` make it a glob over the whole value.
    TEXT = "text"
    #: One of a known set of values, exact (case-insensitive).
    CHOICE = "choice"
    #: A whole number compared with ``:``/``=``, ``>``, ``>=``, ``<``, ``<=``.
    NUMBER = "number"
    #: The name of something the user made: a tag, a collection, a saved search.
    NAME = "name"
    #: A validation level, 1 to 5 (:data:`LEVELS`), with ``:`` only.
    LEVEL = "level"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    help: str
    #: For CHOICE fields whose values are fixed (formats are known only at run time).
    choices: tuple[str, ...] = ()


#: Every field, in the order the docs list them.
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in (
    FieldSpec("vendor", Kind.TEXT, "the vendor: vendor:zam, vendor:\"Robin Gareus\""),
    FieldSpec("name", Kind.TEXT, "the plugin's name: name:comp"),
    FieldSpec("format", Kind.CHOICE, "the format: format:lv2 (one of the installed formats)"),
    FieldSpec("category", Kind.NAME, "a node of the category tree and everything under it: "
              "category:dynamics, category:\"Effect/Reverb\""),
    FieldSpec("tag", Kind.NAME, "a tag on the plugin or its product: tag:favourite"),
    FieldSpec("collection", Kind.NAME, "a collection, static or smart: collection:Mixing"),
    FieldSpec("saved", Kind.NAME, "a saved search, evaluated now: saved:mixing-comps"),
    FieldSpec("status", Kind.CHOICE, "the scan status: status:ok, status:crashed",
              tuple(s.value for s in Status)),
    FieldSpec("role", Kind.CHOICE, "what it does: role:instrument, effect, midi-effect, "
              "analyzer", tuple(r.value for r in Role)),
    FieldSpec("product", Kind.TEXT, "the product's key or name: product:zamcomp"),
    FieldSpec("path", Kind.TEXT, "an installation's path: path:/usr/lib/lv2/*"),
    FieldSpec("params", Kind.NUMBER, "how many parameters: params>20"),
    FieldSpec("inputs", Kind.NUMBER, "audio inputs: inputs:2"),
    FieldSpec("outputs", Kind.NUMBER, "audio outputs: outputs>=2"),
    FieldSpec("validated", Kind.LEVEL, "passed validation up to at least this level on this "
              "machine, current version: validated:3"),
    FieldSpec("failed-level", Kind.LEVEL, "failed validation at exactly this level on this "
              "machine, current version: failed-level:3"),
)}

#: The validation levels (1 load, 2 parameters, 3 audio, 4 state, 5 stress; docs/validation.md)
#: that ``validated:`` and ``failed-level:`` take.
LEVELS = (1, 2, 3, 4, 5)

#: Other spellings a user may type, and the field they mean.
ALIASES = {"parameters": "params", "cat": "category", "collections": "collection",
           "tags": "tag"}

#: Operators, longest first (so ``>=`` is not read as ``>``).
OPERATORS = (">=", "<=", ":", "=", ">", "<")
#: What the non-numeric fields accept.
TEXT_OPERATORS = (":",)
