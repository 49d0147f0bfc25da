"""Secrets at rest: AES-GCM under a key per purpose derived with HKDF from the instance secret (core.keys).

A sealed value is "v1." + urlsafe base64 of (12-byte nonce + ciphertext + tag). The caller's `context`
(for example a project id) is authenticated with it, so a sealed value copied to another row does not open.

Large files (backups) are encrypted as a stream: an 8-byte random nonce prefix, then chunks of 1 MiB, each
AES-GCM with the nonce prefix + chunk number and the caller's `header` + a last-chunk flag authenticated,
so a chunk cannot be altered, reordered or dropped, and a file cut short does not open.
"""

from __future__ import annotations

import base64
import os
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from autodevhub.core.keys import derive_key

VERSION = "v1."
NONCE_BYTES = 12
STREAM_PREFIX_BYTES = 8
STREAM_CHUNK = 1 << 20
TAG_BYTES = 16


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


def _chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(NONCE_BYTES - STREAM_PREFIX_BYTES, "big")


def encrypt_stream(key: bytes, source: BinaryIO, target: BinaryIO, *, header: bytes) -> None:
    """Everything `source` holds, encrypted into `target` under `key`, bound to `header`."""
    aead, prefix = AESGCM(key), os.urandom(STREAM_PREFIX_BYTES)
    target.write(prefix)
    index = 0
    while True:
        chunk = source.read(STREAM_CHUNK)
        last = len(chunk) < STREAM_CHUNK  # the last chunk is short (maybe empty): the end is authenticated
        target.write(aead.encrypt(_chunk_nonce(prefix, index), chunk, header + bytes([last])))
        if last:
            return
        index += 1


def decrypt_stream(key: bytes, source: BinaryIO, target: BinaryIO, *, header: bytes) -> None:
    """The plaintext of an `encrypt_stream` result into `target`; SealedValueUnreadable when the key or
    header is wrong or the stream was altered or cut short (what was written to `target` is then garbage)."""
    aead, prefix = AESGCM(key), source.read(STREAM_PREFIX_BYTES)
    index = 0
    while True:
        block = source.read(STREAM_CHUNK + TAG_BYTES)
        last = len(block) < STREAM_CHUNK + TAG_BYTES
        try:
            if len(prefix) != STREAM_PREFIX_BYTES:
                raise InvalidTag
            target.write(aead.decrypt(_chunk_nonce(prefix, index), block, header + bytes([last])))
        except InvalidTag as error:
            raise SealedValueUnreadable("wrong key, or the file was altered or cut short") from error
        if last:
            if source.read(1):
                raise SealedValueUnreadable("unexpected data after the end")
            return
        index += 1
