"""Running the preset worker (:mod:`.worker`) from the parent: one process per request, in its
own process group, killed with its children when it outlives its time."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import msgspec

from ..errors import PluginaryError
from ..validation.host import NotSupported
from ..validation.run import kill_group
from .worker import Request, Response

#: Seconds a worker may take: a plugin load can be slow (ZamVerb's VST3 takes minutes of CPU).
DEFAULT_TIMEOUT = 300.0


class PresetWorkerError(PluginaryError):
    """The plugin crashed, hung or refused while a preset was put in or taken out of it."""

    exit_code = 15
    default_hint = ("the plugin failed in its own process and nothing was stored; check it "
                    "with pluginary validate")


@contextmanager
def supported(what: str) -> Iterator[None]:
    """Report a container or host that cannot do what was asked (``NotSupported``: a CLAP
    plugin without ``clap.state``, a VST2 program to host) as :class:`PresetWorkerError`
    naming ``what``, not as an internal error."""
    try:
        yield
    except NotSupported as exc:
        raise PresetWorkerError(f"{what}: {exc}",
                                hint="see docs/presets.md for what each format can do") from None


def run_worker(request: Request, *, timeout: float = DEFAULT_TIMEOUT) -> Response:
    """The worker's response to ``request``; :class:`PresetWorkerError` naming the plugin
    when it crashed, hung, or could not host the plugin."""
    key = request.record.key
    process = subprocess.Popen(
        [sys.executable, "-m", "pluginary.presets.worker"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(msgspec.json.encode(request), timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process.pid)
        process.communicate()
        raise PresetWorkerError(f"{key} did not finish within {timeout:g} s",
                                hint="give it more time with --timeout") from None
    finally:
        kill_group(process.pid)  # what the plugin started dies with it
    code = process.returncode
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
        raise PresetWorkerError(f"{key} crashed ({name}) while loading the preset")
    last = next((line for line in reversed(err.decode(errors="replace").splitlines())
                 if line.strip()), "")
    if code != 0 or not out:
        raise PresetWorkerError(f"the preset worker for {key} failed (exit {code}): {last}",
                                hint="rerun with -v and report it as a bug if it persists")
    response = msgspec.json.decode(out, type=Response)
    if response.unsupported:
        raise PresetWorkerError(f"{key} cannot be hosted here: {response.unsupported}",
                                hint="presets of this plugin can be stored and shared, not "
                                     "captured or converted")
    if response.error:
        raise PresetWorkerError(f"{key} refused: {response.error}")
    return response
