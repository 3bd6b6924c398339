"""One exception hierarchy for everything a user can get wrong or the machine can refuse.

The CLI turns each :class:`PluginaryError` into a single line, ``error: <message>`` followed by
``hint: <hint>``, and exits with the class's ``exit_code``. The codes are documented in
``docs/cli.md``; scripts may rely on them.
"""

from __future__ import annotations


class PluginaryError(Exception):
    """Base class. ``hint`` tells the user what to do next."""

    exit_code = 1
    default_hint = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message


class UsageError(PluginaryError):
    """The command line or configuration asks for something impossible."""

    exit_code = 2


class NotFoundError(PluginaryError):
    """A plugin ID, path or file that was named does not exist."""

    exit_code = 3


class ExtensionError(PluginaryError):
    """An extension failed to load or registered something that clashes."""

    exit_code = 4
    default_hint = ("run 'pluginary extensions' to see what is installed, "
                    "or disable it with PLUGINARY_DISABLE=name")


class StorageError(PluginaryError):
    """The catalogue could not be opened, read or written."""

    exit_code = 5


class CatalogueCorruptError(StorageError):
    """The catalogue file is not a database, or its pages are damaged."""

    exit_code = 6


class CatalogueTooNewError(StorageError):
    """The catalogue was written by a newer Pluginary; it is left untouched."""

    exit_code = 7
    default_hint = "upgrade Pluginary, or point --db at another catalogue"


class CatalogueBusyError(StorageError):
    """Another process held the catalogue's write lock for longer than we waited."""

    exit_code = 8
    default_hint = "wait for the other pluginary process to finish, then try again"


class CatalogueReadOnlyError(StorageError):
    """The catalogue file or its folder cannot be written."""

    exit_code = 9
    default_hint = "check the permissions of the file and its folder, or choose another --db"


class DiskFullError(StorageError):
    """The disk holding the catalogue is full; the last transaction was rolled back."""

    exit_code = 10
    default_hint = "free some space on that disk; nothing stored before was lost"


class TransientError(PluginaryError):
    """A failure that may go away if the same operation is tried again (see pluginary.retry)."""

    exit_code = 11


class ScanRunningError(PluginaryError):
    """Another scan holds the catalogue's scan lock (one scan per catalogue at a time)."""

    exit_code = 12
    default_hint = ("wait for it to finish, or run 'pluginary scan --wait' to start as soon as "
                    "it does")
