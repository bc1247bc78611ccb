"""Domain errors raised by services and turned into HTTP answers by the routes."""

from typing import Any


class DomainError(Exception):
    """`message` may be a lazy translation: str() it where it is shown."""

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ValidationError(DomainError):
    """The input breaks a rule: the user can fix it."""


class Conflict(DomainError):
    """The input clashes with the current state (a duplicate, a stale edit)."""
