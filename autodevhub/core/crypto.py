"""Secrets at rest: AES-GCM under a key per purpose derived with HKDF from the instance secret (core.keys).

A sealed value is "v1." + urlsafe base64 of (12-byte nonce + ciphertext + tag). The caller's `context`
(for example a project id) is authenticated with it, so a sealed value copied to another row does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from autodevhub.core.keys import derive_key

VERSION = "v1."
NONCE_BYTES = 12


class SealedValueUnreadable(Exception):
    """The value was sealed under another instance secret, for another context, or was altered."""


def seal(plaintext: str, *, purpose: str, context: str) -> str:
    """`plaintext` encrypted for `purpose`, bound to `context`."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(derive_key(purpose)).encrypt(nonce, plaintext.encode(), context.encode())
    return VERSION + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(value: str, *, purpose: str, context: str) -> str:
    """The plaintext of a `seal` result; SealedValueUnreadable when it cannot be opened."""
    if not value.startswith(VERSION):
        raise SealedValueUnreadable("unknown format")
    try:
        raw = base64.urlsafe_b64decode(value[len(VERSION) :])
        opened = AESGCM(derive_key(purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as error:
        raise SealedValueUnreadable("cannot be decrypted with this instance's secret key") from error
    return opened.decode()
