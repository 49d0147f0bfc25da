"""Instance-wide access policy an admin sets: open or invite-only sign-up, allowed GitHub organisations."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from autodevhub.auth.guard import require
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.models import InstanceSetting, utcnow

SIGNUP_MODE = "signup_mode"
GITHUB_ORGS = "github_allowed_orgs"
SIGNUP_MODES = ("open", "invite")
ORG_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")


def _get(session: Session, key: str, default: Any) -> Any:
    row = session.get(InstanceSetting, key)
    return default if row is None else row.value.get("value", default)


def _set(session: Session, actor: Actor, key: str, value: Any) -> None:
    require(actor.identity, Permission.INSTANCE_SETTINGS)
    row = session.get(InstanceSetting, key) or InstanceSetting(key=key)
    old = row.value.get("value") if row.value else None
    row.value = {"value": value}
    row.updated_at = utcnow()
    session.add(row)
    audit.record(session, actor, "settings.update", "setting", key, old=old, new=value)


def open_signup(session: Session) -> bool:
    return _get(session, SIGNUP_MODE, "invite") == "open"


def signup_mode(session: Session) -> str:
    return _get(session, SIGNUP_MODE, "invite")


def set_signup_mode(session: Session, actor: Actor, mode: object) -> None:
    if mode not in SIGNUP_MODES:
        raise InvalidInput("Sign-up mode must be 'open' or 'invite'.")
    _set(session, actor, SIGNUP_MODE, mode)


def github_allowed_orgs(session: Session) -> list[str]:
    """Organisations whose members may sign in with GitHub; empty means any GitHub user."""
    return list(_get(session, GITHUB_ORGS, []))


def set_github_allowed_orgs(session: Session, actor: Actor, orgs: object) -> list[str]:
    """Accepts a list or a comma/space separated string of organisation logins."""
    names = orgs.replace(",", " ").split() if isinstance(orgs, str) else orgs
    if not isinstance(names, list) or not all(isinstance(n, str) and ORG_PATTERN.match(n) for n in names):
        raise InvalidInput("Organisations must be GitHub logins separated by commas.")
    cleaned = sorted({name.lower() for name in names})
    _set(session, actor, GITHUB_ORGS, cleaned)
    return cleaned
