"""Errors services raise; every front door (UI, API, CLI) turns them into a clear message."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message fit to show the user and the HTTP status that carries it."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ServiceError):
    status = 422


# A unique or foreign-key violation the services' own checks did not foresee (a concurrent request, a name
# the database compares differently): every front door shows this instead of an error page.
CONFLICT = "That conflicts with something that already exists (a name or address in use). Nothing was saved."


class NotAuthenticated(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


RATE_LIMITED = "Too many attempts. Try again in {retry_after} seconds."


class RateLimited(ServiceError):
    """Too many attempts; retry_after says in how many seconds to try again."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(RATE_LIMITED.format(retry_after=retry_after))
        self.retry_after = retry_after
