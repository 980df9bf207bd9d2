"""Webhook signatures (Standard Webhooks: HMAC-SHA256 over id.timestamp.body, base64, "v1,")."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from gateway.webhooks import signing

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body() -> None:
    body = b'{"id":"1"}'
    expected = hmac.new(b"k" * 32, b"msg_1.1700000000." + body, hashlib.sha256).digest()
    assert signing.signature(SECRET, "msg_1", 1700000000, body) == "v1," + base64.b64encode(expected).decode()


def test_verify_accepts_the_real_headers_only() -> None:
    body = b'{"eventType":"bills.write.successful"}'
    headers = signing.headers(SECRET, "evt", 1000, body)
    assert signing.verify(SECRET, headers, body, now=1000)
    assert signing.verify(SECRET, {k.upper(): v for k, v in headers.items()}, body, now=1100)
    assert not signing.verify(SECRET, headers, body + b"x", now=1000)  # body changed
    assert not signing.verify(signing.new_secret(), headers, body, now=1000)  # other secret
    assert not signing.verify(SECRET, {**headers, "webhook-id": "other"}, body, now=1000)
    assert not signing.verify(SECRET, headers, body, now=1000 + 301)  # replayed later
    assert not signing.verify(SECRET, {"webhook-id": "evt"}, body, now=1000)
    rotated = {**headers, "webhook-signature": "v1,bm90LWl0 " + headers["webhook-signature"]}
    assert signing.verify(SECRET, rotated, body, now=1000)


def test_new_secrets_are_random_and_well_formed() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first != second and first.startswith("whsec_")
    assert len(base64.b64decode(first[len("whsec_") :])) == 32


def test_a_secret_without_the_prefix_is_refused() -> None:
    with pytest.raises(ValueError):
        signing.signature("plain", "id", 1, b"")
