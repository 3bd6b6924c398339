"""The parsed query: a typed tree that every storage extension translates the same way.

``pluginary search 'comp vendor:zam -side'`` parses (:mod:`pluginary.query.parser`) into::

    And(items=(Text(value="comp"), Field(name="vendor", op=":", value="zam"),
               Not(item=Text(value="side"))))

The tree is plain data (msgspec structs, tagged by ``kind``), so it can be printed with
``--json``, sent over the web API and translated by SQLite and PostgreSQL alike. Storage never
sees the query text: SQL is built from the tree only, with parameters. Before storage gets it,
:mod:`pluginary.query.resolve` replaces what the core knows better than the storage:
``saved:NAME`` and smart ``collection:NAME`` by the saved query's tree, a ``category:`` value by
the category tree paths it names.
"""

from __future__ import annotations

import enum
from typing import Union

import msgspec


class Text(msgspec.Struct, frozen=True, kw_only=True, tag="text", tag_field="kind"):
    """Free text: a word (matched as a prefix and, from 3 characters, as a substring of the
    name or vendor) or a quoted phrase (``phrase``: the words in that order)."""

    value: str
    phrase: bool = False
    #: Where it starts in the query text (0-based), for located errors.
    pos: int = 0


class Field(msgspec.Struct, frozen=True, kw_only=True, tag="field", tag_field="kind"):
    """``name op value``: ``vendor:zam``, ``params>20``, ``format:lv2``.

    ``op`` is ``:`` for every field, and also ``>``, ``>=``, ``<``, ``<=`` for the numeric
    ones (:data:`pluginary.query.fields.FIELDS` says which; ``=`` is stored as ``:``). For
    numeric fields ``value`` holds the number as text (``"20"``); the parser has checked it is
    one."""

    name: str
    op: str = ":"
    value: str
    pos: int = 0


class And(msgspec.Struct, frozen=True, kw_only=True, tag="and", tag_field="kind"):
    """Every item matches (also what juxtaposition means: ``comp stereo``)."""

    items: tuple[Node, ...]


class Or(msgspec.Struct, frozen=True, kw_only=True, tag="or", tag_field="kind"):
    """At least one item matches."""

    items: tuple[Node, ...]


class Not(msgspec.Struct, frozen=True, kw_only=True, tag="not", tag_field="kind"):
    """``NOT x`` or ``-x``: the item does not match."""

    item: Node


class Everything(msgspec.Struct, frozen=True, kw_only=True, tag="all", tag_field="kind"):
    """The empty query: every plugin (what ``pluginary list`` without a query shows)."""


class Category(msgspec.Struct, frozen=True, kw_only=True, tag="category", tag_field="kind"):
    """A resolved ``category:`` filter: plugins whose tree category is one of ``paths`` or
    under one of them (``Effect/Dynamics`` takes ``Effect/Dynamics/Compressor``)."""

    paths: tuple[str, ...]
    pos: int = 0


Node = Union[Text, Field, And, Or, Not, Everything, Category]  # noqa: UP007 (msgspec needs it)


class Sort(enum.StrEnum):
    """The orders a search or listing can take."""

    RELEVANCE = "relevance"
    NAME = "name"
    VENDOR = "vendor"
    FORMAT = "format"


def walk(node: Node) -> list[Node]:
    """Every node of the tree, depth first, ``node`` included."""
    found: list[Node] = [node]
    if isinstance(node, (And, Or)):
        for item in node.items:
            found += walk(item)
    elif isinstance(node, Not):
        found += walk(node.item)
    return found
