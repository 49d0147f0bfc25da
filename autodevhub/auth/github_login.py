"""Signing in with GitHub: the admin's organisation rule, then find, link or create the account; audited."""

from __future__ import annotations

from typing import NoReturn

from sqlmodel import Session, select

from autodevhub.auth import accounts, policy
from autodevhub.auth.sessions import identity_of
from autodevhub.core import audit
from autodevhub.core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, ServiceError
from autodevhub.core.identity import Actor
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
    actor: Actor,
    github_id: int,
    login: str,
    name: str,
    verified_email: str | None,
    orgs: list[str],
) -> User:
    """The account for a GitHub identity (found by GitHub id, else linked by verified email, else created).

    Refusals are audited and committed before they are raised; on success the caller commits.
    """

    def refuse(error: ServiceError, reason: str, user: User | None = None) -> NoReturn:
        accounts.login_failed(session, actor, user, reason, method="github", github_login=login)
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

    linking = user is not None and user.github_id is None
    if user is None:
        first, _, last = name.strip().partition(" ")
        try:
            account = accounts.NewAccount(
                email=email,
                first_name=first[: accounts.MAX_NAME_LENGTH],
                last_name=last.strip()[: accounts.MAX_NAME_LENGTH],
            )
            user = accounts.sign_up(session, actor, account)
        except Forbidden as error:
            refuse(error, "invite_only")
    signed_in = actor.acting_for(identity_of(user))
    if linking:
        audit.record(session, signed_in, "user.github_link", "user", user.id, github_login=login)
    user.github_id, user.github_login = github_id, login[:39]
    session.add(user)
    audit.record(session, signed_in, "auth.login", "user", user.id, method="github")
    return user
