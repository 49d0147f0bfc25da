"""The HTTP front door: /health, /metrics, the OpenAPI document, security headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from autodevhub.core.security_headers import with_security_headers
from autodevhub.core.settings import get_settings, settings_or_exit
from autodevhub.web.api import create_api

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/nowhere"
SCRAPE_TOKEN = "a-scrape-token-of-32-characters!"


@pytest.fixture
def client() -> TestClient:
    return TestClient(with_security_headers(create_api()))


def configure(monkeypatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_health_on_embedded_defaults(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "not configured"
    assert body["reasons"] == []
    assert body["version"]


def test_health_on_postgres_and_redis(client, monkeypatch, postgres_url, redis_url):
    configure(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] == "ok"


def test_health_is_503_when_the_database_is_gone(client, monkeypatch):
    configure(monkeypatch, DATABASE_URL=UNREACHABLE_DATABASE)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unavailable"


def test_health_reports_redis_down_as_degraded_but_stays_up(client, monkeypatch):
    configure(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["redis"]) == ("degraded", "ok", "unavailable")
    assert body["rate_limits"] == "memory (redis unavailable)"
    (reason,) = body["reasons"]
    assert reason.startswith("redis unavailable:") and "127.0.0.1:1" not in reason


def test_health_names_every_reason_and_is_503_only_for_the_database(client, monkeypatch):
    configure(monkeypatch, DATABASE_URL=UNREACHABLE_DATABASE, REDIS_URL="redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert [reason.split(":")[0] for reason in response.json()["reasons"]] == [
        "database unavailable",
        "redis unavailable",
    ]


def test_metrics_count_requests_by_route_template(client, monkeypatch, app_db):
    for _ in range(3):
        client.get("/health")
    client.get("/no-such-page")
    configure(monkeypatch, AUTODEVHUB_METRICS_TOKEN=SCRAPE_TOKEN)
    text = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"}).text
    assert "# TYPE autodevhub_http_requests_total counter" in text
    health_line = next(
        line
        for line in text.splitlines()
        if line.startswith("autodevhub_http_requests_total{")
        and 'route="/health"' in line
        and 'status="200"' in line
    )
    assert float(health_line.rsplit(" ", 1)[1]) >= 3
    assert 'autodevhub_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/health"}' in text
    assert "/no-such-page" not in text


def test_openapi_document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "AutoDevHub API"
    assert "/health" in document["paths"]


def test_metrics_need_the_scrape_token_or_an_admin_token(client, monkeypatch, app_db):
    from autodevhub.models import UserRole
    from tests.support.helpers import bearer, make_token, make_user

    configure(monkeypatch, AUTODEVHUB_METRICS_TOKEN=SCRAPE_TOKEN)
    admin, member = make_user("ada@example.com", UserRole.admin), make_user("bob@example.com")
    anonymous = client.get("/metrics")
    assert (anonymous.status_code, anonymous.headers["www-authenticate"]) == (401, "Bearer")
    assert client.get("/metrics", headers=bearer("wrong" + SCRAPE_TOKEN)).status_code == 401
    refused = client.get("/metrics", headers=bearer(make_token(member)))
    assert refused.status_code == 403 and "AUTODEVHUB_METRICS_TOKEN" in refused.json()["detail"]
    for token in (SCRAPE_TOKEN, make_token(admin)):
        response = client.get("/metrics", headers=bearer(token))
        assert response.status_code == 200 and "autodevhub_http_requests_total" in response.text


def test_a_short_scrape_token_stops_start_up(monkeypatch, capsys):
    configure(monkeypatch, AUTODEVHUB_METRICS_TOKEN="changeme")
    with pytest.raises(SystemExit) as stopped:
        settings_or_exit()
    assert stopped.value.code == 2 and "invalid AUTODEVHUB_METRICS_TOKEN" in capsys.readouterr().err


def test_security_headers_on_every_response(client):
    for path in ("/health", "/api/openapi.json", "/metrics", "/missing"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_the_websocket_may_connect_only_to_the_apps_own_origins(client):
    headers = client.get("/health").headers
    policy = dict(directive.split(" ", 1) for directive in headers["content-security-policy"].split("; "))
    assert policy["connect-src"] == "'self' ws://localhost:3000 ws://127.0.0.1:3000"
    assert "strict-transport-security" not in headers


def test_https_gets_hsts_and_wss(monkeypatch):
    configure(monkeypatch, AUTODEVHUB_PUBLIC_URL="https://devhub.example.com")
    headers = TestClient(with_security_headers(create_api())).get("/health").headers
    assert (
        "connect-src 'self' wss://devhub.example.com ws://localhost:3000"
        in headers["content-security-policy"]
    )
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
