"""Implements register_commands with an argument the hook spec does not offer."""

from pluginary import hookimpl


@hookimpl
def register_commands(register: object, colour: str) -> None:
    raise AssertionError("never called: registration must fail first")
