"""A pytest plugin for extension authors (entry point ``pytest11``; active once core is installed).

Fixtures:

``pluginary_env``
    Isolates a test from the user's machine: config, data dirs and ``PLUGINARY_*`` variables point
    into ``tmp_path`` (``PLUGINARY_DISABLE`` and ``PLUGINARY_RULES`` removed,
    ``PLUGINARY_STRICT=1``). Returns the catalogue path the CLI will use by default.
``plugin_manager``
    A fresh :class:`~pluginary.manager.ExtensionManager` with every installed extension, per test.
``tmp_catalogue``
    A real, empty catalogue opened through the installed storage extension: the same file
    ``run_cli`` reads by default. It fails (never skips) when no storage extension is installed.
``run_cli``
    ``run_cli("list", "--json")`` runs the CLI in-process and returns a :class:`CliResult`.

And :func:`sample_record`, which makes realistic :class:`~pluginary.models.PluginRecord` values
for storage and CLI tests. The module imports without pytest (``sample_record`` in a script).
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

try:
    import pytest
except ImportError:  # sample_record, CliResult and run_as_nobody work without pytest
    pytest = None  # type: ignore[assignment]

from .catalogue import Catalogue, open_catalogue
from .manager import ExtensionManager, make_plugin_manager
from .models import Fingerprint, Parameter, PluginRecord, Role

_VENDORS = ("Damien Zammit", "LSP", "Calf Studio Gear", "Steve Harris", "x42", "DISTRHO",
            "Valhalla DSP", "FabFilter", "u-he", "Tokyo Dawn Labs")
_KINDS = (("Compressor", Role.EFFECT, "Fx|Dynamics"), ("Reverb", Role.EFFECT, "Fx|Reverb"),
          ("Equalizer", Role.EFFECT, "Fx|EQ"), ("Delay", Role.EFFECT, "Fx|Delay"),
          ("Synth", Role.INSTRUMENT, "Instrument|Synth"), ("Analyzer", Role.ANALYZER,
          "Fx|Analyzer"), ("Arpeggiator", Role.MIDI_EFFECT, "Fx|Event"))
_PARAMS = ("Threshold", "Ratio", "Attack", "Release", "Makeup", "Mix", "Decay", "Pre-delay",
           "Cutoff", "Resonance", "Gain", "Frequency", "Q", "Feedback", "Time", "Width")


def sample_record(n: int, *, format: str = "vst3", parameters: int | None = None,
                  **overrides: Any) -> PluginRecord:
    """The ``n``-th of a family of realistic, distinct records (deterministic for each ``n``)."""
    vendor = _VENDORS[n % len(_VENDORS)]
    kind, role, categories = _KINDS[n % len(_KINDS)]
    count = 2 + (n * 7) % 40 if parameters is None else parameters
    params = tuple(Parameter(name=f"{_PARAMS[i % len(_PARAMS)]} {i // len(_PARAMS) + 1}",
                             id=str(i), default=0.5, min=0.0, max=1.0,
                             unit="dB" if i % 3 == 0 else "") for i in range(count))
    stem = f"{vendor.split()[0]}{kind}{n}"
    bundle = f"/usr/lib/{format}/{stem}.{format}"
    values: dict[str, Any] = dict(
        format=format, uid=f"{n:032X}" if format == "vst3" else f"urn:test:{stem}",
        name=f"{vendor.split()[0]} {kind} {n}", vendor=vendor, version=f"1.{n % 10}.0",
        role=role, categories=tuple(categories.split("|")),
        description=f"A {kind.lower()} by {vendor}", audio_inputs=0 if role is Role.INSTRUMENT
        else 2, audio_outputs=2, parameters=params, file_path=f"{bundle}/Contents/x86_64-linux/"
        f"{stem}.so", bundle_path=bundle, architecture="x86_64",
        fingerprint=Fingerprint(path=f"{bundle}/Contents/x86_64-linux/{stem}.so",
                                size=100_000 + n, mtime_ns=1_700_000_000_000_000_000 + n),
        tier=1)
    values.update(overrides)
    return PluginRecord(**values)

#: Variables of the user's shell that would reach into their real setup; ``pluginary_env``
#: removes them. ``PLUGINARY_DISABLE`` is removed too and ``PLUGINARY_STRICT`` set to 1, so a
#: test sees every installed extension and a broken one fails it, whatever the shell says (a
#: test that wants otherwise sets them itself, after this fixture).
_ISOLATED_VARS = ("PLUGINARY_DB", "PLUGINARY_CONFIG", "PLUGINARY_LOG_FILE", "PLUGINARY_RULES",
                  "PLUGINARY_DISABLE")


@dataclass(frozen=True)
class CliResult:
    """What one CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout decoded as JSON (for commands run with ``--json``)."""
        return msgspec.json.decode(self.stdout)


def run_as_nobody(work: Callable[[], Any]) -> Any:
    """Run ``work()`` in a forked child that dropped root (uid/gid 65534), and return what it
    returned (it must be JSON-encodable). POSIX only, and the test must run as root.

    Root reads every folder, so an unreadable folder (mode 000, another user's) can only be met
    by a normal user. The child does not exec, so nothing under ``/root`` needs to be readable.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, msgspec.json.encode(work()))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise AssertionError("the work run as nobody raised or returned nothing")
    return msgspec.json.decode(data)


if pytest is not None:  # the fixtures; the module imports without pytest

    @pytest.fixture
    def pluginary_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        """Point config, data and the default catalogue into ``tmp_path`` (return the catalogue
        path); remove the user's PLUGINARY_* variables and set PLUGINARY_STRICT=1."""
        home = tmp_path / "pluginary-home"
        home.mkdir()
        for var in _ISOLATED_VARS:
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
        monkeypatch.setenv("PLUGINARY_CONFIG", str(home / "config" / "pluginary" / "config.toml"))
        db = home / "catalogue.db"
        monkeypatch.setenv("PLUGINARY_DB", str(db))
        monkeypatch.setenv("PLUGINARY_STRICT", "1")
        return db


    @pytest.fixture
    def plugin_manager() -> ExtensionManager:
        """A fresh manager with the built-ins and every installed extension."""
        return make_plugin_manager()


    @pytest.fixture
    def tmp_catalogue(pluginary_env: Path,
                      plugin_manager: ExtensionManager) -> Iterator[Catalogue]:
        """An empty catalogue, the very file ``run_cli`` reads by default, closed after the
        test: fill it through the API, then check what the CLI shows."""
        catalogue = open_catalogue(plugin_manager, str(pluginary_env), create=True)
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
