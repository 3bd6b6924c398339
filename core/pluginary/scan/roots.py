"""Where each format looks by default, per OS, from the plain data in :class:`FormatInfo`.

The functions take the OS and the environment as arguments so that every OS's expansion can be
tested on any OS (Windows paths through :class:`~pathlib.PureWindowsPath`).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from ..models import FormatInfo

log = logging.getLogger(__name__)

_POSIX_VAR = re.compile(r"\$(\w+)|\$\{(\w+)\}")
_WINDOWS_VAR = re.compile(r"%(\w+)%")


def current_os(platform: str | None = None) -> str:
    """``linux``, ``darwin`` or ``windows`` (the keys of ``FormatInfo.default_roots``)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "darwin"
    return "linux"


def expand(entry: str, os_name: str, env: Mapping[str, str]) -> str | None:
    """Expand ``~``, ``$VAR`` and ``%VAR%`` in ``entry``; None when a variable is unset.

    An unset variable drops the root instead of producing a relative path like ``/VST3``.
    """
    missing = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal missing
        name = next(g for g in match.groups() if g)
        # Windows variables are case-insensitive.
        value = env.get(name) if os_name != "windows" else next(
            (v for k, v in env.items() if k.upper() == name.upper()), None)
        if value is None:
            missing = True
            return ""
        return value

    pattern = _WINDOWS_VAR if os_name == "windows" else _POSIX_VAR
    result = pattern.sub(substitute, entry)
    if missing:
        return None
    if result.startswith("~"):
        home = env.get("USERPROFILE" if os_name == "windows" else "HOME")
        if home is None:
            return None
        result = home + result[1:]
    return result


def path_class(os_name: str) -> type[PurePath]:
    return PureWindowsPath if os_name == "windows" else PurePosixPath


def same_place_key(path: PurePath, os_name: str) -> str:
    r"""A key equal for two spellings of one place: on Windows case-insensitive, and with the
    ``\\?\`` long-path prefix removed (``\\?\C:\X`` is ``C:\X``, ``\\?\UNC\srv\share`` is
    ``\\srv\share``)."""
    text = str(path)
    if os_name != "windows":
        return text
    for prefix, replacement in (("\\\\?\\unc\\", "\\\\"), ("\\\\?\\", "")):
        if text.casefold().startswith(prefix):
            text = replacement + text[len(prefix):]
            break
    return text.casefold().rstrip("\\")


def roots_for(info: FormatInfo, *, os_name: str | None = None,
              env: Mapping[str, str] | None = None) -> list[PurePath]:
    """The format's default roots for ``os_name``, then the entries of its path variable.

    Duplicates are removed (see :func:`same_place_key`), keeping the first occurrence; relative
    entries are dropped.
    """
    os_name = os_name or current_os()
    env = os.environ if env is None else env
    make = path_class(os_name)
    entries = list(info.default_roots.get(os_name, ()))
    if info.path_env and env.get(info.path_env):
        separator = ";" if os_name == "windows" else ":"
        entries += [p for p in env[info.path_env].split(separator) if p]
    seen: set[str] = set()
    roots: list[PurePath] = []
    for entry in entries:
        expanded = expand(entry, os_name, env)
        if expanded is None:
            continue
        path = make(expanded)
        if not path.is_absolute():  # it would depend on the current folder (or drive)
            log.warning("ignoring %r in %s: a root must be an absolute path", entry,
                        info.path_env or f"the {info.name} defaults")
            continue
        key = same_place_key(path, os_name)
        if key not in seen:
            seen.add(key)
            roots.append(path)
    return roots


def absolute(path: Path) -> Path:
    """``path`` made absolute without resolving symlinks, so a path typed relative to a folder
    means the same file to a later scan or a resume from elsewhere.

    ``os.path.abspath`` joins with ``getcwd()``, which is the resolved folder; the shell's
    ``$PWD`` keeps the symlinks the user went through, so it is used when it is the same
    folder."""
    if path.is_absolute():
        return path
    base = os.environ.get("PWD", "")
    try:
        same = bool(base) and os.path.isabs(base) and os.path.samefile(base, os.curdir)
    except OSError:
        same = False
    return Path(os.path.normpath(os.path.join(base if same else os.getcwd(), path)))


def pseudo_scheme(path: str) -> str:
    """``auval`` for ``auval:aufx:…``; '' for a file path (``C:\\x`` has a one-letter drive)."""
    scheme, colon, _ = path.partition(":")
    return scheme if colon and len(scheme) > 1 and "/" not in scheme and "\\" not in scheme \
        else ""
