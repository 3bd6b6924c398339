"""The user's organisation of the catalogue: tags, collections and saved searches.

All of it is keyed by stable identities, never by a row id: a tag's target is a plugin's
``format:uid`` or a product's ``product:<key>`` (so every format of the product carries it), a
collection lists ``format:uid`` keys, a saved search keeps its query text. It survives rescans,
plugin updates, a plugin that disappears and comes back, and a rebuilt catalogue (through
``pluginary organise export|import``, whose file is :class:`Organisation`).
"""

from __future__ import annotations

import re

import msgspec

from .errors import UsageError

#: The tag that marks favourites, and the one that hides a plugin from listings and exports.
FAVOURITE = "favourite"
HIDDEN = "hidden"
#: What ``organise export`` writes in ``schema``; ``version`` grows on incompatible changes.
SCHEMA = "pluginary-organisation"
VERSION = 1
#: A product target is written ``product:<product key>``.
PRODUCT_PREFIX = "product:"

_NAME = re.compile(r"^[^\s/:\"()][^/:\"()]*$")


class Tagging(msgspec.Struct, frozen=True, kw_only=True):
    """One tag on one target: a plugin (``format:uid``) or a product (``product:<key>``)."""

    tag: str
    target: str


class Collection(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A named, ordered list of plugins (``format:uid``), or a smart collection defined by a
    saved search (``saved``), re-evaluated each time. ``Mixing/Bus`` nests one level."""

    name: str
    members: tuple[str, ...] = ()
    #: A smart collection: the name of the saved search that defines it.
    saved: str = ""


class SavedSearch(msgspec.Struct, frozen=True, kw_only=True):
    """A query kept by name; ``saved:NAME`` inside another query evaluates it there."""

    name: str
    query: str


class Organisation(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the user organised: what ``organise export`` writes and ``import`` merges."""

    schema: str = SCHEMA
    version: int = VERSION
    tags: tuple[Tagging, ...] = ()
    collections: tuple[Collection, ...] = ()
    saved: tuple[SavedSearch, ...] = ()


def tag_name(text: str) -> str:
    """A tag as stored: trimmed and case-folded (``Favourite`` and ``favourite`` are one tag)."""
    tag = " ".join(text.split()).casefold()
    if not tag or any(c in tag for c in ':"()'):
        raise UsageError(f"'{text}' is not a tag name",
                         hint="use letters, digits, spaces, '-' or '_' (no ':', quotes or "
                              "parentheses)")
    return tag


def collection_name(text: str) -> str:
    """A collection name, checked: one level of nesting (``Mixing/Bus``) at most."""
    name = text.strip()
    parts = name.split("/")
    if len(parts) > 2 or not all(_NAME.match(p.strip()) for p in parts):
        raise UsageError(f"'{text}' is not a collection name",
                         hint="a name, or Parent/Child for one level of nesting; no ':', quotes "
                              "or parentheses")
    return "/".join(p.strip() for p in parts)


def saved_name(text: str) -> str:
    """A saved search's name, checked: one word a query can name (``saved:mixing-comps``)."""
    name = text.strip()
    if not re.fullmatch(r"[\w][\w.\-]*", name):
        raise UsageError(f"'{text}' is not a saved search name",
                         hint="letters, digits, '-', '_' and '.', e.g. mixing-comps")
    return name
