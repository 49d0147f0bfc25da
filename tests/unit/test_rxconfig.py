"""rxconfig: Reflex reads our settings; Redis backs Reflex state when REDIS_URL is set."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json
from reflex_base.config import get_config
from reflex.istate.manager import StateManager
config = get_config()
print(json.dumps({
    "db_url": config.db_url,
    "redis_url": config.redis_url,
    "cors": list(config.cors_allowed_origins),
    "telemetry": config.telemetry_enabled,
    "auto_setters": config.state_auto_setters,
    "badge": config.show_built_with_reflex,
    "manager": type(StateManager.create()).__name__,
}))
"""


def probe(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def base_env(tmp_path) -> dict[str, str]:
    import os

    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AUTODEVHUB_", "REDIS_", "DATABASE_"))}
    return {**keep, "AUTODEVHUB_DATA_DIR": str(tmp_path)}


def test_defaults_without_environment(tmp_path):
    config = probe(base_env(tmp_path))
    assert config["db_url"] == f"sqlite:///{tmp_path.resolve() / 'autodevhub.core.db'}"
    assert config["redis_url"] is None
    assert config["cors"] == ["http://localhost:3000", "http://127.0.0.1:3000"]
    assert config["telemetry"] is False
    assert config["auto_setters"] is False
    assert config["badge"] is False
    assert config["manager"] != "StateManagerRedis"


def test_redis_url_puts_reflex_state_in_redis(tmp_path, redis_url):
    config = probe({**base_env(tmp_path), "REDIS_URL": redis_url, "AUTODEVHUB_PORT": "8123"})
    assert config["redis_url"] == redis_url
    assert config["manager"] == "StateManagerRedis"
    assert config["cors"] == ["http://localhost:8123", "http://127.0.0.1:8123"]


@pytest.mark.parametrize(
    "override",
    [{"REFLEX_CORS_ALLOWED_ORIGINS": "*"}, {"REFLEX_STATE_AUTO_SETTERS": "true"}],
)
def test_reflex_overrides_that_open_the_app_stop_the_start_up(tmp_path, override):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base_env(tmp_path), **override},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "refusing to start" in result.stderr
