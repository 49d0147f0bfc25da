"""deploy/kubernetes and its Prometheus job: the objects refer to each other, to the Dockerfile and to the
settings the app reads (checked here, as no cluster is reachable)."""

from __future__ import annotations

import pytest

from tests.support.deploy_recipes import DEPLOY, dockerfile, kubernetes, load, settings_variables

PORT, SERVE = dockerfile()


@pytest.fixture(scope="module")
def objects() -> dict[tuple[str, str], dict]:
    return kubernetes()


def pod_spec(objects, kind: str, name: str) -> dict:
    return objects[(kind, name)]["spec"]["template"]["spec"]


def test_kustomization_lists_every_manifest():
    (kustomization,) = load("kubernetes/kustomization.yaml")
    files = {p.name for p in (DEPLOY / "kubernetes").glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_every_container_reads_configured_names_only(objects):
    config = objects[("ConfigMap", "autodevhub-config")]["data"]
    secret = objects[("Secret", "autodevhub-secrets")]["stringData"]
    assert set(config) | set(secret) <= settings_variables()
    assert int(config["AUTODEVHUB_PORT"]) == PORT
    assert {"DATABASE_URL", "REDIS_URL", "AUTODEVHUB_SECRET_KEY", "AUTODEVHUB_METRICS_TOKEN"} <= set(secret)
    workloads = [
        ("Deployment", "autodevhub-app"),
        ("Deployment", "autodevhub-worker"),
        ("Job", "autodevhub-migrate"),
    ]
    images = set()
    for kind, name in workloads:
        (container,) = pod_spec(objects, kind, name)["containers"]
        images.add(container["image"])
        refs = {(next(iter(ref)), next(iter(ref.values()))["name"]) for ref in container["envFrom"]}
        assert refs == {("configMapRef", "autodevhub-config"), ("secretRef", "autodevhub-secrets")}
        assert {env["name"] for env in container.get("env", [])} <= settings_variables()
    assert len(images) == 1


def test_commands_match_the_image(objects):
    (app,) = pod_spec(objects, "Deployment", "autodevhub-app")["containers"]
    assert app["command"][:2] == ["sh", "-c"] and app["command"][2] == SERVE
    (worker,) = pod_spec(objects, "Deployment", "autodevhub-worker")["containers"]
    assert worker["command"] == ["autodevhub", "worker"]
    (migrate,) = pod_spec(objects, "Job", "autodevhub-migrate")["containers"]
    assert migrate["command"] == ["autodevhub", "db", "upgrade"]
    assert all(
        pod_spec(objects, kind, name)["securityContext"]["runAsNonRoot"]
        for kind, name in objects
        if kind in ("Deployment", "Job")
    )


def test_probes_ask_health_on_the_container_port(objects):
    (app,) = pod_spec(objects, "Deployment", "autodevhub-app")["containers"]
    ports = {port["name"]: port["containerPort"] for port in app["ports"]}
    assert ports == {"http": PORT}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert get["path"] == "/health"
        assert ports.get(get["port"], get["port"]) == PORT


def test_service_ingress_and_autoscaler_point_at_the_app(objects):
    deployment = objects[("Deployment", "autodevhub-app")]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = objects[("Service", "autodevhub-app")]["spec"]
    assert service["selector"].items() <= labels.items()
    (service_port,) = service["ports"]
    assert service_port["targetPort"] == "http"

    ingress = objects[("Ingress", "autodevhub")]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "autodevhub-app", "port": {"name": service_port["name"]}}
    notes = ingress["metadata"]["annotations"]
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets stay open
    assert int(notes["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    assert not any("affinity" in key or "hash-by" in key for key in notes)

    hpa = objects[("HorizontalPodAutoscaler", "autodevhub-app")]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "autodevhub-app"}
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu" and metric["resource"]["target"]["averageUtilization"] == 70
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["requests"]["cpu"]  # utilisation is a share of the request


def test_prometheus_in_the_cluster_keeps_the_app_pods_http_port(objects):
    (job,) = load("prometheus/kubernetes.yml")[0]["scrape_configs"]
    assert job["metrics_path"] == "/metrics" and job["authorization"]["type"] == "Bearer"
    assert job["authorization"]["credentials_file"]
    labels = objects[("Deployment", "autodevhub-app")]["spec"]["template"]["metadata"]["labels"]
    rules = job["relabel_configs"]
    kept = {rule["source_labels"][0]: rule["regex"] for rule in rules if rule.get("action") == "keep"}
    for label, value in labels.items():
        meta = "__meta_kubernetes_pod_label_" + label.replace(".", "_").replace("/", "_")
        assert kept[meta] == value
    assert kept["__meta_kubernetes_pod_container_port_name"] == "http"
    namespaces = job["kubernetes_sd_configs"][0]["namespaces"]["names"]
    assert namespaces == [objects[("Deployment", "autodevhub-app")]["metadata"]["namespace"]]
