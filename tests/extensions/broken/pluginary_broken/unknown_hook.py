"""Implements a misspelled hook, which would otherwise be silently ignored."""

from pluginary import hookimpl


@hookimpl
def register_comands(register: object) -> None:
    raise AssertionError("never called")
