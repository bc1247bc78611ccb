"""Settings read from the environment."""

import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_DIR / "instance"
ENVIRONMENTS = ("development", "production", "test")
MIN_SECRET_BYTES = 32
# Argon2id's cost: the argon2-cffi library's recommended parameters (RFC 9106, low memory) in
# development and production; in tests the cheapest the algorithm allows, so that thousands of
# logins and accounts take no time (tests/auth checks the production parameters once).
ARGON2_RECOMMENDED = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
ARGON2_TEST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def environment() -> str:
    env = os.environ.get("COALITION_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"COALITION_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    return env


def database_url() -> str:
    """The database the app and Alembic use: DATABASE_URL, else a SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'coalition.db'}"


def secret_key(env: str) -> str:
    """SECRET_KEY from the environment; in development, one generated once and kept."""
    key = os.environ.get("SECRET_KEY")
    if env == "production" and len((key or "").encode()) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be set in production (COALITION_ENV=production), {MIN_SECRET_BYTES}"
            " bytes at least: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if key:
        return key
    if env == "test":
        return "test-secret-key"
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def argon2_parameters(env: str) -> dict[str, int]:
    """Time cost (passes), memory cost (KiB) and lanes of the password hashes made here."""
    return dict(ARGON2_TEST if env == "test" else ARGON2_RECOMMENDED)


def base_url(env: str) -> str:
    """The public address of the app, used in every link a mail carries."""
    url = os.environ.get("BASE_URL", "").rstrip("/")
    if url:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"BASE_URL must start with http:// or https://, not {url!r}")
        return url
    if env == "production":
        raise ConfigError("BASE_URL must be set in production: links in mails are built from it.")
    return "http://localhost" if env == "test" else "http://127.0.0.1:5000"


def refuse_debugger(env: str, debug: bool) -> None:
    """Werkzeug's debugger runs any code typed in the browser: never in production."""
    if env == "production" and debug:
        raise ConfigError("The debugger is on (FLASK_DEBUG): never in production.")


def load_config() -> dict[str, object]:
    env = environment()
    return {
        "COALITION_ENV": env,
        "TESTING": env == "test",
        "SECRET_KEY": secret_key(env),
        "DATABASE_URL": database_url(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        # anonymous answers to a consultation: at most this many per client in the window
        "CONSULTATION_ANSWER_LIMIT": int(os.environ.get("CONSULTATION_ANSWER_LIMIT", "20")),
        "CONSULTATION_ANSWER_WINDOW": int(os.environ.get("CONSULTATION_ANSWER_WINDOW", "600")),
        # reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_DIR / "translations"),
        "LANGUAGES": ("fr", "en"),
        "SQL_ECHO": False,
        "BASE_URL": base_url(env),
        # mail: delivered by `flask --app wsgi send-mail`; without SMTP_URL, written as .eml
        # files in MAIL_DIR (development) so that nobody needs a mail server to try the app
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Coalition <coalition@localhost>"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", str(INSTANCE_DIR / "mail")),
        # counters of attempts shared by every worker: the database, or Redis when set
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # failed logins: per account and per client address, within the window (seconds)
        "LOGIN_ACCOUNT_LIMIT": int(os.environ.get("LOGIN_ACCOUNT_LIMIT", "10")),
        "LOGIN_CLIENT_LIMIT": int(os.environ.get("LOGIN_CLIENT_LIMIT", "50")),
        "LOGIN_WINDOW": int(os.environ.get("LOGIN_WINDOW", "900")),
        # password reset requests: per address and per client within the window (seconds)
        "RESET_ADDRESS_LIMIT": int(os.environ.get("RESET_ADDRESS_LIMIT", "5")),
        "RESET_CLIENT_LIMIT": int(os.environ.get("RESET_CLIENT_LIMIT", "20")),
        "RESET_WINDOW": int(os.environ.get("RESET_WINDOW", "3600")),
    }
