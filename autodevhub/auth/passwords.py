"""Password policy and argon2id hashing (OWASP: at least 19 MiB memory, 2 iterations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

NOT_TEXT = "Password must be text."
TOO_SHORT = f"Password must be at least {MIN_LENGTH} characters."
TOO_LONG = f"Password must be at most {MAX_LENGTH} characters."
ONLY_SPACES = "Password cannot be only spaces."

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def password_problem(password: object) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if not isinstance(password, str):
        return NOT_TEXT
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if not password.strip():
        return ONLY_SPACES
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time check; False for accounts without a password (GitHub-only)."""
    if not password_hash:
        _hasher.hash(password)  # same cost either way, so timing does not reveal the account
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
