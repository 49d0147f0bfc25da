"""core.crypto's stream: large files in AES-GCM chunks that cannot be altered, reordered or cut short."""

from __future__ import annotations

import io
import os

import pytest

from autodevhub.core import crypto

KEY = bytes(range(32))
HEADER = b"header line\n"
CHUNK = 64


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "STREAM_CHUNK", CHUNK)


def encrypt(plain: bytes, key: bytes = KEY, header: bytes = HEADER) -> bytes:
    out = io.BytesIO()
    crypto.encrypt_stream(key, io.BytesIO(plain), out, header=header)
    return out.getvalue()


def decrypt(sealed: bytes, key: bytes = KEY, header: bytes = HEADER) -> bytes:
    out = io.BytesIO()
    crypto.decrypt_stream(key, io.BytesIO(sealed), out, header=header)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_every_size_round_trips(size):
    plain = os.urandom(size)
    sealed = encrypt(plain)
    assert decrypt(sealed) == plain
    assert size < 16 or plain[:16] not in sealed
    assert encrypt(plain) != sealed  # a fresh nonce prefix per stream


def test_a_stream_cut_anywhere_does_not_open():
    sealed = encrypt(os.urandom(3 * CHUNK))
    for cut in range(len(sealed)):
        with pytest.raises(crypto.SealedValueUnreadable):
            decrypt(sealed[:cut])


def test_another_key_header_order_or_trailing_data_does_not_open():
    sealed = encrypt(os.urandom(2 * CHUNK + 3))
    block = CHUNK + crypto.TAG_BYTES
    prefix, first, second = sealed[:8], sealed[8 : 8 + block], sealed[8 + block : 8 + 2 * block]
    for bad, key, header in (
        (sealed, bytes(32), HEADER),
        (sealed, KEY, b"another header\n"),
        (prefix + second + first + sealed[8 + 2 * block :], KEY, HEADER),
        (sealed + b"x", KEY, HEADER),
        (sealed[:20] + bytes([sealed[20] ^ 1]) + sealed[21:], KEY, HEADER),
    ):
        with pytest.raises(crypto.SealedValueUnreadable):
            decrypt(bad, key, header)
