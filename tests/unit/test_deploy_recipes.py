"""deploy/ is kept by review and by this test (no container engine or cluster here): every file parses, and
the references between the files, the Dockerfile and the app's code agree."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.deploy_recipes import (
    DEPLOY,
    dashboard_metrics,
    dockerfile,
    exported_metrics,
    interpolated,
    load,
    nginx_upstreams,
    promql_metrics,
    recipe_files,
)
from tests.support.deploy_recipes import settings_variables as app_variables

APP_SERVICES = ("migrate", "app", "worker")
PORT, SERVE = dockerfile()


@pytest.fixture(scope="module")
def compose() -> dict:
    return load("compose.yaml")[0]


@pytest.mark.parametrize("relative", recipe_files())
def test_every_recipe_parses(relative):
    assert load(relative), f"{relative} is empty"


def test_the_recipes_are_all_there():
    assert {"compose.yaml", "prometheus/prometheus.yml", "grafana/autodevhub-dashboard.json"} <= set(
        recipe_files()
    )
    assert (DEPLOY / "nginx" / "nginx.conf").is_file()


def test_promql_names_are_told_from_functions_labels_and_variables():
    expr = 'histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{status=~"5.."}[$__rate_interval])))'
    assert promql_metrics(expr) == {"x_bucket"}
    assert promql_metrics("sum(rate(a_total[5m])) / on (job) b") == {"a_total", "b"}


def test_compose_services_images_and_commands(compose):
    services = compose["services"]
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"] == ["autodevhub", "worker"]
    assert services["migrate"]["command"] == ["autodevhub", "db", "upgrade"]
    assert services["postgres"]["image"].split(":")[1].startswith("15")
    assert services["redis"]["image"].split(":")[1].startswith("7")
    # compose writes a literal $ as $$: the app serves exactly as the image's CMD does
    assert services["app"]["command"][:2] == ["sh", "-c"]
    assert services["app"]["command"][2].replace("$$", "$") == SERVE
    for name in APP_SERVICES:
        assert services[name]["image"] == services["app"]["image"]
        for needed in services[name]["depends_on"]:
            assert needed in services, f"{name} depends on unknown {needed}"
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_environment_names_what_the_app_reads(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert set(env) <= app_variables(), f"{name}: {set(env) - app_variables()}"
        assert int(env["AUTODEVHUB_PORT"]) == PORT
        assert urlsplit(interpolated(env["DATABASE_URL"])).hostname == "postgres"
        assert urlsplit(env["REDIS_URL"]).hostname == "redis"
        assert "${AUTODEVHUB_SECRET_KEY:?" in env["AUTODEVHUB_SECRET_KEY"]  # never a default secret


def test_compose_health_checks_and_volumes(compose):
    services = compose["services"]
    check = services["app"]["healthcheck"]["test"]
    url = urlsplit(check[-1])
    assert (url.path, url.port) == ("/health", PORT)
    assert all("healthcheck" in services[name] for name in ("nginx", "postgres", "redis"))
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in compose["volumes"], volume
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), volume


def test_nginx_balances_the_app_service_with_websockets(compose):
    text = (DEPLOY / "nginx" / "nginx.conf").read_text()
    upstreams = nginx_upstreams(text)
    assert upstreams, "no upstream"
    for servers in upstreams.values():
        assert all(host in compose["services"] and port == PORT for host, port in servers), servers
    for name in upstreams:
        assert f"proxy_pass http://{name};" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert "ip_hash" not in text and "sticky" not in text and "hash " not in text
    mounted = [v for v in compose["services"]["nginx"]["volumes"] if v.startswith("./nginx/nginx.conf:")]
    assert mounted


def test_prometheus_scrapes_every_compose_replica_with_the_token(compose):
    (job,) = load("prometheus/prometheus.yml")[0]["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["type"] == "Bearer"
    (target,) = job["dns_sd_configs"]
    assert target["names"] == ["app"] and target["port"] == PORT
    prometheus = compose["services"]["prometheus"]
    (secret,) = prometheus["secrets"]
    assert job["authorization"]["credentials_file"] == f"/run/secrets/{secret}"
    assert compose["secrets"][secret]["environment"] == "AUTODEVHUB_METRICS_TOKEN"
    assert "AUTODEVHUB_METRICS_TOKEN" in app_variables()


def test_grafana_queries_only_metrics_the_app_exports():
    (dashboard,) = load("grafana/autodevhub-dashboard.json")
    used = dashboard_metrics(dashboard)
    exported = exported_metrics()
    assert len(used) >= 10
    assert used <= exported, f"not exported by the app: {sorted(used - exported)}"
    assert {"autodevhub_http_requests_total", "autodevhub_dora_lead_time_seconds"} <= used
