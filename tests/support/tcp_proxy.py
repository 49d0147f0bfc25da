"""A TCP forwarder on 127.0.0.1 in front of several app instances, as a load balancer is.

The browser sees one origin (the proxy's); each new connection goes to the first upstream that accepts it
(nginx's `proxy_next_upstream` on a refused connect), and `route_to` changes the order and drops the open
connections, so a tab's websocket reconnects to the instance now first. It runs its own event loop in a
thread: Playwright's sync API keeps a loop running in the test's thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

CHUNK = 65_536
T = TypeVar("T")


class TcpProxy:
    """Forwards each accepted connection to an upstream port; counts connections per upstream."""

    def __init__(self) -> None:
        self._upstreams: tuple[int, ...] = ()
        self._open: set[asyncio.Transport] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self.forwarded: collections.Counter[int] = collections.Counter()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        """Listen on a port the OS picks."""
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def route_to(self, *upstreams: int) -> None:
        """New connections try these ports in order; every open connection is dropped now."""

        async def switch() -> None:
            self._upstreams = upstreams
            for transport in list(self._open):
                transport.abort()

        self._call(switch())

    def stop(self) -> None:
        """Close the listener and every connection, then end the loop's thread."""
        if self._server is not None:
            self._server.close()
            self.route_to()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the proxy's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            writer.transport.abort()
            return
        port, (up_reader, up_writer) = upstream
        self.forwarded[port] += 1
        pair = {writer.transport, up_writer.transport}
        self._open |= pair
        pipes = {
            asyncio.ensure_future(_pipe(reader, up_writer)),
            asyncio.ensure_future(_pipe(up_reader, writer)),
        }
        try:
            _, pending = await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._open -= pair
            for end in (writer, up_writer):
                end.close()  # what is buffered is still sent
        for pipe in pending:
            pipe.cancel()

    async def _connect(self) -> tuple[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] | None:
        for port in self._upstreams:
            with contextlib.suppress(OSError):
                return port, await asyncio.open_connection("127.0.0.1", port)
        return None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until the end of the stream or a reset (either closes the connection both ways)."""
    with contextlib.suppress(OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
