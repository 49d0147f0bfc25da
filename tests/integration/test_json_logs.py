"""AUTODEVHUB_LOG_FORMAT=json: one JSON line per HTTP request (request id, method, route template, status,
duration, user id) and never a token, a path parameter or a query string; text keeps logging as it was."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from autodevhub.core.logs import URL_LOGGERS
from autodevhub.core.settings import get_settings
from autodevhub.models import UserRole
from autodevhub.web.api import create_api
from tests.support.helpers import bearer, make_token, make_user


@pytest.fixture
def root_logging() -> Iterator[None]:
    """The root logger as it was before the test configured it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in URL_LOGGERS}
    yield
    root.handlers, root.level = handlers, level
    for name, url_level in levels.items():
        logging.getLogger(name).setLevel(url_level)


def request_lines(err: str) -> list[dict]:
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "autodevhub.request"]


def test_one_json_line_per_request_without_secrets(app_db, monkeypatch, capsys, root_logging):
    monkeypatch.setenv("AUTODEVHUB_LOG_FORMAT", "json")
    get_settings.cache_clear()
    user = make_user("ada@example.com", UserRole.admin)
    token = make_token(user)
    client = TestClient(create_api(), base_url="http://localhost:3000")
    capsys.readouterr()

    health = client.get("/health", headers={"X-Request-ID": "lb-trace-42"})
    project_id = uuid.uuid4()
    missing = client.get(f"/api/projects/{project_id}?secret=s3cr3t", headers=bearer(token))
    anonymous = client.get("/api/me", headers={"X-Request-ID": 'x"\n{"forged": 1}'})
    err = capsys.readouterr().err

    first, second, third = request_lines(err)
    assert health.headers["x-request-id"] == first["request_id"] == "lb-trace-42"
    assert (first["method"], first["route"], first["status"]) == ("GET", "/health", 200)
    assert first["user_id"] is None
    assert first["level"] == "INFO" and first["time"] and first["duration_ms"] >= 0
    assert missing.status_code == 404
    assert (second["route"], second["status"]) == ("/api/projects/{project_id}", 404)
    assert second["user_id"] == str(user.id)
    assert anonymous.status_code == 401 and third["status"] == 401 and third["user_id"] is None
    assert third["request_id"] == anonymous.headers["x-request-id"] and len(third["request_id"]) == 32
    for secret in (token, str(project_id), "s3cr3t", "forged"):
        assert secret not in err


def test_text_format_adds_no_request_lines(app_db, capsys, root_logging):
    client = TestClient(create_api(), base_url="http://localhost:3000")
    response = client.get("/health")
    assert response.status_code == 200 and "x-request-id" not in response.headers
    assert not request_lines(capsys.readouterr().err)


def test_an_unknown_log_format_stops_start_up(monkeypatch):
    from autodevhub.core.settings import SettingsError, load_settings

    monkeypatch.setenv("AUTODEVHUB_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="AUTODEVHUB_LOG_FORMAT"):
        load_settings()
