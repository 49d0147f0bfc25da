"""The start-up line that says where to open the app: sign-in cookies (GitHub's state cookie too) belong to
the public URL's host, so http://0.0.0.0:3000 or 127.0.0.1 cannot finish a GitHub sign-in."""

from __future__ import annotations

from autodevhub.core.settings import get_settings


def public_url_line() -> str:
    url = get_settings().base_url
    return f"AutoDevHub is ready: open {url} (AUTODEVHUB_PUBLIC_URL; sign-in works on that address)."


async def announce_public_url() -> None:
    """A lifespan task: print the public URL once the server starts."""
    print(public_url_line(), flush=True)
