"""Webhook signatures: HMAC-SHA256, in the Standard Webhooks scheme Codat's own deliveries use (Svix).

Every delivery carries three headers::

    webhook-id:         the event id (the same on every retry, so receivers can de-duplicate)
    webhook-timestamp:  Unix seconds of this attempt (receivers reject old ones: no replays)
    webhook-signature:  "v1," + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))

``key`` is the base64-decoded part of the consumer's ``whsec_…`` secret. Receivers can verify with
any Standard Webhooks / Svix library, or with :func:`verify` below.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def new_secret() -> str:
    """A fresh consumer secret: ``whsec_`` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("webhook secrets start with whsec_")
    return base64.b64decode(secret[len(PREFIX) :], validate=True)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one delivery."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, received: dict[str, str], body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """Check a delivery's signature headers (any of several space-separated signatures may match)."""
    lowered = {k.lower(): v for k, v in received.items()}
    try:
        message_id = lowered[ID_HEADER]
        timestamp = int(lowered[TIMESTAMP_HEADER])
        offered = lowered[SIGNATURE_HEADER].split()
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
