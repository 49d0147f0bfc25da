"""Apprise URLs: validated when saved (naming what is wrong), masked for display, sealed at rest, sent.

A channel URL holds secrets (webhook tokens, SMTP passwords): only `seal_url` / `open_url` see it whole;
the API, the UI and the logs only ever get `mask(url)`.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from dataclasses import dataclass

import apprise
from apprise.manager_plugins import NotificationManager
from apprise.utils.parse import parse_url

from autodevhub.core.crypto import seal, unseal
from autodevhub.core.errors import InvalidInput

PURPOSE = "notification-channel"
MAX_URL = 2000
_LOG_PREFIX = re.compile(r"^\S+ \S+ - [A-Z]+ - ")
_sending = threading.local()


class _HideUrls(logging.Filter):
    """Apprise logs the URLs it loads and calls, urllib3 the path it posts to: drop those records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("urllib3"):
            return not getattr(_sending, "active", False)
        return "://" not in record.getMessage()


for _name in ("apprise", "urllib3.connectionpool"):
    logging.getLogger(_name).addFilter(_HideUrls())


@dataclass(frozen=True)
class CheckedUrl:
    """A URL Apprise accepts: its scheme (the channel's kind) and its masked form."""

    kind: str
    masked: str


def mask(url: str) -> str:
    """Scheme + host + "…": enough to recognise a channel, nothing of its secrets."""
    parsed = parse_url(url, verify_host=False) or {}
    scheme, host = parsed.get("schema") or "?", parsed.get("host") or ""
    return f"{scheme}://{host}…"[:300]


def check_url(url: str) -> CheckedUrl:
    """The URL's kind and masked form; InvalidInput saying what is wrong when Apprise cannot use it."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise InvalidInput(f"The URL must be 1 to {MAX_URL} characters.")
    parsed = parse_url(url, verify_host=False) if "://" in url else None
    if not parsed or not parsed.get("schema"):
        raise InvalidInput("The URL has no scheme: write it as mailto://..., json://..., slack://...")
    scheme = parsed["schema"].lower()
    plugin, reasons = _instantiate(url)
    if plugin is None and scheme not in NotificationManager():
        raise InvalidInput(f"Apprise knows no service for '{scheme}://' URLs (Teams: workflows://...).")
    if plugin is None:
        detail = "; ".join(reasons).rstrip(".") or "its parts do not match any service's URL form"
        raise InvalidInput(f"Apprise cannot use this {scheme}:// URL: {detail}.")
    return CheckedUrl(kind=_kind(plugin, scheme), masked=mask(url))


def seal_url(url: str, channel_id: uuid.UUID) -> str:
    """The URL encrypted for storage, bound to its channel."""
    return seal(url.strip(), purpose=PURPOSE, context=str(channel_id))


def open_url(sealed: str, channel_id: uuid.UUID) -> str:
    """The stored URL in clear, for sending only (SealedValueUnreadable after a secret change)."""
    return unseal(sealed, purpose=PURPOSE, context=str(channel_id))


def send(url: str, title: str, body: str) -> str | None:
    """Send one message now; None when it went, else Apprise's reason (never the URL)."""
    plugin, reasons = _instantiate(url)
    if plugin is None:
        return "; ".join(reasons) or "the URL cannot be used"
    _sending.active = True
    try:
        with apprise.LogCapture(level=logging.WARNING) as captured:
            sent = plugin.notify(body=body, title=title)
    finally:
        _sending.active = False
    if sent:
        return None
    return "; ".join(_reasons(captured.getvalue())) or "the service refused the message"


def _kind(plugin: apprise.NotifyBase, scheme: str) -> str:
    """The URL's scheme when it names the service, else the service's own (slack for hooks.slack.com)."""
    names = [
        name
        for protocol in (plugin.protocol, plugin.secure_protocol)
        for name in ((protocol,) if isinstance(protocol, str) else protocol or ())
    ]
    return (scheme if scheme in names or not names else names[0])[:32]


def _instantiate(url: str) -> tuple[apprise.NotifyBase | None, list[str]]:
    with apprise.LogCapture(level=logging.WARNING) as captured:
        plugin = apprise.Apprise.instantiate(url)
    return plugin, _reasons(captured.getvalue())


def _reasons(log: str) -> list[str]:
    """Apprise's warnings and errors, without the lines that quote the URL (even masked)."""
    lines = (_LOG_PREFIX.sub("", line).strip() for line in log.splitlines())
    return [line[:200] for line in lines if line and "://" not in line][:3]
