"""Argon2id's cost: the library's recommended parameters outside tests, the cheapest in tests,
and hashes made with other parameters keep verifying."""

import argon2
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth import passwords
from coalition.config import argon2_parameters
from tests import factories as f
from tests.conftest import post_form

# Made with argon2-cffi's recommended parameters (m=65536, t=3, p=4), as production stores them.
PRODUCTION_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$Q5fBEdZMY820eHOQYnOhBQ"
    "$C0n+6tMHM3TsTWE9eTIxgRblA0bMPp5HEXmFHOcXGKM"
)
PRODUCTION_PASSWORD = "un-ancien-secret-2024"


def parameters(password_hash: str) -> tuple[int, int, int]:
    found = argon2.extract_parameters(password_hash)
    return found.time_cost, found.memory_cost, found.parallelism


def test_production_and_development_hash_with_the_library_recommended_parameters() -> None:
    recommended = argon2.profiles.RFC_9106_LOW_MEMORY
    assert argon2.PasswordHasher().time_cost == recommended.time_cost  # the library's default
    for env in ("production", "development"):
        password_hash = passwords.make_hasher(env).hash("un-secret-de-production")
        assert password_hash.startswith("$argon2id$")
        found = argon2.extract_parameters(password_hash)
        assert (found.time_cost, found.memory_cost, found.parallelism) == (
            recommended.time_cost,
            recommended.memory_cost,
            recommended.parallelism,
        )
        assert (found.hash_len, found.salt_len) == (recommended.hash_len, recommended.salt_len)


def test_tests_hash_with_the_cheapest_parameters(db: Session) -> None:
    assert argon2_parameters("test") == {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    assert parameters(passwords.hash_password("un-secret-de-test")) == (1, 8, 1)
    assert parameters(f.user(db).password_hash) == (1, 8, 1)


def test_a_hash_made_with_other_parameters_still_verifies() -> None:
    assert passwords.verify_password(PRODUCTION_HASH, PRODUCTION_PASSWORD)
    assert not passwords.verify_password(PRODUCTION_HASH, "un-autre-secret-2024")
    assert passwords.needs_rehash(PRODUCTION_HASH)  # other parameters than the current ones
    assert not passwords.needs_rehash(passwords.hash_password(PRODUCTION_PASSWORD))


def test_logging_in_with_an_old_hash_works_and_rehashes_it(
    client: FlaskClient, db: Session
) -> None:
    user = f.user(db, password_hash=PRODUCTION_HASH)
    form = {"email": user.email, "password": PRODUCTION_PASSWORD}
    assert post_form(client, "/login", form).status_code == 302
    db.refresh(user)
    assert user.password_hash != PRODUCTION_HASH
    assert parameters(user.password_hash) == (1, 8, 1)
    assert passwords.verify_password(user.password_hash, PRODUCTION_PASSWORD)
