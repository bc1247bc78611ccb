from pathlib import Path

import pytest

from coalition import config, create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BASE_URL", "https://coalition.example.org")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_generates_a_secret_key_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key("development")
    assert len(first) == 64
    assert config.secret_key("development") == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_defaults_to_sqlite_in_instance(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url() == f"sqlite:///{tmp_path / 'coalition.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config.database_url() == "postgresql+psycopg://u@h/db"


def test_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_ENV", "staging")
    with pytest.raises(config.ConfigError, match="COALITION_ENV"):
        config.environment()


def test_production_refuses_to_start_without_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(config.ConfigError, match="BASE_URL"):
        config.load_config()


def test_a_base_url_must_be_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "coalition.example.org")
    with pytest.raises(config.ConfigError, match="BASE_URL"):
        config.load_config()


def production(monkeypatch: pytest.MonkeyPatch, secret: str = "x" * 40) -> None:
    monkeypatch.setenv("COALITION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("BASE_URL", "https://coalition.example.org")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def test_production_refuses_a_secret_key_shorter_than_32_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    production(monkeypatch, secret="x" * 31)
    with pytest.raises(config.ConfigError, match="32 bytes"):
        create_app()
    production(monkeypatch, secret="é" * 16)  # 32 bytes in UTF-8
    assert create_app().config["SECRET_KEY"] == "é" * 16


@pytest.mark.parametrize("value", ["1", "true"])
def test_production_refuses_to_start_with_the_debugger(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    production(monkeypatch)
    monkeypatch.setenv("FLASK_DEBUG", value)  # what `flask run --debug` sets too
    with pytest.raises(config.ConfigError, match="debugger"):
        create_app()


def test_development_may_use_the_debugger(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COALITION_ENV", "development")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("SECRET_KEY", "dev")
    assert create_app().debug is True
