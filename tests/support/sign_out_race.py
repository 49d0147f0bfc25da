"""A read held back by a PostgreSQL table lock until the tab has signed out: for the background loads that
read outside the state lock and must drop an answer that outlived the sign-in it was read for."""

from __future__ import annotations

import threading
import time

from reflex.event import EventHandler
from sqlalchemy import text

from autodevhub.core.db import get_engine
from tests.support.state_harness import Tab

WAITING = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"


def sign_out_during_read(tab: Tab, route: str, handler: EventHandler, table: str) -> None:
    """Open `route`, send `handler` while `table` is locked, sign the tab out once its read waits on the
    lock, then let the read finish (the tab is on /login, its states reset, when the answer comes back)."""
    with get_engine().connect() as locker:
        tab.open(route)
        locker.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
        reading = threading.Thread(target=tab.send, args=(handler,))
        reading.start()
        deadline = time.monotonic() + 10
        while not locker.execute(text(WAITING)).scalar() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert locker.execute(text(WAITING)).scalar(), f"the read never reached the {table} table"
        tab.cookie = ""
        tab.open("/login")  # signed out: the tab's states reset
        locker.commit()
        reading.join(timeout=30)
