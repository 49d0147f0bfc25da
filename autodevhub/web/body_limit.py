"""A cap on request bodies (1 MB by default): a bigger one is a 413 before any route reads it.

A declared Content-Length over the cap is refused at once; a chunked body is counted as it arrives and
cut off at the cap. Paths with their own, larger limit (the GitHub webhook) are left to their route.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024


class BodyLimit:
    """ASGI middleware: 413 {"detail": ...} for a request body over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, exempt: frozenset[str] = frozenset()):
        self.app, self.max_bytes, self.exempt = app, max_bytes, exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received, cut_off, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if cut_off and not started:
                return  # the route's answer to a body it never got whole: the 413 below replaces it
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not cut_off:
                raise
        if cut_off and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        limit = f"{self.max_bytes // 1024:,} KB" if self.max_bytes < 1024 * 1024 else "1 MB"
        body = json.dumps({"detail": f"The request body is larger than {limit}."}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
