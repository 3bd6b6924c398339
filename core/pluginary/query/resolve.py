"""From a parsed tree to what storage translates: what only the core knows is filled in.

- ``saved:NAME`` becomes the saved search's own (resolved) tree, evaluated now; a saved search
  that reaches itself (``saved:a`` using ``saved:b`` using ``saved:a``) is an error naming the
  cycle.
- ``collection:NAME`` of a smart collection becomes its saved search's tree (a static one stays,
  for storage to match its members).
- ``category:VALUE`` becomes a :class:`~.tree.Category` holding the tree paths it names
  (``dynamics`` -> ``Effect/Dynamics``, which takes everything under it).
- ``format:VALUE`` is checked against the installed formats.

Errors are :class:`pluginary.errors.UsageError` (exit 2) located in the text being resolved.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Collection, Mapping

from ..errors import UsageError
from ..organisation import Collection as UserCollection
from .tree import And, Category, Field, Node, Not, Or


class Context:
    """What resolving needs, each read only when the query needs it (a plain word costs no
    catalogue read): the user's saved searches and collections (by case-folded name), the
    category tree's resolver and the known formats."""

    def __init__(self, *, saved: Callable[[], Mapping[str, str]],
                 collections: Callable[[], Mapping[str, UserCollection]],
                 categories: Callable[[], Callable[[str], tuple[str, ...]]],
                 formats: Callable[[], Collection[str]], stack: tuple[str, ...] = ()) -> None:
        self._saved, self._collections = saved, collections
        self._categories, self._formats = categories, formats
        #: The saved searches being expanded, outermost first (to name a cycle).
        self.stack = stack

    @functools.cached_property
    def saved(self) -> Mapping[str, str]:
        return self._saved()

    @functools.cached_property
    def collections(self) -> Mapping[str, UserCollection]:
        return self._collections()

    @functools.cached_property
    def categories(self) -> Callable[[str], tuple[str, ...]]:
        return self._categories()

    @functools.cached_property
    def formats(self) -> Collection[str]:
        return self._formats()

    def inside(self, name: str) -> Context:
        """The context for expanding the saved search ``name`` (what was read is kept)."""
        inner = Context(saved=lambda: self.saved, collections=lambda: self.collections,
                        categories=lambda: self.categories, formats=lambda: self.formats,
                        stack=(*self.stack, name))
        return inner


def where(text: str, pos: int) -> str:
    """``line:column`` (1-based) of offset ``pos`` in ``text``."""
    before = text[:pos]
    line = before.count("\n") + 1
    return f"{line}:{pos - (before.rfind(chr(10)) + 1) + 1}"


def resolve(node: Node, text: str, context: Context, parse: Callable[[str], Node]) -> Node:
    """``node`` (parsed from ``text``) with saved searches, smart collections, categories and
    formats resolved; ``parse`` parses a saved search's text."""
    if isinstance(node, And):
        return And(items=tuple(resolve(n, text, context, parse) for n in node.items))
    if isinstance(node, Or):
        return Or(items=tuple(resolve(n, text, context, parse) for n in node.items))
    if isinstance(node, Not):
        return Not(item=resolve(node.item, text, context, parse))
    if not isinstance(node, Field):
        return node
    at = where(text, node.pos)
    if node.name == "saved":
        return _saved(node.value, at, context, parse)
    if node.name == "collection":
        return _collection(node, at, context, parse)
    if node.name == "category":
        try:
            paths = context.categories(node.value)
        except UsageError as exc:
            raise UsageError(f"{exc.message} at {at}", hint=exc.hint) from None
        return Category(paths=paths, pos=node.pos)
    if node.name == "format" and node.value not in context.formats:
        raise UsageError(f"unknown format '{node.value}' at {at}" + _maybe(
            node.value, context.formats), hint="known formats: " + ", ".join(
            sorted(context.formats)) if context.formats else "no format extension is installed")
    return node


def _saved(name: str, at: str, context: Context, parse: Callable[[str], Node]) -> Node:
    key = name.casefold()
    if key in context.stack:
        cycle = " -> ".join((*context.stack[context.stack.index(key):], key))
        raise UsageError(f"saved search '{name}' uses itself at {at}: {cycle}",
                         hint="edit one of them with pluginary saved create NAME QUERY")
    text = context.saved.get(key)
    if text is None:
        raise UsageError(f"no saved search '{name}' at {at}" + _maybe(name, context.saved),
                         hint="see pluginary saved list")
    inner = context.inside(key)
    try:
        return resolve(parse(text), text, inner, parse)
    except UsageError as exc:  # located in the saved text, so say which one
        raise UsageError(f"in saved search '{name}': {exc.message}", hint=exc.hint) from None


def _collection(node: Field, at: str, context: Context, parse: Callable[[str], Node]) -> Node:
    """A collection and those nested in it: the static ones' members (matched by storage
    under the stored name), or'ed with each smart one's saved search."""
    key = node.value.casefold()
    family = [c for name, c in context.collections.items()
              if name == key or name.startswith(key + "/")]
    if not family:
        raise UsageError(f"no collection '{node.value}' at {at}" + _maybe(
            node.value, [c.name for c in context.collections.values()]),
            hint="see pluginary collection list")
    stored = family[0].name.split("/")[0] if "/" not in key else family[0].name
    parts: list[Node] = []
    if any(not c.saved for c in family):
        parts.append(Field(name="collection", op=node.op, value=stored, pos=node.pos))
    for smart in (c for c in family if c.saved):
        if smart.saved.casefold() not in context.saved:
            raise UsageError(f"collection '{smart.name}' at {at} is defined by saved search "
                             f"'{smart.saved}', which does not exist",
                             hint=f"pluginary saved create {smart.saved} QUERY, or delete "
                                  f"the collection")
        parts.append(_saved(smart.saved, at, context, parse))
    return parts[0] if len(parts) == 1 else Or(items=tuple(parts))


def _maybe(value: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(value.casefold(), [k.casefold() for k in known], n=1)
    return f", did you mean '{close[0]}'?" if close else ""
