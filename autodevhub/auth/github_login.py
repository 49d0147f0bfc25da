"""Signing in with GitHub: the admin's organisation rule, then find, link or create the account; audited."""

from __future__ import annotations

from typing import NoReturn

from sqlmodel import Session, select

from autodevhub.auth import accounts, policy
from autodevhub.auth.accounts import DEACTIVATED
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
CONFIRM_TO_LINK = (
    "An AutoDevHub account already uses {email}. Sign in with its password once to link your GitHub "
    "account @{login}; after that, Sign in with GitHub works on its own."
)


class LinkNeedsPassword(Conflict):
    """GitHub's verified e-mail names an existing account with a password, not linked to GitHub yet: its
    holder must prove it is theirs (that password) before GitHub can sign in to it."""

    def __init__(self, email: str, github_id: int, login: str) -> None:
        super().__init__(CONFIRM_TO_LINK.format(email=email, login=login))
        self.email, self.github_id, self.login = email, github_id, login


def login_with_github(
    session: Session,
    actor: Actor,
    github_id: int,
    login: str,
    name: str,
    verified_email: str | None,
    orgs: list[str],
) -> User:
    """The account for a GitHub identity: found by GitHub id, else by the verified email, else created. An
    account found by email is linked here only when it has no password (an administrator invited that
    address); one with a password needs its holder's confirmation: LinkNeedsPassword (see `link_github`).

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

    if user is not None and user.github_id is None:
        if user.password_hash:
            refuse(LinkNeedsPassword(user.email, github_id, login), "github_link_needs_password", user)
        invited = actor.acting_for(identity_of(user))
        details = {"github_login": login, "confirmed_by": "invitation"}
        audit.record(session, invited, "user.github_link", "user", user.id, **details)
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
    user.github_id, user.github_login = github_id, login[:39]
    session.add(user)
    audit.record(session, actor.acting_for(identity_of(user)), "auth.login", "user", user.id, method="github")
    return user


def link_github(session: Session, actor: Actor, user: User, github_id: int, login: str) -> bool:
    """Link the GitHub identity to the account its holder just proved with their password (the actor is
    them); False, changing nothing, when either side is linked already. Audited; the caller commits."""
    taken = session.exec(select(User).where(User.github_id == github_id)).first()
    if user.github_id is not None or taken is not None:
        return False
    user.github_id, user.github_login = github_id, login[:39]
    session.add(user)
    audit.record(
        session, actor, "user.github_link", "user", user.id, github_login=login, confirmed_by="password"
    )
    return True
