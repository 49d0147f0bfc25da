"""One key per purpose, derived with HKDF-SHA256 from the instance secret: no key serves two uses, and
the raw secret signs nothing itself. Derived once per process for each secret and purpose."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from autodevhub.core.settings import get_settings

KEY_BYTES = 32
JWT_SIGNING = "jwt-signing"
OAUTH_SESSION = "oauth-session-cookie"
BACKUP_ENCRYPTION = "backup-encryption"


def derive_key(purpose: str) -> bytes:
    """The key for `purpose` (its HKDF `info` is "autodevhub/<purpose>") under the configured secret."""
    return _derive(get_settings().resolved_secret_key(), purpose)


@functools.lru_cache(maxsize=16)
def _derive(secret: str, purpose: str) -> bytes:
    info = f"autodevhub/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret.encode())
