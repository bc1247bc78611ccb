"""Password hashing (Argon2id) and the password policy."""

import re
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.matching import RANKED_DICTIONARIES

from coalition.config import argon2_parameters, environment

MIN_LENGTH = 8
MAX_LENGTH = 256
MIN_SCORE = 3  # zxcvbn's score, from 0 to 4: 2 and below are refused
STRENGTH_PREFIX = 100  # zxcvbn's time grows fast with the length: 50 ms at 100, 1 s at 256
MIN_WORD = 3  # shorter words of a name or an address are too common to refuse


def make_hasher(env: str) -> PasswordHasher:
    """Argon2id with the library's recommended parameters, the cheapest ones in tests (a hash
    records its parameters: any hash verifies whatever the settings it was made with)."""
    cost = argon2_parameters(env)
    return PasswordHasher(
        time_cost=cost["time_cost"],
        memory_cost=cost["memory_cost"],
        parallelism=cost["parallelism"],
    )


_hasher = make_hasher(environment())
_COMMON = RANKED_DICTIONARIES["passwords"]  # 30,000 most common passwords, lower case
_zxcvbn_lock = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dict
_WORD_SEPARATORS = re.compile(r"[\W_]+")


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


def folded(text: str) -> str:
    """Lower case without accents: "Hélène" and "HELENE" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> set[str]:
    return {word for word in _WORD_SEPARATORS.split(folded(text)) if len(word) >= MIN_WORD}


def email_words(email: str) -> set[str]:
    """What a password may not contain of its account's address: the whole address, its
    local part (before the @) and each word of that local part, when they have at least
    3 letters or digits ("marie.dupont@example.org": the address, "marie.dupont", "marie",
    "dupont"; the "jo" of "jo@example.org" is too short to refuse)."""
    address = folded(email.strip())
    if not address:
        return set()
    local = address.rpartition("@")[0] or address
    found = {address} | _words(local)
    if len(local) >= MIN_WORD:
        found.add(local)
    return found


def name_words(name: str) -> set[str]:
    """What a password may not contain of its account's name: each word of at least
    3 letters or digits, accents and case aside ("Jean-Marc Le Guen": "jean", "marc",
    "guen"; "Le" is too short to refuse)."""
    return _words(name)


def strength(password: str, user_inputs: list[str]) -> int:
    """zxcvbn's score, from 0 (guessed at once) to 4, of the password's first characters,
    knowing these words about the account (its l33t and reversed forms count too)."""
    with _zxcvbn_lock:
        prefix = password[:STRENGTH_PREFIX]
        result = zxcvbn(prefix, user_inputs=user_inputs, max_length=STRENGTH_PREFIX)
    return int(result["score"])


_TOO_SHORT = _l("Le mot de passe doit compter au moins 8 caractères.")
_TOO_LONG = _l("Le mot de passe doit compter au plus 256 caractères.")
_COMMON_PASSWORD = _l("Ce mot de passe est trop courant : choisissez-en un autre.")
_HAS_EMAIL = _l(
    "Ce mot de passe reprend votre adresse e-mail, que d'autres connaissent : "
    "choisissez-en un qui n'en contient rien."
)
_HAS_NAME = _l(
    "Ce mot de passe reprend votre nom, que d'autres connaissent : "
    "choisissez-en un qui n'en contient rien."
)
_GUESSABLE = _l(
    "Ce mot de passe est trop facile à deviner : préférez une phrase de quatre ou cinq mots "
    "pris au hasard et sans rapport entre eux, plus longue et plus facile à retenir qu'un "
    "mot garni de chiffres et de symboles."
)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is refused for the account with this address and name, or None
    when it is acceptable.

    Refused: fewer than 8 or more than 256 characters; one of the most common passwords;
    a password that contains the account's name or address (see `name_words` and
    `email_words`: accents and case aside); a password that zxcvbn, told the address and
    the name, scores 2 or less out of 4."""
    problem = None
    candidate = folded(password)
    from_email, from_name = email_words(email), name_words(name)
    if len(password) < MIN_LENGTH:
        problem = _TOO_SHORT
    elif len(password) > MAX_LENGTH:
        problem = _TOO_LONG
    elif password.lower() in _COMMON:
        problem = _COMMON_PASSWORD
    elif any(word in candidate for word in from_name):
        problem = _HAS_NAME
    elif any(word in candidate for word in from_email):
        problem = _HAS_EMAIL
    elif strength(password, sorted({email, name, *from_email, *from_name} - {""})) < MIN_SCORE:
        problem = _GUESSABLE
    return str(problem) if problem is not None else None
