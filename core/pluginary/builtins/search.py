"""The default search: hand the resolved query to the catalogue's own search.

It runs last, so an extension that implements ``search_catalogue`` (another index) is asked
first.
"""

from __future__ import annotations

from .. import hookimpl
from ..catalogue import Catalogue
from ..models import SearchQuery, SearchResult


@hookimpl(trylast=True)
def search_catalogue(catalogue: Catalogue, query: SearchQuery) -> SearchResult | None:
    return catalogue.search(query)
