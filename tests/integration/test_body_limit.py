"""Request bodies over 1 MB are a 413 in words before any route reads them; the webhook keeps its own cap."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import api_client, bearer, make_token, make_user

TOO_BIG = json.dumps({"name": "Big", "description": "x" * (1024 * 1024)})
REFUSED = {"detail": "The request body is larger than 1 MB."}


@pytest.fixture
def token(app_db) -> str:
    return make_token(make_user("ada@example.com"))


def test_a_declared_big_body_is_refused_at_once(token):
    response = api_client().post(
        "/api/projects", content=TOO_BIG, headers={**bearer(token), "content-type": "application/json"}
    )
    assert (response.status_code, response.json()) == (413, REFUSED)


def test_a_chunked_big_body_is_cut_off(token):
    def chunks():
        for start in range(0, len(TOO_BIG), 64 * 1024):
            yield TOO_BIG[start : start + 64 * 1024].encode()

    response = api_client().post(
        "/api/projects", content=chunks(), headers={**bearer(token), "content-type": "application/json"}
    )
    assert (response.status_code, response.json()) == (413, REFUSED)
    assert api_client().get("/api/projects", headers=bearer(token)).json()["total"] == 0


def test_a_body_under_the_cap_and_the_webhook_pass(token):
    small = api_client().post("/api/projects", json={"name": "Small"}, headers=bearer(token))
    assert small.status_code == 201
    big_webhook = api_client().post(
        "/api/webhooks/github",
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"X-GitHub-Event": "ping"},
    )
    assert big_webhook.status_code != 413  # refused by the webhook's own rules (signature), not by size
