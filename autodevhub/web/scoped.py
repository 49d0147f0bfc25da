"""A middleware for some paths only: the others skip its work (and its wrapped `send`) entirely."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


class OnlyUnder:
    """Run `middleware(app, **options)` for HTTP requests whose path starts with `prefix`."""

    def __init__(self, app: ASGIApp, *, middleware: type, prefix: str, **options: Any) -> None:
        self.app = app
        self.wrapped = middleware(app, **options)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scoped = scope["type"] == "http" and scope["path"].startswith(self.prefix)
        await (self.wrapped if scoped else self.app)(scope, receive, send)
