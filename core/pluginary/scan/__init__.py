"""The scan engine: format-agnostic discovery, change detection, isolated workers and the journal.

It knows no plugin format and no storage: formats come through the discovery and loading hooks,
and the catalogue through the :class:`pluginary.catalogue.Catalogue` protocol.
"""
