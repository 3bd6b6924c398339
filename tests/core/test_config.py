"""Settings precedence: flag > environment > config file > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from pluginary.config import default_db_path, resolve_settings
from pluginary.errors import UsageError


@pytest.fixture
def config(pluginary_env, monkeypatch, tmp_path) -> Path:
    monkeypatch.delenv("PLUGINARY_DB")
    path = tmp_path / "config.toml"
    monkeypatch.setenv("PLUGINARY_CONFIG", str(path))
    return path


def test_default_is_in_the_user_data_dir(config):
    settings = resolve_settings()
    assert settings.db == str(default_db_path())
    assert settings.sources["db"] == "default"
    assert default_db_path().name == "catalogue.db"


def test_file_beats_default_env_beats_file_flag_beats_env(config, monkeypatch):
    config.write_text('db = "/from/file.db"\nlog_file = "~/p.log"\n')
    assert resolve_settings().db == "/from/file.db"
    assert resolve_settings().log_file == str(Path("~/p.log").expanduser())
    monkeypatch.setenv("PLUGINARY_DB", "/from/env.db")
    assert resolve_settings().db == "/from/env.db"
    settings = resolve_settings(db="/from/flag.db")
    assert settings.db == "/from/flag.db"
    assert settings.sources == {"db": "flag", "log_file": f"config {config}"}


def test_invalid_toml_is_a_usage_error(config):
    config.write_text("db = [unclosed\n")
    with pytest.raises(UsageError, match="is not valid TOML"):
        resolve_settings()


def test_unknown_key_is_named(config):
    config.write_text('database = "x"\n')
    with pytest.raises(UsageError, match="unknown keys: database"):
        resolve_settings()


def test_cli_reports_bad_config_in_one_line(config, run_cli):
    config.write_text("db = [unclosed\n")
    result = run_cli("list")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "is not valid TOML" in result.stderr
