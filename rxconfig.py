"""Reflex configuration, read from AutoDevHub's settings (no secrets here)."""

import os

import reflex as rx

from autodevhub.core.settings import settings_or_exit
from autodevhub.reproducible_build import ReproducibleBuild

settings = settings_or_exit()

# Read by `reflex run` and its state manager; a REFLEX_OPLOCK_ENABLED or GRANIAN_WORKERS of one's own wins.
if settings.web_workers:  # web processes of this instance (Reflex's default: 2 x cores + 1)
    os.environ.setdefault("GRANIAN_WORKERS", str(settings.web_workers))
if settings.redis_url:  # a tab's state stays in its process's memory between events, under its Redis lock
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")

config = rx.Config(
    app_name="autodevhub",
    db_url=settings.sqlalchemy_url,
    redis_url=settings.redis_url or None,
    frontend_port=settings.port,
    backend_port=settings.port,
    api_url=settings.base_url,
    deploy_url=settings.base_url,
    cors_allowed_origins=settings.cors_origins,
    trusted_proxy_hops=settings.trusted_proxy_hops,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
        rx.plugins.SitemapPlugin(),
        ReproducibleBuild(),
    ],
)

# REFLEX_* variables override the values above: refuse the two that would open every state var to the
# browser (auto setters) or every site to the websocket and API (a "*" origin).
if config.state_auto_setters or "*" in config.cors_allowed_origins:
    raise SystemExit(
        "autodevhub: refusing to start with REFLEX_STATE_AUTO_SETTERS on or a '*' CORS origin; "
        "list trusted origins in AUTODEVHUB_ALLOWED_ORIGINS instead."
    )
