"""Finding preset files and reading each into a :class:`SourceRead`: what a container of
single-file presets (``.vstpreset``, ``.fxp``, ``.aupreset``, ``.clap-state``) needs besides
its parser, written once for every extension."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..scan.walk import find_candidates
from .container import PresetFormatError
from .model import Preset, SourceRead

log = logging.getLogger(__name__)

#: Larger files are not read: no preset container is that big, and reading one would hold it
#: in memory for nothing (a stray disk image named ``.vstpreset``).
MAX_PRESET_BYTES = 256 * 1024 * 1024

#: Parses one file's bytes (its absolute path beside) into its presets.
Parser = Callable[[Path, bytes], tuple[Preset, ...]]


def find_files(roots: Sequence[Path], suffix: str) -> Iterator[Path]:
    """Every file named ``*<suffix>`` (any case) under ``roots``, recursively: each real file
    once, symlink loops survived, unreadable folders logged and skipped (the scan's own walk,
    which also never enters a plugin bundle)."""
    return find_candidates(roots, file_suffixes=(suffix,))


def read_sources(paths: Sequence[Path], parse: Parser) -> Iterator[SourceRead]:
    """One :class:`SourceRead` per path: its presets, or one line saying why it could not be
    read (never an exception for a bad or unreadable file)."""
    for given in paths:
        path = Path(os.path.abspath(given))
        try:
            size = path.stat().st_size
            if size > MAX_PRESET_BYTES:
                yield SourceRead(path=str(path), error=(
                    f"{size} bytes is more than any preset holds (the limit is "
                    f"{MAX_PRESET_BYTES}); not read"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            yield SourceRead(path=str(path), error=f"cannot read it: {exc.strerror or exc}")
            continue
        try:
            yield SourceRead(path=str(path), presets=parse(path, data))
        except PresetFormatError as exc:
            log.debug("%s: %s", path, exc.message)
            yield SourceRead(path=str(path), error=describe(exc))


def describe(exc: PresetFormatError) -> str:
    """The error line of a :class:`SourceRead`: what was found where, then what to do."""
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


def file_identity(path: Path) -> str:
    """A file's preset identity: ``file:<absolute path>``."""
    return f"file:{os.path.abspath(path)}"
