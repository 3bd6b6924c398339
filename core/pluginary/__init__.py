"""Pluginary: find every audio plugin on a machine and keep a searchable catalogue of it.

Extensions import :data:`hookimpl` to implement hooks from :mod:`pluginary.hookspecs`, and the
structs in :mod:`pluginary.models` to describe what they find. Importing this package has no side
effects: no extension is loaded until :func:`pluginary.manager.make_plugin_manager` is called.
"""

from __future__ import annotations

import pluggy

from .hookspecs import PROJECT

#: Marks a function as the implementation of a hook of the same name.
hookimpl = pluggy.HookimplMarker(PROJECT)

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]
