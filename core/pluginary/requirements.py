"""Whether what a format needs is on this machine (see :class:`pluginary.models.Requirement`).

``pluginary doctor`` reports every requirement; the scan skips a format whose *essential*
requirement is missing, with the same advice.
"""

from __future__ import annotations

import ctypes.util
import importlib.util

from .models import FormatInfo, Requirement


def requirement_met(req: Requirement) -> bool:
    """A python requirement is an importable module; a library one is found by ctypes."""
    if req.kind == "python":
        return importlib.util.find_spec(req.name) is not None
    if req.kind == "library":
        return ctypes.util.find_library(req.name) is not None
    return False


def missing_essentials(info: FormatInfo) -> list[Requirement]:
    """The essential requirements of ``info`` that this machine lacks."""
    return [r for r in info.requirements if r.essential and not requirement_met(r)]
