"""Search and the user's organisation: the SQLite catalogue's methods for them (the SQL is in
``search.py`` and ``organise.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pluginary.models import SearchQuery, SearchResult
from pluginary.organisation import Collection, Organisation, SavedSearch, Tagging

from . import organise
from . import search as search_module
from .access import Access
from .errors import translated as _translated


class OrganisationMethods(Access):
    @_translated("searching")
    def search(self, query: SearchQuery) -> SearchResult:
        """One page of the plugins matching ``query.root`` and how many match in all."""
        with self._snapshot() as conn:
            return search_module.search(conn, query)

    @_translated("reading")
    def organisation(self) -> Organisation:
        with self._snapshot() as conn:
            return organise.read(conn)

    def add_tags(self, taggings: Sequence[Tagging]) -> int:
        return self._write(lambda conn: organise.add_tags(conn, taggings))

    def remove_tags(self, taggings: Sequence[Tagging]) -> int:
        return self._write(lambda conn: organise.remove_tags(conn, taggings))

    def put_collection(self, collection: Collection) -> None:
        self._write(lambda conn: organise.put_collection(conn, collection))

    def delete_collection(self, name: str) -> int:
        return self._write(lambda conn: organise.delete_collection(conn, name))

    def rename_collection(self, old: str, new: str) -> None:
        self._write(lambda conn: organise.rename_collection(conn, old, new))

    def put_saved_search(self, saved: SavedSearch) -> None:
        self._write(lambda conn: organise.put_saved(conn, saved))

    def delete_saved_search(self, name: str) -> int:
        return self._write(lambda conn: organise.delete_saved(conn, name))

    def merge_organisation(self, organisation: Organisation) -> int:
        return self._write(lambda conn: organise.merge(conn, organisation), doing="importing")

    def set_categories(self, categories: Mapping[str, tuple[str, bool]]) -> int:
        return self._write(lambda conn: organise.set_categories(conn, dict(categories)))
