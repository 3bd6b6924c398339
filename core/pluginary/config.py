"""Settings, resolved in one documented order: command-line flag > environment > config file >
default.

The config file is TOML at ``<user config dir>/pluginary/config.toml`` (from platformdirs), or
wherever ``PLUGINARY_CONFIG`` points. Recognised keys::

    db = "~/music/plugins.db"      # a path or a catalogue URL
    log_file = "~/pluginary.log"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import platformdirs

from .errors import UsageError

APP = "pluginary"
KNOWN_KEYS = frozenset({"db", "log_file"})


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """The resolved settings, with where each one came from (for ``pluginary doctor``)."""

    db: str
    log_file: str | None
    config_path: str
    sources: dict[str, str]


def default_db_path() -> Path:
    """The default catalogue: ``catalogue.db`` in the user data dir."""
    return Path(platformdirs.user_data_dir(APP)) / "catalogue.db"


def config_path() -> Path:
    """Where the config file is read from."""
    env = os.environ.get("PLUGINARY_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def read_config(path: Path) -> dict[str, Any]:
    """The config file's table, or an empty one when the file does not exist."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}",
                         hint="fix the file, or set PLUGINARY_CONFIG to another one") from exc
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from exc
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise UsageError(f"config file {path} has unknown keys: {', '.join(unknown)}",
                         hint=f"known keys: {', '.join(sorted(KNOWN_KEYS))}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise UsageError(f"config file {path}: '{key}' must be a string")
    return data


def resolve_settings(*, db: str | None = None, log_file: str | None = None) -> Settings:
    """Resolve every setting. Flags arrive as arguments; environment and file are read here."""
    path = config_path()
    file_values = read_config(path)
    sources: dict[str, str] = {}

    def pick(name: str, flag: str | None, env: str, default: str | None) -> str | None:
        if flag is not None:
            sources[name] = "flag"
            return flag
        if os.environ.get(env):
            sources[name] = f"env {env}"
            return os.environ[env]
        if name in file_values:
            sources[name] = f"config {path}"
            return str(file_values[name])
        sources[name] = "default"
        return default

    resolved_db = pick("db", db, "PLUGINARY_DB", str(default_db_path()))
    assert resolved_db is not None
    resolved_log = pick("log_file", log_file, "PLUGINARY_LOG_FILE", None)
    return Settings(
        db=os.path.expanduser(resolved_db),
        log_file=os.path.expanduser(resolved_log) if resolved_log else None,
        config_path=str(path),
        sources=sources,
    )
