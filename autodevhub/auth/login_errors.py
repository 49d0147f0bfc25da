"""What `/login?error=` and `/signup?error=` may say: the form routes send a code (and a few checked values),
the pages show the words kept here. A crafted link cannot put its own text on the sign-in page."""

from __future__ import annotations

import re

from autodevhub.auth import accounts, passwords
from autodevhub.auth.github_login import (
    CONFIRM_TO_LINK,
    LINKED_ELSEWHERE,
    NO_VERIFIED_EMAIL,
    ORG_REFUSED,
    LinkNeedsPassword,
)
from autodevhub.core.errors import CONFLICT, RATE_LIMITED, RateLimited, ServiceError

GENERIC = "Something went wrong. Try again."
GITHUB_LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$")  # "_": Enterprise managed users
MAX_RETRY_DIGITS = 6

# code -> message; {placeholders} are filled from the query string's values, each checked by CHECKS.
MESSAGES: dict[str, str] = {
    "bad_credentials": accounts.BAD_CREDENTIALS,
    "deactivated": accounts.DEACTIVATED,
    "rate_limited": RATE_LIMITED,
    "cross_site_login": "This sign-in form came from another site.",
    "cross_site_signup": "This sign-up form came from another site.",
    "invalid_email": accounts.INVALID_EMAIL,
    "email_taken": accounts.EMAIL_TAKEN,
    "invite_only": accounts.INVITE_ONLY,
    "first_name_too_long": accounts.NAME_TOO_LONG.format(label="First name"),
    "last_name_too_long": accounts.NAME_TOO_LONG.format(label="Last name"),
    "password_not_text": passwords.NOT_TEXT,
    "password_too_short": passwords.TOO_SHORT,
    "password_too_long": passwords.TOO_LONG,
    "password_only_spaces": passwords.ONLY_SPACES,
    "conflict": CONFLICT,
    "github_not_configured": (
        "GitHub sign-in is not configured. An administrator must set GITHUB_CLIENT_ID and "
        "GITHUB_CLIENT_SECRET."
    ),
    "github_cancelled": "GitHub sign-in was cancelled.",
    "github_unavailable": "GitHub could not be reached or gave an unexpected answer. Try again in a moment.",
    "github_org_refused": ORG_REFUSED,
    "github_no_verified_email": NO_VERIFIED_EMAIL,
    "github_linked_elsewhere": LINKED_ELSEWHERE,
    "link_needs_password": CONFIRM_TO_LINK,
}
FIXED = {message: code for code, message in MESSAGES.items() if "{" not in message}


def _email(value: str) -> bool:
    try:
        return accounts.normalize_email(value) == value
    except ServiceError:
        return False


CHECKS = {
    "retry_after": lambda value: value.isdigit() and len(value) <= MAX_RETRY_DIGITS,
    "email": _email,
    "login": lambda value: bool(GITHUB_LOGIN_PATTERN.match(value)),
}


def code_for(error: ServiceError) -> dict[str, str]:
    """The query string that tells the page which refusal to show (an unforeseen one: the generic words)."""
    if isinstance(error, RateLimited):
        return {"error": "rate_limited", "retry_after": str(error.retry_after)}
    if isinstance(error, LinkNeedsPassword):
        return {"error": "link_needs_password", "email": error.email, "login": error.login}
    return {"error": FIXED.get(error.message, "failed")}


def message_for(code: str, values: dict[str, str]) -> str:
    """The words for a code from the query string; the generic ones for an unknown code, or when a value
    the message names is missing or not what the route sends (an address, a GitHub login, a number)."""
    message = MESSAGES.get(code)
    if message is None:
        return GENERIC
    names = re.findall(r"{(\w+)}", message)
    if not all(CHECKS[name](values.get(name, "")) for name in names):
        return GENERIC
    return message.format(**{name: values[name] for name in names})
