"""A pytest plugin for extension authors (entry point ``pytest11``; active once core is installed).

Fixtures:

``pluginary_env``
    Isolates a test from the user's machine: config, data dirs and ``PLUGINARY_*`` variables point
    into ``tmp_path``. Returns the catalogue path the CLI will use by default.
``plugin_manager``
    A fresh :class:`~pluginary.manager.ExtensionManager` with every installed extension, per test.
``tmp_catalogue``
    A real, empty catalogue in ``tmp_path`` opened through the installed storage extension; it
    fails (never skips) when no storage extension is installed.
``run_cli``
    ``run_cli("list", "--json")`` runs the CLI in-process and returns a :class:`CliResult`.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest

from .catalogue import Catalogue, open_catalogue
from .manager import ExtensionManager, make_plugin_manager

_ISOLATED_VARS = ("PLUGINARY_DB", "PLUGINARY_CONFIG", "PLUGINARY_LOG_FILE")


@dataclass(frozen=True)
class CliResult:
    """What one CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout decoded as JSON (for commands run with ``--json``)."""
        return msgspec.json.decode(self.stdout)


@pytest.fixture
def pluginary_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, data and the default catalogue into ``tmp_path``; return the catalogue path."""
    home = tmp_path / "pluginary-home"
    home.mkdir()
    for var in _ISOLATED_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("PLUGINARY_CONFIG", str(home / "config" / "pluginary" / "config.toml"))
    db = home / "catalogue.db"
    monkeypatch.setenv("PLUGINARY_DB", str(db))
    return db


@pytest.fixture
def plugin_manager() -> ExtensionManager:
    """A fresh manager with the built-ins and every installed extension."""
    return make_plugin_manager()


@pytest.fixture
def tmp_catalogue(tmp_path: Path, plugin_manager: ExtensionManager) -> Iterator[Catalogue]:
    """An empty catalogue file in ``tmp_path``, closed after the test."""
    catalogue = open_catalogue(plugin_manager, str(tmp_path / "catalogue.db"), create=True)
    try:
        yield catalogue
    finally:
        catalogue.close()


@pytest.fixture
def run_cli(pluginary_env: Path) -> Callable[..., CliResult]:
    """Run ``pluginary ARGS...`` in-process, isolated by :func:`pluginary_env`."""
    from .cli import run

    def invoke(*args: str, env: dict[str, str] | None = None,
               pm: ExtensionManager | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.get(k) for k in env or {}}
        os.environ.update(env or {})
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = run(list(args), pm=pm)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return CliResult(code, out.getvalue(), err.getvalue())

    return invoke
