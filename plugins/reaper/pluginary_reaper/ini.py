"""REAPER's ini files as configparser reads them: ``=`` is the only delimiter (AU keys hold
``: ``), keys keep their case, no ``%`` interpolation, and the file is written back with
``key=value`` lines and no spaces, as REAPER writes it."""

from __future__ import annotations

import configparser
import io
from pathlib import Path

from pluginary.errors import UsageError
from pluginary.exportfiles import read_text


def parser() -> configparser.RawConfigParser:
    ini = configparser.RawConfigParser(delimiters=("=",), strict=False,
                                       comment_prefixes=(";",), inline_comment_prefixes=None,
                                       empty_lines_in_values=False)
    ini.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    return ini


def read(path: Path) -> configparser.RawConfigParser:
    """The file parsed; an empty one when it does not exist. A malformed file is a one-line
    error, raised before anything is written."""
    ini = parser()
    text = read_text(path)
    if text is None:
        return ini
    try:
        ini.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise UsageError(f"{path} is not an ini file REAPER wrote: "
                         f"{' '.join(str(exc).split())}; nothing was written",
                         hint="fix or move it aside, then export again") from exc
    return ini


def render(ini: configparser.RawConfigParser) -> str:
    out = io.StringIO()
    ini.write(out, space_around_delimiters=False)
    return out.getvalue()
