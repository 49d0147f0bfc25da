"""Apprise URL checks: Slack, Teams, Discord URL forms accepted (nothing sent); errors name the part."""

from __future__ import annotations

import uuid

import pytest

from autodevhub.core.errors import InvalidInput
from autodevhub.notifications import channels

SLACK = "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
DISCORD = "https://discord.com/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"
TEAMS = "workflows://prod-00.westus.logic.azure.com:443/a1b2c3d4e5f6/abcdefSECRET?sig=Tsig123"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (SLACK, "slack"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "slack"),
        (DISCORD, "discord"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "discord"),
        (TEAMS, "workflows"),
        ("json://127.0.0.1:9/hook", "json"),
        ("mailto://127.0.0.1:2525?from=bot@example.com&to=dev@example.com", "mailto"),
    ],
)
def test_service_url_forms_are_accepted(url: str, kind: str) -> None:
    checked = channels.check_url(url)
    assert checked.kind == kind
    assert checked.masked.endswith("…")
    assert "SECRET" not in checked.masked and "TIiajkdnl" not in checked.masked


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("hooks.slack.com/services/x", "no scheme"),
        ("bogus://host/path", "'bogus://'"),
        ("slack://", "Token"),
        ("mailto://127.0.0.1:2525?from=not-an-address&to=dev@example.com", "From"),
        ("", "1 to 2000"),
    ],
)
def test_a_wrong_url_is_refused_naming_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        channels.check_url(url)
    assert says in str(refused.value)
    assert "://127.0.0.1" not in str(refused.value)


def test_masked_form_is_scheme_and_host_only() -> None:
    assert channels.mask("json://user:pass@hooks.example.com/secret-path") == "json://hooks.example.com…"


def test_sealed_url_opens_only_for_its_channel() -> None:
    channel_id = uuid.uuid4()
    sealed = channels.seal_url(SLACK, channel_id)
    assert "TIiajkdnl" not in sealed
    assert channels.open_url(sealed, channel_id) == SLACK
    with pytest.raises(Exception, match="cannot be decrypted"):
        channels.open_url(sealed, uuid.uuid4())
