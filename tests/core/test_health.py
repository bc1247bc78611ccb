"""`/healthz`: what a load balancer gets, and what the access logs do not keep."""

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from coalition import create_app
from coalition.web import assets

PROJECT_DIR = Path(__file__).resolve().parents[2]
ASSET = f"/assets/plotly-{assets.PLOTLY_VERSION}.css"  # a page that needs no database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_the_probe_answers_ok_to_anyone_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # probes open no session
    assert client.head("/healthz").status_code == 200


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_probe_answers_503_when_the_database_does_not(
    tmp_path: Path, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    urls = {
        "sqlite": f"sqlite:///{tmp_path / 'no-such-directory' / 'coalition.db'}",
        "postgresql": f"postgresql+psycopg://coalition@127.0.0.1:{free_port()}/coalition",
    }
    app = create_app({"DATABASE_URL": urls[database]})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "the database does not answer" in caplog.text


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[str]:
    """The app under werkzeug's server, as `flask run` serves it; its address."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'coalition.db'}"})
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_probe_leaves_no_line_in_the_dev_server_log(
    dev_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        with urlopen(dev_server + "/healthz") as probe:  # noqa: S310 - our own server
            assert probe.status == 200
        with urlopen(dev_server + ASSET) as page:  # noqa: S310
            assert page.status == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any(ASSET in line for line in lines), lines
    assert not any("/healthz" in line for line in lines), lines


def test_a_probe_leaves_no_line_in_gunicorn_access_log(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "COALITION_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coalition.db'}",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"),
        *("--access-logfile", "-", "wsgi:app"),
    ]
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        address = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(address + "/healthz") as probe:  # noqa: S310
                    assert probe.status == 200
                break
            except (URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with urlopen(address + ASSET) as page:  # noqa: S310
            assert page.status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    log = output.decode()
    assert f'"GET {ASSET} HTTP/1.1" 200' in log, log
    assert "/healthz" not in log, log
