"""Signing in with GitHub: the admin's organisation rule, then find, link or create the account; audited."""

from __future__ import annotations

from typing import NoReturn

from sqlmodel import Session, select

from autodevhub.auth import accounts, policy
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, ServiceError
from autodevhub.models import User

ORG_REFUSED = (
    "Sign-in with GitHub is limited to members of the organisations an administrator allowed. "
    "Ask an administrator for access."
)
NO_VERIFIED_EMAIL = (
    "Your GitHub account has no verified primary email address. Verify one on GitHub, then sign in again."
)
LINKED_ELSEWHERE = "The account with this email is linked to a different GitHub account."
DEACTIVATED = "This account is deactivated."


def login_with_github(
    session: Session,
    github_id: int,
    login: str,
    name: str,
    verified_email: str | None,
    orgs: list[str],
    *,
    ip_address: str | None,
) -> User:
    """The account for a GitHub identity (found by GitHub id, else linked by verified email, else created).

    Refusals are audited and committed before they are raised; on success the caller commits.
    """

    def refuse(error: ServiceError, reason: str, user: User | None = None) -> NoReturn:
        audit.record(
            session,
            "auth.login_failed",
            "user",
            user.id if user else None,
            user_id=user.id if user else None,
            ip_address=ip_address,
            method="github",
            github_login=login,
            reason=reason,
        )
        session.commit()
        raise error

    email = verified_email.strip().lower() if verified_email else None
    user = session.exec(select(User).where(User.github_id == github_id)).first()
    if user is None and email:
        user = accounts.user_by_email(session, email)
    allowed = policy.github_allowed_orgs(session)
    if allowed and not set(allowed).intersection(org.lower() for org in orgs):
        refuse(Forbidden(ORG_REFUSED), "org_not_allowed", user)
    if user is None and email is None:
        refuse(InvalidInput(NO_VERIFIED_EMAIL), "no_verified_email")
    if user is not None and not user.is_active:
        refuse(NotAuthenticated(DEACTIVATED), "inactive", user)
    if user is not None and user.github_id not in (None, github_id):
        refuse(Conflict(LINKED_ELSEWHERE), "linked_to_other_github_account", user)

    if user is None:
        first, _, last = name.strip().partition(" ")
        try:
            user = accounts.sign_up(
                session,
                email,
                None,
                first_name=first[: accounts.MAX_NAME_LENGTH],
                last_name=last.strip()[: accounts.MAX_NAME_LENGTH],
                ip_address=ip_address,
            )
        except Forbidden as error:
            refuse(error, "invite_only")
    elif user.github_id is None:
        audit.record(
            session,
            "user.github_link",
            "user",
            user.id,
            user_id=user.id,
            ip_address=ip_address,
            github_login=login,
        )
    user.github_id, user.github_login = github_id, login[:39]
    session.add(user)
    audit.record(
        session, "auth.login", "user", user.id, user_id=user.id, ip_address=ip_address, method="github"
    )
    return user
