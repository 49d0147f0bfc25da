"""A redis-server of the test's own on a spare port, to stop, hang and start again mid-test.

It saves its data on shutdown (as a default Redis does) and loads it on start, so what the app wrote
before an outage is there again after it, stale entries included.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.live_app import fail_or_skip, free_port

START_TIMEOUT = 10.0


class RedisServer:
    """One redis-server process at a time, on a fixed port and data directory."""

    def __init__(self, binary: str, data_dir: Path) -> None:
        self._binary = binary
        self._data_dir = data_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start redis-server and wait until it answers PING."""
        command = [
            self._binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self._data_dir),
        ]
        command += ["--save", "3600 1", "--appendonly", "no", "--daemonize", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    client.close()
                    return
            time.sleep(0.05)
        self.stop()
        fail_or_skip(f"redis-server did not answer on port {self.port} within {START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """Shut it down (SIGTERM: it saves its data first) and wait until the port is closed."""
        if self._process is None:
            return
        self.resume()
        self._process.terminate()
        try:
            self._process.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def hang(self) -> None:
        """Freeze it (SIGSTOP): connections open and commands are never answered, like a stuck host."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Unfreeze it after `hang`."""
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def client(self) -> redis.Redis:
        """A plain client, for looking at what the app stored."""
        return redis.Redis.from_url(self.url, socket_timeout=2)


@pytest.fixture(name="redis_server")
def redis_server_fixture(tmp_path: Path) -> Iterator[RedisServer]:
    """A running redis-server of this test's own; fails on CI (skips elsewhere) without the binary."""
    binary = shutil.which("redis-server")
    if binary is None:
        fail_or_skip("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
