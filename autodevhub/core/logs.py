"""Structured logs: with AUTODEVHUB_LOG_FORMAT=json every log record is one JSON object a line, and every
HTTP request adds one line (request id, method, route template, status, duration, user id). The request
line never holds a header, a query string, a path parameter or a body, so no token or secret reaches it.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from autodevhub.core.observability import route_label
from autodevhub.core.settings import LogFormat, Settings

REQUEST_ID_HEADER = b"x-request-id"
USER_ID = "user_id"  # request.state key: who the request turned out to be (set by the API's identity check)
SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")
# Their INFO lines carry whole URLs (a webhook's token, a query string): warnings only.
URL_LOGGERS = ("httpx", "httpx2", "httpcore")
request_logger = logging.getLogger("autodevhub.request")


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """With the json format, the root logger writes JSON lines to `stream` (stderr) at the configured level;
    the text format leaves logging as it is."""
    if settings.log_format is not LogFormat.json:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.value.upper())
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is short and plain (so it cannot forge log lines), else a new one."""
    given = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER, b"")
    return given.decode() if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Logs one line per HTTP request and answers its id in the X-Request-ID header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid, status, start = request_id(scope), {"code": 500}, time.perf_counter()

        async def tag(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, tag)
        finally:
            request_logger.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "route": route_label(scope),
                    "status": status["code"],
                    "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                    "user_id": (scope.get("state") or {}).get(USER_ID),
                },
            )
