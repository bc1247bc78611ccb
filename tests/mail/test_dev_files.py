"""`make run` runs no sender: in development without SMTP_URL, the mails a request wrote appear
as `.eml` files once its response is sent; never in tests or production."""

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import Connection

from coalition import create_app
from coalition.access import require
from coalition.db import db_session
from tests import conftest
from tests.mail.conftest import add_test_templates, queue_selftest


def app_in(
    env: str, connection: Connection, database_url: str, mail_dir: Path, **config: Any
) -> Flask:
    app = create_app(
        {
            "DATABASE": conftest.TestDatabase(connection),
            "DATABASE_URL": database_url,
            "COALITION_ENV": env,
            "SMTP_URL": "",
            "MAIL_DIR": str(mail_dir),
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    add_test_templates(app)

    @app.route("/_test/mail", methods=["GET", "POST"])
    def write_mail() -> str:
        require("account.recover")
        if request.method == "POST" and request.args.get("to"):
            queue_selftest(db_session(), to=request.args["to"])
            db_session().commit()
        return "ok"

    return app


def test_a_mail_file_is_written_after_the_request_that_queued_it(
    connection: Connection, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = app_in("development", connection, database_url, tmp_path)
    client = app.test_client()

    response = client.post("/_test/mail?to=ana@example.org")
    assert list(tmp_path.iterdir()) == []  # not before the response is sent
    response.close()  # what the server does once it has sent it

    [path] = tmp_path.iterdir()
    assert path.suffix == ".eml" and b"To: ana@example.org" in path.read_bytes()
    assert f"Mail to ana@example.org written to {path}" in capsys.readouterr().err
    client.post("/_test/mail").close()
    assert len(list(tmp_path.iterdir())) == 1  # sent once


def test_with_nothing_due_the_check_costs_one_statement_per_kind_and_reads_none(
    connection: Connection, database_url: str, tmp_path: Path, count_queries: Any
) -> None:
    client = app_in("development", connection, database_url, tmp_path).test_client()
    with count_queries() as counter:
        client.post("/_test/mail").close()
    # one for the draws waiting (the worker's job of the panels), one for the outbox
    assert counter.count == 2, counter.statements
    with count_queries() as counter:
        client.get("/_test/mail").close()
    assert counter.count == 0, counter.statements


@pytest.mark.parametrize(
    ("env", "config"),
    [("test", {}), ("production", {}), ("development", {"SMTP_URL": "smtp://127.0.0.1:1"})],
)
def test_no_file_is_written_by_requests_in_tests_production_or_with_a_server(
    connection: Connection, database_url: str, tmp_path: Path, env: str, config: dict[str, str]
) -> None:
    client = app_in(env, connection, database_url, tmp_path, **config).test_client()
    client.post("/_test/mail?to=ana@example.org").close()
    assert list(tmp_path.iterdir()) == []
