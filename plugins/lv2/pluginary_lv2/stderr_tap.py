"""What lilv, sord and serd print while Turtle is read: the only report they give of a syntax
error (lilv 0.24 has no log callback, and the serd reader it makes has no error sink).

:class:`StderrTap` points file descriptor 2 at a temporary file while a read runs, so that the
messages of each step can be taken apart (:meth:`StderrTap.since`) and turned into one line that
names the file (:func:`summarise`). When the tap closes, lines that are not lilv's or serd's
(another thread's output, say) are written back to the real stderr, late but not lost.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

#: One tap at a time (a tap may nest in its own thread): descriptor 2 is the whole process's.
_LOCK = threading.RLock()

#: serd: ``error: /path/file.ttl:4:1: bad verb``; sord: ``error: failed to expand CURIE``;
#: lilv: ``lilv_world_load_file(): error: Error loading file `file:///path/file.ttl'`` (and
#: ``Error reading file:///path/file.ttl``).
_SERD_POSITION = re.compile(r"^(?P<file>[^:]+\.ttl):(?P<line>\d+):(?P<col>\d+): (?P<what>.*)$")
_LILV_FILE = re.compile(r"Error (?:loading|reading) (?:file )?`?(file://[^'\s]+)")
_OURS = re.compile(r"^(\w+\(\): )?(error|warning|note): ")


@dataclass
class Messages:
    """The lilv/serd messages printed during one step."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class StderrTap:
    """File descriptor 2 redirected to a temporary file between ``with`` and its end."""

    def __init__(self) -> None:
        # Closed by __exit__: the tap is a context manager of its own.
        self._file = tempfile.TemporaryFile(prefix="pluginary-lilv-")  # noqa: SIM115
        self._saved = -1
        self._foreign: list[str] = []

    def __enter__(self) -> StderrTap:
        _LOCK.acquire()
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            os.dup2(self._file.fileno(), 2)
        except BaseException:
            _LOCK.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            try:
                sys.stderr.flush()
                self._foreign = _classify(self._read(0, os.fstat(2).st_size))[1]
            finally:  # the real stderr comes back whatever happened
                os.dup2(self._saved, 2)
                os.close(self._saved)
        finally:
            _LOCK.release()
            self._file.close()
        if self._foreign:
            sys.stderr.write("".join(line + "\n" for line in self._foreign))

    def mark(self) -> int:
        """Where the next message will start."""
        return os.fstat(2).st_size

    def since(self, start: int) -> Messages:
        """The lilv/serd messages printed from ``start`` (a :meth:`mark`) on."""
        end = os.fstat(2).st_size
        if end <= start:
            return Messages()
        return _classify(self._read(start, end))[0]

    def _read(self, start: int, end: int) -> bytes:
        # The temporary file shares its offset with descriptor 2, where lilv writes: pread
        # leaves it alone; without pread (Windows) it is put back where it was.
        fd = self._file.fileno()
        if hasattr(os, "pread"):
            return os.pread(fd, end - start, start)
        where = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            os.lseek(fd, start, os.SEEK_SET)
            return os.read(fd, end - start)
        finally:
            os.lseek(fd, where, os.SEEK_SET)


def _classify(raw: bytes) -> tuple[Messages, list[str]]:
    """lilv's and serd's errors and warnings, and the lines that are someone else's."""
    found, foreign = Messages(), []
    for line in raw.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        if not _OURS.match(line):
            foreign.append(line)
        elif " error: " in f" {line}":
            found.errors.append(line)
        else:
            found.warnings.append(line)
    return found, foreign


def summarise(messages: Messages, bundle: Path, default_file: str) -> str:
    """One line for a :class:`~pluginary.presets.model.SourceRead` error: the file (relative to
    the bundle) and what serd and lilv said about it, in order and without repeats."""
    where = ""
    said: list[str] = []
    for line in messages.errors:
        # serd quotes the byte it stopped at, which at the end of the data is not text.
        text = _OURS.sub("", line, count=1).strip().replace("\ufffd", "?")
        position = _SERD_POSITION.match(text)
        if position:
            where = where or position["file"]
            text = f"line {position['line']} column {position['col']}: {position['what']}"
        elif (named := _LILV_FILE.search(text)) is not None:
            where = where or unquote(urlsplit(named[1]).path)
            continue  # "Error loading file X" adds nothing once X is named
        if text not in said:
            said.append(text)
    what = "; ".join(said) or "lilv could not parse it"
    return f"{_relative(where, bundle) or default_file}: {what}"


def _relative(path: str, bundle: Path) -> str:
    if not path:
        return ""
    real = os.path.realpath(bundle)
    full = os.path.realpath(path)
    if full.startswith(real + os.sep):
        return os.path.relpath(full, real)
    return path


def log_warnings(messages: Messages, what: str) -> None:
    """lilv's warnings do not stop a read; they are worth a debug line."""
    for line in messages.warnings:
        log.debug("%s: %s", what, line)
