"""HTTP security headers for every response the app serves, UI and API alike."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from autodevhub.core.settings import get_settings

# React (Vite build) and Radix need inline styles; the websocket goes only to the app's own origins.
POLICY = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com",
    "font-src 'self' data:",
    "connect-src 'self' {websockets}",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
HSTS = b"max-age=31536000; includeSubDomains"


def content_security_policy(origins: list[str]) -> str:
    """The policy, its connect-src naming the websocket (ws:// or wss://) of each of the app's origins."""
    websockets = " ".join(origin.replace("http", "ws", 1) for origin in origins)
    return "; ".join(POLICY).format(websockets=websockets)


def security_headers() -> list[tuple[bytes, bytes]]:
    """The headers for the configured origins; HSTS when the app is served over https."""
    settings = get_settings()
    headers = [
        (b"content-security-policy", content_security_policy(settings.cors_origins).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if settings.base_url.startswith("https://"):
        headers.append((b"strict-transport-security", HSTS))
    return headers


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so each HTTP response carries the security headers (settings read once, here)."""
    headers = security_headers()

    async def secured(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in headers if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await app(scope, receive, send_with_headers)

    return secured
