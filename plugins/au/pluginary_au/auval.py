"""``auval -a``: every Audio Unit the system has registered, as Apple's validation tool lists it.

It prints a header, then one line per Audio Unit::

    aufx bpas appl  -  Apple: AUBandpass
    aumu Nlz  Nlz   -  Nölz Audio: Plüsch

The three codes sit in fixed columns (0-4, 5-9, 10-14) and may contain spaces themselves, so a
line is cut by column, never split on whitespace. ``auval -a`` lists without loading any Audio
Unit (it asks the component registry), and it runs in its own process, under a timeout.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import codes

#: ``auval -a`` asks the registry only, which takes a few seconds even with hundreds of Audio
#: Units; a minute means it is stuck (a wedged AudioComponentRegistrar).
TIMEOUT = 60.0


@dataclass(frozen=True)
class Registration:
    """One line of ``auval -a``."""

    type: str
    subtype: str
    manufacturer: str
    #: "Vendor: Name", as registered.
    full_name: str

    @property
    def uid(self) -> str:
        return codes.uid(self.type, self.subtype, self.manufacturer)


@dataclass(frozen=True)
class Listing:
    registrations: tuple[Registration, ...] = ()
    cause: str = ""


def parse_line(line: str) -> Registration | None:
    """One listing line, or None for the header, blank lines and anything else."""
    line = line.rstrip("\r\n")
    if len(line) < 14 or line[4] != " " or line[9] != " ":
        return None
    type_code, subtype, manufacturer = line[0:4], line[5:9], line[10:14]
    # Header lines are indented; a listing line starts with a type code (no leading space).
    if type_code != type_code.strip() or not type_code.isprintable():
        return None
    rest = line[14:].lstrip(" ")
    if not rest.startswith("-"):
        return None
    if any(codes.four_char(c) is None for c in (type_code, subtype, manufacturer)):
        return None
    return Registration(type_code, subtype, manufacturer, rest[1:].strip())


def parse(output: str) -> tuple[Registration, ...]:
    """Every registration in ``auval -a`` output, each identity once, in listing order."""
    found: dict[str, Registration] = {}
    for line in output.splitlines():
        registration = parse_line(line)
        if registration is not None:
            found.setdefault(registration.uid, registration)
    return tuple(found.values())


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def run(timeout: float = TIMEOUT, *, platform: str | None = None,
        runner: Runner = subprocess.run, command: Sequence[str] = ("auval", "-a")) -> Listing:
    """Run ``auval -a`` and parse it; off macOS it is not run at all."""
    if (platform or sys.platform) != "darwin":
        return Listing(cause="auval exists only on macOS")
    try:
        done = runner(list(command), capture_output=True, text=True, encoding="utf-8",
                      errors="replace", timeout=timeout, check=False)
    except FileNotFoundError:
        return Listing(cause="auval is not installed (it ships with macOS in /usr/bin)")
    except subprocess.TimeoutExpired:
        return Listing(cause=f"auval -a did not finish within {timeout:g} s")
    except OSError as exc:
        return Listing(cause=f"auval -a could not run: {exc.strerror or exc}")
    registrations = parse(done.stdout)
    if done.returncode != 0 and not registrations:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return Listing(cause=f"auval -a failed: {last}")
    return Listing(registrations=registrations)
