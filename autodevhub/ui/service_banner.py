"""A banner under the header while the app is degraded (Redis away) or unavailable (no database).

It is driven by the browser, not by Reflex state: a constant script polls /health and fills the banner in.
While Redis is down Reflex's own state manager (on Redis when REDIS_URL is set) cannot run events, so a
banner fed by an event would never show when it matters most.
"""

from __future__ import annotations

import json

import reflex as rx

BANNER_ID = "service-banner"
TEXT_ID = "service-banner-text"
POLL_SECONDS = 20
# By /health's "status"; "ok" (or no answer at all, which Reflex's connection banner covers) shows nothing.
MESSAGES = {
    "degraded": "Live updates and caching are degraded: Redis is unavailable. Your saved work is safe; "
    "if a page stops responding, wait a moment and reload it.",
    "unavailable": "The database is unavailable: nothing can be loaded or saved right now. "
    "Try again in a moment.",
}

# textContent, never HTML; one poller per window, whatever pages mount the banner.
SCRIPT = f"""
(() => {{
  if (window.autodevhubServiceBanner) return;
  window.autodevhubServiceBanner = true;
  const messages = {json.dumps(MESSAGES)};
  let text = "";
  const show = () => {{
    const banner = document.getElementById("{BANNER_ID}");
    const slot = document.getElementById("{TEXT_ID}");
    if (!banner || !slot) return;
    if (slot.textContent !== text) slot.textContent = text;
    banner.hidden = !text;
  }};
  const check = async () => {{
    if (document.hidden) return;
    try {{
      const response = await fetch("/health", {{ cache: "no-store", credentials: "omit" }});
      text = messages[(await response.json()).status] || "";
    }} catch (error) {{
      text = "";
    }}
    show();
  }};
  check();
  setInterval(check, {POLL_SECONDS * 1000});
  setInterval(show, 1000);
  document.addEventListener("visibilitychange", check);
}})();
"""


def service_banner() -> rx.Component:
    """Hidden until /health says the app is degraded or unavailable; then says what still works."""
    return rx.el.div(
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(rx.el.span(id=TEXT_ID)),
            color_scheme="amber",
            size="1",
            border_radius="0",
        ),
        rx.script(SCRIPT),
        id=BANNER_ID,
        hidden=True,
        role="status",
        aria_live="polite",
    )
