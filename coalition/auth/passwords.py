"""Password hashing (Argon2id) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn.matching import RANKED_DICTIONARIES

MIN_LENGTH = 8
MAX_LENGTH = 256
_hasher = PasswordHasher()  # Argon2id with the library's recommended parameters
_COMMON = RANKED_DICTIONARIES["passwords"]  # 30,000 most common passwords, lower case


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verified against when the email is unknown, so that both failures take the same time.
DUMMY_HASH = hash_password("not-a-real-password-0")


def password_problem(password: str) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Le mot de passe doit compter au moins 8 caractères."))
    if len(password) > MAX_LENGTH:
        return str(_l("Le mot de passe doit compter au plus 256 caractères."))
    if password.lower() in _COMMON:
        return str(_l("Ce mot de passe est trop courant : choisissez-en un autre."))
    return None
