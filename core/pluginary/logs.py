"""Logging, set up once by the CLI: a rich handler on a terminal, plain lines otherwise."""

from __future__ import annotations

import logging
import sys

from .errors import UsageError

PLAIN_FORMAT = "%(levelname)s %(name)s: %(message)s"


def level_for(verbosity: int) -> int:
    """-q gives errors only, nothing gives warnings, -v info, -vv debug."""
    return {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR)


def setup_logging(verbosity: int, log_file: str | None = None) -> None:
    """Configure the root logger for one CLI run. Safe to call again (handlers are replaced)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pluginary", False):
            root.removeHandler(handler)
            handler.close()

    console: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        console = RichHandler(show_time=False, show_path=False, rich_tracebacks=False)
        console.setFormatter(logging.Formatter("%(message)s"))
    else:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(PLAIN_FORMAT))
    console.setLevel(level_for(verbosity))
    handlers: list[logging.Handler] = [console]
    if log_file:
        try:
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the log file {log_file}: {exc.strerror}",
                             hint="choose another --log-file or create its folder") from exc
        file_handler.setFormatter(logging.Formatter("%(asctime)s " + PLAIN_FORMAT))
        file_handler.setLevel(logging.DEBUG)
        handlers.append(file_handler)
    for handler in handlers:
        handler._pluginary = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(min(h.level for h in handlers))
