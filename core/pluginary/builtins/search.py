"""The default search: hand the query to the catalogue's own full-text search.

It runs last, so a query-language extension that implements ``search_catalogue`` is asked first.
"""

from __future__ import annotations

from .. import hookimpl
from ..catalogue import Catalogue
from ..models import SearchHit, SearchQuery


@hookimpl(trylast=True)
def search_catalogue(catalogue: Catalogue, query: SearchQuery) -> list[SearchHit] | None:
    return catalogue.search(query)
