"""Cheap diagnosis of a binary that does not load: one line a person can act on.

``explain_load_error`` turns the text of the ``OSError`` that ``ctypes.CDLL`` raises (glibc's
``dlerror()``) into a cause, reading the ELF header itself where the text is vague:

* ``needs libfoo.so.2, which is not installed``
* ``needs GLIBC_2.38, this system has 2.36``
* ``wrong architecture (ELF for aarch64, this machine is x86_64)``
* ``not a shared library (no ELF header)``
* otherwise the raw dlerror text.

:func:`diagnose` does the ``dlopen`` (in the calling process: run it in a worker).
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
from pathlib import Path

__all__ = [
    "ELF_MACHINES",
    "diagnose",
    "elf_machine",
    "explain_load_error",
    "glibc_version",
    "normalize_machine",
]

#: ELF ``e_machine`` values → the names ``uname -m`` uses.
ELF_MACHINES: dict[int, str] = {
    3: "i386",
    8: "mips",
    20: "ppc",
    21: "ppc64",
    22: "s390x",
    40: "arm",
    62: "x86_64",
    183: "aarch64",
    243: "riscv64",
    258: "loongarch64",
}

_MACHINE_ALIASES = {
    "amd64": "x86_64",
    "x64": "x86_64",
    "arm64": "aarch64",
    "i686": "i386",
    "i586": "i386",
    "i486": "i386",
    "x86": "i386",
    "armv7l": "arm",
    "armv6l": "arm",
    "armv8l": "arm",
}

_MISSING_LIB = re.compile(
    r"(?P<lib>[^\s:]+): cannot open shared object file: No such file or directory"
)
_MISSING_VERSION = re.compile(
    "version [`'\u2018](?P<ver>(?P<name>[A-Za-z_]+)_(?P<num>[0-9.]+))['\u2019] not found"
)
_WRONG_CLASS = re.compile(r"wrong ELF class: ELFCLASS(?P<bits>\d+)")
_UNDEFINED_SYMBOL = re.compile(r"undefined symbol: (?P<sym>\S+)")


def normalize_machine(machine: str | None = None) -> str:
    """``platform.machine()`` in ``uname -m`` spelling: ``x86_64``, ``aarch64``, ``i386``..."""
    mach = (machine if machine is not None else platform.machine()).lower()
    return _MACHINE_ALIASES.get(mach, mach)


def glibc_version() -> str | None:
    """The running glibc version (``"2.36"``), or None on another libc."""
    try:
        value = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):
        return None
    if not value or not value.startswith("glibc "):
        return None
    return value.split(" ", 1)[1]


def elf_machine(path: Path) -> str | None:
    """The architecture an ELF file is built for (``"aarch64"``), or None if not ELF.

    Reads ``EI_DATA`` (byte 5) to decode the 16-bit ``e_machine`` at offset 18 in the right
    byte order. An unknown value is reported as ``"e_machine <n>"``.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return None
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    value = int.from_bytes(header[18:20], "big" if header[5] == 2 else "little")
    return ELF_MACHINES.get(value, f"e_machine {value}")


def _is_elf(path: Path) -> bool | None:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return None


def explain_load_error(
    message: str,
    path: Path | None = None,
    *,
    machine: str | None = None,
    libc: str | None = None,
) -> str:
    """Translate a dlopen error text into one actionable line.

    ``path`` (the file that was loaded) lets it read the ELF header for architecture and
    not-a-library causes; ``machine``/``libc`` default to the running system and exist for tests.
    """
    text = message.strip()
    this_machine = normalize_machine(machine)
    if path is not None:
        is_elf = _is_elf(path)
        if is_elf is False:
            return "not a shared library (no ELF header)"
        arch = elf_machine(path) if is_elf else None
        if arch is not None and arch != this_machine:
            return f"wrong architecture (ELF for {arch}, this machine is {this_machine})"
    match = _MISSING_VERSION.search(text)
    if match:
        wanted = match.group("ver")
        if match.group("name") == "GLIBC":
            have = libc if libc is not None else glibc_version()
            suffix = f", this system has {have}" if have else ", this system's glibc is older"
            return f"needs {wanted}{suffix}"
        required_lib = text.split(":", 1)[0].strip()
        lib_name = os.path.basename(required_lib) if required_lib else "a library"
        return f"needs {wanted} from {lib_name}, which the installed one does not provide"
    match = _MISSING_LIB.search(text)
    if match:
        lib = match.group("lib")
        target = str(path) if path is not None else ""
        if target and (lib == target or os.path.basename(lib) == os.path.basename(target)):
            return "file does not exist"
        return f"needs {os.path.basename(lib)}, which is not installed"
    if "wrong ELF class" in text:
        match = _WRONG_CLASS.search(text)
        bits = match.group("bits") if match else "?"
        ours = ctypes.sizeof(ctypes.c_void_p) * 8
        return f"wrong architecture ({bits}-bit binary, this Python is {ours}-bit)"
    if "invalid ELF header" in text or "file too short" in text:
        return "not a shared library (no ELF header)"
    match = _UNDEFINED_SYMBOL.search(text)
    if match:
        return f"undefined symbol {match.group('sym')} (built against a different library version)"
    if "No such file or directory" in text:
        return "file does not exist"
    return text.splitlines()[0] if text else "failed to load (no error text)"


def diagnose(path: Path) -> str:
    """Try to ``dlopen`` ``path``; ``""`` if it loads, else the one-line cause.

    This runs the library's initialisers in this process: call it in a worker.
    """
    if not path.exists():
        return "file does not exist"
    try:
        ctypes.CDLL(str(path), mode=os.RTLD_LOCAL | os.RTLD_LAZY)
    except OSError as exc:
        return explain_load_error(str(exc), path)
    return ""
