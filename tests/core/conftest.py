"""Core tests run with the test extensions installed as real distributions (see tox.ini).

The deliberately broken ones are disabled by default so that ``PLUGINARY_STRICT=1`` (set by tox and
CI) stays meaningful for every other test; the tests about broken extensions enable them.
"""

from __future__ import annotations

import pytest

BROKEN = ("broken-import", "broken-signature", "broken-unknown-hook")


@pytest.fixture(autouse=True)
def _disable_broken(monkeypatch: pytest.MonkeyPatch, pluginary_env: object) -> None:
    # After pluginary_env, which clears PLUGINARY_DISABLE.
    monkeypatch.setenv("PLUGINARY_DISABLE", ",".join(BROKEN))


@pytest.fixture
def broken_extensions() -> tuple[str, ...]:
    """The entry-point names of the pluginary-broken test distribution."""
    return BROKEN
