"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a key from
``GATEWAY_SECRET_KEY``.

The setting may be a Fernet key (32 url-safe base64 bytes) or any passphrase, which is stretched
with HKDF-SHA256. ``GATEWAY_PREVIOUS_SECRET_KEYS`` lets an operator rotate: new tokens use the first
key, old tokens still decrypt, and ``rotate()`` re-encrypts one. Without a configured key the
gateway derives a fixed development key and says so loudly at start-up: such data is not protected.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence

import msgspec
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gateway.settings import DEV_SECRET_PASSPHRASE, SecuritySettings

_INFO = b"intacct-gateway/connection-credentials/v1"


class CredentialsUnreadable(Exception):
    """Stored credentials cannot be decrypted with any configured key (key lost or changed)."""


def derive_key(secret: str) -> bytes:
    """A Fernet key for ``secret``: used as is when it already is one, else derived with HKDF."""
    try:
        raw = base64.urlsafe_b64decode(secret.encode("ascii"))
        if len(raw) == 32 and len(secret) == 44:
            return secret.encode("ascii")
    except (binascii.Error, UnicodeEncodeError, ValueError):
        pass
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(material)


class CredentialCipher:
    """Encrypts a flat ``{name: value}`` credentials mapping to an opaque token and back."""

    def __init__(self, secrets: Sequence[str]) -> None:
        if not secrets:
            raise ValueError("at least one secret is required")
        self._fernet = MultiFernet([Fernet(derive_key(s)) for s in secrets])

    @classmethod
    def from_settings(cls, settings: SecuritySettings) -> CredentialCipher:
        primary = settings.secret_key or DEV_SECRET_PASSPHRASE
        return cls([primary, *settings.previous_secret_keys])

    def encrypt(self, credentials: Mapping[str, str]) -> bytes:
        return self._fernet.encrypt(msgspec.json.encode(dict(credentials)))

    def decrypt(self, token: bytes) -> dict[str, str]:
        try:
            plain = self._fernet.decrypt(bytes(token))
        except InvalidToken:
            raise CredentialsUnreadable(
                "stored credentials cannot be decrypted with the configured keys"
            ) from None
        return msgspec.json.decode(plain, type=dict[str, str])

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt ``token`` under the primary key."""
        try:
            return self._fernet.rotate(bytes(token))
        except InvalidToken:
            raise CredentialsUnreadable(
                "stored credentials cannot be decrypted with the configured keys"
            ) from None
