"""The backup file: a magic line, a JSON header line, then the database dump, plain or encrypted.

The header says which database wrote the dump and how it is encrypted: `none` (its size and SHA-256 are
in the header), `instance-key` (AES-GCM, key derived from the instance secret) or `passphrase` (AES-GCM,
key from the passphrase through scrypt, salt and cost in the header). Encrypted, the header is
authenticated with every chunk (core.crypto's stream), so it cannot be swapped either.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from autodevhub.core import crypto
from autodevhub.core.errors import ServiceError
from autodevhub.core.keys import BACKUP_ENCRYPTION, derive_key

MAGIC = b"AUTODEVHUB-BACKUP\n"
MAX_HEADER = 4096
MIN_PASSPHRASE = 12
SCRYPT_COST = {"n": 2**15, "r": 8, "p": 1}
Database = Literal["sqlite", "postgresql"]
Encryption = Literal["none", "instance-key", "passphrase"]


class BackupError(ServiceError):
    """A backup cannot be made or restored; the message says why."""


class ScryptCost(BaseModel):
    """scrypt's salt and cost, bounded: a crafted header cannot ask for gigabytes of memory."""

    salt: str = Field(pattern=r"^[A-Za-z0-9+/]{22}==$")  # 16 bytes, base64
    n: int = Field(ge=2**14, le=2**20)
    r: int = Field(ge=1, le=16)
    p: int = Field(ge=1, le=4)

    @field_validator("n")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise ValueError("n must be a power of 2")
        return value


class Header(BaseModel):
    format: Literal[1] = 1
    database: Database
    encryption: Encryption
    created_at: str
    revision: str | None = None
    size: int | None = None  # plain dumps only, with their digest
    sha256: str | None = None
    scrypt: ScryptCost | None = None

    @model_validator(mode="after")
    def _complete(self) -> Header:
        if self.encryption == "none" and (self.size is None or self.sha256 is None):
            raise ValueError("a plain backup states its size and digest")
        if self.encryption == "passphrase" and self.scrypt is None:
            raise ValueError("a passphrase backup states its scrypt salt and cost")
        return self


def passphrase_key(passphrase: str, cost: ScryptCost) -> bytes:
    """The AES key for `passphrase` under the header's scrypt salt and cost."""
    kdf = Scrypt(salt=base64.b64decode(cost.salt), length=32, n=cost.n, r=cost.r, p=cost.p)
    return kdf.derive(passphrase.encode())


def check_passphrase(passphrase: str) -> None:
    """BackupError when the passphrase is too short to protect a backup."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"The passphrase needs at least {MIN_PASSPHRASE} characters.")


def new_header(dump: Path, database: Database, encryption: Encryption, revision: str | None) -> Header:
    """The header for `dump`: its size and digest when plain, a fresh scrypt salt for a passphrase."""
    plain = encryption == "none"
    salt = base64.b64encode(os.urandom(16)).decode()
    return Header(
        database=database,
        encryption=encryption,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        revision=revision,
        size=dump.stat().st_size if plain else None,
        sha256=_digest(dump) if plain else None,
        scrypt=ScryptCost(salt=salt, **SCRYPT_COST) if encryption == "passphrase" else None,
    )


def write(dump: Path, out: Path, header: Header, passphrase: str | None) -> None:
    """The backup file at `out` from the database dump at `dump`, encrypted as `header.encryption` says."""
    line = header.model_dump_json(exclude_none=True).encode() + b"\n"
    with dump.open("rb") as source, out.open("wb") as target:
        target.write(MAGIC + line)
        if header.encryption == "none":
            shutil.copyfileobj(source, target)
        else:
            crypto.encrypt_stream(_key(header, passphrase), source, target, header=MAGIC + line)


def read_header(path: Path) -> Header:
    """The header of the backup at `path`; BackupError when it is not one."""
    with path.open("rb") as source:
        return _header(source)[0]


def extract(path: Path, dump: Path, passphrase: str | None) -> Header:
    """The database dump of the backup at `path`, decrypted and checked whole, written to `dump`."""
    with path.open("rb") as source:
        header, line = _header(source)
        key = None if header.encryption == "none" else _key(header, passphrase)
        with dump.open("wb") as target:
            if key is None:
                shutil.copyfileobj(source, target)
            else:
                try:
                    crypto.decrypt_stream(key, source, target, header=MAGIC + line)
                except crypto.SealedValueUnreadable as error:
                    raise BackupError(f"The backup cannot be decrypted: {_unreadable(header)}") from error
    if header.encryption == "none" and (dump.stat().st_size != header.size or _digest(dump) != header.sha256):
        raise BackupError("The backup is damaged or cut short (its size or checksum does not match).")
    return header


def _header(source: BinaryIO) -> tuple[Header, bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("Not an AutoDevHub backup file.")
    line = source.readline(MAX_HEADER)
    try:
        return Header.model_validate(json.loads(line)), line
    except (ValueError, ValidationError) as error:
        raise BackupError("The backup's header is damaged or from a newer version.") from error


def _key(header: Header, passphrase: str | None) -> bytes:
    if header.encryption == "instance-key":
        return derive_key(BACKUP_ENCRYPTION)
    if passphrase is None:
        raise BackupError("This backup is encrypted with a passphrase: give it with --passphrase-stdin.")
    if header.scrypt is None:  # Header refuses this; keeps the type checker informed
        raise BackupError("The backup's header is damaged.")
    return passphrase_key(passphrase, header.scrypt)


def _unreadable(header: Header) -> str:
    if header.encryption == "passphrase":
        return "wrong passphrase, or the file is damaged or cut short."
    return "made under another AUTODEVHUB_SECRET_KEY, or the file is damaged or cut short."


def _digest(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
