"""Searching and listing the catalogue with the query language: the Python API.

::

    from pluginary.search import find
    result = find(pm, catalogue, "comp vendor:zam -side", sort=Sort.NAME, limit=20)
    for hit in result.hits: ...

:func:`prepare` parses the text (:mod:`pluginary.query.parser`), resolves what only the core
knows (:mod:`pluginary.query.resolve`: saved searches, smart collections, the category tree,
the installed formats) and returns the :class:`~pluginary.models.SearchQuery` that storage
translates. :func:`run` asks the ``search_catalogue`` hook (the catalogue's own search by
default). Errors in the query are :class:`~pluginary.errors.UsageError` with a location.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Collection as CollectionABC

import pluggy

from .catalogue import Catalogue
from .categories import CategoryMap, category_map
from .errors import UsageError
from .models import SearchQuery, SearchResult
from .organisation import HIDDEN
from .query.parser import parse
from .query.resolve import Context, resolve
from .query.tree import And, Everything, Field, Node, Sort, walk
from .registry import collect_formats


def prepare(pm: pluggy.PluginManager, catalogue: Catalogue, text: str, *,
            sort: Sort = Sort.RELEVANCE, limit: int | None = 50, offset: int = 0,
            hidden: bool = False, also: Sequence[str] = (),
            parameters: bool = False) -> SearchQuery:
    """The resolved query for ``text``, and each of ``also`` (filters a command adds from its
    options, such as ``format:lv2``: parsed on their own, so an error in ``text`` is located
    in what the user typed). Hidden plugins are left out unless ``hidden`` or the query itself
    asks for ``tag:hidden``."""
    organisation = functools.cache(catalogue.organisation)
    context = Context(
        saved=lambda: {s.name.casefold(): s.query for s in organisation().saved},
        collections=lambda: {c.name.casefold(): c for c in organisation().collections},
        categories=lambda: _category_resolver(pm),
        formats=lambda: known_formats(pm, catalogue))
    parts = [resolve(parse(part), part, context, parse) for part in (text, *also)]
    parts = [p for p in parts if not isinstance(p, Everything)]
    root: Node = Everything() if not parts else parts[0] if len(parts) == 1 else And(
        items=tuple(parts))
    asks_hidden = any(isinstance(n, Field) and n.name == "tag" and n.value.casefold() == HIDDEN
                      for n in walk(root))
    return SearchQuery(text=text, root=root, sort=sort, limit=limit, offset=offset,
                       hidden=hidden or asks_hidden, parameters=parameters)


class KnownFormats(CollectionABC[str]):
    """The installed formats and those the catalogue holds records of; the catalogue is asked
    only for a format that is not installed (``format:lv2`` costs no catalogue read)."""

    def __init__(self, pm: pluggy.PluginManager, catalogue: Catalogue) -> None:
        self.installed = set(collect_formats(pm))
        self.catalogue = catalogue

    @functools.cached_property
    def everything(self) -> set[str]:
        return {*self.installed, *self.catalogue.status_counts()}

    def __contains__(self, value: object) -> bool:
        return value in self.installed or value in self.everything

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.everything))

    def __len__(self) -> int:
        return len(self.everything)


def known_formats(pm: pluggy.PluginManager, catalogue: Catalogue) -> KnownFormats:
    """The installed formats and those the catalogue holds records of."""
    return KnownFormats(pm, catalogue)


def _category_resolver(pm: pluggy.PluginManager) -> Callable[[str], tuple[str, ...]]:
    """The category tree's resolver, built once per plugin manager (every extension's map)."""
    tree = _TREES.get(pm)
    if tree is None:
        tree = _TREES[pm] = category_map(pm)
    return tree.resolve


_TREES: weakref.WeakKeyDictionary[pluggy.PluginManager, CategoryMap] = (
    weakref.WeakKeyDictionary())


def check_format(pm: pluggy.PluginManager, catalogue: Catalogue, value: str) -> None:
    """A ``--format`` option's value is a known format, else a UsageError naming them."""
    formats = known_formats(pm, catalogue)
    if value not in formats and value.casefold() not in formats:
        raise UsageError(f"unknown format '{value}'",
                         hint="known formats: " + ", ".join(sorted(formats)) if formats
                         else "no format extension is installed")


def run(pm: pluggy.PluginManager, catalogue: Catalogue, query: SearchQuery) -> SearchResult:
    """Answer a prepared query through the ``search_catalogue`` hook."""
    result = pm.hook.search_catalogue(catalogue=catalogue, query=query)
    if result is None:  # only when the built-in answer was disabled and nothing replaced it
        raise UsageError("no installed extension answers searches",
                         hint="enable pluginary's built-in search (PLUGINARY_DISABLE)")
    return result  # type: ignore[no-any-return]


def find(pm: pluggy.PluginManager, catalogue: Catalogue, text: str, *,
         sort: Sort = Sort.RELEVANCE, limit: int | None = 50, offset: int = 0,
         hidden: bool = False, also: Sequence[str] = (),
         parameters: bool = False) -> SearchResult:
    """Parse, resolve and run ``text`` (and the filters ``also``) in one call; the hits carry
    their parameters only with ``parameters``."""
    return run(pm, catalogue, prepare(pm, catalogue, text, sort=sort, limit=limit,
                                      offset=offset, hidden=hidden, also=also,
                                      parameters=parameters))
