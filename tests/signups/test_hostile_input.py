"""The hostile values of tests/core/test_hostile_input.py sent to every sign-up form, as the
pages show them: never a server error, and the strict variants change no row."""

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from coalition.signups.service import paris_today, withdrawal_token
from tests.conftest import World
from tests.core.crawl import PageParser
from tests.core.test_hostile_input import (
    KEPT_FIELDS,
    Failures,
    changed,
    fingerprint,
    hostile_variants,
)
from tests.signups.conftest import S, add_signup


@pytest.mark.parametrize("who", ["public", "facilitator"])
def test_hostile_values_in_the_signup_forms_are_refused_without_a_server_error(
    app: Flask,
    client: FlaskClient,
    db: Session,
    connection: Connection,
    world: World,
    secret: str,
    who: str,
) -> None:
    signup = add_signup(app, db, world.coalition, phone="0612345678", today=paris_today())
    with app.app_context():
        token = withdrawal_token(signup)
    if who == "public":
        urls = [f"{S}/signup", f"/stall/{secret}/signup", f"/signups/withdraw/{token}"]
    else:
        world.log_in(client, "facilitator")
        urls = [f"{S}/signups", f"{S}/signups/write"]
    failures = Failures(client)
    wrote = []
    for url in urls:
        parser = PageParser()
        parser.feed(client.get(url).get_data(as_text=True))
        forms = [form for form in parser.forms if form.method == "post"]
        assert forms, url
        # as there: a form of a button alone (withdraw, remove) has nothing hostile to carry
        for form in [f for f in forms if any(f.name not in KEPT_FIELDS for f in f.fields)]:
            action = urlsplit(form.action or url).path
            for name, data, strict in hostile_variants(form):
                before = fingerprint(connection) if strict else None
                failures.request("POST", action, data)
                if before is not None and (tables := changed(before, fingerprint(connection))):
                    wrote.append(f"{action} ({name}): {', '.join(tables)}")
            for value in ("x" * 100_000, "%00", "\u0000"):
                failures.request("GET", f"/signups/withdraw/{value}")
                failures.request("POST", f"{S}/signups/{value}/remove", {})
    assert not failures.found, "\n".join(failures.found)
    assert not wrote, "hostile values were stored:\n" + "\n".join(wrote)
